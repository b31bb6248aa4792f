/**
 * Reading and writing the safetensors format (https://github.com/huggingface/safetensors, "Format"
 * in its README): an 8-byte little-endian u64 N, N bytes of UTF-8 JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}`, then the
 * byte buffer, offsets relative to its start. Tensors are row-major, little-endian.
 *
 * The header is validated the way the reference Rust implementation does (safetensors/src/
 * tensor.rs, `Metadata::validate`): every tensor's byte length must equal shape x item size, and
 * the offsets, sorted, must tile the buffer exactly (no gap, no overlap, nothing after). Tensor
 * bytes are read with positioned reads, one tensor at a time, so a multi-GB checkpoint is never
 * loaded whole.
 */
import * as fs from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { CompressError } from '../compress-error';
import { writeAll, writeFileAtomically } from '../atomic-write';

/** The dtypes of the safetensors spec that have whole-byte items. */
export type SafetensorsDtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'F8_E4M3'
  | 'F8_E5M2'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

/** Item size in bytes, and the name LayerReport uses for it. */
export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDtype, { bytes: number; name: string }>> = {
  F64: { bytes: 8, name: 'float64' },
  F32: { bytes: 4, name: 'float32' },
  F16: { bytes: 2, name: 'float16' },
  BF16: { bytes: 2, name: 'bfloat16' },
  F8_E4M3: { bytes: 1, name: 'float8_e4m3' },
  F8_E5M2: { bytes: 1, name: 'float8_e5m2' },
  I64: { bytes: 8, name: 'int64' },
  I32: { bytes: 4, name: 'int32' },
  I16: { bytes: 2, name: 'int16' },
  I8: { bytes: 1, name: 'int8' },
  U64: { bytes: 8, name: 'uint64' },
  U32: { bytes: 4, name: 'uint32' },
  U16: { bytes: 2, name: 'uint16' },
  U8: { bytes: 1, name: 'uint8' },
  BOOL: { bytes: 1, name: 'bool' },
};

/**
 * Newer spec dtypes with sub-byte or exotic items (F4, F6_*, F8_E8M0...): known, so the file is
 * not corrupt, but Tunekit cannot copy them tensor by tensor yet.
 */
const RECOGNISED_UNSUPPORTED = new Set(['F4', 'F6_E2M3', 'F6_E3M2', 'F8_E8M0', 'C64']);

/** The reference implementation refuses headers above 100 MB (safetensors/src/tensor.rs, MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsTensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** [begin, end) in the byte buffer after the header. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** Bytes of file: 8 + headerBytes + buffer. */
  fileBytes: number;
  /** N, the JSON header's length (padding included). */
  headerBytes: number;
  /** Where the byte buffer starts in the file: 8 + N. */
  dataStart: number;
  /** In buffer order (by data offset), which is also the order Tunekit writes them back in. */
  tensors: SafetensorsTensorInfo[];
  metadata: Record<string, string> | undefined;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function safetensorsByteLength(dtype: SafetensorsDtype, shape: readonly number[]): number {
  return elementCount(shape) * SAFETENSORS_DTYPES[dtype].bytes;
}

function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.hasOwn(SAFETENSORS_DTYPES, value);
}

function corrupt(file: string, what: string): CompressError {
  return new CompressError('corrupt', `${file} is not a valid safetensors file: ${what}.`);
}

function parseTensorEntry(file: string, name: string, entry: unknown): SafetensorsTensorInfo {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw corrupt(file, `the header entry of tensor "${name}" is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (!isDtype(dtype)) {
    if (typeof dtype === 'string' && RECOGNISED_UNSUPPORTED.has(dtype)) {
      throw new CompressError('unsupported-dtype', `${file}: tensor "${name}" has dtype ${dtype}, which Tunekit cannot process yet.`);
    }
    throw corrupt(file, `tensor "${name}" has unknown dtype ${JSON.stringify(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw corrupt(file, `tensor "${name}" has shape ${JSON.stringify(shape)}; a shape is a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    throw corrupt(file, `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  const expected = safetensorsByteLength(dtype, shape as number[]);
  if (!Number.isSafeInteger(expected) || end - begin !== expected) {
    throw corrupt(file, `tensor "${name}" (${dtype} [${shape.join(', ')}]) needs ${expected} bytes but its data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw corrupt(file, '__metadata__ must map strings to strings');
  }
  return { ...(value as Record<string, string>) };
}

/**
 * Validates the JSON header of `file` (`json` = the N header bytes) against a file of
 * `fileBytes` bytes. Exported for tests of the validation rules on crafted headers.
 */
export function parseSafetensorsHeader(file: string, json: Uint8Array, fileBytes: number): SafetensorsHeader {
  const headerBytes = json.length;
  const dataStart = 8 + headerBytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch (err) {
    throw new CompressError('corrupt', `${file} is not a valid safetensors file: its header (bytes 8 to ${dataStart}) is not UTF-8.`, { cause: err });
  }
  // The spec requires the header to start with '{'; trailing spaces are padding.
  if (!text.startsWith('{')) throw corrupt(file, `its header (bytes 8 to ${dataStart}) does not start with "{"`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CompressError('corrupt', `${file} is not a valid safetensors file: its header (bytes 8 to ${dataStart}) is not valid JSON (${(err as Error).message}).`, {
      cause: err,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw corrupt(file, 'its header is not a JSON object');

  let metadata: Record<string, string> | undefined;
  const tensors: SafetensorsTensorInfo[] = [];
  for (const [name, entry] of Object.entries(parsed)) {
    if (name === '__metadata__') metadata = parseMetadata(file, entry);
    else tensors.push(parseTensorEntry(file, name, entry));
  }

  // Sorted by offsets, the tensors must tile the buffer: each begins where the previous ended.
  tensors.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let expectedBegin = 0;
  let previous = '';
  for (const t of tensors) {
    const [begin, end] = t.dataOffsets;
    if (begin < expectedBegin) throw corrupt(file, `tensor "${t.name}" (data_offsets [${begin}, ${end}]) overlaps tensor "${previous}", which ends at ${expectedBegin}`);
    if (begin > expectedBegin) {
      throw corrupt(file, `tensor "${t.name}" begins at buffer offset ${begin} (file byte ${dataStart + begin}) but the previous tensor${previous ? ` "${previous}"` : ''} ends at ${expectedBegin}: a gap`);
    }
    expectedBegin = end;
    previous = t.name;
  }
  const bufferBytes = fileBytes - dataStart;
  if (expectedBegin > bufferBytes) {
    const cut = tensors.find((t) => t.dataOffsets[1] > bufferBytes) as SafetensorsTensorInfo;
    throw new CompressError(
      'truncated',
      `${file} is truncated: tensor "${cut.name}" ends at file byte ${dataStart + cut.dataOffsets[1]} but the file has ${fileBytes} bytes (the data should end at byte ${dataStart + expectedBegin}). Was the download or copy cut short?`,
    );
  }
  if (expectedBegin < bufferBytes) {
    throw corrupt(file, `${bufferBytes - expectedBegin} bytes follow the last tensor (from file byte ${dataStart + expectedBegin}); the header does not describe them`);
  }
  return { fileBytes, headerBytes, dataStart, tensors, metadata };
}

function readFully(fd: number, into: Uint8Array, position: number): number {
  // readSync takes at most 2 GiB - 1 per call.
  const CHUNK = 1 << 30;
  let done = 0;
  while (done < into.length) {
    const n = fs.readSync(fd, into, done, Math.min(CHUNK, into.length - done), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** An open safetensors file: the validated header, and tensors read on demand. Close it when done. */
export class SafetensorsReader {
  private constructor(
    readonly path: string,
    readonly header: SafetensorsHeader,
    private fd: number | undefined,
  ) {}

  static open(file: string): SafetensorsReader {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
      if (!fs.fstatSync(fd).isFile()) {
        fs.closeSync(fd);
        throw new CompressError('bad-input', `${file} is not a file.`);
      }
    } catch (err) {
      if (CompressError.is(err)) throw err;
      throw new CompressError('bad-input', `Cannot open ${file}: ${(err as Error).message}`, { cause: err });
    }
    try {
      const fileBytes = fs.fstatSync(fd).size;
      const prefix = new Uint8Array(8);
      if (readFully(fd, prefix, 0) < 8) {
        throw new CompressError('truncated', `${file} is truncated: ${fileBytes} bytes, shorter than the 8-byte safetensors header length.`);
      }
      const n = new DataView(prefix.buffer).getBigUint64(0, true);
      if (n > BigInt(MAX_HEADER_BYTES)) {
        throw corrupt(file, `its first 8 bytes give a header length of ${n} bytes, above the format's 100 MB limit (is it a safetensors file at all?)`);
      }
      const headerBytes = Number(n);
      if (8 + headerBytes > fileBytes) {
        throw new CompressError('truncated', `${file} is truncated: its header says ${headerBytes} bytes of JSON follow byte 8, but the file has only ${fileBytes} bytes.`);
      }
      const json = new Uint8Array(headerBytes);
      readFully(fd, json, 8);
      return new SafetensorsReader(file, parseSafetensorsHeader(file, json, fileBytes), fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  tensor(name: string): SafetensorsTensorInfo | undefined {
    return this.header.tensors.find((t) => t.name === name);
  }

  /** The tensor's raw little-endian bytes, in a fresh buffer of its own (offset 0, so typed views align). */
  readTensorBytes(info: SafetensorsTensorInfo): Uint8Array {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    const [begin, end] = info.dataOffsets;
    const length = end - begin;
    if (length > bufferConstants.MAX_LENGTH) {
      throw new CompressError('too-large', `${this.path}: tensor "${info.name}" holds ${length} bytes, more than one buffer can hold in this Node (${bufferConstants.MAX_LENGTH}).`);
    }
    const bytes = new Uint8Array(length);
    const position = this.header.dataStart + begin;
    if (readFully(this.fd, bytes, position) < length) {
      throw new CompressError('truncated', `${this.path} was cut short while reading tensor "${info.name}" at file byte ${position}: did it change on disk?`);
    }
    return bytes;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Opens, validates and closes: the header alone. */
export function readSafetensorsHeader(file: string): SafetensorsHeader {
  const reader = SafetensorsReader.open(file);
  reader.close();
  return reader.header;
}

/** A tensor to write: its bytes come from `bytesOf` when its turn comes, so only one is in memory. */
export interface SafetensorsTensorSpec {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
}

/**
 * The header bytes for `tensors` laid out in order: `__metadata__` first, then the tensors in
 * the order given (object key order is kept by writing the JSON by hand: JSON.stringify would
 * move integer-like names such as "0" to the front). Padded with spaces to a multiple of 8, as
 * the reference writer does, so the buffer starts aligned.
 */
export function encodeSafetensorsHeader(tensors: readonly SafetensorsTensorSpec[], metadata: Record<string, string> | undefined): Uint8Array {
  const entries: string[] = [];
  if (metadata !== undefined) entries.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  const names = new Set<string>();
  for (const t of tensors) {
    if (t.name === '__metadata__' || names.has(t.name)) throw new CompressError('bad-input', `Cannot write two tensors named "${t.name}" (or one named __metadata__) in one safetensors file.`);
    names.add(t.name);
    const end = offset + safetensorsByteLength(t.dtype, t.shape);
    entries.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  const out = new Uint8Array(8 + padded.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded.length), true);
  out.set(padded, 8);
  return out;
}

/**
 * Writes a new safetensors file at `dest` through writeFileAtomically (nothing appears unless
 * every tensor was written; an existing file is never replaced). `bytesOf` is called once per
 * tensor, in order, and must return exactly shape x item size bytes.
 */
export async function writeSafetensors(
  dest: string,
  tensors: readonly SafetensorsTensorSpec[],
  metadata: Record<string, string> | undefined,
  bytesOf: (tensor: SafetensorsTensorSpec, index: number) => Uint8Array | Promise<Uint8Array>,
): Promise<void> {
  const header = encodeSafetensorsHeader(tensors, metadata);
  await writeFileAtomically(dest, async (fd) => {
    writeAll(fd, [header]);
    for (const [index, tensor] of tensors.entries()) {
      const bytes = await bytesOf(tensor, index);
      const expected = safetensorsByteLength(tensor.dtype, tensor.shape);
      if (bytes.length !== expected) {
        throw new Error(`internal: tensor "${tensor.name}" (${tensor.dtype} [${tensor.shape.join(', ')}]) got ${bytes.length} bytes to write, expected ${expected}`);
      }
      writeAll(fd, [bytes]);
    }
  });
}
