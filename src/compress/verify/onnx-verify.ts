/**
 * Runs the original and the compressed ONNX model with onnxruntime on the same inputs and
 * reports what changed: output agreement on the first output, latency of a forward pass over
 * the verification batch, and accuracy when the inputs carry labels.
 */
import * as path from 'node:path';
import type { CompressionProgress, LatencyFigures } from '../../protocol/compression';
import { CompressError } from '../compress-error';
import { generateInputs } from './generated-inputs';
import { batchInputs } from './input-batches';
import type { InputSpec, InputTensor, VerificationInputs } from './input-tensors';
import { readInputsFile } from './inputs-file';
import type { LatencyOptions } from './latency';
import { measureLatency } from './latency';
import { float16ToFloat32Scalar as halfToFloat, float32ToFloat16Scalar as floatToHalf } from '../tensor/float-formats';
import type { OrtModule, OrtSession, OrtTensor } from './ort-runtime';
import { loadOrt, openSession } from './ort-runtime';
import type { OutputValues } from './output-agreement';
import { accuracyFromLabels, compareOutputs, isClassifierOutput } from './output-agreement';
import type { VerificationResult } from './verification-result';

export interface OnnxVerifyOptions {
  original: string;
  /** An inputs file (safetensors / .npy / JSON); generated from the input shapes when absent. */
  inputsFile?: string;
  latency?: LatencyOptions | false;
  onProgress?: (progress: CompressionProgress) => void;
  signal?: AbortSignal;
}

/**
 * A verification in two halves: `prepareOnnxVerification` opens the original and reads (or
 * makes) the inputs before anything is written, so a bad inputs file or a model onnxruntime
 * cannot run fails the job early; `compareWith` then runs the compressed model against it.
 */
export interface OnnxVerification {
  readonly inputs: VerificationInputs;
  compareWith(compressed: string): Promise<VerificationResult>;
  release(): Promise<void>;
}

const STEPS = 5;

export async function prepareOnnxVerification(options: OnnxVerifyOptions): Promise<OnnxVerification> {
  const progress = (done: number): void => options.onProgress?.({ stage: 'verify', done, total: STEPS });
  const ort = await loadOrt();
  const before = await openSession(ort, options.original);
  try {
    const specs = inputSpecs(before);
    const warnings: string[] = [];
    let inputs: VerificationInputs;
    if (options.inputsFile !== undefined) {
      const read = readInputsFile(options.inputsFile, specs);
      inputs = read.inputs;
      warnings.push(...read.warnings);
    } else {
      inputs = generateInputs(specs, options.original);
      warnings.push(`verified on ${inputs.rows} rows of generated random inputs: give --inputs FILE (real samples, with labels for accuracy) for figures that mean more`);
    }
    const outputName = before.outputNames[0];
    if (outputName === undefined) throw new CompressError('corrupt', `${options.original}: the model has no outputs`);
    const fixedBatch = specs[0]?.shape[0];
    const batched = batchInputs(inputs, typeof fixedBatch === 'number' && fixedBatch > 0 ? fixedBatch : undefined, options.original);
    if (batched.warning !== undefined) warnings.push(batched.warning);
    const feedsBefore = batched.runs.map((run) => feedsFor(ort, before, run, options.original));
    // Run the original now: inputs that do not fit the model fail here, before anything is written.
    const outBefore = await runAll(before, feedsBefore, outputName, options.original);
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      await before.release();
    };
    const compareWith = async (compressed: string): Promise<VerificationResult> => {
      progress(0);
      const after = await openSession(ort, compressed);
      try {
        progress(1);
        if (!after.outputNames.includes(outputName)) throw new CompressError('corrupt', `${compressed}: the compressed model lost the output "${outputName}"`);
        const feedsAfter = batched.runs.map((run) => feedsFor(ort, after, run, compressed));
        options.signal?.throwIfAborted();
        const outAfter = await runAll(after, feedsAfter, outputName, compressed);
        progress(2);
        const figures = compareOutputs(outBefore, outAfter, outputName);
        const result: VerificationResult = { agreement: { samples: batched.rows, inputsFrom: inputs.from, ...figures }, warnings: [...warnings] };
        if (batched.labels !== undefined) {
          if (isClassifierOutput(outBefore.dims)) {
            result.accuracy = { source: 'labels', metric: 'accuracy', before: accuracyFromLabels(outBefore, batched.labels), after: accuracyFromLabels(outAfter, batched.labels) };
          } else {
            result.warnings.push(`the inputs file has labels, but the output "${outputName}" has shape [${outBefore.dims.join(', ')}], not [batch, classes]: no accuracy`);
          }
        }
        if (options.latency !== false) {
          options.signal?.throwIfAborted();
          // One forward pass over one batch (all rows, unless the model fixes its batch size).
          result.latencyBefore = await timed(before, feedsBefore[0] as Record<string, OrtTensor>, outputName, options.latency);
          progress(3);
          options.signal?.throwIfAborted();
          result.latencyAfter = await timed(after, feedsAfter[0] as Record<string, OrtTensor>, outputName, options.latency);
        }
        progress(STEPS);
        return result;
      } finally {
        await after.release();
      }
    };
    return { inputs, compareWith, release };
  } catch (err) {
    await before.release();
    throw err;
  }
}

/** Both halves at once, for a compressed model that already exists. */
export async function verifyOnnx(options: OnnxVerifyOptions & { compressed: string }): Promise<VerificationResult> {
  const verification = await prepareOnnxVerification(options);
  try {
    return await verification.compareWith(options.compressed);
  } finally {
    await verification.release();
  }
}

/** Runs every batch and joins the outputs along dimension 0. */
async function runAll(session: OrtSession, runs: readonly Record<string, OrtTensor>[], outputName: string, model: string): Promise<OutputValues> {
  const parts: OutputValues[] = [];
  for (const feeds of runs) parts.push(await runOnce(session, feeds, outputName, model));
  const first = parts[0] as OutputValues;
  if (parts.length === 1) return first;
  const data = new Float64Array(parts.reduce((n, p) => n + p.data.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  const rows = parts.reduce((n, p) => n + (p.dims[0] ?? 1), 0);
  return { dims: [rows, ...first.dims.slice(1)], data };
}

async function runOnce(session: OrtSession, feeds: Record<string, OrtTensor>, outputName: string, model: string): Promise<OutputValues> {
  try {
    const result = await session.run(feeds, [outputName]);
    return outputValues(result[outputName] as OrtTensor, outputName, model);
  } catch (err) {
    if (CompressError.is(err)) throw err;
    throw new CompressError('corrupt', `onnxruntime failed to run ${model}: ${String((err as Error).message).split('\n')[0]}`, { cause: err });
  }
}

function timed(session: OrtSession, feeds: Record<string, OrtTensor>, outputName: string, options: LatencyOptions | undefined): Promise<LatencyFigures> {
  return measureLatency(() => session.run(feeds, [outputName]), options);
}

/** The inputs a session declares, with symbolic dimensions as their names. */
export function inputSpecs(session: OrtSession): InputSpec[] {
  return session.inputMetadata.map((m) => {
    if (!m.isTensor) throw new CompressError('bad-input', `model input "${m.name}" is not a tensor (a sequence or map): Tunekit verifies tensor inputs only; run with --no-verify`);
    return { name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' ? d : String(d))) };
  });
}

/** ORT tensors of the types this session declares, converted from the verification values. */
function feedsFor(ort: OrtModule, session: OrtSession, tensors: readonly InputTensor[], model: string): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const spec of inputSpecs(session)) {
    const tensor = tensors.find((t) => t.name === spec.name);
    if (tensor === undefined) throw new CompressError('corrupt', `${path.basename(model)} takes an input "${spec.name}" the original model does not have`);
    feeds[spec.name] = toOrtTensor(ort, tensor, spec.type, model);
  }
  return feeds;
}

function toOrtTensor(ort: OrtModule, tensor: InputTensor, type: string, model: string): OrtTensor {
  const n = tensor.data.length;
  const num = (i: number): number => Number(tensor.data[i]);
  const integral = (i: number): bigint => {
    const v = tensor.data[i] as number | bigint;
    if (typeof v === 'bigint') return v;
    if (!Number.isInteger(v)) throw new CompressError('bad-input', `input "${tensor.name}" of ${model} is ${type}, but element ${i} of the inputs is ${v}, not an integer`);
    return BigInt(v);
  };
  switch (type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => num(i)), tensor.dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from({ length: n }, (_, i) => num(i)), tensor.dims);
    case 'float16':
      return new ort.Tensor('float16', Uint16Array.from({ length: n }, (_, i) => floatToHalf(num(i))), tensor.dims);
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => integral(i)), tensor.dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from({ length: n }, (_, i) => Number(integral(i))), tensor.dims);
    case 'bool':
      return new ort.Tensor('bool', Uint8Array.from({ length: n }, (_, i) => (num(i) !== 0 ? 1 : 0)), tensor.dims);
    default:
      throw new CompressError('unsupported-dtype', `input "${tensor.name}" of ${model} is ${type}, which Tunekit cannot feed; run with --no-verify`);
  }
}

function outputValues(tensor: OrtTensor, name: string, model: string): OutputValues {
  const dims = [...tensor.dims];
  const data = tensor.data;
  switch (tensor.type) {
    case 'float32':
    case 'float64':
    case 'int32':
    case 'int8':
    case 'uint8':
      return { dims, data: data as Float32Array };
    case 'float16':
      return { dims, data: Float64Array.from(data as Uint16Array, halfToFloat) };
    case 'int64':
      return { dims, data: Float64Array.from(data as BigInt64Array, Number) };
    default:
      throw new CompressError('unsupported-dtype', `output "${name}" of ${model} is ${tensor.type}, which Tunekit cannot compare`);
  }
}
