/** The threshold pruner keeps a metric inside a fixed band, whatever the other trials did. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ThresholdPruner } from '../../../../src/core/pruners/threshold';
import { PrunerError } from '../../../../src/core/pruners/pruner-error';
import { makeStudy, runningCurve } from '../make-trial';

function prunedAt(pruner: ThresholdPruner, curve: Map<number, number> | number[], direction: 'minimize' | 'maximize' = 'minimize'): number | undefined {
  const entries = Array.isArray(curve) ? curve.map((v, i) => [i, v] as const) : [...curve];
  const seen = new Map<number, number>();
  for (const [step, v] of entries) {
    seen.set(step, v);
    const trial = runningCurve(0, seen);
    if (pruner.shouldPrune(makeStudy([trial], [direction]), trial)) return step;
  }
  return undefined;
}

test('a loss that diverges above the upper bound is stopped at that report', () => {
  assert.equal(prunedAt(new ThresholdPruner({ upper: 5 }), [3, 2, 4, 7, 1]), 3);
});

test('an accuracy that stays below the lower bound is stopped, whatever the direction', () => {
  assert.equal(prunedAt(new ThresholdPruner({ lower: 0.2 }), [0.3, 0.25, 0.1], 'maximize'), 2);
  assert.equal(prunedAt(new ThresholdPruner({ lower: 0.2 }), [0.3, 0.25, 0.1], 'minimize'), 2);
});

test('NaN is out of any band', () => {
  assert.equal(prunedAt(new ThresholdPruner({ upper: 1e9 }), [1, NaN]), 1);
});

test('warmup and interval: only checked from nWarmupSteps on, at the first report of each interval', () => {
  const curve = new Map([[0, 99], [3, 99], [5, 99], [6, 99], [10, 99]]);
  assert.equal(prunedAt(new ThresholdPruner({ upper: 5, nWarmupSteps: 4 }), curve), 5);
  assert.equal(prunedAt(new ThresholdPruner({ upper: 5, nWarmupSteps: 6, intervalSteps: 3 }), curve), 6);
});

test('the pruner needs a band, and a sane one', () => {
  assert.throws(() => new ThresholdPruner({}), (e: unknown) => PrunerError.is(e, 'invalid-option'));
  assert.throws(() => new ThresholdPruner({ lower: 2, upper: 1 }), (e: unknown) => PrunerError.is(e, 'invalid-option') && e.option === 'lower');
});
