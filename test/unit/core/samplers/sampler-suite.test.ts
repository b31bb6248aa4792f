/**
 * The contract every sampler meets, run against each name the factory knows: proposals lie in
 * their distributions, conditional parameters appear exactly when active, a seed fixes the
 * proposals, a study resumed with the same seed does not replay its first trials, and asks made
 * while other trials run do not collide. Samplers that handle several objectives also run a
 * two-objective study.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ParamValue, contains } from '../../../../src/core/space/distributions';
import { createSearchSpace, isActive, type SearchSpace } from '../../../../src/core/space/search-space';
import { SAMPLER_NAMES, createSampler } from '../../../../src/core/samplers/sampler-factory';
import { SamplerError } from '../../../../src/core/samplers/sampler-error';
import type { FrozenTrial } from '../../../../src/core/study/trial';
import { makeStudy, makeTrial } from '../make-trial';
import { ask, optimize } from './ask-tell';

const LAMB = { name: 'lamb', betas: [0.9, 0.999] };

/** Every discrete kind of parameter, so grid search runs the suite too. */
const DISCRETE = createSearchSpace([
  { name: 'optimizer', distribution: { type: 'categorical', choices: ['sgd', 'adam', LAMB] } },
  { name: 'momentum', distribution: { type: 'float', low: 0.5, high: 0.9, log: false, step: 0.1 }, condition: { parent: 'optimizer', values: ['sgd'] } },
  { name: 'trust', distribution: { type: 'categorical', choices: [true, false, null] }, condition: { parent: 'optimizer', values: [LAMB] } },
  { name: 'layers', distribution: { type: 'int', low: 1, high: 4, log: false, step: 1 } },
  { name: 'batch', distribution: { type: 'int', low: 16, high: 128, log: false, step: 16 } },
  { name: 'units', distribution: { type: 'int', low: 8, high: 64, log: true, step: 1 } },
  { name: 'dropout', distribution: { type: 'float', low: 0, high: 0.5, log: false, step: 0.05 } },
  { name: 'seed', distribution: { type: 'int', low: 7, high: 7, log: false, step: 1 } },
]);

/** Adds continuous and log-continuous floats, which grid search cannot enumerate. */
const CONTINUOUS = createSearchSpace([
  ...DISCRETE.parameters,
  { name: 'lr', distribution: { type: 'float', low: 1e-5, high: 1e-1, log: true, step: null } },
  { name: 'x', distribution: { type: 'float', low: -3, high: 3, log: false, step: null } },
  { name: 'wd', distribution: { type: 'float', low: 1e-4, high: 1e-2, log: true, step: null }, condition: { parent: 'optimizer', values: ['adam'] } },
]);

function spaceFor(name: string): SearchSpace {
  return name === 'grid' ? DISCRETE : CONTINUOUS;
}

/** Rewards some regions so model-based samplers leave their startup phase with a signal. */
function objective(p: Record<string, ParamValue>): number {
  let y = ((p.layers as number) - 3) ** 2 + ((p.dropout as number) - 0.2) ** 2 + Math.log2(p.units as number) / 10;
  if (p.optimizer !== 'adam') y += 1;
  if (typeof p.x === 'number') y += p.x ** 2;
  if (typeof p.lr === 'number') y += (Math.log10(p.lr) + 3) ** 2 / 10;
  return y;
}

const N_TRIALS = 40;

/** Names whose samplers model several objectives (the rest may fall back to random search there). */
const MULTI_OBJECTIVE = new Set<string>(['auto', 'tpe', 'nsga2', 'random', 'qmc', 'halton']);

/** A 2-D slice of ZDT1's shape: f1 = x, f2 = g (1 - sqrt(x / g)), g from y. */
function twoObjectives(p: Record<string, ParamValue>): number[] {
  const x = ((p.x as number) + 3) / 6;
  const g = 1 + 9 * (((p.lr as number) - 1e-5) / 0.1);
  return [x, g * (1 - Math.sqrt(x / g))];
}

function paramsOf(trials: readonly FrozenTrial[]): Record<string, ParamValue>[] {
  return trials.map((t) => ({ ...t.params }));
}

for (const name of SAMPLER_NAMES) {
  describe(`sampler "${name}"`, () => {
    const space = spaceFor(name);
    const run = (seed: number): FrozenTrial[] => optimize(createSampler(name, { seed, space }), space, objective, N_TRIALS);

    test('every proposal lies in its distribution, with conditional parameters exactly when active', () => {
      for (const trial of run(1)) {
        for (const spec of space.parameters) {
          const active = isActive(spec, trial.params);
          assert.equal(spec.name in trial.params, active, `${spec.name} present iff active in trial ${trial.number}: ${JSON.stringify(trial.params)}`);
          if (active) {
            const value = trial.params[spec.name] as ParamValue;
            assert.ok(contains(spec.distribution, value), `${spec.name}=${JSON.stringify(value)} lies in its distribution`);
          }
        }
        assert.equal(trial.params.seed, 7, 'a one-value range always takes that value');
      }
    });

    test('explores every kind of parameter: all choices (object ones too), both branches, int/log/stepped values', () => {
      const trials = run(2);
      const optimizers = new Set(trials.map((t) => JSON.stringify(t.params.optimizer)));
      assert.equal(optimizers.size, 3, `all three optimizers tried: ${[...optimizers].join(' ')}`);
      assert.ok(trials.some((t) => t.params.optimizer === 'sgd' && 'momentum' in t.params));
      assert.ok(trials.some((t) => JSON.stringify(t.params.optimizer) === JSON.stringify(LAMB) && 'trust' in t.params));
      for (const t of trials) {
        assert.ok(Number.isInteger(t.params.units), 'a log int is an integer');
        assert.equal((t.params.batch as number) % 16, 0, 'a stepped int sits on its step');
        const dropoutSteps = (t.params.dropout as number) / 0.05;
        assert.ok(Math.abs(dropoutSteps - Math.round(dropoutSteps)) < 1e-9, 'a stepped float sits on its step');
        assert.equal(String(t.params.dropout).length <= 4, true, `stepped floats carry no rounding noise: ${t.params.dropout}`);
      }
      assert.ok(new Set(trials.map((t) => t.params.layers)).size >= 3, 'ints vary');
      if (name !== 'grid') {
        const lrs = trials.map((t) => t.params.lr as number);
        assert.ok(lrs.some((v) => v < 1e-3) && lrs.some((v) => v > 1e-3), 'a log float covers decades on both sides of its middle');
      }
    });

    test('the same seed gives the same proposals', () => {
      assert.deepEqual(paramsOf(run(3)), paramsOf(run(3)));
    });

    test('different seeds give different proposals', () => {
      assert.notDeepEqual(paramsOf(run(4)), paramsOf(run(5)));
    });

    test('a new sampler with the same seed continues a study where the old one left off', () => {
      const history = run(6);
      const resumed = createSampler(name, { seed: 6, space });
      const next = ask(resumed, makeStudy(history), space);
      const again = ask(createSampler(name, { seed: 6, space }), makeStudy(history), space);
      assert.deepEqual(next, again, 'same seed and same history: same proposal');
      assert.ok(
        history.every((t) => JSON.stringify(t.params) !== JSON.stringify(next)),
        'the resumed study proposes a new point, not a replay of an earlier trial',
      );
    });

    test('asks made while earlier trials still run never propose the same point twice', () => {
      // 20 finished trials so model-based samplers are past their startup phase, then four
      // asks in a row, each earlier one still running, as with four parallel workers.
      const history = run(7).slice(0, 20);
      const trials = [...history];
      const sampler = createSampler(name, { seed: 7, space });
      const asked: string[] = [];
      for (let i = 0; i < 4; i++) {
        const params = ask(sampler, makeStudy(trials), space);
        asked.push(JSON.stringify(params));
        trials.push(makeTrial({ number: trials.length, state: 'running', params }));
      }
      assert.equal(new Set(asked).size, 4, `four distinct concurrent proposals: ${asked.join(' ')}`);
    });

    if (MULTI_OBJECTIVE.has(name)) {
      test('runs a two-objective study: valid, reproducible proposals', () => {
        const runMulti = (seed: number): FrozenTrial[] => {
          const sampler = createSampler(name, { seed, space });
          const trials: FrozenTrial[] = [];
          for (let i = 0; i < 30; i++) {
            const params = ask(sampler, makeStudy(trials, ['minimize', 'minimize']), space);
            trials.push(makeTrial({ number: i, params, value: twoObjectives(params) }));
          }
          return trials;
        };
        const trials = runMulti(8);
        for (const t of trials) {
          for (const spec of space.parameters) {
            if (spec.name in t.params) assert.ok(contains(spec.distribution, t.params[spec.name] as ParamValue), `${spec.name} in its distribution`);
          }
        }
        assert.deepEqual(paramsOf(runMulti(8)), paramsOf(trials));
        assert.notDeepEqual(paramsOf(runMulti(9)), paramsOf(trials));
      });
    }
  });
}

test('an unknown sampler name is an error that lists the valid names', () => {
  assert.throws(
    () => createSampler('bayes', { space: DISCRETE }),
    (err: unknown) => SamplerError.is(err, 'unknown-sampler') && SAMPLER_NAMES.every((n) => err.message.includes(`"${n}"`)),
  );
});
