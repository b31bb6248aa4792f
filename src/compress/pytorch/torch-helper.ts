/**
 * Runs the PyTorch compression helper (`<python> -m tunekit.compress_torch`) with the user's
 * interpreter: one JSON request on stdin, progress and one result or error line back on stdout
 * (torch-helper-messages.ts). The interpreter is whatever the user configured (the
 * tunekit.pythonPath setting, the CLI's --python flag), because only that one has their torch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import type { CompressionProgress } from '../../protocol/compression';
import { pythonClientDir } from '../../engine/python-client-path';
import { CompressError } from '../compress-error';
import { HelperProtocolError, parseHelperLine } from './torch-helper-messages';
import type { HelperRequest } from './torch-helper-messages';

export interface TorchHelperOptions {
  /** The interpreter; default 'python3'. */
  python?: string;
  /** The helper's working directory: where a pickled model's own modules import from. Default: this process's. */
  cwd?: string;
  signal?: AbortSignal;
  onProgress?: (progress: CompressionProgress) => void;
}

/** How to point Tunekit at an interpreter with torch, for every message that needs one. */
export const PYTHON_HINT = 'Point Tunekit at a Python that has PyTorch: the tunekit.pythonPath setting in VS Code, or --python on the command line.';

/** Bytes of stderr kept for the message when the helper dies without an error line. */
const STDERR_TAIL = 4000;
/** After SIGTERM on cancel, the helper gets this long to delete its temporary file before SIGKILL. */
const KILL_GRACE_MS = 3000;

/** Runs one request and returns the helper's (not yet validated) result object. */
export async function runTorchHelper(request: HelperRequest, options: TorchHelperOptions = {}): Promise<Record<string, unknown>> {
  const python = options.python ?? 'python3';
  options.signal?.throwIfAborted();
  const env: Record<string, string | undefined> = {
    PYTHONPATH: [pythonClientDir(), process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
    PYTHONUNBUFFERED: '1',
    // The helper lives inside the installed extension: no __pycache__ written there.
    PYTHONDONTWRITEBYTECODE: '1',
    // Not a trial: the tunekit package must not install its trial SIGTERM handler.
    TUNEKIT_TRIAL_NUMBER: undefined,
  };
  const child = execa(python, ['-m', 'tunekit.compress_torch'], {
    input: JSON.stringify(request),
    cwd: options.cwd,
    env,
    extendEnv: true,
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    forceKillAfterDelay: KILL_GRACE_MS,
    windowsHide: true,
  });

  const pid = child.pid;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL);
  });
  let outcome: { result: Record<string, unknown> } | { error: CompressError } | undefined;
  let protocolError: Error | undefined;
  if (child.stdout) {
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      if (outcome || protocolError) continue;
      try {
        const msg = parseHelperLine(line);
        if (msg?.kind === 'progress') options.onProgress?.(msg.progress);
        else if (msg?.kind === 'result') outcome = { result: msg.result };
        else if (msg?.kind === 'error') outcome = { error: helperError(python, msg.reason, msg.message, msg.detail) };
      } catch (err) {
        if (!(err instanceof HelperProtocolError)) throw err;
        protocolError = err;
      }
    }
  }
  const done = await child;

  if (options.signal?.aborted) {
    removeHelperTemporaries(request, pid);
    // Cancelled just after the helper linked its output into place: the caller was promised
    // nothing, so the file this run created goes too (the helper never replaces a file, so it is ours).
    if (outcome && 'result' in outcome && 'output' in request) fs.rmSync(request.output, { force: true });
    options.signal.throwIfAborted();
  }
  if (done.failed && done.exitCode === undefined && done.signal === undefined) {
    // It never started: the interpreter is not there (ENOENT) or cannot be run (EACCES).
    throw new CompressError('torch-missing', `Cannot run the Python interpreter "${python}" (${done.code ?? done.originalMessage}). ${PYTHON_HINT}`, {
      cause: done,
    });
  }
  if (outcome && 'error' in outcome) throw outcome.error;
  if (outcome && !protocolError) return outcome.result;
  removeHelperTemporaries(request, pid);
  const why = protocolError ? `its output broke the protocol: ${protocolError.message}` : done.signal ? `it was killed by ${done.signal}` : `it exited with status ${done.exitCode} and no result`;
  throw new CompressError('helper-failed', `The PyTorch helper (${python} -m tunekit.compress_torch) failed: ${why}.${stderr.trim() ? `\n${stderr.trim()}` : ''}`, {
    cause: protocolError ?? done,
  });
}

function helperError(python: string, reason: CompressError['reason'], message: string, detail: string | undefined): CompressError {
  const text = reason === 'torch-missing' ? `${message}. ${PYTHON_HINT}` : message;
  const cause = detail ? Object.assign(new Error(`Python traceback from ${python}:\n${detail}`), { name: 'PythonTraceback' }) : undefined;
  return new CompressError(reason, text, cause ? { cause } : undefined);
}

/**
 * A helper killed while writing leaves its temporary beside the output (`.<name>.tmp-<pid>-*`,
 * python/tunekit/_compress_checkpoint.py save_checkpoint); only this run's pid is matched, so
 * another writer's temporary is never touched.
 */
function removeHelperTemporaries(request: HelperRequest, pid: number | undefined): void {
  if (pid === undefined || !('output' in request)) return;
  const dir = path.dirname(path.resolve(request.output));
  const prefix = `.${path.basename(request.output)}.tmp-${pid}-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { force: true });
}
