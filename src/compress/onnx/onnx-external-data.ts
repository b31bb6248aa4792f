/**
 * ONNX external data (https://github.com/onnx/onnx/blob/main/docs/ExternalData.md): a tensor with
 * data_location = EXTERNAL keeps its bytes in another file, named by the `location` entry
 * relative to the model's directory, at `offset` for `length` bytes. The location comes from an
 * untrusted file, so it may not be absolute nor climb out of the model's directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompressError } from '../compress-error';
import type { OnnxTensor } from './onnx-model';

/** TensorProto.DataLocation.EXTERNAL */
export const EXTERNAL = 1;

export interface ExternalRef {
  /** The resolved file. */
  file: string;
  /** As written in the model. */
  location: string;
  offset: number;
  /** undefined: to the end of the file. */
  length: number | undefined;
}

export function isExternal(tensor: OnnxTensor): boolean {
  return tensor.dataLocation === EXTERNAL;
}

function entry(tensor: OnnxTensor, key: string): string | undefined {
  return tensor.externalData.find((e) => e.key === key)?.value;
}

function nonNegativeInt(value: string | undefined, key: string, tensorName: string, modelPath: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CompressError('corrupt', `${modelPath}: tensor "${tensorName}" has external_data ${key}="${value}", which is not a byte count.`);
  return Number(value);
}

/** Reads the location / offset / length entries of an external tensor and resolves its file safely. */
export function externalRef(tensor: OnnxTensor, modelPath: string): ExternalRef {
  const name = tensor.name ?? '(unnamed)';
  const location = entry(tensor, 'location');
  if (location === undefined || location === '') throw new CompressError('corrupt', `${modelPath}: tensor "${name}" is marked EXTERNAL but has no external_data location.`);
  const modelDir = path.dirname(path.resolve(modelPath));
  const file = path.resolve(modelDir, location);
  const rel = path.relative(modelDir, file);
  // The spec requires a relative path inside the model's directory; anything else could read
  // an arbitrary file (e.g. /etc/passwd or ../../secrets) into a "model".
  if (path.isAbsolute(location) || rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new CompressError('corrupt', `${modelPath}: tensor "${name}" keeps its data at "${location}", outside the model's directory; Tunekit only reads external data beside the model.`);
  }
  return {
    file,
    location,
    offset: nonNegativeInt(entry(tensor, 'offset'), 'offset', name, modelPath) ?? 0,
    length: nonNegativeInt(entry(tensor, 'length'), 'length', name, modelPath),
  };
}

/** The size in bytes the external tensor's data will take once read (for the memory check). */
export function externalLength(ref: ExternalRef, tensorName: string, modelPath: string): number {
  const size = fileSize(ref.file, tensorName, modelPath);
  const length = ref.length ?? size - ref.offset;
  if (ref.offset + length > size) {
    throw new CompressError(
      'truncated',
      `${ref.file} is truncated: tensor "${tensorName}" of ${modelPath} needs bytes ${ref.offset}..${ref.offset + length} but the file has ${size} bytes.`,
    );
  }
  return length;
}

function fileSize(file: string, tensorName: string, modelPath: string): number {
  try {
    return fs.statSync(file).size;
  } catch (err) {
    throw new CompressError('corrupt', `${modelPath}: the external data file ${file} of tensor "${tensorName}" cannot be read (${(err as Error).message}).`, { cause: err });
  }
}

/** Reads an external tensor's bytes with positioned reads (the rest of the file is never loaded). */
export function readExternal(ref: ExternalRef, tensorName: string, modelPath: string): Uint8Array {
  const length = externalLength(ref, tensorName, modelPath);
  const out = new Uint8Array(length);
  const fd = fs.openSync(ref.file, 'r');
  try {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, out, done, length - done, ref.offset + done);
      if (n === 0) throw new CompressError('truncated', `${ref.file} ended at byte ${ref.offset + done} while reading tensor "${tensorName}" of ${modelPath}.`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

/** Copies an external tensor's bytes into an open output file without holding them all in memory. */
export function copyExternal(ref: ExternalRef, tensorName: string, modelPath: string, outFd: number): number {
  const length = externalLength(ref, tensorName, modelPath);
  const buf = new Uint8Array(Math.min(length, 8 << 20));
  const fd = fs.openSync(ref.file, 'r');
  try {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, length - done), ref.offset + done);
      if (n === 0) throw new CompressError('truncated', `${ref.file} ended at byte ${ref.offset + done} while reading tensor "${tensorName}" of ${modelPath}.`);
      let w = 0;
      while (w < n) w += fs.writeSync(outFd, buf, w, n - w);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return length;
}
