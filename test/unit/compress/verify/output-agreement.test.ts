import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompressError } from '../../../../src/compress/compress-error';
import { generateInputs } from '../../../../src/compress/verify/generated-inputs';
import { float16ToFloat32Scalar as halfToFloat, float32ToFloat16Scalar as floatToHalf } from '../../../../src/compress/tensor/float-formats';
import { summarizeLatency } from '../../../../src/compress/verify/latency';
import { accuracyFromLabels, argmaxRows, compareOutputs } from '../../../../src/compress/verify/output-agreement';

test('max and mean absolute difference over every element; top-1 agreement for [batch, classes]', () => {
  const before = { dims: [3, 3], data: [0.1, 0.9, 0.0, 0.5, 0.2, 0.3, 0.3, 0.3, 0.4] };
  const after = { dims: [3, 3], data: [0.1, 0.8, 0.0, 0.2, 0.6, 0.3, 0.3, 0.3, 0.4] };
  const figures = compareOutputs(before, after, 'logits');
  assert.ok(Math.abs(figures.maxAbsDiff - 0.4) < 1e-12);
  assert.ok(Math.abs(figures.meanAbsDiff - 0.8 / 9) < 1e-12);
  // Row 1's argmax moved from class 0 to class 1: two of three rows agree.
  assert.equal(figures.top1Agreement, 2 / 3);
});

test('no top-1 agreement for outputs that are not [batch, classes]', () => {
  const figures = compareOutputs({ dims: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8] }, { dims: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 9] }, 'y');
  assert.equal(figures.top1Agreement, undefined);
  assert.equal(figures.maxAbsDiff, 1);
  assert.equal(compareOutputs({ dims: [4, 1], data: [1, 2, 3, 4] }, { dims: [4, 1], data: [1, 2, 3, 4] }, 'y').top1Agreement, undefined);
});

test('a NaN in the compressed output is the worst disagreement, not hidden', () => {
  const figures = compareOutputs({ dims: [1, 2], data: [1, 2] }, { dims: [1, 2], data: [NaN, 2] }, 'y');
  assert.ok(Number.isNaN(figures.maxAbsDiff));
});

test('different output shapes are an error naming the output', () => {
  assert.throws(() => compareOutputs({ dims: [2, 3], data: new Array(6).fill(0) }, { dims: [3, 2], data: new Array(6).fill(0) }, 'logits'), (err: unknown) => CompressError.is(err) && /"logits" has shape \[3, 2\], the original's \[2, 3\]/.test(err.message));
});

test('accuracy is the share of rows whose argmax equals the label; ties go to the first class', () => {
  const out = { dims: [4, 2], data: [0.9, 0.1, 0.2, 0.8, 0.5, 0.5, 0.3, 0.7] };
  assert.deepEqual([...argmaxRows(out)], [0, 1, 0, 1]);
  assert.equal(accuracyFromLabels(out, Int32Array.from([0, 1, 1, 0])), 0.5);
});

test('latency: median and nearest-rank 90th percentile', () => {
  assert.deepEqual(summarizeLatency([5, 1, 3, 2, 4]), { medianMs: 3, p90Ms: 5, runs: 5 });
  assert.deepEqual(summarizeLatency([1, 2, 3, 4, 5, 6, 7, 8, 9, 100]), { medianMs: 5.5, p90Ms: 9, runs: 10 });
});

test('generated inputs: symbolic batch -> 32 seeded rows; other symbolic dims and integer inputs ask for a file', () => {
  const a = generateInputs([{ name: 'input', type: 'float32', shape: ['batch', 64] }], 'm.onnx');
  const b = generateInputs([{ name: 'input', type: 'float32', shape: ['batch', 64] }], 'm.onnx');
  assert.equal(a.rows, 32);
  assert.equal(a.from, 'generated');
  assert.deepEqual(a.tensors[0]?.dims, [32, 64]);
  assert.deepEqual(a.tensors[0]?.data, b.tensors[0]?.data);
  assert.deepEqual(generateInputs([{ name: 'img', type: 'float32', shape: [1, 3, 8, 8] }], 'm.onnx').tensors[0]?.dims, [1, 3, 8, 8]);
  assert.throws(() => generateInputs([{ name: 'tokens', type: 'float32', shape: ['batch', 'seq'] }], 'm.onnx'), (err: unknown) => CompressError.is(err, 'bad-input') && /"seq" at position 1/.test(err.message) && /--inputs FILE/.test(err.message));
  assert.throws(() => generateInputs([{ name: 'ids', type: 'int64', shape: ['batch', 8] }], 'm.onnx'), (err: unknown) => CompressError.is(err, 'bad-input') && /"ids" is int64/.test(err.message));
});

test('float16 conversions round to nearest even and keep the special values', () => {
  for (const v of [0, -0, 1, -2, 0.5, 65504, 6.103515625e-5, 5.960464477539063e-8, Infinity, -Infinity]) assert.equal(halfToFloat(floatToHalf(v)), v, String(v));
  assert.ok(Number.isNaN(halfToFloat(floatToHalf(NaN))));
  assert.equal(halfToFloat(floatToHalf(1 + 2 ** -11)), 1); // halfway: ties to the even mantissa
  assert.equal(halfToFloat(floatToHalf(1 + 3 * 2 ** -11)), 1 + 2 ** -9);
  assert.equal(halfToFloat(floatToHalf(1e6)), Infinity);
});
