import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  NotPositiveDefiniteError,
  cholesky,
  choleskyInverse,
  choleskyLogDet,
  choleskySolve,
  choleskyWithJitter,
} from '../../../../../src/core/samplers/gp/cholesky';

/** A = B B^T + eps I for a fixed B: symmetric positive definite. */
function spd(n: number, eps: number): Float64Array {
  const b = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.7 + 0.3));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (b[i * n + k] as number) * (b[j * n + k] as number);
    a[i * n + j] = s + (i === j ? eps : 0);
  }
  return a;
}

function matVec(a: Float64Array, n: number, x: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i] = (out[i] as number) + (a[i * n + j] as number) * (x[j] as number);
  return out;
}

test('L L^T reproduces A, and solve / inverse / log-determinant agree with it', () => {
  const n = 9;
  const a = spd(n, 0.5);
  const l = cholesky(a, n);
  assert.ok(l);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (l[i * n + k] as number) * (l[j * n + k] as number);
    assert.ok(Math.abs(s - (a[i * n + j] as number)) < 1e-10, `(${i},${j})`);
    if (j > i) assert.equal(l[i * n + j], 0, 'upper triangle is zero');
  }
  const b = Float64Array.from({ length: n }, (_, i) => i - 4);
  const x = choleskySolve(l, n, new Float64Array(b));
  matVec(a, n, x).forEach((v, i) => assert.ok(Math.abs(v - (b[i] as number)) < 1e-9));
  const inv = choleskyInverse(l, n);
  for (let i = 0; i < n; i++) {
    const col = Float64Array.from({ length: n }, (_, j) => inv[j * n + i] as number);
    matVec(a, n, col).forEach((v, j) => assert.ok(Math.abs(v - (i === j ? 1 : 0)) < 1e-9, `A A^-1 = I at (${j},${i})`));
  }
  // det of a 2x2 [[4, 2], [2, 3]] is 8.
  const l2 = cholesky(Float64Array.from([4, 2, 2, 3]), 2);
  assert.ok(l2);
  assert.ok(Math.abs(choleskyLogDet(l2, 2) - Math.log(8)) < 1e-12);
});

test('a singular matrix (two identical inputs) factors with a small jitter instead of failing', () => {
  // Rank one: every row the same. Plain Cholesky fails on the second pivot.
  const n = 4;
  const a = new Float64Array(n * n).fill(1);
  assert.equal(cholesky(a, n), null);
  const { factor, jitter } = choleskyWithJitter(a, n);
  assert.ok(jitter > 0 && jitter <= 1e-2, `jitter ${jitter}`);
  assert.ok(factor.every((v) => Number.isFinite(v)));
});

test('a matrix that no jitter can rescue is a NotPositiveDefiniteError, not NaN', () => {
  const a = Float64Array.from([1, 0, 0, -5]);
  assert.throws(() => choleskyWithJitter(a, 2), (err: unknown) => NotPositiveDefiniteError.is(err));
});

test('a well-conditioned matrix gets no jitter', () => {
  assert.equal(choleskyWithJitter(spd(5, 1), 5).jitter, 0);
});
