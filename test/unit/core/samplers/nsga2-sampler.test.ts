/**
 * NSGA-II as a user notices it: the front it finds on ZDT1 beats random search, maximised
 * objectives are handled, constraints steer it to feasible trials, proposals stay in range and
 * a seed fixes them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Nsga2Sampler } from '../../../../src/core/samplers/nsga2-sampler';
import { RandomSampler } from '../../../../src/core/samplers/random';
import type { Sampler } from '../../../../src/core/samplers/sampler';
import { SamplerError } from '../../../../src/core/samplers/sampler-error';
import { type ParamValue, contains } from '../../../../src/core/space/distributions';
import { createSearchSpace, isActive } from '../../../../src/core/space/search-space';
import { hypervolume } from '../../../../src/core/study/hypervolume';
import type { Direction, FrozenTrial } from '../../../../src/core/study/trial';
import { makeStudy, makeTrial } from '../make-trial';
import { ask } from './ask-tell';

const D = 10;
const ZDT_SPACE = createSearchSpace(Array.from({ length: D }, (_, i) => ({ name: `x${i}`, distribution: { type: 'float' as const, low: 0, high: 1, log: false, step: null } })));

/** ZDT1 (Zitzler, Deb & Thiele 2000): Pareto front f2 = 1 - sqrt(f1) where x1..x(n-1) = 0. */
function zdt1(p: Readonly<Record<string, ParamValue>>): [number, number] {
  const x = Array.from({ length: D }, (_, i) => p[`x${i}`] as number);
  const g = 1 + (9 * x.slice(1).reduce((s, v) => s + v, 0)) / (D - 1);
  const f1 = x[0] as number;
  return [f1, g * (1 - Math.sqrt(f1 / g))];
}

function run(
  sampler: Sampler,
  n: number,
  objective: (p: Readonly<Record<string, ParamValue>>) => number[],
  directions: Direction[] = ['minimize', 'minimize'],
  constraints?: (p: Readonly<Record<string, ParamValue>>) => number[],
  space = ZDT_SPACE,
): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = ask(sampler, makeStudy(trials, directions), space);
    const trial = makeTrial({ number: i, params, value: objective(params) });
    trials.push(constraints ? { ...trial, systemAttrs: { constraints: constraints(params) } } : trial);
  }
  return trials;
}

/** Reference (1.1, 4): ZDT1's g starts near 5.5, so (1.1, 1.1) would score every 200-trial run 0. */
const hv = (trials: readonly FrozenTrial[]) => hypervolume(trials.map((t) => [...(t.values as number[])]), [1.1, 4]);

test('on ZDT1 the front after 200 trials dominates far more than random search\'s, seed after seed', () => {
  for (const seed of [1, 2, 3]) {
    const nsga = hv(run(new Nsga2Sampler({ seed }), 200, zdt1));
    const random = hv(run(new RandomSampler(seed), 200, zdt1));
    assert.ok(nsga > random * 1.15, `seed ${seed}: NSGA-II ${nsga.toFixed(3)} vs random ${random.toFixed(3)}`);
  }
});

test('maximising -f is the same search as minimising f, and one of each direction mixes correctly', () => {
  const minimised = run(new Nsga2Sampler({ seed: 4 }), 120, zdt1);
  const maximised = run(new Nsga2Sampler({ seed: 4 }), 120, (p) => zdt1(p).map((v) => -v), ['maximize', 'maximize']);
  const mixed = run(new Nsga2Sampler({ seed: 4 }), 120, (p) => [zdt1(p)[0] as number, -(zdt1(p)[1] as number)], ['minimize', 'maximize']);
  assert.deepEqual(maximised.map((t) => t.params), minimised.map((t) => t.params));
  assert.deepEqual(mixed.map((t) => t.params), minimised.map((t) => t.params));
});

test('with a constraint, feasible trials win: later generations are mostly feasible', () => {
  // Feasible only where x0 >= 0.7: the unconstrained front is mostly infeasible.
  const constraint = (p: Readonly<Record<string, ParamValue>>) => [0.7 - (p.x0 as number)];
  const trials = run(new Nsga2Sampler({ seed: 5 }), 200, zdt1, ['minimize', 'minimize'], constraint);
  const feasibleShare = (ts: readonly FrozenTrial[]) => ts.filter((t) => (t.params.x0 as number) >= 0.7).length / ts.length;
  assert.ok(feasibleShare(trials.slice(0, 20)) < 0.5, `first generation is space-filling: ${feasibleShare(trials.slice(0, 20))}`);
  assert.ok(feasibleShare(trials.slice(140)) > 0.8, `last generations: ${feasibleShare(trials.slice(140))} feasible`);
});

test('mixed and conditional spaces: every proposal in range, conditional parameters exactly when active', () => {
  const space = createSearchSpace([
    { name: 'opt', distribution: { type: 'categorical', choices: ['sgd', 'adam'] } },
    { name: 'momentum', distribution: { type: 'float', low: 0.5, high: 0.99, log: false, step: null }, condition: { parent: 'opt', values: ['sgd'] } },
    { name: 'lr', distribution: { type: 'float', low: 1e-5, high: 1e-1, log: true, step: null } },
    { name: 'layers', distribution: { type: 'int', low: 1, high: 8, log: false, step: 1 } },
    { name: 'batch', distribution: { type: 'int', low: 16, high: 256, log: false, step: 16 } },
  ]);
  const objective = (p: Readonly<Record<string, ParamValue>>) => [Math.abs(Math.log10(p.lr as number) + 3) + (p.opt === 'adam' ? 0 : 1), (p.layers as number) + (p.batch as number) / 100];
  const trials = run(new Nsga2Sampler({ seed: 6, populationSize: 10 }), 80, objective, ['minimize', 'minimize'], undefined, space);
  for (const t of trials) {
    for (const spec of space.parameters) {
      assert.equal(spec.name in t.params, isActive(spec, t.params), `${spec.name} in trial ${t.number}`);
      if (spec.name in t.params) assert.ok(contains(spec.distribution, t.params[spec.name] as ParamValue), `${spec.name}=${t.params[spec.name]}`);
    }
  }
  assert.ok(trials.slice(60).filter((t) => t.params.opt === 'adam').length > 12, 'the better choice takes over');
});

test('the same seed and history give the same children; parallel asks get different ones', () => {
  const a = run(new Nsga2Sampler({ seed: 7, populationSize: 8 }), 40, zdt1);
  const b = run(new Nsga2Sampler({ seed: 7, populationSize: 8 }), 40, zdt1);
  assert.deepEqual(a.map((t) => t.params), b.map((t) => t.params));
  const study = makeStudy([...a, makeTrial({ number: 40, state: 'running', params: ask(new Nsga2Sampler({ seed: 7, populationSize: 8 }), makeStudy(a, ['minimize', 'minimize']), ZDT_SPACE) })], ['minimize', 'minimize']);
  const next = ask(new Nsga2Sampler({ seed: 7, populationSize: 8 }), study, ZDT_SPACE);
  assert.notDeepEqual(next, study.trials[40]?.params);
});

test('bad options are SamplerErrors', () => {
  assert.throws(() => new Nsga2Sampler({ populationSize: 1 }), (e: unknown) => SamplerError.is(e, 'invalid-option'));
  assert.throws(() => new Nsga2Sampler({ crossoverProb: 1.5 }), /crossoverProb must lie in \[0, 1\]/);
});

test('parents holding values the edited space no longer allows still breed valid children', () => {
  const old = createSearchSpace([
    { name: 'act', distribution: { type: 'categorical', choices: ['relu', 'tanh', 'elu'] } },
    { name: 'x', distribution: { type: 'float', low: 0, high: 10, log: false, step: null } },
  ]);
  const trials = run(new Nsga2Sampler({ seed: 8, populationSize: 6 }), 12, (p) => [p.x as number, p.act === 'relu' ? 0 : 1], ['minimize', 'minimize'], undefined, old);
  const edited = createSearchSpace([
    { name: 'act', distribution: { type: 'categorical', choices: ['gelu', 'silu'] } },
    { name: 'x', distribution: { type: 'float', low: 0, high: 1, log: false, step: null } },
  ]);
  for (let i = 0; i < 10; i++) {
    const child = ask(new Nsga2Sampler({ seed: i, populationSize: 6 }), makeStudy(trials, ['minimize', 'minimize']), edited);
    for (const spec of edited.parameters) assert.ok(contains(spec.distribution, child[spec.name] as ParamValue), `${spec.name}=${JSON.stringify(child[spec.name])}`);
  }
});
