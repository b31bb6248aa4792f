/**
 * Floating-point safetensors tensors as Float32Array working copies, and back to their own dtype.
 * Widening F16 / BF16 is exact and narrowing an unchanged value returns its original bits, so a
 * pruned half-precision tensor differs from its source only where a weight became zero. F64 is
 * worked on as float32 for the choice of what to prune, but written back by zeroing its own
 * 8-byte values, so its surviving weights keep every bit.
 *
 * Typed arrays use the platform's byte order; safetensors is little-endian, as is every platform
 * Node ships for (x64, arm64), which the module checks once.
 */
import * as os from 'node:os';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from '../tensor/float-formats';
import type { SafetensorsDtype } from './safetensors-file';

if (os.endianness() !== 'LE') throw new Error('Tunekit reads safetensors through typed arrays, which needs a little-endian CPU.');

export type FloatDtype = 'F64' | 'F32' | 'F16' | 'BF16';

export function isFloatDtype(dtype: SafetensorsDtype): dtype is FloatDtype {
  return dtype === 'F64' || dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

/** A float32 copy (F32: a view on `bytes` itself, so changes to it change `bytes`). */
export function floatTensorAsFloat32(dtype: FloatDtype, bytes: Uint8Array): Float32Array {
  switch (dtype) {
    case 'F32':
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    case 'F16':
      return float16ToFloat32(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2));
    case 'BF16':
      return bfloat16ToFloat32(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2));
    case 'F64':
      return Float32Array.from(new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8));
  }
}

/**
 * Writes the zeros of a pruned float32 working copy back into the tensor's own bytes (`bytes` is
 * the tensor as read; returned updated). Only the weights that are zero in `pruned` change.
 */
export function applyZerosToFloatTensor(dtype: FloatDtype, bytes: Uint8Array, pruned: Float32Array): Uint8Array {
  switch (dtype) {
    case 'F32':
      if (pruned.buffer !== bytes.buffer) new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length).set(new Uint8Array(pruned.buffer, pruned.byteOffset, pruned.byteLength));
      return bytes;
    case 'F16':
    case 'BF16': {
      const narrow = dtype === 'F16' ? float32ToFloat16(pruned) : float32ToBfloat16(pruned);
      const own = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
      // Only zeros are written: a NaN payload or any other pattern that would not survive the
      // round trip bit for bit is left as it was.
      for (let i = 0; i < own.length; i++) if (pruned[i] === 0 && (own[i]! & 0x7fff) !== 0) own[i] = narrow[i] as number;
      return bytes;
    }
    case 'F64': {
      const own = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
      for (let i = 0; i < own.length; i++) if (pruned[i] === 0 && own[i] !== 0) own[i] = 0;
      return bytes;
    }
  }
}

/** Exact zeros in a float tensor's own bytes (+0 and -0 of any float width). */
export function countFloatZeros(dtype: FloatDtype, bytes: Uint8Array): number {
  let zeros = 0;
  if (dtype === 'F16' || dtype === 'BF16') {
    const v = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
    for (let i = 0; i < v.length; i++) if ((v[i]! & 0x7fff) === 0) zeros++;
  } else {
    const v = dtype === 'F32' ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
    for (let i = 0; i < v.length; i++) if (v[i] === 0) zeros++;
  }
  return zeros;
}
