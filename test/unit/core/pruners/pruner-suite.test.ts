/**
 * The contract every pruner meets, run against each name the factory knows, with its default
 * options: a trial that is clearly worse than the finished ones at the same step is stopped,
 * the best one never is, and direction, gaps between steps and NaN are handled.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PRUNER_NAMES, type PrunerName, type PrunerOptions, createPruner } from '../../../../src/core/pruners/pruner-factory';
import { PrunerError } from '../../../../src/core/pruners/pruner-error';
import type { Pruner } from '../../../../src/core/pruners/pruner';
import type { Direction, FrozenTrial } from '../../../../src/core/study/trial';
import { completedCurve, makeStudy, makeTrial, runningCurve } from '../make-trial';

const STEPS = 20;

/** A decaying loss curve: 10 at step 0 down towards `floor`. */
function lossCurve(floor: number, steps = STEPS): number[] {
  return Array.from({ length: steps }, (_, s) => floor + 9 * Math.exp(-s / 4));
}

/** Six finished trials with floors 1..6: the history every pruner judges against. */
function history(sign = 1): FrozenTrial[] {
  return [1, 2, 3, 4, 5, 6].map((floor, i) => completedCurve(i, lossCurve(floor).map((v) => sign * v)));
}

/**
 * Feeds `curve` to the pruner one report at a time, as a study does, and returns the step at
 * which it was first pruned (or undefined).
 */
function firstPrunedStep(pruner: Pruner, others: FrozenTrial[], curve: Map<number, number>, directions: Direction[] = ['minimize']): number | undefined {
  const reported = new Map<number, number>();
  for (const [step, value] of curve) {
    reported.set(step, value);
    const trial = runningCurve(others.length, reported);
    if (pruner.shouldPrune(makeStudy([...others, trial], directions), trial)) return step;
  }
  return undefined;
}

const asSteps = (values: readonly number[], steps: readonly number[] = values.map((_, i) => i)): Map<number, number> =>
  new Map(values.map((v, i) => [steps[i] as number, v]));

/**
 * How each pruner runs the suite. `prunes`: it stops a clearly bad curve early. `comparative`:
 * it judges a trial against the others (so never the first trial of a study, and 'maximize'
 * mirrors 'minimize'); the threshold pruner judges against fixed bounds instead. The patient
 * pruner stops plateaus, and the suite's bad curve keeps improving, so it is tested for its
 * plateaus in patient.test.ts and here for the rest of the contract. Hyperband runs with one
 * bracket here (where it is successive halving); its brackets are tested in hyperband.test.ts.
 */
const SUITE: Record<PrunerName, { options: PrunerOptions; prunes: boolean; comparative: boolean; reportsNeeded?: number }> = {
  none: { options: {}, prunes: false, comparative: true },
  median: { options: {}, prunes: true, comparative: true },
  percentile: { options: {}, prunes: true, comparative: true },
  asha: { options: {}, prunes: true, comparative: true },
  hyperband: { options: { minResource: 1, maxResource: 2 }, prunes: true, comparative: true },
  threshold: { options: { upper: 20 }, prunes: true, comparative: false },
  patient: { options: { patience: 2, wrapped: 'median' }, prunes: false, comparative: true },
  // A forecast needs three reports: two fix a level and a slope, the third a first reading of the noise.
  extrapolate: { options: {}, prunes: true, comparative: true, reportsNeeded: 3 },
};

for (const name of PRUNER_NAMES) {
  const { options, prunes, comparative, reportsNeeded = 2 } = SUITE[name];
  describe(`pruner "${name}"`, () => {
    const pruner = createPruner(name, options);

    test('never prunes a trial that has reported nothing', () => {
      const trial = makeTrial({ number: 6, state: 'running' });
      assert.equal(pruner.shouldPrune(makeStudy([...history(), trial]), trial), false);
    });

    test(prunes ? 'stops an obviously bad curve early' : 'lets even an obviously bad curve run', () => {
      const step = firstPrunedStep(pruner, history(), asSteps(lossCurve(50)));
      if (prunes) assert.ok(step !== undefined && step <= 4, `pruned at step ${step}`);
      else assert.equal(step, undefined);
    });

    test('keeps the best curve to the end', () => {
      assert.equal(firstPrunedStep(pruner, history(), asSteps(lossCurve(0.5))), undefined);
    });

    // Fixed bounds (threshold) do not mirror: threshold.test.ts covers its direction handling.
    if (comparative) test("'maximize' mirrors 'minimize'", () => {
      for (const floor of [0.5, 2.5, 5.5, 50]) {
        const minimize = firstPrunedStep(pruner, history(), asSteps(lossCurve(floor)));
        const maximize = firstPrunedStep(pruner, history(-1), asSteps(lossCurve(floor).map((v) => -v)), ['maximize']);
        assert.equal(maximize, minimize, `floor ${floor}`);
      }
      if (prunes) assert.notEqual(firstPrunedStep(pruner, history(-1), asSteps(lossCurve(50).map((v) => -v)), ['maximize']), undefined);
    });

    test('handles steps that are not contiguous (an evaluation every 5 epochs)', () => {
      const steps = [0, 5, 10, 15, 20];
      const others = [1, 2, 3, 4, 5, 6].map((floor, i) =>
        makeTrial({ number: i, state: 'complete', curve: asSteps(steps.map((s) => floor + 9 * Math.exp(-s / 4)), steps), value: floor }),
      );
      const bad = firstPrunedStep(pruner, others, asSteps(steps.map(() => 60), steps));
      if (prunes) assert.ok(bad !== undefined && bad <= (steps[reportsNeeded - 1] as number), `pruned at step ${bad}`);
      else if (name === 'patient') assert.equal(bad, 15, 'a flat curve plateaus after patience + 1 reports, counted in reports, not steps');
      else assert.equal(bad, undefined);
      assert.equal(firstPrunedStep(pruner, others, asSteps(steps.map((s) => 0.1 + 9 * Math.exp(-s / 4)), steps)), undefined);
    });

    test(name !== 'none' ? 'prunes a trial whose loss became NaN' : 'ignores NaN', () => {
      const curve = asSteps([...lossCurve(0.5).slice(0, 2), NaN, NaN, NaN, NaN, NaN]);
      const step = firstPrunedStep(pruner, history(), curve);
      if (name !== 'none') assert.ok(step !== undefined && step >= 2, `pruned at step ${step}`);
      else assert.equal(step, undefined);
    });

    test('never prunes in a multi-objective study (Optuna does not support it either)', () => {
      const others = history().map((t, i) => makeTrial({ number: i, state: 'complete', curve: t.intermediateValues, value: [1, 2] }));
      assert.equal(firstPrunedStep(pruner, others, asSteps(lossCurve(50)), ['minimize', 'minimize']), undefined);
    });

    test(comparative ? 'never prunes the first trial of a study' : 'prunes out-of-bounds values from the first trial on', () => {
      const step = firstPrunedStep(pruner, [], asSteps(lossCurve(50)));
      if (comparative) assert.equal(step, undefined);
      else assert.equal(step, 0);
    });
  });
}

test('an unknown pruner name is an error that lists the valid names', () => {
  assert.throws(
    () => createPruner('successive-halving'),
    (err: unknown) => PrunerError.is(err, 'unknown-pruner') && /"none", "median", "percentile", "asha", "hyperband", "threshold", "patient", "extrapolate"/.test(err.message),
  );
});

test('an option the pruner does not take is an error naming it and the valid ones', () => {
  assert.throws(
    () => createPruner('median', { reductionFactor: 3 }),
    (err: unknown) => PrunerError.is(err, 'invalid-option') && err.option === 'reductionFactor' && /nWarmupSteps/.test(err.message),
  );
  assert.throws(() => createPruner('asha', { reductionFactor: 1 }), (err: unknown) => PrunerError.is(err, 'invalid-option') && err.option === 'reductionFactor');
  assert.throws(() => createPruner('median', { nWarmupSteps: -1 }), (err: unknown) => PrunerError.is(err, 'invalid-option') && err.option === 'nWarmupSteps');
  assert.equal(createPruner('asha', { minResource: 2, reductionFactor: 3 }).name, 'asha');
});
