/**
 * Reads a NumPy .npy array (format versions 1-3, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * the magic "\x93NUMPY", a version, a header length, a Python dict literal with 'descr',
 * 'fortran_order' and 'shape', then the raw C-ordered data.
 */
import { CompressError } from '../compress-error';
import type { InputTensor } from './input-tensors';
import { elementCount } from './input-tensors';
import { float16ToFloat32Scalar as halfToFloat } from '../tensor/float-formats';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses `bytes` (the content of `file`, named in errors) into a tensor called `name`. */
export function parseNpy(bytes: Uint8Array, file: string, name: string): InputTensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new CompressError('bad-input', `${file}: not a .npy file (no \\x93NUMPY magic at byte offset 0)`);
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new CompressError('truncated', `${file}: truncated inside the .npy preamble`);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new CompressError('bad-input', `${file}: .npy format version ${major} is not one Tunekit reads (1, 2 or 3)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new CompressError('truncated', `${file}: the .npy header runs to byte offset ${dataStart}, past the end of the file (${bytes.length} bytes)`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new CompressError('bad-input', `${file}: cannot read the .npy header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw new CompressError('bad-input', `${file}: the array is in Fortran order; save it with np.save(np.ascontiguousarray(a))`);
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new CompressError('bad-input', `${file}: bad shape (${shapeText}) in the .npy header`);
  const count = elementCount(dims);
  const type = NPY_TYPES[descr.replace(/^=/, '<')];
  if (type === undefined) throw new CompressError('unsupported-dtype', `${file}: dtype '${descr}' is not one Tunekit reads (float16/32/64, int8/16/32/64, uint8, bool, little-endian)`);
  const needed = count * type.size;
  if (dataStart + needed > bytes.length) {
    throw new CompressError('truncated', `${file}: shape (${dims.join(', ')}) of '${descr}' needs ${needed} bytes from byte offset ${dataStart}, but the file has ${bytes.length - dataStart}`);
  }
  const data = type.float ? new Float64Array(count) : new BigInt64Array(count);
  for (let i = 0; i < count; i++) {
    const value = type.read(view, dataStart + i * type.size);
    if (data instanceof Float64Array) data[i] = Number(value);
    else data[i] = BigInt(value);
  }
  return { name, dims, data };
}

interface NpyType {
  size: number;
  float: boolean;
  read: (view: DataView, offset: number) => number | bigint;
}

const NPY_TYPES: Readonly<Record<string, NpyType>> = {
  '<f2': { size: 2, float: true, read: (v, o) => halfToFloat(v.getUint16(o, true)) },
  '<f4': { size: 4, float: true, read: (v, o) => v.getFloat32(o, true) },
  '<f8': { size: 8, float: true, read: (v, o) => v.getFloat64(o, true) },
  '|i1': { size: 1, float: false, read: (v, o) => v.getInt8(o) },
  '|u1': { size: 1, float: false, read: (v, o) => v.getUint8(o) },
  '|b1': { size: 1, float: false, read: (v, o) => v.getUint8(o) },
  '<i2': { size: 2, float: false, read: (v, o) => v.getInt16(o, true) },
  '<i4': { size: 4, float: false, read: (v, o) => v.getInt32(o, true) },
  '<i8': { size: 8, float: false, read: (v, o) => v.getBigInt64(o, true) },
};
