/**
 * The messages of the PyTorch compression helper (python/tunekit/compress_torch.py and
 * python/tunekit/_compress_protocol.py: keep them in step): the requests Tunekit sends on stdin,
 * and the progress / result / error lines the helper prints on stdout. The helper runs with the
 * user's interpreter and torch, so its output is untrusted until these guards accept it.
 */
import type { CompressionProgress, LayerReport, PruneMethod, QuantizeScheme, TensorSelection } from '../../protocol/compression';
import type { CompressErrorReason } from '../compress-error';
import type { ParamCount } from '../format-job';

/** Every helper line starts with this; the trial client's "@@tunekit " is a different prefix. */
export const HELPER_PREFIX = '@@tunekit-compress ';

/** Where the verification inputs come from (see python/tunekit/_compress_run.py). */
export type TorchInputs =
  /** Raw little-endian float32 values, no header, of this shape. */
  | { kind: 'raw'; path: string; shape: number[] }
  /** A safetensors file: the input tensor and, optionally, integer labels for accuracy. */
  | { kind: 'safetensors'; path: string; input: string; labels?: string }
  /** Seeded normal values of this shape, or [batch, in_features of the first Linear]. */
  | { kind: 'generated'; shape?: number[]; batch?: number; seed?: number };

export type HelperRequest =
  | { op: 'inspect'; source: string; selection?: TensorSelection }
  | { op: 'prune'; source: string; output: string; method: PruneMethod; selection: TensorSelection }
  | { op: 'quantize'; source: string; output: string; scheme: QuantizeScheme; selection: TensorSelection }
  | { op: 'run'; original: string; compressed: string; inputs: TorchInputs; runs?: number; warmup?: number; threads?: number };

export type CheckpointKind = 'state_dict' | 'module' | 'torchscript';

export interface CheckpointDescription {
  kind: CheckpointKind;
  /** The key of the checkpoint dict that holds the model ('state_dict', 'model'...), or null. */
  container: string | null;
  /** The model's class for modules and TorchScript; null for state dicts. */
  className: string | null;
}

export interface InspectResult {
  op: 'inspect';
  checkpoint: CheckpointDescription;
  tensors: { name: string; shape: number[]; dtype: string; zeros: number }[];
  eligible: { name: string; op: string }[];
  params: number;
  zeros: number;
}

export interface CompressResult {
  op: 'prune' | 'quantize';
  checkpoint: CheckpointDescription;
  layers: LayerReport[];
  before: ParamCount;
  after: ParamCount;
  warnings: string[];
  output: string;
  bytes: number;
}

export interface HelperLatency {
  medianMs: number;
  p90Ms: number;
  runs: number;
}

export interface RunResult {
  op: 'run';
  samples: number;
  inputsFrom: 'file' | 'generated';
  outputShape: number[];
  maxAbsDiff: number;
  meanAbsDiff: number;
  top1Agreement: number | null;
  accuracy: { before: number; after: number } | null;
  latencyBefore: HelperLatency;
  latencyAfter: HelperLatency;
  threads: number;
  warnings: string[];
}

export type HelperLine =
  | { kind: 'progress'; progress: CompressionProgress }
  | { kind: 'result'; result: Record<string, unknown> }
  | { kind: 'error'; reason: CompressErrorReason; message: string; detail?: string };

/** The CompressErrorReasons the helper may send; anything else is the helper's own failure. */
const HELPER_REASONS: ReadonlySet<string> = new Set<CompressErrorReason>([
  'corrupt',
  'truncated',
  'no-eligible',
  'unsupported-dtype',
  'too-large',
  'torch-missing',
  'bad-input',
  'exists',
  'helper-failed',
]);
const STAGES: ReadonlySet<string> = new Set<CompressionProgress['stage']>(['read', 'prune', 'quantize', 'write', 'verify', 'evaluate']);

/** Thrown by the guards: what in the helper's output was not as agreed. */
export class HelperProtocolError extends Error {
  override name = 'HelperProtocolError';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(what: string, value: unknown): never {
  throw new HelperProtocolError(`${what} (got ${JSON.stringify(value)?.slice(0, 200) ?? String(value)})`);
}

function num(o: Record<string, unknown>, key: string, where: string, check: (n: number) => boolean = () => true): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) fail(`${where}.${key} is not a valid number`, v);
  return v;
}

const nonNegativeInt = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
const fraction = (n: number): boolean => n >= 0 && n <= 1;

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${where}.${key} is not a string`, v);
  return v;
}

function shape(o: Record<string, unknown>, key: string, where: string): number[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' && nonNegativeInt(d))) fail(`${where}.${key} is not a shape`, v);
  return v as number[];
}

function strings(o: Record<string, unknown>, key: string, where: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) fail(`${where}.${key} is not a list of strings`, v);
  return v as string[];
}

function record(o: Record<string, unknown>, key: string, where: string): Record<string, unknown> {
  const v = o[key];
  if (!isRecord(v)) fail(`${where}.${key} is not an object`, v);
  return v;
}

function list(o: Record<string, unknown>, key: string, where: string): Record<string, unknown>[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every(isRecord)) fail(`${where}.${key} is not a list of objects`, v);
  return v as Record<string, unknown>[];
}

/** One stdout line: undefined when it is not a helper line (a model's own print). */
export function parseHelperLine(line: string): HelperLine | undefined {
  if (!line.startsWith(HELPER_PREFIX)) return undefined;
  let msg: unknown;
  try {
    msg = JSON.parse(line.slice(HELPER_PREFIX.length));
  } catch {
    fail('a helper line is not JSON', line);
  }
  if (!isRecord(msg)) fail('a helper line is not an object', msg);
  switch (msg.kind) {
    case 'progress': {
      const stage = str(msg, 'stage', 'progress');
      if (!STAGES.has(stage)) fail('progress.stage is unknown', stage);
      const total = num(msg, 'total', 'progress', nonNegativeInt);
      const done = num(msg, 'done', 'progress', (n) => nonNegativeInt(n) && n <= total);
      return { kind: 'progress', progress: { stage: stage as CompressionProgress['stage'], done, total } };
    }
    case 'result':
      return { kind: 'result', result: msg };
    case 'error': {
      const reason = str(msg, 'reason', 'error');
      if (!HELPER_REASONS.has(reason)) fail('error.reason is unknown', reason);
      const detail = typeof msg.detail === 'string' ? msg.detail : undefined;
      return { kind: 'error', reason: reason as CompressErrorReason, message: str(msg, 'message', 'error'), ...(detail ? { detail } : {}) };
    }
    default:
      return fail('a helper line has an unknown kind', msg.kind);
  }
}

function checkpointOf(o: Record<string, unknown>): CheckpointDescription {
  const c = record(o, 'checkpoint', 'result');
  const kind = str(c, 'kind', 'checkpoint');
  if (kind !== 'state_dict' && kind !== 'module' && kind !== 'torchscript') fail('checkpoint.kind is unknown', kind);
  const container = c.container === null ? null : str(c, 'container', 'checkpoint');
  const className = c.className === null ? null : str(c, 'className', 'checkpoint');
  return { kind, container, className };
}

function paramCountOf(o: Record<string, unknown>, where: string): ParamCount {
  const params = num(o, 'params', where, nonNegativeInt);
  return { params, zeros: num(o, 'zeros', where, (n) => nonNegativeInt(n) && n <= params) };
}

function layerOf(o: Record<string, unknown>, i: number): LayerReport {
  const where = `layers[${i}]`;
  return {
    name: str(o, 'name', where),
    op: str(o, 'op', where),
    shape: shape(o, 'shape', where),
    params: num(o, 'params', where, nonNegativeInt),
    sparsityBefore: num(o, 'sparsityBefore', where, fraction),
    sparsityAfter: num(o, 'sparsityAfter', where, fraction),
    dtypeBefore: str(o, 'dtypeBefore', where),
    dtypeAfter: str(o, 'dtypeAfter', where),
  };
}

function latencyOf(o: Record<string, unknown>, key: string): HelperLatency {
  const l = record(o, key, 'result');
  return {
    medianMs: num(l, 'medianMs', key, (n) => n >= 0),
    p90Ms: num(l, 'p90Ms', key, (n) => n >= 0),
    runs: num(l, 'runs', key, (n) => nonNegativeInt(n) && n > 0),
  };
}

export function validateInspectResult(o: Record<string, unknown>): InspectResult {
  if (o.op !== 'inspect') fail('result.op is not inspect', o.op);
  return {
    op: 'inspect',
    checkpoint: checkpointOf(o),
    tensors: list(o, 'tensors', 'result').map((t, i) => ({
      name: str(t, 'name', `tensors[${i}]`),
      shape: shape(t, 'shape', `tensors[${i}]`),
      dtype: str(t, 'dtype', `tensors[${i}]`),
      zeros: num(t, 'zeros', `tensors[${i}]`, nonNegativeInt),
    })),
    eligible: list(o, 'eligible', 'result').map((t, i) => ({ name: str(t, 'name', `eligible[${i}]`), op: str(t, 'op', `eligible[${i}]`) })),
    ...paramCountOf(o, 'result'),
  };
}

export function validateCompressResult(o: Record<string, unknown>, op: 'prune' | 'quantize'): CompressResult {
  if (o.op !== op) fail(`result.op is not ${op}`, o.op);
  return {
    op,
    checkpoint: checkpointOf(o),
    layers: list(o, 'layers', 'result').map(layerOf),
    before: paramCountOf(record(o, 'before', 'result'), 'before'),
    after: paramCountOf(record(o, 'after', 'result'), 'after'),
    warnings: strings(o, 'warnings', 'result'),
    output: str(o, 'output', 'result'),
    bytes: num(o, 'bytes', 'result', nonNegativeInt),
  };
}

export function validateRunResult(o: Record<string, unknown>): RunResult {
  if (o.op !== 'run') fail('result.op is not run', o.op);
  const inputsFrom = str(o, 'inputsFrom', 'result');
  if (inputsFrom !== 'file' && inputsFrom !== 'generated') fail('result.inputsFrom is unknown', inputsFrom);
  let accuracy: RunResult['accuracy'] = null;
  if (o.accuracy !== null) {
    const a = record(o, 'accuracy', 'result');
    accuracy = { before: num(a, 'before', 'accuracy', fraction), after: num(a, 'after', 'accuracy', fraction) };
  }
  return {
    op: 'run',
    samples: num(o, 'samples', 'result', nonNegativeInt),
    inputsFrom,
    outputShape: shape(o, 'outputShape', 'result'),
    maxAbsDiff: num(o, 'maxAbsDiff', 'result', (n) => n >= 0),
    meanAbsDiff: num(o, 'meanAbsDiff', 'result', (n) => n >= 0),
    top1Agreement: o.top1Agreement === null ? null : num(o, 'top1Agreement', 'result', fraction),
    accuracy,
    latencyBefore: latencyOf(o, 'latencyBefore'),
    latencyAfter: latencyOf(o, 'latencyAfter'),
    threads: num(o, 'threads', 'result', (n) => nonNegativeInt(n) && n > 0),
    warnings: strings(o, 'warnings', 'result'),
  };
}
