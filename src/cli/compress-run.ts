/**
 * Runs one compression for `tunekit prune` / `tunekit quantize` and speaks to whoever reads the
 * output: a person (progress bar, then the tables) or, with --json, a program such as the VS Code
 * extension (`{"type":"progress"}` lines, then one `{"type":"report"}` or `{"type":"error"}`
 * line on stdout). A CompressError is the user's to fix: its message, exit code 1, no stack.
 */
import type { CompressRequest } from '../compress/compress-checkpoint';
import { compressCheckpoint } from '../compress/compress-checkpoint';
import { CompressError } from '../compress/compress-error';
import type { CompressionMethod } from '../protocol/compression';
import { CliUsageError } from './cli-error';
import { CompressProgress } from './compress-progress';
import { formatCompressionReport } from './compress-report-table';

export interface CompressIo {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

/** Builds the request (which may throw CliUsageError) and runs it; returns the exit code. */
export async function runCompressCommand(json: boolean, build: () => CompressRequest & { method: CompressionMethod }, io: CompressIo): Promise<number> {
  let request: CompressRequest;
  try {
    request = build();
  } catch (err) {
    // Usage errors keep exit code 2; with --json the caller also gets them as a line it can parse.
    const unknownFlag = err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true;
    if (json && (CliUsageError.is(err) || unknownFlag)) {
      io.out.write(JSON.stringify({ type: 'error', reason: 'usage', message: (err as Error).message }) + '\n');
      return 2;
    }
    if (json && CompressError.is(err)) {
      io.out.write(JSON.stringify({ type: 'error', reason: err.reason, message: err.message }) + '\n');
      return 1;
    }
    if (CompressError.is(err)) {
      io.err.write(`tunekit: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const progress = new CompressProgress(json ? io.out : io.err, json ? 'json' : io.err.isTTY ? 'tty' : 'plain');
  const abort = new AbortController();
  const onSigint = (): void => abort.abort(new CompressError('interrupted', 'interrupted'));
  process.once('SIGINT', onSigint);
  try {
    const report = await compressCheckpoint({ ...request, onProgress: (p) => progress.handle(p), signal: abort.signal });
    progress.finish();
    if (json) io.out.write(JSON.stringify({ type: 'report', report }) + '\n');
    else io.out.write(formatCompressionReport(report) + '\n');
    return 0;
  } catch (err) {
    progress.finish();
    const known = CompressError.is(err);
    const message = known ? err.message : abort.signal.aborted ? 'interrupted' : ((err as Error).stack ?? String(err));
    if (json) io.out.write(JSON.stringify({ type: 'error', reason: known ? err.reason : 'internal', message }) + '\n');
    else io.err.write(`tunekit: ${message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
