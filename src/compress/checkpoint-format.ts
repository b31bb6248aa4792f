/**
 * Which format a checkpoint is in: the file extension says what the user means, the first bytes
 * say what the file is. Both must agree, so a renamed or half-downloaded file fails here with a
 * message instead of deep inside a parser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckpointFormat } from '../protocol/compression';
import { CompressError } from './compress-error';

/** Bytes read from the start of the file: enough for every check below. */
const HEAD_BYTES = 16;

const EXTENSIONS: Readonly<Record<string, CheckpointFormat>> = {
  '.onnx': 'onnx',
  '.safetensors': 'safetensors',
  '.pt': 'pytorch',
  '.pth': 'pytorch',
  '.bin': 'pytorch',
  '.ckpt': 'pytorch',
};

/** The extensions Tunekit compresses, for messages and the extension's menus. */
export const CHECKPOINT_EXTENSIONS: readonly string[] = Object.keys(EXTENSIONS);

/** The format a file name claims by its extension (the bytes are checked by detectCheckpointFormat). */
export function formatOfExtension(file: string): CheckpointFormat | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

/** Reads the first bytes of `file` and returns its format; a CompressError when it is none Tunekit reads. */
export function detectCheckpointFormat(file: string): CheckpointFormat {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CompressError('bad-input', code === 'ENOENT' ? `${file}: no such file` : `cannot read ${file} (${code ?? (err as Error).message})`, { cause: err });
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (!fs.fstatSync(fd).isFile()) throw new CompressError('bad-input', `${file} is not a file`);
    const head = new Uint8Array(Math.min(HEAD_BYTES, size));
    fs.readSync(fd, head, 0, head.length, 0);
    return checkpointFormatOf(file, head, size);
  } finally {
    fs.closeSync(fd);
  }
}

/** What the file is by its content alone; undefined when nothing matches. */
export function sniffCheckpointFormat(head: Uint8Array, size: number): CheckpointFormat | undefined {
  if (isZip(head) || isPickle(head)) return 'pytorch';
  if (safetensorsHeaderLength(head, size) !== undefined) return 'safetensors';
  if (isOnnxModelStart(head)) return 'onnx';
  return undefined;
}

/** The format of a file named `file` that starts with `head` and is `size` bytes long. Pure, for tests. */
export function checkpointFormatOf(file: string, head: Uint8Array, size: number): CheckpointFormat {
  const ext = path.extname(file).toLowerCase();
  const claimed = EXTENSIONS[ext];
  if (size === 0) throw new CompressError('truncated', `${file} is empty (0 bytes): the checkpoint was not written completely`);
  const sniffed = sniffCheckpointFormat(head, size);
  if (claimed === undefined) {
    if (sniffed !== undefined) return sniffed;
    throw new CompressError(
      'bad-input',
      `${file}: not a checkpoint Tunekit can compress (the extension "${ext || '(none)'}" is none of ${CHECKPOINT_EXTENSIONS.join(', ')}, and its first bytes match none of ONNX, safetensors or PyTorch)`,
    );
  }
  if (claimed === 'safetensors') {
    if (head.length < 8) throw new CompressError('truncated', `${file}: ${size} bytes, shorter than the 8-byte safetensors header length at byte offset 0`);
    const headerLength = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
    if (headerLength + 8 > size) {
      throw new CompressError('truncated', `${file}: the safetensors header says ${headerLength} bytes of JSON at byte offset 8, but the file is only ${size} bytes: it is truncated`);
    }
    if (sniffed !== 'safetensors') throw new CompressError('corrupt', `${file}: not a safetensors file (byte offset 8 should start the JSON header with "{", found ${describeBytes(head.subarray(8, 12))})`);
    return claimed;
  }
  if (claimed === 'pytorch') {
    if (sniffed === 'pytorch') return claimed;
    if (sniffed === 'safetensors') throw new CompressError('bad-input', `${file} holds safetensors data despite its ${ext} extension: rename it to .safetensors`);
    throw new CompressError(
      'corrupt',
      `${file}: not a PyTorch checkpoint (it starts with ${describeBytes(head.subarray(0, 4))}, not a zip archive "PK" as torch.save and TorchScript write, nor a legacy pickle 0x80)`,
    );
  }
  // ONNX is a bare protobuf message with no magic number: check the first field is one ModelProto has.
  if (sniffed === 'onnx') return claimed;
  if (sniffed !== undefined) throw new CompressError('bad-input', `${file} holds ${sniffed} data despite its .onnx extension`);
  throw new CompressError('corrupt', `${file}: not an ONNX model (byte offset 0 holds ${describeBytes(head.subarray(0, 4))}, which starts no field of onnx.ModelProto)`);
}

function isZip(head: Uint8Array): boolean {
  // "PK\x03\x04": a local file header, the first record of a zip archive (torch.save since 1.6, TorchScript).
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

function isPickle(head: Uint8Array): boolean {
  // The legacy torch.save format is a pickle: PROTO opcode 0x80 and a protocol number 2..5.
  return head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5;
}

/** The JSON header length when `head` starts a safetensors file of `size` bytes. */
function safetensorsHeaderLength(head: Uint8Array, size: number): number | undefined {
  if (head.length < 9) return undefined;
  const length = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
  // The header is a JSON object right after the length (https://github.com/huggingface/safetensors#format).
  if (head[8] !== 0x7b || length < 2 || length + 8 > size) return undefined;
  return length;
}

/**
 * Field tags onnx.ModelProto may open with (onnx/onnx.proto3): ir_version (1, varint),
 * producer_name (2), producer_version (3), domain (4), model_version (5, varint), doc_string (6),
 * graph (7), opset_import (8), metadata_props (14), training_info (15), functions (16).
 */
const MODEL_PROTO_TAGS = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0x7a]);

function isOnnxModelStart(head: Uint8Array): boolean {
  const first = head[0];
  if (first === undefined) return false;
  if (first === 0x82) return head[1] === 0x01; // field 16 takes a two-byte tag
  return MODEL_PROTO_TAGS.has(first);
}

function describeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'nothing';
  return Array.from(bytes, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
}
