import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dequantizeInt8PerChannel,
  dequantizeInt8PerTensor,
  quantizeInt8PerChannel,
  quantizeInt8PerTensor,
} from '../../../../src/compress/tensor/int8-quantize';
import { CompressError } from '../../../../src/compress/compress-error';

function weights(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Float32Array.from({ length: count }, () => (next() - 0.5) * 0.4);
}

test('per-channel int8 along axis 0: scale = max|w| / 127 per row, error within half a step', () => {
  const shape = [16, 40];
  const data = weights(640, 1);
  for (let i = 0; i < 40; i++) data[3 * 40 + i] = (data[3 * 40 + i] as number) * 50; // a row with a much larger range
  const { values, scales } = quantizeInt8PerChannel(data, shape, 0, 'fc.weight');
  assert.equal(scales.length, 16);
  for (let c = 0; c < 16; c++) {
    const row = data.subarray(c * 40, c * 40 + 40);
    const max = Math.max(...[...row].map(Math.abs));
    assert.equal(scales[c], Math.fround(max / 127));
    assert.ok([...values.subarray(c * 40, c * 40 + 40)].some((q) => Math.abs(q) === 127), `row ${c} uses the full range`);
  }
  const back = dequantizeInt8PerChannel(values, scales, shape, 0);
  back.forEach((w, i) => {
    const scale = scales[Math.floor(i / 40)] as number;
    assert.ok(Math.abs(w - (data[i] as number)) <= (scale / 2) * (1 + 1e-6), `element ${i}: ${w} vs ${data[i]}`);
  });
  assert.ok(values.every((q) => q >= -127 && q <= 127));
});

test('per-channel along axis 1 ([in, out] MatMul B) and a conv layout use the right channel', () => {
  const data = new Float32Array([0.5, 5, 100, -2, -20, 40]); // shape [2, 3]: columns are channels
  const { values, scales } = quantizeInt8PerChannel(data, [2, 3], 1);
  assert.deepEqual([...scales], [2 / 127, 20 / 127, 100 / 127].map(Math.fround));
  assert.deepEqual([...values], [32, 32, 127, -127, -127, 51]);
  const conv = weights(4 * 3 * 2 * 2, 2);
  const q = quantizeInt8PerChannel(conv, [4, 3, 2, 2], 0);
  assert.equal(q.scales.length, 4);
  const back = dequantizeInt8PerChannel(q.values, q.scales, [4, 3, 2, 2], 0);
  back.forEach((w, i) => assert.ok(Math.abs(w - (conv[i] as number)) <= ((q.scales[Math.floor(i / 12)] as number) / 2) * (1 + 1e-6)));
});

test('rounding is half to even, like numpy.round and ONNX QuantizeLinear', () => {
  // Scale 1 (max 127): 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0, -1.5 -> -2.
  const { values } = quantizeInt8PerChannel(new Float32Array([127, 0.5, 1.5, 2.5, -0.5, -1.5, 126.5]), [1, 7], 0);
  assert.deepEqual([...values], [127, 0, 2, 2, 0, -2, 126]);
});

test('an all-zero channel gets scale 1, never 0 or NaN, and stays zero', () => {
  const { values, scales } = quantizeInt8PerChannel(new Float32Array([0, 0, 0, 0.5, -1, 0.25]), [2, 3], 0);
  assert.equal(scales[0], 1);
  assert.deepEqual([...values.subarray(0, 3)], [0, 0, 0]);
  const back = dequantizeInt8PerChannel(values, scales, [2, 3], 0);
  assert.deepEqual([...back.subarray(0, 3)], [0, 0, 0]);
  assert.ok([0.5, -1, 0.25].every((w, i) => Math.abs((back[3 + i] as number) - w) <= (scales[1] as number) / 2));
  assert.ok(Number.isFinite(scales[1]) && (scales[1] as number) > 0);
});

test('per-tensor int8 uses one scale for all', () => {
  const data = weights(100, 3);
  const { values, scale } = quantizeInt8PerTensor(data);
  assert.equal(scale, Math.fround(Math.max(...[...data].map(Math.abs)) / 127));
  dequantizeInt8PerTensor(values, scale).forEach((w, i) => assert.ok(Math.abs(w - (data[i] as number)) <= (scale / 2) * (1 + 1e-6)));
  assert.equal(quantizeInt8PerTensor(new Float32Array(4)).scale, 1);
});

test('NaN or inf weights are refused naming the tensor and the element', () => {
  const data = weights(12, 4);
  data[7] = Infinity;
  assert.throws(
    () => quantizeInt8PerChannel(data, [3, 4], 0, 'layers.2.mlp.weight'),
    (e) => CompressError.is(e, 'bad-input') && e.message.includes('layers.2.mlp.weight') && e.message.includes('element 7'),
  );
  data[7] = NaN;
  assert.throws(() => quantizeInt8PerTensor(data, 'emb'), (e) => CompressError.is(e, 'bad-input') && e.message.includes('emb'));
});

test('a shape that does not match the data, or a missing axis, is refused', () => {
  assert.throws(() => quantizeInt8PerChannel(new Float32Array(6), [4, 2], 0, 'w'), (e) => CompressError.is(e, 'bad-input') && /\[4, 2\]/.test(e.message));
  assert.throws(() => quantizeInt8PerChannel(new Float32Array(6), [3, 2], 2, 'w'), (e) => CompressError.is(e, 'bad-input'));
  assert.throws(() => dequantizeInt8PerChannel(new Int8Array(6), new Float32Array(2), [3, 2], 0), (e) => CompressError.is(e, 'bad-input'));
});
