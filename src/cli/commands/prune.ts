/**
 * `tunekit prune MODEL [--sparsity 0.5] [--scope global|layer] [--pattern 2:4] ...`: magnitude
 * pruning of an ONNX, safetensors or PyTorch checkpoint into a new file beside it, verified
 * against the original.
 */
import { parseArgs } from 'node:util';
import type { PruneMethod } from '../../protocol/compression';
import { CliUsageError } from '../cli-error';
import { SHARED_COMPRESS_OPTIONS, SHARED_COMPRESS_USAGE, parseFraction, sharedRequest, singleModel } from '../compress-options';
import type { CompressIo } from '../compress-run';
import { runCompressCommand } from '../compress-run';

export const PRUNE_USAGE = `tunekit prune MODEL [--sparsity 0.5] [--scope global|layer] [--pattern 2:4] [options]

Zeroes the smallest weights of MODEL (.onnx, .safetensors, .pt/.pth) into a new file beside it,
then runs both models on the same inputs and reports size, sparsity, latency, output agreement
and accuracy before and after. Only the weights of MatMul / Gemm / Conv (Linear / Conv) layers
are pruned: never biases, norms or embeddings unless asked. The original is never modified.
  --sparsity F          fraction of the eligible weights to zero (default 0.5)
  --scope global|layer  rank weights across all layers (global, default) or within each layer
  --pattern N:M         structured N:M instead: keep the N largest of every M consecutive
                        weights along the input dimension (2:4 runs fast on sparse tensor cores)
${SHARED_COMPRESS_USAGE}`;

/** The flags `tunekit prune` takes. */
export const PRUNE_OPTIONS = { ...SHARED_COMPRESS_OPTIONS, sparsity: { type: 'string' }, scope: { type: 'string' }, pattern: { type: 'string' } } as const;

export async function pruneCommand(argv: string[], io: CompressIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out.write(PRUNE_USAGE + '\n');
    return 0;
  }
  return runCompressCommand(
    argv.includes('--json'),
    () => {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: PRUNE_OPTIONS,
      });
      const model = singleModel(positionals, 'prune', PRUNE_USAGE);
      return { ...sharedRequest(model, values), method: pruneMethod(values) };
    },
    io,
  );
}

function pruneMethod(values: { sparsity?: string; scope?: string; pattern?: string }): PruneMethod {
  if (values.pattern !== undefined && values.pattern !== 'unstructured') {
    if (values.sparsity !== undefined || values.scope !== undefined) throw new CliUsageError('--pattern N:M sets the sparsity itself (N of every M kept): drop --sparsity and --scope');
    const match = /^(\d+):(\d+)$/.exec(values.pattern);
    const n = Number(match?.[1]);
    const m = Number(match?.[2]);
    if (!match || n < 1 || n >= m) throw new CliUsageError(`--pattern takes N:M with 1 <= N < M, e.g. 2:4 (keep 2 of every 4); not "${values.pattern}"`);
    return { kind: 'prune', pattern: 'n:m', n, m };
  }
  const scope = values.scope ?? 'global';
  if (scope !== 'global' && scope !== 'layer') throw new CliUsageError(`--scope is global or layer, not "${scope}"`);
  const sparsity = values.sparsity === undefined ? 0.5 : parseFraction(values.sparsity, '--sparsity');
  return { kind: 'prune', pattern: 'unstructured', scope, sparsity };
}
