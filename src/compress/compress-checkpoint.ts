/**
 * One compression job from start to report: find the checkpoint's format, choose a free output
 * name, check the verification inputs against the original (so a bad inputs file fails before
 * anything is written), run the format's compressor, then measure what it cost: file sizes,
 * sparsity, output agreement and latency, and the study's evaluation metric before and after.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  CheckpointFormat,
  CompressionMethod,
  CompressionProgress,
  CompressionReport,
  ModelSide,
  TensorSelection,
} from '../protocol/compression';
import type { EvaluateSpec } from '../protocol/study-file';
import { detectCheckpointFormat } from './checkpoint-format';
import { CompressError } from './compress-error';
import { evaluateBeforeAfter } from './evaluate-command';
import type { FormatCompressor, FormatResult } from './format-job';
import { decodeModel } from './onnx/onnx-model';
import { externalRef, isExternal } from './onnx/onnx-external-data';
import { resolveOutputPath } from './output-path';
import type { TorchInputs } from './pytorch/torch-helper-messages';
import { readSafetensorsHeader } from './safetensors/safetensors-file';
import { GENERATED_ROWS } from './verify/generated-inputs';
import { LABELS_TENSOR } from './verify/input-tensors';
import type { OnnxVerification } from './verify/onnx-verify';
import { prepareOnnxVerification } from './verify/onnx-verify';
import type { VerificationResult } from './verify/verification-result';
import { checkSelection } from './selection-pattern';

export interface CompressRequest {
  /** The user's checkpoint; never modified. */
  source: string;
  method: CompressionMethod;
  selection?: TensorSelection;
  /** Where the result goes; default: beside the source, named after the method. Must not exist. */
  output?: string;
  /** Run both models and compare them (default true). */
  verify?: boolean;
  /** Verification inputs: safetensors / .npy / JSON (ONNX), safetensors (PyTorch). */
  inputs?: string;
  /** The study's evaluation command and the folder it runs in. */
  evaluate?: { spec: EvaluateSpec; cwd: string; timeoutMs?: number };
  /** Python interpreter for PyTorch checkpoints. */
  python?: string;
  onProgress?: (progress: CompressionProgress) => void;
  signal?: AbortSignal;
}

export async function compressCheckpoint(request: CompressRequest): Promise<CompressionReport> {
  const started = performance.now();
  const source = path.resolve(request.source);
  checkMethod(request.method);
  checkSelection(request.selection ?? {});
  const format = detectCheckpointFormat(source);
  const output = resolveOutputPath(source, request.method, request.output);
  const verify = request.verify !== false;
  const warnings: string[] = [];
  // The ONNX writer may put weights in `<output>.data`; only a file this job created may be removed.
  const sidecar = `${output}.data`;
  const sidecarExisted = fs.existsSync(sidecar);

  let onnxVerification: OnnxVerification | undefined;
  if (verify && format === 'onnx') {
    try {
      onnxVerification = await prepareOnnxVerification({
        original: source,
        ...(request.inputs !== undefined ? { inputsFile: path.resolve(request.inputs) } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (err) {
      // onnxruntime only says "Protobuf parsing failed"; Tunekit's own decoder says where.
      if (CompressError.is(err, 'corrupt')) decodeModel(fs.readFileSync(source), source);
      throw err;
    }
  }
  // Checked before anything is written: a wrong inputs file is the user's to fix, not a note.
  const torchInputs = verify && format === 'pytorch' ? (request.inputs !== undefined ? torchInputsFile(path.resolve(request.inputs)) : GENERATED_TORCH_INPUTS) : undefined;
  try {
    const compressor = await compressorFor(format);
    const result: FormatResult = await compressor({
      source,
      output,
      method: request.method,
      selection: request.selection ?? {},
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.python !== undefined ? { python: request.python } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    warnings.push(...result.warnings);

    let verification: VerificationResult | undefined;
    if (!verify) warnings.push('not verified (--no-verify): output agreement and latency were not measured');
    else if (onnxVerification) verification = await verifyOrRemove(onnxVerification, output, sidecarExisted ? undefined : sidecar);
    else if (format === 'safetensors') {
      const hint = request.evaluate ? '' : ' (an "evaluate" command in a study file measures the metric before and after)';
      const unused = request.inputs !== undefined ? `; the inputs file ${request.inputs} was not used` : '';
      warnings.push(`a safetensors file holds weights without the code that runs them, so the models were not run: output agreement and latency are not measured${hint}${unused}`);
    } else if (format === 'pytorch') {
      verification = await verifyPytorch(source, output, torchInputs ?? GENERATED_TORCH_INPUTS, request, warnings);
    }
    // The steps above turn their own failures into notes; a stop by the user is not one of them.
    request.signal?.throwIfAborted();
    if (verification) warnings.push(...verification.warnings);

    let accuracy = verification?.accuracy;
    if (request.evaluate) {
      request.onProgress?.({ stage: 'evaluate', done: 0, total: 2 });
      const evaluation = await evaluateBeforeAfter(request.evaluate.spec, source, output, {
        cwd: request.evaluate.cwd,
        ...(request.evaluate.timeoutMs !== undefined ? { timeoutMs: request.evaluate.timeoutMs } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        onStep: (done) => request.onProgress?.({ stage: 'evaluate', done, total: 2 }),
      });
      request.signal?.throwIfAborted();
      warnings.push(...evaluation.warnings);
      if (evaluation.accuracy) {
        // The study's own metric is the one the user chose; label accuracy stays visible as a note.
        if (accuracy) warnings.push(`accuracy on the inputs file's labels: ${percent(accuracy.before)} before, ${percent(accuracy.after)} after`);
        accuracy = evaluation.accuracy;
      }
    }

    const before: ModelSide = { path: source, bytes: checkpointBytes(source, format), ...result.before, ...(verification?.latencyBefore ? { latency: verification.latencyBefore } : {}) };
    const after: ModelSide = { path: output, bytes: checkpointBytes(output, format), ...result.after, ...(verification?.latencyAfter ? { latency: verification.latencyAfter } : {}) };
    return {
      format,
      method: request.method,
      before,
      after,
      layers: result.layers,
      ...(verification ? { agreement: verification.agreement } : {}),
      ...(accuracy ? { accuracy } : {}),
      warnings,
      durationMs: performance.now() - started,
    };
  } finally {
    await onnxVerification?.release();
  }
}

/** A compressed model onnxruntime cannot load or run is broken: it is removed, not left for the user to ship. */
async function verifyOrRemove(verification: OnnxVerification, output: string, sidecar: string | undefined): Promise<VerificationResult> {
  try {
    return await verification.compareWith(output);
  } catch (err) {
    if (CompressError.is(err, 'corrupt') || CompressError.is(err, 'unsupported-dtype')) {
      fs.rmSync(output, { force: true });
      if (sidecar !== undefined) fs.rmSync(sidecar, { force: true });
      throw new CompressError(err.reason, `${err.message}. The compressed model was removed; please report this with the original model.`, { cause: err });
    }
    throw err;
  }
}

async function compressorFor(format: CheckpointFormat): Promise<FormatCompressor> {
  // Imported on demand: a PyTorch job never loads the ONNX code, and the reverse.
  switch (format) {
    case 'onnx':
      return (await import('./onnx/onnx-compress')).compressOnnx;
    case 'safetensors':
      return (await import('./safetensors/safetensors-compress')).compressSafetensors;
    case 'pytorch':
      return (await import('./pytorch/pytorch-compress')).compressPytorch;
  }
}

/**
 * PyTorch models run in the Python helper (onnxruntime cannot run .pt). A state dict is weights
 * without code, so it cannot run: that is a note in the report, not a failed job.
 */
async function verifyPytorch(source: string, output: string, inputs: TorchInputs, request: CompressRequest, warnings: string[]): Promise<VerificationResult | undefined> {
  const { verifyPytorch: runInHelper } = await import('./pytorch/pytorch-compress');
  try {
    return await runInHelper({
      original: source,
      compressed: output,
      inputs,
      ...(request.python !== undefined ? { python: request.python } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
  } catch (err) {
    if (!CompressError.is(err, 'bad-input')) throw err;
    warnings.push(`not verified: ${err.message}`);
    return undefined;
  }
}

const GENERATED_TORCH_INPUTS: TorchInputs = { kind: 'generated', batch: GENERATED_ROWS, seed: 0 };

/** The helper reads one input tensor (and optional labels) from a safetensors file. */
function torchInputsFile(file: string): TorchInputs {
  if (path.extname(file).toLowerCase() !== '.safetensors') throw new CompressError('bad-input', `${file}: inputs for a PyTorch checkpoint must be a safetensors file (an input tensor and optional "labels")`);
  const names = readSafetensorsHeader(file).tensors.map((t) => t.name);
  const inputs = names.filter((n) => n !== LABELS_TENSOR);
  const input = inputs.length === 1 ? inputs[0] : inputs.find((n) => n === 'input');
  if (input === undefined) throw new CompressError('bad-input', `${file}: holds ${inputs.length} tensors besides "labels" (${inputs.join(', ')}); a PyTorch model is fed one, named "input"`);
  return { kind: 'safetensors', path: file, input, ...(names.includes(LABELS_TENSOR) ? { labels: LABELS_TENSOR } : {}) };
}

/**
 * The bytes a checkpoint takes on disk: the file, plus for ONNX the external data files its
 * tensors point to (a model with external data is mostly those files).
 */
export function checkpointBytes(file: string, format: CheckpointFormat): number {
  let bytes = fs.statSync(file).size;
  if (format === 'onnx') for (const data of onnxExternalFiles(file)) bytes += fs.statSync(data).size;
  return bytes;
}

function onnxExternalFiles(file: string): string[] {
  // The external data files the model's initializers name (decoding keeps tensor bytes as views
  // of the file, so this costs one read of the .onnx file, which is small when data is external).
  const files = new Set<string>();
  const graph = decodeModel(fs.readFileSync(file), file).graph;
  for (const tensor of graph?.initializer ?? []) {
    if (isExternal(tensor)) files.add(externalRef(tensor, file).file);
  }
  return [...files].filter((f) => fs.existsSync(f));
}

function checkMethod(method: CompressionMethod): void {
  if (method.kind === 'quantize') {
    if (!['dynamic-int8', 'weight-int8', 'fp16', 'bf16'].includes(method.scheme)) throw new CompressError('bad-input', `unknown quantization scheme "${method.scheme}"`);
    return;
  }
  if (method.pattern === 'n:m') {
    if (!Number.isInteger(method.n) || !Number.isInteger(method.m) || method.n < 1 || method.m < 2 || method.n >= method.m) {
      throw new CompressError('bad-input', `an N:M pattern keeps N of every M weights with 1 <= N < M (e.g. 2:4); got ${method.n}:${method.m}`);
    }
    return;
  }
  if (!(method.sparsity > 0 && method.sparsity < 1)) throw new CompressError('bad-input', `the sparsity is a fraction of weights to zero, between 0 and 1 (e.g. 0.5); got ${method.sparsity}`);
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}
