import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkpointFormatOf, detectCheckpointFormat } from '../../../src/compress/checkpoint-format';
import { CompressError } from '../../../src/compress/compress-error';
import { tempDir } from '../../helpers/temp-dir';

function safetensorsBytes(header: object, data = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const ONNX_HEAD = Uint8Array.from([0x08, 0x07, 0x12, 0x07, 0x70, 0x79, 0x74, 0x6f, 0x72, 0x63, 0x68]); // ir_version 7, producer "pytorch"
const ZIP_HEAD = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]);
const PICKLE_HEAD = Uint8Array.from([0x80, 0x02, 0x8a, 0x0a]);

test('the extension and the first bytes agree: onnx, safetensors, pytorch (zip, legacy pickle)', () => {
  const st = safetensorsBytes({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
  assert.equal(checkpointFormatOf('m.onnx', ONNX_HEAD, 1000), 'onnx');
  assert.equal(checkpointFormatOf('m.safetensors', st.subarray(0, 16), st.length), 'safetensors');
  assert.equal(checkpointFormatOf('m.pt', ZIP_HEAD, 1000), 'pytorch');
  assert.equal(checkpointFormatOf('m.PTH', PICKLE_HEAD, 1000), 'pytorch');
  assert.equal(checkpointFormatOf('pytorch_model.bin', ZIP_HEAD, 1000), 'pytorch');
});

test('a file without a known extension is recognized by its content', () => {
  assert.equal(checkpointFormatOf('model', ZIP_HEAD, 1000), 'pytorch');
  const st = safetensorsBytes({});
  assert.equal(checkpointFormatOf('weights.st', st, st.length), 'safetensors');
  assert.throws(() => checkpointFormatOf('notes.txt', new TextEncoder().encode('hello world'), 11), (err: unknown) => CompressError.is(err, 'bad-input') && /notes\.txt/.test(err.message) && /\.onnx/.test(err.message));
});

test('a mismatch names the file and what its bytes are', () => {
  assert.throws(() => checkpointFormatOf('model.onnx', ZIP_HEAD, 1000), (err: unknown) => CompressError.is(err, 'bad-input') && /model\.onnx holds pytorch data/.test(err.message));
  assert.throws(() => checkpointFormatOf('model.onnx', new TextEncoder().encode('<html>'), 6), (err: unknown) => CompressError.is(err, 'corrupt') && /byte offset 0 holds 0x3c 0x68/.test(err.message));
  assert.throws(() => checkpointFormatOf('model.pt', ONNX_HEAD, 1000), (err: unknown) => CompressError.is(err, 'corrupt') && /not a PyTorch checkpoint/.test(err.message));
  const st = safetensorsBytes({});
  assert.throws(() => checkpointFormatOf('model.pt', st, st.length), (err: unknown) => CompressError.is(err, 'bad-input') && /rename it to \.safetensors/.test(err.message));
});

test('empty and truncated files are reported as truncated, with the byte offsets', () => {
  assert.throws(() => checkpointFormatOf('model.onnx', new Uint8Array(0), 0), (err: unknown) => CompressError.is(err, 'truncated') && /model\.onnx is empty/.test(err.message));
  const st = safetensorsBytes({ w: { dtype: 'F32', shape: [1000], data_offsets: [0, 4000] } });
  // The header claims more JSON than the file holds.
  const cut = st.subarray(0, 12);
  assert.throws(() => checkpointFormatOf('w.safetensors', cut, cut.length), (err: unknown) => CompressError.is(err, 'truncated') && /byte offset 8/.test(err.message) && /only 12 bytes/.test(err.message));
  assert.throws(() => checkpointFormatOf('w.safetensors', Uint8Array.from([1, 0, 0]), 3), (err: unknown) => CompressError.is(err, 'truncated'));
});

test('detectCheckpointFormat reads real files, and says when one is missing', (t) => {
  const dir = tempDir(t);
  const onnx = path.join(dir, 'a.onnx');
  fs.writeFileSync(onnx, ONNX_HEAD);
  assert.equal(detectCheckpointFormat(onnx), 'onnx');
  assert.throws(() => detectCheckpointFormat(path.join(dir, 'missing.onnx')), (err: unknown) => CompressError.is(err, 'bad-input') && /missing\.onnx: no such file/.test(err.message));
  assert.throws(() => detectCheckpointFormat(dir), (err: unknown) => CompressError.is(err));
});
