/**
 * PyTorch checkpoints (.pt / .pth: state dicts, pickled nn.Modules, TorchScript) through the
 * Python helper: compressPytorch is the FormatCompressor of format-job.ts, verifyPytorch runs the
 * original and the compressed model on the same inputs, inspectPytorch lists what is inside.
 */
import type { AccuracyFigures, CompressionMethod, CompressionProgress, LatencyFigures, OutputAgreement, TensorSelection } from '../../protocol/compression';
import { CompressError } from '../compress-error';
import type { FormatCompressor, FormatJob, FormatResult } from '../format-job';
import { runTorchHelper } from './torch-helper';
import { validateCompressResult, validateInspectResult, validateRunResult } from './torch-helper-messages';
import type { CheckpointDescription, HelperRequest, InspectResult, TorchInputs } from './torch-helper-messages';
import { checkSelection } from '../selection-pattern';

export const compressPytorch: FormatCompressor = async (job: FormatJob): Promise<FormatResult> => {
  const result = await compressPytorchDetailed(job);
  return { layers: result.layers, before: result.before, after: result.after, warnings: result.warnings };
};

/** compressPytorch plus what only PyTorch knows: the checkpoint's kind and the output's size. */
export async function compressPytorchDetailed(job: FormatJob): Promise<FormatResult & { checkpoint: CheckpointDescription; bytes: number }> {
  const selection = checkSelection(job.selection);
  const request = requestFor(job.source, job.output, checkMethod(job.method), selection);
  const raw = await runTorchHelper(request, helperOptions(job));
  const result = validateCompressResult(raw, request.op as 'prune' | 'quantize');
  return { layers: result.layers, before: result.before, after: result.after, warnings: result.warnings, checkpoint: result.checkpoint, bytes: result.bytes };
}

function requestFor(source: string, output: string, method: CompressionMethod, selection: TensorSelection): HelperRequest {
  return method.kind === 'prune'
    ? { op: 'prune', source, output, method, selection }
    : { op: 'quantize', source, output, scheme: method.scheme, selection };
}

function helperOptions(job: { python?: string; signal?: AbortSignal; onProgress?: (p: CompressionProgress) => void; cwd?: string }) {
  return {
    python: job.python ?? 'python3',
    ...(job.signal ? { signal: job.signal } : {}),
    ...(job.onProgress ? { onProgress: job.onProgress } : {}),
    ...(job.cwd ? { cwd: job.cwd } : {}),
  };
}

/** The helper validates too; checking here gives the same message without starting Python. */
function checkMethod(method: CompressionMethod): CompressionMethod {
  if (method.kind === 'prune') {
    if (method.pattern === 'unstructured') {
      if (!(method.sparsity > 0 && method.sparsity < 1)) throw new CompressError('bad-input', `The target sparsity must be between 0 and 1 (exclusive), got ${method.sparsity}.`);
    } else if (!(Number.isInteger(method.n) && Number.isInteger(method.m) && method.n > 0 && method.n < method.m && method.m <= 64)) {
      throw new CompressError('bad-input', `N:M pruning needs integers 0 < N < M <= 64, got ${method.n}:${method.m}.`);
    }
  }
  return method;
}

export interface PytorchVerifyOptions {
  original: string;
  compressed: string;
  inputs: TorchInputs;
  /** Timed forward passes per model (after `warmup` untimed ones); default 50 and 5. */
  runs?: number;
  warmup?: number;
  /** torch intra-op threads for both models; default 1, so the two are timed alike. */
  threads?: number;
  python?: string;
  cwd?: string;
  signal?: AbortSignal;
  onProgress?: (progress: CompressionProgress) => void;
}

export interface PytorchVerification {
  agreement: OutputAgreement;
  latencyBefore: LatencyFigures;
  latencyAfter: LatencyFigures;
  /** Present when the inputs carried labels and the output is [batch, classes]. */
  accuracy?: AccuracyFigures;
  outputShape: number[];
  threads: number;
  warnings: string[];
}

/**
 * Loads both checkpoints in the helper and compares their outputs on the same inputs. A state
 * dict cannot run (it has no code): CompressError('bad-input') says so.
 */
export async function verifyPytorch(options: PytorchVerifyOptions): Promise<PytorchVerification> {
  const request: HelperRequest = {
    op: 'run',
    original: options.original,
    compressed: options.compressed,
    inputs: options.inputs,
    ...(options.runs !== undefined ? { runs: options.runs } : {}),
    ...(options.warmup !== undefined ? { warmup: options.warmup } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  };
  const r = validateRunResult(await runTorchHelper(request, helperOptions(options)));
  return {
    agreement: {
      samples: r.samples,
      inputsFrom: r.inputsFrom,
      maxAbsDiff: r.maxAbsDiff,
      meanAbsDiff: r.meanAbsDiff,
      ...(r.top1Agreement !== null ? { top1Agreement: r.top1Agreement } : {}),
    },
    latencyBefore: r.latencyBefore,
    latencyAfter: r.latencyAfter,
    ...(r.accuracy ? { accuracy: { source: 'labels', metric: 'accuracy', before: r.accuracy.before, after: r.accuracy.after } } : {}),
    outputShape: r.outputShape,
    threads: r.threads,
    warnings: r.warnings,
  };
}

/** What a PyTorch checkpoint holds: its kind, every tensor, and the weights a method may touch. */
export async function inspectPytorch(
  source: string,
  options: { selection?: TensorSelection; python?: string; cwd?: string; signal?: AbortSignal } = {},
): Promise<InspectResult> {
  const selection = checkSelection(options.selection ?? {});
  return validateInspectResult(await runTorchHelper({ op: 'inspect', source, selection }, helperOptions(options)));
}
