/**
 * The Sobol and Halton generators against SciPy (scipy.stats.qmc through Debian's python3, the
 * implementation with the same Joe & Kuo table) and against the published first points.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SOBOL_MAX_DIMENSIONS, directionNumbers, scrambledDirections, sobolCoordinate } from '../../../../../src/core/samplers/qmc/sobol';
import { haltonCoordinate, haltonPermutations, nthPrime } from '../../../../../src/core/samplers/qmc/halton';
import { missingPythonModules, runPythonJson } from '../../../../helpers/debian-python';

function sobolPoints(n: number, d: number): number[][] {
  const dirs = Array.from({ length: d }, (_, j) => directionNumbers(j));
  return Array.from({ length: n }, (_, k) => dirs.map((v) => sobolCoordinate(v, k)));
}

test('the first unscrambled Sobol points are the textbook ones', () => {
  const pts = sobolPoints(8, 3);
  assert.deepEqual(pts.map((p) => p[0]), [0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]);
  assert.deepEqual(pts.map((p) => p[1]), [0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625]);
  assert.deepEqual(pts[5], [0.875, 0.875, 0.125]);
});

test('unscrambled Sobol points match SciPy in all 40 dimensions', { skip: missingPythonModules('scipy') }, () => {
  const expected = runPythonJson(
    'import json; from scipy.stats import qmc; print(json.dumps(qmc.Sobol(40, scramble=False).random(256).tolist()))',
  ) as number[][];
  assert.equal(SOBOL_MAX_DIMENSIONS, 40);
  assert.deepEqual(sobolPoints(256, 40), expected);
});

test('every 2^m-point block of a 2-D Sobol projection is a (0, m, 2)-net: one point per elementary box', () => {
  const pts = sobolPoints(64, 2);
  for (const [rows, cols] of [[8, 8], [64, 1], [1, 64], [4, 16], [16, 4]] as const) {
    const cells = new Set(pts.map(([x, y]) => `${Math.floor((x as number) * cols)},${Math.floor((y as number) * rows)}`));
    assert.equal(cells.size, 64, `${cols}x${rows} boxes each hold one point`);
  }
});

test('scrambling keeps the net property, moves the points, and depends on the seed', () => {
  const a = [0, 1].map((d) => scrambledDirections(d, 11 + d));
  const b = [0, 1].map((d) => scrambledDirections(d, 99 + d));
  const pts = (s: typeof a) => Array.from({ length: 64 }, (_, k) => s.map(({ directions, shift }) => sobolCoordinate(directions, k, shift)));
  const pa = pts(a);
  const cells = new Set(pa.map(([x, y]) => `${Math.floor((x as number) * 8)},${Math.floor((y as number) * 8)}`));
  assert.equal(cells.size, 64, 'still one point per 1/8 x 1/8 box');
  assert.notDeepEqual(pa[0], [0, 0], 'the corner point is gone');
  assert.notDeepEqual(pa, pts(b));
  assert.deepEqual(pa, pts([0, 1].map((d) => scrambledDirections(d, 11 + d))), 'same seed, same points');
});

test('unscrambled Halton is the radical inverse in prime bases, as SciPy computes it', { skip: missingPythonModules('scipy') }, () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(nthPrime), [2, 3, 5, 7, 11, 13]);
  const identity = [0, 1, 2].map((d) => haltonPermutations(nthPrime(d), null));
  const ours = Array.from({ length: 50 }, (_, k) => [0, 1, 2].map((d) => haltonCoordinate(nthPrime(d), k, identity[d] as number[][])));
  const textbook = [[0, 0, 0], [0.5, 1 / 3, 0.2], [0.25, 2 / 3, 0.4], [0.75, 1 / 9, 0.6]];
  textbook.forEach((p, k) => p.forEach((v, d) => assert.ok(Math.abs(v - (ours[k] as number[])[d]!) < 1e-15, `point ${k} dim ${d}`)));
  const expected = runPythonJson('import json; from scipy.stats import qmc; print(json.dumps(qmc.Halton(3, scramble=False).random(50).tolist()))') as number[][];
  ours.forEach((p, k) => p.forEach((v, d) => assert.ok(Math.abs(v - (expected[k] as number[])[d]!) < 1e-12, `point ${k} dim ${d}: ${v} vs ${(expected[k] as number[])[d]}`)));
});
