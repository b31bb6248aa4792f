/**
 * float16 / bfloat16 conversions against bit patterns worked out by hand from IEEE 754
 * (round to nearest, ties to even); the cross-check against torch is in
 * test/integration/compress/tensor/float-formats-torch.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16, float32ToFloat16Scalar } from '../../../../src/compress/tensor/float-formats';

function f32FromBits(bits: number): number {
  return new Float32Array(new Uint32Array([bits]).buffer)[0] as number;
}

const hex = (v: number) => `0x${v.toString(16).padStart(4, '0')}`;

test('float32 -> float16 gives the IEEE bit patterns, rounding ties to even', () => {
  const cases: [number, number, string][] = [
    [1, 0x3c00, 'one'],
    [-2, 0xc000, 'minus two'],
    [0, 0x0000, 'zero'],
    [-0, 0x8000, 'negative zero keeps its sign'],
    [0.1, 0x2e66, '0.1'],
    [1 / 3, 0x3555, 'one third'],
    [65504, 0x7bff, 'largest finite'],
    [65519.99, 0x7bff, 'just below the overflow midpoint'],
    [65520, 0x7c00, 'overflow midpoint rounds to inf (65504 has an odd mantissa)'],
    [1e10, 0x7c00, 'overflow'],
    [-1e10, 0xfc00, 'negative overflow'],
    [Infinity, 0x7c00, 'inf'],
    [-Infinity, 0xfc00, '-inf'],
    [2 ** -14, 0x0400, 'smallest normal'],
    [2 ** -24, 0x0001, 'smallest subnormal'],
    [2 ** -25, 0x0000, 'half the smallest subnormal ties to even zero'],
    [1.5 * 2 ** -24, 0x0002, 'subnormal tie rounds to the even mantissa 2'],
    [2.5 * 2 ** -24, 0x0002, 'subnormal tie rounds down to 2'],
    [-(2 ** -26), 0x8000, 'tiny negative underflows to -0'],
    [(1 - 2 ** -11) * 2 ** -14, 0x0400, 'largest subnormal region rounds up into the smallest normal'],
    [1 + 2 ** -11, 0x3c00, 'normal tie rounds down to the even mantissa'],
    [1 + 3 * 2 ** -11, 0x3c02, 'normal tie rounds up to the even mantissa'],
    [1 + 2 ** -11 + 2 ** -20, 0x3c01, 'just above a tie rounds up'],
    [f32FromBits(0x7f7fffff), 0x7c00, 'float32 max'],
    [f32FromBits(0x00000001), 0x0000, 'float32 smallest subnormal'],
  ];
  const got = float32ToFloat16(new Float32Array(cases.map(([v]) => v)));
  cases.forEach(([value, want, why], i) => assert.equal(hex(got[i] as number), hex(want), `${why} (${value})`));
  assert.equal(hex(float32ToFloat16Scalar(0.1)), '0x2e66');
});

test('float32 -> float16 keeps NaN a NaN, whatever its payload', () => {
  const nans = new Float32Array(new Uint32Array([0x7fc00000, 0xffc00000, 0x7f800001, 0x7fffffff]).buffer);
  const half = float32ToFloat16(nans);
  for (const h of half) assert.ok((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0, `${hex(h)} is a float16 NaN`);
  assert.ok(float16ToFloat32(half).every(Number.isNaN));
});

test('float16 -> float32 -> float16 is the identity on every non-NaN pattern', () => {
  const all = new Uint16Array(65536).map((_, i) => i);
  const wide = float16ToFloat32(all);
  assert.equal(wide[0x3c00], 1);
  assert.equal(wide[0x0001], 2 ** -24);
  assert.equal(wide[0x7bff], 65504);
  assert.equal(wide[0xfc00], -Infinity);
  assert.ok(Object.is(wide[0x8000], -0));
  const back = float32ToFloat16(wide);
  for (let h = 0; h < 65536; h++) {
    if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) assert.ok(Number.isNaN(wide[h]));
    else if (back[h] !== h) assert.fail(`${hex(h)} came back as ${hex(back[h] as number)}`);
  }
});

test('float32 -> bfloat16 rounds ties to even and overflows to inf', () => {
  const cases: [number, number, string][] = [
    [1, 0x3f80, 'one'],
    [-1, 0xbf80, 'minus one'],
    [0.1, 0x3dcd, '0.1 (0x3dcccccd) rounds up'],
    [f32FromBits(0x3f808000), 0x3f80, 'tie rounds down to even'],
    [f32FromBits(0x3f818000), 0x3f82, 'tie rounds up to even'],
    [f32FromBits(0x3f808001), 0x3f81, 'just above a tie rounds up'],
    [f32FromBits(0x7f7fffff), 0x7f80, 'float32 max rounds to inf'],
    [Infinity, 0x7f80, 'inf'],
    [-0, 0x8000, '-0'],
    [f32FromBits(0x00010000), 0x0001, 'subnormal'],
  ];
  const got = float32ToBfloat16(new Float32Array(cases.map(([v]) => v)));
  cases.forEach(([value, want, why], i) => assert.equal(hex(got[i] as number), hex(want), `${why} (${value})`));
  const nan = float32ToBfloat16(new Float32Array(new Uint32Array([0x7f800001, 0xffffffff]).buffer));
  assert.ok(bfloat16ToFloat32(nan).every(Number.isNaN), 'NaN never rounds into inf');
});

test('bfloat16 -> float32 -> bfloat16 is the identity on every non-NaN pattern', () => {
  const all = new Uint16Array(65536).map((_, i) => i);
  const wide = bfloat16ToFloat32(all);
  assert.equal(wide[0x3f80], 1);
  assert.equal(wide[0xc000], -2);
  const back = float32ToBfloat16(wide);
  for (let h = 0; h < 65536; h++) {
    if ((h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0) assert.ok(Number.isNaN(wide[h]));
    else if (back[h] !== h) assert.fail(`${hex(h)} came back as ${hex(back[h] as number)}`);
  }
});

test('conversions honour a view into a larger buffer', () => {
  const buffer = new Float32Array([7, 1, 2, 7]);
  const view = buffer.subarray(1, 3);
  assert.deepEqual([...float32ToFloat16(view)], [0x3c00, 0x4000]);
  assert.deepEqual([...float32ToBfloat16(view)], [0x3f80, 0x4000]);
});
