/**
 * Inputs files in the three formats a user may hand to --inputs, checked against the input
 * shapes a model declares. The .npy files are written by NumPy itself where it is installed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CompressError } from '../../../../src/compress/compress-error';
import type { InputSpec } from '../../../../src/compress/verify/input-tensors';
import { readInputsFile } from '../../../../src/compress/verify/inputs-file';
import { parseNpy } from '../../../../src/compress/verify/npy-file';
import { DEBIAN_PYTHON, missingPythonModules } from '../../../helpers/debian-python';
import { tempDir } from '../../../helpers/temp-dir';

const DIGITS: InputSpec[] = [{ name: 'input', type: 'float32', shape: ['batch', 4] }];

function writeSafetensors(file: string, tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>): void {
  const header: Record<string, unknown> = {};
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
    chunks.push(t.bytes);
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(json.length), true);
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(json), ...chunks]));
}

const f32 = (values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);
const i64 = (values: number[]): Uint8Array => new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer);

test('safetensors: the input by name, labels as class indices, other tensors ignored with a warning', (t) => {
  const file = path.join(tempDir(t), 'test.safetensors');
  writeSafetensors(file, {
    input: { dtype: 'F32', shape: [2, 4], bytes: f32([0, 0.25, 0.5, 1, -1, 2, 3, 4]) },
    labels: { dtype: 'I64', shape: [2], bytes: i64([7, 3]) },
    mean: { dtype: 'F32', shape: [4], bytes: f32([0, 0, 0, 0]) },
  });
  const { inputs, warnings } = readInputsFile(file, DIGITS);
  assert.equal(inputs.rows, 2);
  assert.equal(inputs.from, 'file');
  assert.deepEqual(inputs.tensors[0]?.dims, [2, 4]);
  assert.deepEqual([...(inputs.tensors[0]?.data ?? [])], [0, 0.25, 0.5, 1, -1, 2, 3, 4]);
  assert.deepEqual([...(inputs.labels ?? [])], [7, 3]);
  assert.match(warnings.join('\n'), /ignored tensor "mean"/);
});

test('safetensors: a missing input, a wrong width and mismatched labels say which and why', (t) => {
  const dir = tempDir(t);
  const wrongName = path.join(dir, 'a.safetensors');
  writeSafetensors(wrongName, { x: { dtype: 'F32', shape: [1, 4], bytes: f32([1, 2, 3, 4]) } });
  assert.throws(() => readInputsFile(wrongName, DIGITS), (err: unknown) => CompressError.is(err, 'bad-input') && /no tensor for the model input "input" \(it holds "x"\)/.test(err.message));
  const wrongWidth = path.join(dir, 'b.safetensors');
  writeSafetensors(wrongWidth, { input: { dtype: 'F32', shape: [2, 2], bytes: f32([1, 2, 3, 4]) } });
  assert.throws(() => readInputsFile(wrongWidth, DIGITS), (err: unknown) => CompressError.is(err, 'bad-input') && /has 2 in dimension 1, but the model takes exactly 4/.test(err.message));
  const badLabels = path.join(dir, 'c.safetensors');
  writeSafetensors(badLabels, { input: { dtype: 'F32', shape: [1, 4], bytes: f32([1, 2, 3, 4]) }, labels: { dtype: 'I64', shape: [3], bytes: i64([1, 2, 3]) } });
  assert.throws(() => readInputsFile(badLabels, DIGITS), (err: unknown) => CompressError.is(err, 'bad-input') && /"labels" has shape \[3\]; it must hold one class index per row, shape \[1\]/.test(err.message));
});

test('safetensors: a truncated file is refused with the byte offsets', (t) => {
  const file = path.join(tempDir(t), 'cut.safetensors');
  writeSafetensors(file, { input: { dtype: 'F32', shape: [2, 4], bytes: f32([1, 2, 3, 4, 5, 6, 7, 8]) } });
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 5));
  assert.throws(() => readInputsFile(file, DIGITS), (err: unknown) => CompressError.is(err) && /cut\.safetensors/.test(err.message));
});

test('JSON: nested arrays, rectangular, with labels', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'in.json');
  fs.writeFileSync(file, JSON.stringify({ input: [[1, 2, 3, 4], [5, 6, 7, 8], [0, 0, 0, 0]], labels: [1, 0, 2] }));
  const { inputs } = readInputsFile(file, DIGITS);
  assert.equal(inputs.rows, 3);
  assert.deepEqual([...(inputs.labels ?? [])], [1, 0, 2]);
  const ragged = path.join(dir, 'ragged.json');
  fs.writeFileSync(ragged, JSON.stringify({ input: [[1, 2, 3, 4], [5, 6, 7]] }));
  assert.throws(() => readInputsFile(ragged, DIGITS), (err: unknown) => CompressError.is(err, 'bad-input') && /"input"\[1\] should be an array of 4/.test(err.message));
  const text = path.join(dir, 'text.json');
  fs.writeFileSync(text, JSON.stringify({ input: [[1, 2, 'x', 4]] }));
  assert.throws(() => readInputsFile(text, DIGITS), (err: unknown) => CompressError.is(err, 'bad-input') && /"input"\[0\]\[2\] is "x", not a number/.test(err.message));
  const fractionalLabel = path.join(dir, 'fl.json');
  fs.writeFileSync(fractionalLabel, JSON.stringify({ input: [[1, 2, 3, 4]], labels: [0.5] }));
  assert.throws(() => readInputsFile(fractionalLabel, DIGITS), (err: unknown) => CompressError.is(err, 'bad-input') && /"labels"\[0\] is 0.5, not a class index/.test(err.message));
});

const numpy = missingPythonModules('numpy');

test('.npy files written by NumPy: float32, float16, int64; Fortran order refused', { skip: numpy }, (t) => {
  const dir = tempDir(t);
  execFileSync(DEBIAN_PYTHON, [
    '-c',
    `import numpy as np, sys
d = sys.argv[1]
np.save(d + '/f32.npy', np.arange(8, dtype=np.float32).reshape(2, 4) / 4)
np.save(d + '/f16.npy', np.array([[0.5, -2, 65504, 1e-7]], dtype=np.float16))
np.save(d + '/i64.npy', np.array([3, -1, 2**40], dtype=np.int64))
np.save(d + '/fortran.npy', np.asfortranarray(np.ones((2, 3), dtype=np.float32)))`,
    dir,
  ]);
  const { inputs } = readInputsFile(path.join(dir, 'f32.npy'), DIGITS);
  assert.deepEqual(inputs.tensors[0]?.dims, [2, 4]);
  assert.deepEqual([...(inputs.tensors[0]?.data ?? [])], [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
  const half = parseNpy(fs.readFileSync(path.join(dir, 'f16.npy')), 'f16.npy', 'x');
  assert.deepEqual([...half.data].slice(0, 3), [0.5, -2, 65504]);
  assert.equal(half.data[3], 2 ** -23); // 1e-7 is subnormal in float16: NumPy rounds it to 2 * 2^-24
  const ints = parseNpy(fs.readFileSync(path.join(dir, 'i64.npy')), 'i64.npy', 'x');
  assert.deepEqual([...ints.data], [3n, -1n, 2n ** 40n]);
  assert.throws(() => parseNpy(fs.readFileSync(path.join(dir, 'fortran.npy')), 'fortran.npy', 'x'), (err: unknown) => CompressError.is(err, 'bad-input') && /Fortran order/.test(err.message));
  const bytes = fs.readFileSync(path.join(dir, 'f32.npy'));
  assert.throws(() => parseNpy(bytes.subarray(0, bytes.length - 4), 'cut.npy', 'x'), (err: unknown) => CompressError.is(err, 'truncated') && /cut\.npy: shape \(2, 4\) of '<f4' needs 32 bytes from byte offset 128/.test(err.message));
});

test('a .npy file feeds a single-input model only', (t) => {
  const file = path.join(tempDir(t), 'x.npy');
  fs.writeFileSync(file, 'irrelevant');
  const two: InputSpec[] = [...DIGITS, { name: 'mask', type: 'float32', shape: ['batch', 4] }];
  assert.throws(() => readInputsFile(file, two), (err: unknown) => CompressError.is(err, 'bad-input') && /the model has 2 inputs \(input, mask\)/.test(err.message));
  assert.throws(() => readInputsFile(file, DIGITS), (err: unknown) => CompressError.is(err, 'bad-input') && /not a \.npy file/.test(err.message));
});
