/**
 * Pruning and quantization of a safetensors checkpoint, written as a new safetensors file beside
 * the original. Tensors the method does not touch are copied byte for byte; the source's
 * __metadata__ is kept and Tunekit adds what it did under "tunekit.*" keys.
 *
 * - prune (unstructured global / layer, N:M): the eligible weights (weight-eligibility.ts) get
 *   exact zeros and keep their dtype.
 * - quantize weight-int8: each eligible weight `<name>` is stored as I8, symmetric per output
 *   channel, next to an F32 tensor `<name>_scale` of the weight's rank with 1 everywhere but the
 *   output-channel axis, so `weight = <name>.float() * <name>_scale` broadcasts in torch / numpy
 *   for Linear [out, in], Conv [out, in, kh, kw] and GPT-2 Conv1D [in, out] alike.
 *   __metadata__ records "tunekit.quantization": "weight-int8" and the tensors it applies to.
 * - quantize fp16 / bf16: every F32 tensor is narrowed, biases and norms included, because that
 *   is what a half-precision checkpoint is (model.half() / torch_dtype=float16 converts every
 *   floating tensor) and the 2x size saving is the point; include / exclude still apply, so a
 *   user can keep a sensitive tensor at float32.
 * - quantize dynamic-int8 is refused: it needs a graph that runs int8 matmuls, which a tensor
 *   file does not hold.
 *
 * Memory: one tensor (plus its float32 working copy) at a time, whatever the file size; global
 * pruning pays for that with two extra read passes over the eligible weights.
 */
import { CompressError } from '../compress-error';
import type { FormatCompressor, FormatJob, FormatResult, ParamCount } from '../format-job';
import type { LayerReport } from '../../protocol/compression';
import { float32ToBfloat16, float32ToFloat16 } from '../tensor/float-formats';
import { quantizeInt8PerChannel } from '../tensor/int8-quantize';
import { applyMagnitudeCutoff, countZeros, findMagnitudeCutoff, pruneNM, pruneUnstructured } from '../tensor/magnitude-prune';
import type { PruneTarget } from '../tensor/magnitude-prune';
import { SAFETENSORS_DTYPES, SafetensorsReader, elementCount, writeSafetensors } from './safetensors-file';
import type { SafetensorsHeader, SafetensorsTensorInfo, SafetensorsTensorSpec } from './safetensors-file';
import { applyZerosToFloatTensor, countFloatZeros, floatTensorAsFloat32, isFloatDtype } from './safetensors-float';
import type { FloatDtype } from './safetensors-float';
import { selectionFilter, weightLayout } from './weight-eligibility';
import type { SelectionFilter } from './weight-eligibility';

/** The suffix of the per-channel scale tensor written beside each weight-int8 tensor. */
export const INT8_SCALE_SUFFIX = '_scale';

/** One output tensor: its spec in the new header, and how to produce its bytes when its turn comes. */
interface PlannedTensor extends SafetensorsTensorSpec {
  produce: () => Uint8Array;
}

interface Plan {
  tensors: PlannedTensor[];
  metadata: Record<string, string> | undefined;
  layers: LayerReport[];
  warnings: string[];
  /** Zeros of the model's float tensors after the job, filled in as tensors are produced. */
  zerosAfter: () => number;
}

function floatParams(header: SafetensorsHeader): number {
  return header.tensors.filter((t) => isFloatDtype(t.dtype)).reduce((sum, t) => sum + elementCount(t.shape), 0);
}

function dtypeName(dtype: SafetensorsTensorInfo['dtype']): string {
  return SAFETENSORS_DTYPES[dtype].name;
}

function noEligible(job: FormatJob, header: SafetensorsHeader, what: string): CompressError {
  const floats = header.tensors.filter((t) => isFloatDtype(t.dtype));
  const examples = floats
    .slice(0, 6)
    .map((t) => `${t.name} (${t.dtype} [${t.shape.join(', ')}])`)
    .join(', ');
  return new CompressError(
    'no-eligible',
    `${job.source}: no tensor ${what}. It has ${header.tensors.length} tensors, ${floats.length} floating-point${examples ? ` (${examples}${floats.length > 6 ? ', ...' : ''})` : ''}. ` +
      'Weights must be floating point, of rank 2 or more, and not biases, norms or embeddings (enable embeddings to include those); check the include / exclude patterns.',
  );
}

function throwIfAborted(job: FormatJob): void {
  job.signal?.throwIfAborted();
}

/** Tensors the method leaves alone: the same bytes, read when written. */
function copied(reader: SafetensorsReader, t: SafetensorsTensorInfo): PlannedTensor {
  return { name: t.name, dtype: t.dtype, shape: t.shape, produce: () => reader.readTensorBytes(t) };
}

/** An eligible weight read from the file as a float32 working copy. */
function loadTarget(reader: SafetensorsReader, t: SafetensorsTensorInfo): { bytes: Uint8Array; target: PruneTarget } {
  const bytes = reader.readTensorBytes(t);
  const data = floatTensorAsFloat32(t.dtype as FloatDtype, bytes);
  return { bytes, target: { name: t.name, data, shape: t.shape, inputAxis: weightLayout(t.name, t.shape).inputAxis } };
}

/**
 * Pruning holds one tensor in memory at a time, so a checkpoint larger than memory prunes too:
 * global pruning finds its cut-off in two read passes over the eligible weights
 * (findMagnitudeCutoff), then each weight is read once more, cut and written.
 */
function planPrune(job: FormatJob, reader: SafetensorsReader, filter: SelectionFilter): Plan {
  const method = job.method;
  if (method.kind !== 'prune') throw new Error('internal: planPrune for a quantize method');
  const header = reader.header;
  let eligible = header.tensors.filter((t) => filter.isEligibleWeight(t));
  if (eligible.length === 0) throw noEligible(job, header, 'can be pruned');
  if (method.pattern === 'n:m') {
    eligible = eligible.filter((t) => (t.shape[weightLayout(t.name, t.shape).inputAxis] as number) % method.m === 0);
    if (eligible.length === 0) throw noEligible(job, header, `has an input dimension that is a multiple of ${method.m} for ${method.n}:${method.m} pruning`);
  }
  const warnings: string[] = [];

  let prune: (target: PruneTarget) => void;
  if (method.pattern === 'unstructured' && !(method.sparsity >= 0 && method.sparsity <= 1)) {
    throw new CompressError('bad-input', `Sparsity must be between 0 and 1, got ${method.sparsity}.`);
  }
  if (method.pattern === 'unstructured' && method.scope === 'global') {
    const count = eligible.reduce((sum, t) => sum + elementCount(t.shape), 0);
    let visited = 0;
    const cutoff = findMagnitudeCutoff(Math.round(method.sparsity * count), (visit) => {
      for (const t of eligible) {
        throwIfAborted(job);
        visit(loadTarget(reader, t).target);
        job.onProgress?.({ stage: 'prune', done: ++visited, total: 2 * eligible.length });
      }
    });
    prune = (target) => applyMagnitudeCutoff(target, cutoff);
  } else if (method.pattern === 'unstructured') {
    prune = (target) => pruneUnstructured([target], method.sparsity, 'layer');
  } else {
    prune = (target) => {
      const result = pruneNM(target, method.n, method.m);
      if (!result.pruned) throw new Error(`internal: ${target.name} was expected to fit ${method.n}:${method.m} groups`);
    };
  }
  const pruned = new Set(eligible.map((t) => t.name));
  if (method.pattern === 'n:m') {
    for (const t of header.tensors) {
      if (!filter.isEligibleWeight(t) || pruned.has(t.name)) continue;
      const axis = weightLayout(t.name, t.shape).inputAxis;
      warnings.push(
        `"${t.name}" [${t.shape.join(', ')}]: input dimension ${t.shape[axis]} (axis ${axis}) is not a multiple of ${method.m}, so ${method.n}:${method.m} groups do not fit; left dense.`,
      );
    }
  }

  const layers: LayerReport[] = [];
  let zerosAfter = 0;
  let done = 0;
  const tensors = header.tensors.map((t): PlannedTensor => {
    if (!pruned.has(t.name)) return { ...copied(reader, t), produce: () => countingZeros(t, reader.readTensorBytes(t)) };
    return {
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      produce: () => {
        const { bytes, target } = loadTarget(reader, t);
        const params = target.data.length;
        const zerosBefore = countZeros(target.data);
        prune(target);
        const out = applyZerosToFloatTensor(t.dtype as FloatDtype, bytes, target.data);
        const zeros = countFloatZeros(t.dtype as FloatDtype, out);
        zerosAfter += zeros;
        layers.push({
          name: t.name,
          op: weightLayout(t.name, t.shape).op,
          shape: t.shape,
          params,
          sparsityBefore: params === 0 ? 0 : zerosBefore / params,
          sparsityAfter: params === 0 ? 0 : zeros / params,
          dtypeBefore: dtypeName(t.dtype),
          dtypeAfter: dtypeName(t.dtype),
        });
        job.onProgress?.({ stage: 'prune', done: ++done, total: pruned.size });
        return out;
      },
    };
  });
  function countingZeros(t: SafetensorsTensorInfo, bytes: Uint8Array): Uint8Array {
    if (isFloatDtype(t.dtype)) zerosAfter += countFloatZeros(t.dtype, bytes);
    return bytes;
  }

  const description =
    method.pattern === 'unstructured' ? `magnitude, unstructured, ${method.scope}, sparsity ${method.sparsity}` : `magnitude, ${method.n}:${method.m} along the input dimension`;
  return {
    tensors,
    metadata: { ...header.metadata, 'tunekit.pruning': description },
    layers,
    warnings,
    zerosAfter: () => zerosAfter,
  };
}

function planWeightInt8(job: FormatJob, reader: SafetensorsReader, filter: SelectionFilter): Plan {
  const header = reader.header;
  const eligible = new Set(header.tensors.filter((t) => filter.isEligibleWeight(t)).map((t) => t.name));
  if (eligible.size === 0) throw noEligible(job, header, 'can be quantized to int8');
  const names = new Set(header.tensors.map((t) => t.name));
  for (const name of eligible) {
    if (names.has(name + INT8_SCALE_SUFFIX)) {
      throw new CompressError('bad-input', `${job.source} already has a tensor "${name}${INT8_SCALE_SUFFIX}", the name Tunekit gives the int8 scales of "${name}". Exclude "${name}" or rename the tensor.`);
    }
  }

  const layers: LayerReport[] = [];
  let zerosAfter = 0;
  let done = 0;
  const pendingScales = new Map<string, Float32Array>();
  const tensors: PlannedTensor[] = [];
  for (const t of header.tensors) {
    if (!eligible.has(t.name)) {
      tensors.push({ ...copied(reader, t), produce: () => countingZeros(t, reader.readTensorBytes(t)) });
      continue;
    }
    const layout = weightLayout(t.name, t.shape);
    tensors.push({
      name: t.name,
      dtype: 'I8',
      shape: t.shape,
      produce: () => {
        const data = floatTensorAsFloat32(t.dtype as FloatDtype, reader.readTensorBytes(t));
        const params = data.length;
        const zerosBefore = countZeros(data);
        const { values, scales } = quantizeInt8PerChannel(data, t.shape, layout.outputAxis, t.name);
        pendingScales.set(t.name, scales);
        let zeros = 0;
        for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
        zerosAfter += zeros;
        layers.push({
          name: t.name,
          op: layout.op,
          shape: t.shape,
          params,
          sparsityBefore: params === 0 ? 0 : zerosBefore / params,
          sparsityAfter: params === 0 ? 0 : zeros / params,
          dtypeBefore: dtypeName(t.dtype),
          dtypeAfter: 'int8',
        });
        job.onProgress?.({ stage: 'quantize', done: ++done, total: eligible.size });
        return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      },
    });
    const scaleShape = t.shape.map((d, axis) => (axis === layout.outputAxis ? d : 1));
    tensors.push({
      name: t.name + INT8_SCALE_SUFFIX,
      dtype: 'F32',
      shape: scaleShape,
      produce: () => {
        const scales = pendingScales.get(t.name);
        if (scales === undefined) throw new Error(`internal: the scales of "${t.name}" were asked for before its values`);
        pendingScales.delete(t.name);
        return new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength);
      },
    });
  }
  function countingZeros(t: SafetensorsTensorInfo, bytes: Uint8Array): Uint8Array {
    if (isFloatDtype(t.dtype)) zerosAfter += countFloatZeros(t.dtype, bytes);
    return bytes;
  }
  return {
    tensors,
    metadata: {
      ...header.metadata,
      'tunekit.quantization': 'weight-int8',
      'tunekit.quantization.format': `symmetric int8 per output channel, zero point 0, range [-127, 127]; weight = <name> (I8) * <name>${INT8_SCALE_SUFFIX} (F32, broadcastable)`,
      'tunekit.quantization.tensors': JSON.stringify([...eligible]),
    },
    layers,
    warnings: [],
    zerosAfter: () => zerosAfter,
  };
}

function planHalf(job: FormatJob, reader: SafetensorsReader, filter: SelectionFilter, scheme: 'fp16' | 'bf16'): Plan {
  const header = reader.header;
  const target = scheme === 'fp16' ? 'F16' : 'BF16';
  const narrowed = header.tensors.filter((t) => t.dtype === 'F32' && filter.allowsName(t.name));
  if (narrowed.length === 0) throw noEligible(job, header, `is float32 (to narrow to ${scheme})`);
  const narrowedNames = new Set(narrowed.map((t) => t.name));
  const warnings: string[] = [];
  const f64 = header.tensors.filter((t) => t.dtype === 'F64');
  if (f64.length > 0) warnings.push(`${f64.length} float64 tensor(s) kept at float64 (${f64.map((t) => t.name).slice(0, 3).join(', ')}${f64.length > 3 ? ', ...' : ''}).`);

  const layers: LayerReport[] = [];
  let zerosAfter = 0;
  let done = 0;
  const tensors = header.tensors.map((t): PlannedTensor => {
    if (!narrowedNames.has(t.name)) {
      return {
        ...copied(reader, t),
        produce: () => {
          const bytes = reader.readTensorBytes(t);
          if (isFloatDtype(t.dtype)) zerosAfter += countFloatZeros(t.dtype, bytes);
          return bytes;
        },
      };
    }
    return {
      name: t.name,
      dtype: target,
      shape: t.shape,
      produce: () => {
        const data = floatTensorAsFloat32('F32', reader.readTensorBytes(t));
        const narrow = scheme === 'fp16' ? float32ToFloat16(data) : float32ToBfloat16(data);
        const bytes = new Uint8Array(narrow.buffer, narrow.byteOffset, narrow.byteLength);
        const params = data.length;
        const zeros = countFloatZeros(target, bytes);
        zerosAfter += zeros;
        let overflowed = 0;
        for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i]) && (narrow[i]! & 0x7fff) === (target === 'F16' ? 0x7c00 : 0x7f80)) overflowed++;
        if (overflowed > 0) {
          warnings.push(`${t.name}: ${overflowed} value(s) exceed ${scheme}'s range (max ${scheme === 'fp16' ? '65504' : '3.4e38'}) and became infinite.`);
        }
        const isWeight = t.shape.length >= 2;
        layers.push({
          name: t.name,
          op: isWeight ? weightLayout(t.name, t.shape).op : 'tensor',
          shape: t.shape,
          params,
          sparsityBefore: params === 0 ? 0 : countZeros(data) / params,
          sparsityAfter: params === 0 ? 0 : zeros / params,
          dtypeBefore: 'float32',
          dtypeAfter: SAFETENSORS_DTYPES[target].name,
        });
        job.onProgress?.({ stage: 'quantize', done: ++done, total: narrowed.length });
        return bytes;
      },
    };
  });
  return {
    tensors,
    metadata: { ...header.metadata, 'tunekit.quantization': scheme },
    layers,
    warnings,
    zerosAfter: () => zerosAfter,
  };
}

function plan(job: FormatJob, reader: SafetensorsReader): Plan {
  const filter = selectionFilter(job.selection);
  const method = job.method;
  if (method.kind === 'prune') return planPrune(job, reader, filter);
  switch (method.scheme) {
    case 'weight-int8':
      return planWeightInt8(job, reader, filter);
    case 'fp16':
    case 'bf16':
      return planHalf(job, reader, filter, method.scheme);
    case 'dynamic-int8':
      throw new CompressError(
        'bad-input',
        `dynamic int8 quantization needs a model graph that runs int8 matrix products (ONNX MatMulInteger, torch quantized Linear); ${job.source} is a safetensors file, which holds tensors only. Use weight-int8 (int8 weights + scales, 4x smaller) or fp16 / bf16, or quantize the ONNX / PyTorch export of the model instead.`,
      );
  }
}

export const compressSafetensors: FormatCompressor = async (job: FormatJob): Promise<FormatResult> => {
  throwIfAborted(job);
  const reader = SafetensorsReader.open(job.source);
  try {
    const header = reader.header;
    // Plan first: a refusal (nothing eligible, a bad option) comes before any pass over the data.
    const planned = plan(job, reader);
    const floats = header.tensors.filter((t) => isFloatDtype(t.dtype));
    let zerosBefore = 0;
    for (const [i, t] of floats.entries()) {
      throwIfAborted(job);
      zerosBefore += countFloatZeros(t.dtype as FloatDtype, reader.readTensorBytes(t));
      job.onProgress?.({ stage: 'read', done: i + 1, total: floats.length });
    }
    const before: ParamCount = { params: floatParams(header), zeros: zerosBefore };
    await writeSafetensors(job.output, planned.tensors, planned.metadata, (spec, index) => {
      throwIfAborted(job);
      let bytes: Uint8Array;
      try {
        bytes = (planned.tensors[index] as PlannedTensor).produce();
      } catch (err) {
        // V8 throws RangeError ("Array buffer allocation failed") when a tensor does not fit.
        if (err instanceof RangeError) throw new CompressError('too-large', `${job.source}: not enough memory to process tensor "${spec.name}" (${err.message}).`, { cause: err });
        throw err;
      }
      job.onProgress?.({ stage: 'write', done: index + 1, total: planned.tensors.length });
      return bytes;
    });
    return { layers: planned.layers, before, after: { params: before.params, zeros: planned.zerosAfter() }, warnings: planned.warnings };
  } finally {
    reader.close();
  }
};
