/** The patient pruner stops trials that stopped improving, and only those. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PatientPruner } from '../../../../src/core/pruners/patient';
import { MedianPruner } from '../../../../src/core/pruners/median';
import { PrunerError } from '../../../../src/core/pruners/pruner-error';
import type { Direction } from '../../../../src/core/study/trial';
import { completedCurve, makeStudy, runningCurve } from '../make-trial';

/** The step at which `curve`, reported one value at a time, is first pruned. */
function prunedAt(pruner: PatientPruner, curve: number[], direction: Direction = 'minimize', others = [] as ReturnType<typeof completedCurve>[]): number | undefined {
  for (let i = 0; i < curve.length; i++) {
    const trial = runningCurve(others.length, curve.slice(0, i + 1));
    if (pruner.shouldPrune(makeStudy([...others, trial], [direction]), trial)) return i;
  }
  return undefined;
}

test('a curve that keeps improving is never stopped', () => {
  assert.equal(prunedAt(new PatientPruner({ patience: 2 }), [10, 9, 8, 7, 6, 5, 4, 3]), undefined);
});

test('a curve that plateaus is stopped once patience runs out', () => {
  // Best 5 at step 2; steps 3, 4, 5 bring nothing better: patience 2 means 3 reports without improvement.
  assert.equal(prunedAt(new PatientPruner({ patience: 2 }), [10, 7, 5, 6, 5.5, 6, 6, 6]), 5);
  assert.equal(prunedAt(new PatientPruner({ patience: 0 }), [10, 7, 5, 6, 5.5, 6]), 3);
});

test('minDelta: improvements smaller than it do not count', () => {
  const creeping = [10, 9.9, 9.8, 9.7, 9.6, 9.5, 9.4];
  assert.equal(prunedAt(new PatientPruner({ patience: 1 }), creeping), undefined);
  assert.equal(prunedAt(new PatientPruner({ patience: 1, minDelta: 0.5 }), creeping), 2);
});

test("'maximize' mirrors 'minimize'", () => {
  const curve = [10, 7, 5, 6, 5.5, 6, 6, 6];
  assert.equal(prunedAt(new PatientPruner({ patience: 2 }), curve.map((v) => -v), 'maximize'), 5);
  assert.equal(prunedAt(new PatientPruner({ patience: 2 }), [1, 2, 3, 4, 5, 6], 'maximize'), undefined);
});

test('with a wrapped pruner, a plateau alone is not enough: the wrapped pruner must agree', () => {
  const others = [1, 2, 3, 4, 5, 6].map((floor, i) => completedCurve(i, Array.from({ length: 8 }, (_, s) => floor + 9 * Math.exp(-s / 2))));
  const wrapped = new PatientPruner({ patience: 2 }, new MedianPruner());
  // A plateau at 0.5, better than every finished trial: the median pruner keeps it.
  assert.equal(prunedAt(wrapped, [9, 4, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6], 'minimize', others), undefined);
  // A plateau at 30, worse than all of them: stopped when the plateau is established.
  assert.equal(prunedAt(wrapped, [40, 35, 30, 31, 31, 31, 31, 31], 'minimize', others), 5);
});

test('bad options are errors naming the option', () => {
  assert.throws(() => new PatientPruner({ patience: -1 }), (e: unknown) => PrunerError.is(e, 'invalid-option') && e.option === 'patience');
  assert.throws(() => new PatientPruner({ minDelta: -0.1 }), (e: unknown) => PrunerError.is(e, 'invalid-option') && e.option === 'minDelta');
});
