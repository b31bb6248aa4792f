/** NSGA-II's ranking: fronts, crowding, and Deb's constrained domination. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constrainedDominates, crowdingDistances, nonDominatedFronts, selectSurvivors } from '../../../../../src/core/samplers/nsga2/constrained-ranking';

const ind = (item: string, objectives: number[], violation = 0) => ({ item, objectives, violation });

test('fronts peel off non-dominated layers, best first', () => {
  const pop = [ind('a', [1, 1]), ind('b', [0, 3]), ind('c', [2, 2]), ind('d', [3, 0]), ind('e', [3, 3])];
  assert.deepEqual(nonDominatedFronts(pop).map((f) => f.map((i) => pop[i]?.item)), [['a', 'b', 'd'], ['c'], ['e']]);
});

test('a feasible trial beats any infeasible one; infeasible ones rank by total violation', () => {
  const feasibleBad = ind('feasible-bad', [10, 10]);
  const infeasibleGood = ind('infeasible-good', [0, 0], 0.1);
  const infeasibleWorse = ind('infeasible-worse', [0, 0], 2);
  const noConstraints = ind('no-constraints', [-5, -5], Infinity);
  assert.ok(constrainedDominates(feasibleBad, infeasibleGood));
  assert.ok(!constrainedDominates(infeasibleGood, feasibleBad));
  assert.ok(constrainedDominates(infeasibleGood, infeasibleWorse));
  assert.ok(constrainedDominates(infeasibleWorse, noConstraints), 'a trial without constraint values ranks last');
  const pop = [noConstraints, infeasibleWorse, infeasibleGood, feasibleBad];
  assert.deepEqual(selectSurvivors(pop, 4).map((r) => r.item), ['feasible-bad', 'infeasible-good', 'infeasible-worse', 'no-constraints']);
});

test('crowding keeps the extremes and the loneliest members of the last front that fits', () => {
  const front = [ind('left', [0, 4]), ind('crowded', [1, 3]), ind('middle', [1.1, 2.9]), ind('lonely', [3, 1]), ind('right', [4, 0])];
  const d = crowdingDistances(front);
  assert.deepEqual(d.map((v) => Math.round(v * 1000) / 1000), [Infinity, 0.55, 1, 1.45, Infinity]);
  assert.deepEqual(selectSurvivors(front, 3).map((r) => r.item), ['left', 'right', 'lonely']);
  assert.deepEqual(selectSurvivors(front, 4).map((r) => r.item), ['left', 'right', 'lonely', 'middle']);
});
