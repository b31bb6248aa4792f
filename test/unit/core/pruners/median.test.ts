import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MedianPruner } from '../../../../src/core/pruners/median';
import { nanPercentile } from '../../../../src/core/pruners/percentile';
import type { Direction, FrozenTrial } from '../../../../src/core/study/trial';
import { completedCurve, makeStudy, makeTrial, runningCurve } from '../make-trial';

/** Completed trials whose value at every step 0..9 is constant: 1, 2, 3, 4, 5 -> median 3. */
function flat(values: readonly number[], firstNumber = 0): FrozenTrial[] {
  return values.map((v, i) => completedCurve(firstNumber + i, new Array<number>(10).fill(v)));
}

function judge(pruner: MedianPruner, others: readonly FrozenTrial[], curve: Map<number, number> | readonly number[], direction: Direction = 'minimize'): boolean {
  const trial = runningCurve(100, curve);
  return pruner.shouldPrune(makeStudy([...others, trial], [direction]), trial);
}

test('prunes exactly when worse than the median of completed trials at the same step', () => {
  const pruner = new MedianPruner();
  const others = flat([1, 2, 3, 4, 5]);
  assert.equal(judge(pruner, others, [3]), false, 'equal to the median: kept');
  assert.equal(judge(pruner, others, [3.01]), true, 'just worse: pruned');
  assert.equal(judge(pruner, flat([1, 2, 3, 4, 5, 6]), [3.49]), false, 'an even count interpolates (median 3.5)');
  assert.equal(judge(pruner, flat([1, 2, 3, 4, 5, 6]), [3.51]), true);
});

test("'maximize' keeps the upper half", () => {
  const pruner = new MedianPruner();
  const others = flat([1, 2, 3, 4, 5]);
  assert.equal(judge(pruner, others, [2.9], 'maximize'), true);
  assert.equal(judge(pruner, others, [3], 'maximize'), false);
  assert.equal(judge(pruner, others, [4.5], 'maximize'), false);
});

test("judges the trial's best value so far, as Optuna does, not only its latest", () => {
  const pruner = new MedianPruner();
  assert.equal(judge(pruner, flat([1, 2, 3, 4, 5]), [1, 8]), false, 'a good earlier step keeps it');
});

test('no pruning until nStartupTrials trials have completed (default 5)', () => {
  const pruner = new MedianPruner();
  const four = flat([1, 2, 3, 4]);
  const running = [5, 6, 7].map((n) => runningCurve(n, new Array<number>(10).fill(0)));
  assert.equal(judge(pruner, [...four, ...running], [100]), false, 'running trials do not count towards startup');
  assert.equal(judge(pruner, flat([1, 2, 3, 4, 5]), [100]), true);
  assert.equal(judge(new MedianPruner({ nStartupTrials: 1 }), flat([1]), [100]), true);
});

test('running, pruned and failed trials do not vote', () => {
  const pruner = new MedianPruner();
  const others: FrozenTrial[] = [
    ...flat([1, 2, 3, 4, 5]),
    ...[5, 6, 7].map((n) => runningCurve(n, new Array<number>(10).fill(100))),
    makeTrial({ number: 8, state: 'pruned', curve: new Array<number>(10).fill(100) }),
    makeTrial({ number: 9, state: 'fail', curve: new Array<number>(10).fill(100) }),
  ];
  assert.equal(judge(pruner, others, [3.5]), true, 'the median stays 3 whatever unfinished trials report');
});

test('no pruning during warmup steps', () => {
  const pruner = new MedianPruner({ nWarmupSteps: 3 });
  const others = flat([1, 2, 3, 4, 5]);
  assert.equal(judge(pruner, others, [100, 100, 100]), false, 'steps 0-2 are warmup');
  assert.equal(judge(pruner, others, [100, 100, 100, 100]), true, 'step 3 is judged');
});

test('checks once per interval, at the first report at or after each boundary', () => {
  const pruner = new MedianPruner({ intervalSteps: 3 });
  const others = flat([1, 2, 3, 4, 5]);
  assert.equal(judge(pruner, others, [100]), true, 'step 0 is a check');
  assert.equal(judge(pruner, others, [100, 100]), false, 'step 1 is between checks');
  assert.equal(judge(pruner, others, [100, 100, 100, 100]), true, 'step 3 is a check');
  assert.equal(judge(pruner, others, new Map([[0, 100], [4, 100]])), true, 'a trial that skipped step 3 is checked at 4');
  assert.equal(judge(pruner, others, new Map([[0, 100], [4, 100], [5, 100]])), false, 'but not again at 5');
});

test('compares only trials that reported the same step, and needs nMinTrials of them', () => {
  // Completed trials reported every 5 steps only.
  const others = [1, 2, 3, 4, 5].map((v, i) => makeTrial({ number: i, state: 'complete', curve: { 0: v, 5: v, 10: v }, value: v }));
  const pruner = new MedianPruner();
  assert.equal(judge(pruner, others, new Map([[3, 100]])), false, 'nobody reported step 3: nothing to compare');
  assert.equal(judge(pruner, others, new Map([[3, 100], [5, 100]])), true, 'step 5 is shared');
  const sparse = [others[0] as FrozenTrial, ...[1, 2, 3, 4].map((i) => makeTrial({ number: 10 + i, state: 'complete', curve: { 0: i }, value: i }))];
  assert.equal(judge(new MedianPruner({ nMinTrials: 2 }), sparse, new Map([[5, 100]])), false, 'one trial reported step 5, two needed');
  assert.equal(judge(new MedianPruner({ nMinTrials: 1 }), sparse, new Map([[5, 100]])), true);
});

test('NaN: a NaN latest value is pruned; NaN values of completed trials are ignored', () => {
  const pruner = new MedianPruner();
  assert.equal(judge(pruner, flat([1, 2, 3, 4, 5]), [0.5, NaN]), true, 'diverged after a good start (Optuna would keep it)');
  const withNaN = [...flat([1, 2, 3, 4, 5]), ...flat([NaN, NaN], 50)];
  assert.equal(judge(pruner, withNaN, [3]), false, 'median of the non-NaN values is still 3');
  assert.equal(judge(pruner, withNaN, [3.2]), true);
});

test('nanPercentile matches numpy.nanpercentile (linear interpolation)', () => {
  assert.equal(nanPercentile([5, 1, 4, 2, 3], 50), 3);
  assert.equal(nanPercentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(nanPercentile([1, 2, 3, 4], 25), 1.75);
  assert.equal(nanPercentile([1, NaN, 3], 50), 2);
  assert.ok(Number.isNaN(nanPercentile([NaN], 50)));
});
