/** The hypervolume the multi-objective benchmarks report: known fronts, and Optuna's WFG as a peer. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../src/core/random/rng';
import { hypervolume } from '../../../../src/core/study/hypervolume';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';

test('one point dominates the box between it and the reference', () => {
  assert.equal(hypervolume([[0.5, 0.5]], [1, 1]), 0.25);
  assert.equal(hypervolume([[0, 0, 0]], [2, 3, 4]), 24);
});

test('a staircase front counts each step once; dominated, duplicate and outside points add nothing', () => {
  const front = [[0, 2], [1, 1], [2, 0]];
  assert.equal(hypervolume(front, [3, 3]), 3 + 2 + 1);
  assert.equal(hypervolume([...front, [2, 2], [1, 1], [4, 0], [-1, 3]], [3, 3]), 6);
  assert.equal(hypervolume([], [1, 1]), 0);
  assert.equal(hypervolume([[1, 0.5]], [1, 1]), 0, 'on the reference boundary: no volume');
});

test('the ZDT1 Pareto front f2 = 1 - sqrt(f1) approaches its known volume 1.21 - 1/3 with reference (1.1, 1.1)', () => {
  const front = Array.from({ length: 2001 }, (_, i) => [i / 2000, 1 - Math.sqrt(i / 2000)]);
  // The exact area under the staircase is below the continuous one by at most the step error.
  const hv = hypervolume(front, [1.1, 1.1]);
  assert.ok(Math.abs(hv - (1.21 - 1 / 3)) < 2e-3, `hv ${hv}`);
  const zdt2 = Array.from({ length: 2001 }, (_, i) => [i / 2000, 1 - (i / 2000) ** 2]);
  assert.ok(Math.abs(hypervolume(zdt2, [1.1, 1.1]) - (1.21 - 2 / 3)) < 2e-3);
});

test('three and four objectives agree with inclusion-exclusion on two boxes', () => {
  // Boxes [a, r] and [b, r]: |A| + |B| - |A and B|, the intersection starting at max(a, b).
  const a = [0.2, 0.5, 0.1];
  const b = [0.6, 0.1, 0.3];
  const box = (p: number[]) => p.reduce((v, x) => v * (1 - x), 1);
  assert.ok(Math.abs(hypervolume([a, b], [1, 1, 1]) - (box(a) + box(b) - box(a.map((x, i) => Math.max(x, b[i] as number))))) < 1e-12);
  assert.ok(Math.abs(hypervolume([[0.5, 0.5, 0.5, 0.5]], [1, 1, 1, 1]) - 0.0625) < 1e-15);
});

test('matches Optuna\'s WFG on random 3- and 4-objective sets', { skip: missingPythonModules('optuna') }, () => {
  const rng = new Rng(5);
  const sets = [3, 4, 3].map((m) => Array.from({ length: 40 }, () => Array.from({ length: m }, () => rng.random())));
  const expected = runPythonJson(
    `import json, sys, numpy as np
from optuna._hypervolume import WFG
sets = json.loads(sys.argv[1])
print(json.dumps([WFG().compute(np.array(s), np.ones(len(s[0])) * 1.1) for s in sets]))`,
    [JSON.stringify(sets)],
  ) as number[];
  sets.forEach((s, i) => {
    const ours = hypervolume(s, new Array((s[0] as number[]).length).fill(1.1));
    assert.ok(Math.abs(ours - (expected[i] as number)) < 1e-10, `set ${i}: ${ours} vs optuna ${expected[i]}`);
  });
});

test('a point whose length differs from the reference is an error naming it', () => {
  assert.throws(() => hypervolume([[0, 0], [1]], [2, 2]), /point 1 has 1 objectives, the reference has 2/);
});
