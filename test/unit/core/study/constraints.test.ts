/** Reading and checking the "constraints" trial attribute (Optuna's convention: feasible when every value <= 0). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConstraintError, isFeasible, readConstraints, totalViolation, validateConstraints } from '../../../../src/core/study/constraints';
import type { FrozenTrial } from '../../../../src/core/study/trial';
import { makeTrial } from '../make-trial';

function withConstraints(number: number, value: unknown): FrozenTrial {
  return { ...makeTrial({ number, value: 1 }), systemAttrs: value === undefined ? {} : { constraints: value as never } };
}

test('values <= 0 are feasible; the violation sums the positive parts', () => {
  assert.deepEqual(readConstraints(withConstraints(0, [-1, 0])), [-1, 0]);
  assert.equal(isFeasible([-1, 0]), true);
  assert.equal(isFeasible([-1, 0.5]), false);
  assert.equal(totalViolation([-3, 0.5, 2]), 2.5);
  assert.equal(totalViolation([-3, 0]), 0);
});

test('a trial without the attribute has no constraints', () => {
  assert.equal(readConstraints(withConstraints(3, undefined)), null);
});

test('a malformed attribute is an error that names the trial and the entry', () => {
  assert.throws(() => readConstraints(withConstraints(7, [0, 'x'])), (e: unknown) => ConstraintError.is(e) && e.trialNumber === 7 && /trial 7: "constraints"\[1\] must be a finite number, got "x"/.test(e.message));
  assert.throws(() => readConstraints(withConstraints(2, 0.5)), /trial 2: "constraints" must be an array/);
  assert.throws(() => validateConstraints([]), /is empty/);
  assert.throws(() => validateConstraints([Number.NaN]), /\[0\] must be a finite number/);
  assert.deepEqual(validateConstraints([1, -2]), [1, -2]);
});

test('a study records constraints per trial; bestTrial and bestTrials skip infeasible trials', async () => {
  const { createStudy } = await import('../../../../src/core/study/study');
  const { createSearchSpace } = await import('../../../../src/core/space/search-space');
  const space = createSearchSpace([{ name: 'x', distribution: { type: 'float', low: 0, high: 1, log: false, step: null } }]);
  const study = createStudy({ space, sampler: 'random', seed: 1, directions: ['minimize', 'minimize'] });
  const single = createStudy({ space, sampler: 'random', seed: 1, direction: 'minimize' });
  // Trial 0 is the best on every objective but violates its constraint.
  for (const [s, values] of [[study, [[0, 0], [1, 2], [2, 1]]], [single, [[0], [1], [2]]]] as const) {
    values.forEach((v, i) => {
      const t = s.ask();
      s.setTrialConstraints(t.number, [i === 0 ? 0.5 : -1]);
      s.tell(t.number, [...v]);
    });
  }
  assert.deepEqual(study.bestTrials.map((t) => t.number).sort(), [1, 2]);
  assert.equal(single.bestTrial?.number, 1);
  assert.throws(() => single.setTrialConstraints(1, [Number.NaN]), (e: unknown) => ConstraintError.is(e) && /trial 1/.test((e as Error).message));
});
