/**
 * The safetensors container: what Tunekit writes it reads back bit for bit, for every dtype, and
 * every kind of broken file is refused with the right reason, naming the file and the tensor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompressError } from '../../../../src/compress/compress-error';
import type { CompressErrorReason } from '../../../../src/compress/compress-error';
import { SafetensorsReader, readSafetensorsHeader, writeSafetensors } from '../../../../src/compress/safetensors/safetensors-file';
import type { SafetensorsDtype, SafetensorsTensorSpec } from '../../../../src/compress/safetensors/safetensors-file';
import { tempDir } from '../../../helpers/temp-dir';

function randomBytes(length: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s >>> 24));
}

const ALL_DTYPES: [SafetensorsDtype, number][] = [
  ['F64', 8], ['F32', 4], ['F16', 2], ['BF16', 2], ['F8_E4M3', 1], ['F8_E5M2', 1], ['I64', 8], ['I32', 4],
  ['I16', 2], ['I8', 1], ['U64', 8], ['U32', 4], ['U16', 2], ['U8', 1], ['BOOL', 1],
];

test('a file Tunekit writes reads back bit-identical: every dtype, scalars, empty tensors, odd names, metadata', async (t) => {
  const file = path.join(tempDir(t), 'all.safetensors');
  const specs: (SafetensorsTensorSpec & { bytes: Uint8Array })[] = ALL_DTYPES.map(([dtype, size], i) => ({
    name: `layer.${i}.${dtype.toLowerCase()}`,
    dtype,
    shape: [3, i + 1],
    bytes: dtype === 'BOOL' ? randomBytes(3 * (i + 1), i).map((b) => b & 1) : randomBytes(3 * (i + 1) * size, i),
  }));
  specs.push({ name: '0', dtype: 'F32', shape: [], bytes: new Uint8Array(new Float32Array([Math.PI]).buffer) }); // integer-like name, scalar
  specs.push({ name: 'empty "quoted" \u00e9', dtype: 'F32', shape: [0, 5], bytes: new Uint8Array(0) });
  const metadata = { format: 'pt', note: 'caf\u00e9 \u2615' };
  await writeSafetensors(file, specs, metadata, (_spec, i) => specs[i]!.bytes);

  const raw = fs.readFileSync(file);
  const n = Number(raw.readBigUInt64LE(0));
  assert.equal(n % 8, 0, 'header padded to a multiple of 8');
  assert.equal(raw[8], '{'.charCodeAt(0));
  const reader = SafetensorsReader.open(file);
  t.after(() => reader.close());
  assert.deepEqual(reader.header.metadata, metadata);
  assert.deepEqual(reader.header.tensors.map((x) => x.name), specs.map((s) => s.name), 'tensors keep the order they were written in');
  for (const spec of specs) {
    const info = reader.tensor(spec.name);
    assert.ok(info, spec.name);
    assert.equal(info.dtype, spec.dtype);
    assert.deepEqual(info.shape, spec.shape);
    assert.deepEqual(reader.readTensorBytes(info), spec.bytes, `${spec.name} bytes`);
  }
  assert.equal(raw.length, 8 + n + specs.reduce((s, x) => s + x.bytes.length, 0), 'nothing but header and tensors');
});

test('typed views over read tensors are aligned, whatever the tensor offset', async (t) => {
  const file = path.join(tempDir(t), 'align.safetensors');
  const specs: SafetensorsTensorSpec[] = [
    { name: 'odd', dtype: 'U8', shape: [3] },
    { name: 'f', dtype: 'F32', shape: [2] },
  ];
  const data = [new Uint8Array([1, 2, 3]), new Uint8Array(new Float32Array([1.5, -2]).buffer)];
  await writeSafetensors(file, specs, undefined, (_s, i) => data[i]!);
  const reader = SafetensorsReader.open(file);
  t.after(() => reader.close());
  const bytes = reader.readTensorBytes(reader.tensor('f')!);
  assert.deepEqual([...new Float32Array(bytes.buffer, bytes.byteOffset, 2)], [1.5, -2]);
  assert.equal(reader.header.metadata, undefined);
});

test('writing never replaces a file, and a failure half-way leaves nothing behind', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'out.safetensors');
  fs.writeFileSync(file, 'precious');
  await assert.rejects(
    writeSafetensors(file, [{ name: 'a', dtype: 'U8', shape: [1] }], undefined, () => new Uint8Array(1)),
    (e) => CompressError.is(e, 'exists'),
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'precious');
  const other = path.join(dir, 'other.safetensors');
  await assert.rejects(
    writeSafetensors(other, [{ name: 'a', dtype: 'U8', shape: [4] }, { name: 'b', dtype: 'U8', shape: [1] }], undefined, (s) => {
      if (s.name === 'b') throw new Error('disk on fire');
      return new Uint8Array(4);
    }),
    /disk on fire/,
  );
  assert.deepEqual(fs.readdirSync(dir), ['out.safetensors'], 'no output and no temporary file');
});

/** A file from a header object and a buffer length (the bytes are zeros). */
function craft(dir: string, name: string, header: unknown, bufferBytes: number): string {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.concat([prefix, json, Buffer.alloc(bufferBytes)]));
  return file;
}

function expectError(file: string, reason: CompressErrorReason, ...mentions: (string | RegExp)[]) {
  assert.throws(
    () => readSafetensorsHeader(file),
    (e) => {
      assert.ok(CompressError.is(e), `a CompressError, got ${String(e)}`);
      assert.equal(e.reason, reason, e.message);
      assert.ok(e.message.includes(file), `names the file: ${e.message}`);
      for (const m of mentions) assert.ok(typeof m === 'string' ? e.message.includes(m) : m.test(e.message), `mentions ${m}: ${e.message}`);
      return true;
    },
  );
}

const W = { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] };

test('truncated files: shorter than the length prefix, cut in the header, cut in the data', async (t) => {
  const dir = tempDir(t);
  const good = path.join(dir, 'good.safetensors');
  await writeSafetensors(good, [{ name: 'fc.weight', dtype: 'F32', shape: [4, 4] }, { name: 'fc.bias', dtype: 'F32', shape: [4] }], undefined, (s) => new Uint8Array(s.shape.length === 2 ? 64 : 16));
  const raw = fs.readFileSync(good);
  const n = Number(raw.readBigUInt64LE(0));
  const cut = (name: string, length: number) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, raw.subarray(0, length));
    return f;
  };
  expectError(cut('tiny.safetensors', 5), 'truncated', '8-byte');
  expectError(cut('in-header.safetensors', 8 + Math.floor(n / 2)), 'truncated', `${n} bytes of JSON`);
  expectError(cut('in-data.safetensors', 8 + n + 30), 'truncated', '"fc.weight"', `byte ${8 + n + 64}`);
  expectError(cut('last-byte.safetensors', raw.length - 1), 'truncated', '"fc.bias"');
});

test('corrupt headers are refused, naming the tensor at fault', (t) => {
  const dir = tempDir(t);
  expectError(craft(dir, 'garbage.safetensors', 'this is not json at all', 0), 'corrupt', 'does not start with "{"');
  expectError(craft(dir, 'badjson.safetensors', '{"a": {"dtype": "F32",', 0), 'corrupt', 'not valid JSON');
  expectError(craft(dir, 'array.safetensors', '[1, 2]', 0), 'corrupt');
  const notUtf8 = path.join(dir, 'latin1.safetensors');
  fs.writeFileSync(notUtf8, Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]));
  expectError(notUtf8, 'corrupt', 'UTF-8');
  expectError(craft(dir, 'dtype.safetensors', { 'enc.w': { ...W, dtype: 'F31' } }, 16), 'corrupt', '"enc.w"', 'F31');
  expectError(craft(dir, 'f4.safetensors', { 'enc.w': { ...W, dtype: 'F4' } }, 16), 'unsupported-dtype', '"enc.w"');
  expectError(craft(dir, 'size.safetensors', { 'enc.w': { ...W, shape: [2, 3] } }, 16), 'corrupt', '"enc.w"', '24 bytes');
  expectError(craft(dir, 'shape.safetensors', { 'enc.w': { ...W, shape: [2, -2] } }, 16), 'corrupt', '"enc.w"');
  expectError(craft(dir, 'offsets.safetensors', { 'enc.w': { ...W, data_offsets: [16, 0] } }, 16), 'corrupt', '"enc.w"');
  expectError(
    craft(dir, 'overlap.safetensors', { a: W, b: { ...W, data_offsets: [8, 24] } }, 24),
    'corrupt',
    /"b".*overlaps.*"a"/,
  );
  expectError(craft(dir, 'gap.safetensors', { a: W, b: { ...W, data_offsets: [20, 36] } }, 36), 'corrupt', '"b"', 'gap');
  expectError(craft(dir, 'trailing.safetensors', { a: W }, 20), 'corrupt', '4 bytes follow the last tensor');
  expectError(craft(dir, 'meta.safetensors', { __metadata__: { epochs: 3 }, a: W }, 16), 'corrupt', '__metadata__');
  const huge = path.join(dir, 'huge.safetensors');
  fs.writeFileSync(huge, Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0x7b]));
  expectError(huge, 'corrupt', '100 MB');
});

test('a valid hand-made file with tensors listed out of offset order reads fine', (t) => {
  const dir = tempDir(t);
  const file = craft(dir, 'order.safetensors', { __metadata__: { k: 'v' }, b: { ...W, data_offsets: [16, 32] }, a: W }, 32);
  const header = readSafetensorsHeader(file);
  assert.deepEqual(header.tensors.map((x) => x.name), ['a', 'b']);
  assert.deepEqual(header.metadata, { k: 'v' });
});

test('a missing file or a directory is a clear bad-input error', (t) => {
  const dir = tempDir(t);
  expectError(path.join(dir, 'missing.safetensors'), 'bad-input', 'ENOENT');
  expectError(dir, 'bad-input', 'not a file');
});
