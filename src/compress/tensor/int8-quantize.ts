/**
 * Symmetric int8 weight quantization: q = round(w / scale), zero point 0, range [-127, 127],
 * scale = max|w| / 127. -128 is left unused so the range is symmetric and a product of two
 * quantized values cannot overflow the int16 pair sums some kernels use (the "restricted range"
 * of onnxruntime's quantizer, reduce_range=False, and of torch's per_channel_symmetric observers).
 *
 * Division and rounding follow ONNX QuantizeLinear (onnx/docs/Operators.md#QuantizeLinear):
 * x / scale computed in float32, rounded to nearest with ties to even, then saturated. Dequantizing
 * is q * scale in float32, so |w - dequantized| <= scale / 2 for every element.
 */
import { CompressError } from '../compress-error';
import { roundHalfToEven } from './round-half-to-even';

const QMAX = 127;

export interface Int8PerChannel {
  values: Int8Array;
  /** One scale per index of the channel axis; an all-zero channel gets 1 (never 0 or NaN). */
  scales: Float32Array;
}

export interface Int8PerTensor {
  values: Int8Array;
  scale: number;
}

function layout(shape: number[], channelAxis: number, length: number, name: string): { outer: number; channels: number; inner: number } {
  if (!Number.isInteger(channelAxis) || channelAxis < 0 || channelAxis >= shape.length) {
    throw new CompressError('bad-input', `Tensor "${name}" of shape [${shape.join(', ')}] has no channel axis ${channelAxis}.`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== length) {
    throw new CompressError('bad-input', `Tensor "${name}" has shape [${shape.join(', ')}] (${count} values) but holds ${length} values.`);
  }
  return {
    outer: shape.slice(0, channelAxis).reduce((a, b) => a * b, 1),
    channels: shape[channelAxis] as number,
    inner: shape.slice(channelAxis + 1).reduce((a, b) => a * b, 1),
  };
}

function nonFinite(name: string, index: number, value: number): CompressError {
  return new CompressError(
    'bad-input',
    `Tensor "${name}" holds ${value} at element ${index}: int8 quantization needs finite weights. Fix or retrain the checkpoint before quantizing it.`,
  );
}

/** float32 scale for a channel whose largest |w| is maxAbs. */
function scaleFor(maxAbs: number): number {
  return maxAbs === 0 ? 1 : Math.fround(maxAbs / QMAX);
}

function quantizeValue(w: number, scale: number): number {
  // The double quotient of two float32s rounded to float32 is the correctly rounded float32
  // quotient (53 >= 2 * 24 + 2 bits), so this matches float32 division in numpy / onnxruntime.
  const q = roundHalfToEven(Math.fround(w / scale));
  return q > QMAX ? QMAX : q < -QMAX ? -QMAX : q;
}

/**
 * Quantizes `data` (row-major, `shape`) with one scale per index of `channelAxis` (the output
 * channel: axis 0 of a torch Linear / Conv weight, axis 1 of an ONNX MatMul B). `tensorName`
 * names the tensor in errors.
 */
export function quantizeInt8PerChannel(data: Float32Array, shape: number[], channelAxis: number, tensorName = 'tensor'): Int8PerChannel {
  const { outer, channels, inner } = layout(shape, channelAxis, data.length, tensorName);
  const maxAbs = new Float32Array(channels);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      let max = maxAbs[c] as number;
      for (let i = 0; i < inner; i++, at++) {
        const w = data[at] as number;
        if (!Number.isFinite(w)) throw nonFinite(tensorName, at, w);
        const a = Math.abs(w);
        if (a > max) max = a;
      }
      maxAbs[c] = max;
    }
  }
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) scales[c] = scaleFor(maxAbs[c] as number);
  const values = new Int8Array(data.length);
  at = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const scale = scales[c] as number;
      for (let i = 0; i < inner; i++, at++) values[at] = quantizeValue(data[at] as number, scale);
    }
  }
  return { values, scales };
}

export function dequantizeInt8PerChannel(values: Int8Array, scales: Float32Array, shape: number[], channelAxis: number): Float32Array {
  const { outer, channels, inner } = layout(shape, channelAxis, values.length, 'quantized tensor');
  if (scales.length !== channels) {
    throw new CompressError('bad-input', `${scales.length} scales for ${channels} channels along axis ${channelAxis} of shape [${shape.join(', ')}].`);
  }
  const out = new Float32Array(values.length);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const scale = scales[c] as number;
      for (let i = 0; i < inner; i++, at++) out[at] = (values[at] as number) * scale;
    }
  }
  return out;
}

/** One scale for the whole tensor (ONNX DequantizeLinear with a scalar scale, e.g. a Gather table). */
export function quantizeInt8PerTensor(data: Float32Array, tensorName = 'tensor'): Int8PerTensor {
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const w = data[i] as number;
    if (!Number.isFinite(w)) throw nonFinite(tensorName, i, w);
    const a = Math.abs(w);
    if (a > max) max = a;
  }
  const scale = scaleFor(max);
  const values = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) values[i] = quantizeValue(data[i] as number, scale);
  return { values, scale };
}

export function dequantizeInt8PerTensor(values: Int8Array, scale: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) * scale;
  return out;
}
