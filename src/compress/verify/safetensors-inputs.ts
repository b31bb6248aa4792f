/**
 * Reads the tensors of a safetensors inputs file into verification inputs. The file format and
 * its validation (header, offsets, truncation) are safetensors-file.ts's; this only turns the
 * dtypes an input or a label takes into values.
 */
import { CompressError } from '../compress-error';
import type { SafetensorsDtype } from '../safetensors/safetensors-file';
import { SafetensorsReader } from '../safetensors/safetensors-file';
import { float16ToFloat32Scalar as halfToFloat } from '../tensor/float-formats';
import type { InputTensor } from './input-tensors';
import { elementCount } from './input-tensors';

interface ValueReader {
  float: boolean;
  read: (view: DataView, offset: number) => number | bigint;
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

const READERS: Partial<Record<SafetensorsDtype, ValueReader>> = {
  F16: { float: true, read: (v, o) => halfToFloat(v.getUint16(o, true)) },
  // bfloat16 is the upper half of a float32.
  BF16: {
    float: true,
    read: (v, o) => {
      bf16Scratch.setUint32(0, v.getUint16(o, true) << 16);
      return bf16Scratch.getFloat32(0);
    },
  },
  F32: { float: true, read: (v, o) => v.getFloat32(o, true) },
  F64: { float: true, read: (v, o) => v.getFloat64(o, true) },
  BOOL: { float: false, read: (v, o) => v.getUint8(o) },
  U8: { float: false, read: (v, o) => v.getUint8(o) },
  I8: { float: false, read: (v, o) => v.getInt8(o) },
  I16: { float: false, read: (v, o) => v.getInt16(o, true) },
  I32: { float: false, read: (v, o) => v.getInt32(o, true) },
  I64: { float: false, read: (v, o) => v.getBigInt64(o, true) },
};

export function readSafetensorsInputs(file: string): InputTensor[] {
  const reader = SafetensorsReader.open(file);
  try {
    return reader.header.tensors.map((info) => {
      const value = READERS[info.dtype];
      if (value === undefined) {
        throw new CompressError('unsupported-dtype', `${file}: tensor "${info.name}" is ${info.dtype}, which an inputs file cannot use (${Object.keys(READERS).join(', ')})`);
      }
      const bytes = reader.readTensorBytes(info);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const count = elementCount(info.shape);
      const size = count === 0 ? 0 : bytes.length / count;
      const data = value.float ? new Float64Array(count) : new BigInt64Array(count);
      for (let i = 0; i < count; i++) {
        const v = value.read(view, i * size);
        if (data instanceof Float64Array) data[i] = Number(v);
        else data[i] = BigInt(v);
      }
      return { name: info.name, dims: [...info.shape], data };
    });
  } finally {
    reader.close();
  }
}
