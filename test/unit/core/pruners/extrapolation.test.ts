/**
 * The extrapolation pruner: its curve forecasts land where the curves really end, and it keeps
 * the slow starter that beats everyone (which the median pruner stops) while stopping runs that
 * cannot catch up.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitLearningCurve } from '../../../../src/core/pruners/curve-fit';
import { createPruner } from '../../../../src/core/pruners/pruner-factory';
import { PrunerError } from '../../../../src/core/pruners/pruner-error';
import type { Pruner } from '../../../../src/core/pruners/pruner';
import type { FrozenTrial } from '../../../../src/core/study/trial';
import { completedCurve, makeStudy, runningCurve } from '../make-trial';

const STEPS = 100;

/** A small deterministic noise in [-1, 1), different per curve and step. */
function noise(seed: number, step: number): number {
  const s = Math.sin(seed * 12.9898 + step * 78.233) * 43758.5453;
  return 2 * (s - Math.floor(s)) - 1;
}

/** Loss that starts at 3 and decays exponentially at `rate` towards `floor`. */
function exponential(floor: number, rate: number, seed: number): number[] {
  return Array.from({ length: STEPS }, (_, t) => floor + (3 - floor) * Math.exp(-rate * (t + 1)) + 0.01 * noise(seed, t));
}

/** Loss that decays as a power law, the shape deep-learning curves usually have. */
function powerLaw(floor: number, rate: number, seed: number): number[] {
  return Array.from({ length: STEPS }, (_, t) => floor + (3 - floor) * (1 + rate * (t + 1)) ** -1.5 + 0.01 * noise(seed, t));
}

for (const [name, curve] of [['exponential', exponential], ['power-law', powerLaw]] as const) {
  test(`forecasts where a noisy ${name} curve ends from its first third, and grows surer with more of it`, () => {
    const values = curve(0.6, 0.05, 7);
    const truth = 0.6 + (3 - 0.6) * (name === 'exponential' ? Math.exp(-0.05 * STEPS) : (1 + 0.05 * STEPS) ** -1.5);
    let previousError = Infinity;
    for (const seen of [34, 50, 70]) {
      const steps = Array.from({ length: seen }, (_, t) => t);
      const fit = fitLearningCurve(steps, values.slice(0, seen), STEPS - 1);
      assert.ok(fit !== undefined);
      assert.ok(Math.abs(fit.prediction - truth) <= 3 * fit.standardError + 0.01, `after ${seen} steps: ${fit.prediction} +- ${fit.standardError}, truth ${truth}`);
      assert.ok(fit.standardError < previousError, `error after ${seen} steps ${fit.standardError} should be below ${previousError}`);
      previousError = fit.standardError;
    }
  });
}

test('gives no forecast from too few points without finished runs to learn from', () => {
  assert.equal(fitLearningCurve([0, 1, 2, 3], [3, 2, 1.5, 1.2], 99), undefined);
});

/**
 * Finished runs of a study where curves cross: fast learners that settle high and slow ones
 * that settle low. The best finished value is 0.8.
 */
function crossingHistory(): FrozenTrial[] {
  const runs = [
    exponential(1.6, 0.15, 1),
    exponential(1.4, 0.12, 2),
    exponential(1.2, 0.1, 3),
    exponential(1.0, 0.05, 4),
    exponential(0.8, 0.04, 5),
    exponential(1.5, 0.15, 6),
  ];
  return runs.map((values, i) => completedCurve(i, values));
}

/** The step at which `pruner` first stops `values` when fed one report at a time. */
function firstPrunedStep(pruner: Pruner, history: FrozenTrial[], values: readonly number[]): number | undefined {
  const reported = new Map<number, number>();
  for (let step = 0; step < values.length; step++) {
    reported.set(step, values[step] as number);
    const trial = runningCurve(history.length, reported);
    if (pruner.shouldPrune(makeStudy([...history, trial]), trial)) return step;
  }
  return undefined;
}

test('keeps a slow starter that ends best, which the median pruner stops', () => {
  const slowBest = exponential(0.5, 0.035, 11);
  assert.equal(firstPrunedStep(createPruner('extrapolate'), crossingHistory(), slowBest), undefined);
  assert.notEqual(firstPrunedStep(createPruner('median'), crossingHistory(), slowBest), undefined, 'the median pruner judges by the early ranks, so it stops this run');
});

test('reads a noisy run with its own noise, not the calm finished runs\' (momentum SGD that ends best)', () => {
  // Jumps of +-0.15 around a slow decline from 1.3 to 0.6: early points sit well above the best
  // finished value (0.8), and only the run's own noise says how little they prove.
  const noisy = Array.from({ length: STEPS }, (_, t) => 0.6 + 0.7 * Math.exp(-0.03 * t) + 0.15 * noise(21, t));
  assert.equal(firstPrunedStep(createPruner('extrapolate'), crossingHistory(), noisy), undefined);
});

test('stops a fast starter that settles above the best long before the end', () => {
  const step = firstPrunedStep(createPruner('extrapolate'), crossingHistory(), exponential(1.3, 0.15, 12));
  assert.ok(step !== undefined && step <= 40, `pruned at step ${step}`);
});

test('never prunes a trial that has run past the longest finished run', () => {
  const history = crossingHistory().map((t, i) => completedCurve(i, [...t.intermediateValues.values()].slice(0, 30)));
  const hopeless = exponential(2.5, 0.15, 13);
  const pruner = createPruner('extrapolate');
  const at = (steps: number) => {
    const trial = runningCurve(history.length, hopeless.slice(0, steps));
    return pruner.shouldPrune(makeStudy([...history, trial]), trial);
  };
  assert.equal(at(20), true, 'within the finished runs\' length it is stopped');
  assert.equal(at(40), false, 'past them there is no full run to forecast to');
});

test('bad options are errors that name the option', () => {
  for (const [option, value] of [['warmupFraction', 1], ['warmupFraction', -0.1], ['sigmas', -1], ['sigmas', Infinity], ['nStartupTrials', 0]] as const) {
    assert.throws(() => createPruner('extrapolate', { [option]: value }), (err: unknown) => PrunerError.is(err, 'invalid-option') && err.option === option, `${option} = ${value}`);
  }
  assert.throws(() => createPruner('extrapolate', { nWarmupSteps: 5 }), (err: unknown) => PrunerError.is(err, 'invalid-option') && /warmupFraction/.test(err.message));
});

test('a run whose loss became infinite is stopped (it is not judged on its earlier points)', () => {
  const diverged = [...exponential(0.5, 0.035, 14).slice(0, 30), Infinity];
  assert.equal(firstPrunedStep(createPruner('extrapolate'), crossingHistory(), diverged), 30);
});
