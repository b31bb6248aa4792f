/**
 * The command line of one compression: an argv array for VS Code's own Node running the bundled
 * CLI (`dist/cli.js prune|quantize MODEL ... --json`), never a shell string, so a path with
 * spaces or a regular expression reaches the CLI whole. The CLI does the work in its own process
 * (as the engine does, engine-args.ts), so a large model never blocks the extension host and a
 * crash cannot take it down; `--json` makes it report progress, the result and errors as JSON
 * lines (compress-json-lines.ts).
 */
import type { CompressionMethod, TensorSelection } from '../../protocol/compression';

export interface CompressCliRequest {
  /** Absolute path of the bundled CLI (`<extension>/dist/cli.js`). */
  readonly cliPath: string;
  /** Absolute path of the checkpoint; never modified. */
  readonly model: string;
  readonly method: CompressionMethod;
  /** Left out: the CLI's default, a free name beside the model (src/compress/output-path.ts); the report says which. */
  readonly output?: string;
  readonly selection?: TensorSelection;
  /** Verification inputs (and labels) the user picked; left out: generated from the model's input shapes. */
  readonly inputs?: string;
  /** A study file whose evaluation command measures the metric before and after. */
  readonly study?: string;
  /** The Python interpreter (PyTorch checkpoints, the study's evaluation). Left out: the CLI's default. */
  readonly python?: string;
  /** False: skip running both models (`--no-verify`). */
  readonly verify?: boolean;
}

/** Arguments for `process.execPath` (with ELECTRON_RUN_AS_NODE=1, see engine-args.ts engineEnv). */
export function compressCliArgs(request: CompressCliRequest): string[] {
  const { method, selection = {} } = request;
  return [
    request.cliPath,
    method.kind,
    request.model,
    ...methodFlags(method),
    ...(selection.include !== undefined ? ['--include', selection.include] : []),
    ...(selection.exclude !== undefined ? ['--exclude', selection.exclude] : []),
    ...(selection.embeddings ? ['--embeddings'] : []),
    ...(request.output !== undefined ? ['--output', request.output] : []),
    ...(request.inputs ? ['--inputs', request.inputs] : []),
    ...(request.study ? ['--study', request.study] : []),
    ...(request.python ? ['--python', request.python] : []),
    ...(request.verify === false ? ['--no-verify'] : []),
    '--json',
  ];
}

function methodFlags(method: CompressionMethod): string[] {
  if (method.kind === 'quantize') return ['--scheme', method.scheme];
  if (method.pattern === 'n:m') return ['--pattern', `${method.n}:${method.m}`];
  return ['--sparsity', String(method.sparsity), '--scope', method.scope];
}
