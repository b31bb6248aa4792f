import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParamValue } from '../../../../src/core/space/distributions';
import { createSearchSpace } from '../../../../src/core/space/search-space';
import { GridSampler, MAX_GRID_POINTS } from '../../../../src/core/samplers/grid';
import { SamplerError } from '../../../../src/core/samplers/sampler-error';
import { createSampler } from '../../../../src/core/samplers/sampler-factory';
import type { FrozenTrial, TrialState } from '../../../../src/core/study/trial';
import { makeStudy, makeTrial } from '../make-trial';
import { ask } from './ask-tell';

const SPACE = createSearchSpace([
  { name: 'lr', distribution: { type: 'float', low: 0.1, high: 0.3, log: false, step: 0.1 } },
  { name: 'depth', distribution: { type: 'int', low: 1, high: 4, log: true, step: 1 } },
  { name: 'act', distribution: { type: 'categorical', choices: ['relu', { leaky: 0.1 }] } },
]);

/** Asks until the sampler says the grid is exhausted; each trial completes at once. */
function exhaust(sampler: GridSampler, space = SPACE, limit = 1000): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  while (!sampler.isExhausted(makeStudy(trials)) && trials.length < limit) {
    const params = ask(sampler, makeStudy(trials), space);
    trials.push(makeTrial({ number: trials.length, params, value: 0 }));
  }
  return trials;
}

const keyOf = (params: Readonly<Record<string, ParamValue>>): string => JSON.stringify(params);

test('visits every point exactly once, then reports the grid exhausted', () => {
  const sampler = new GridSampler(SPACE);
  assert.equal(sampler.size, 3 * 4 * 2);
  assert.equal(sampler.isExhausted(makeStudy([])), false);
  const trials = exhaust(sampler);
  assert.equal(trials.length, 24);
  assert.equal(new Set(trials.map((t) => keyOf(t.params))).size, 24, 'no point twice');
  assert.deepEqual([...new Set(trials.map((t) => t.params.lr))].sort(), [0.1, 0.2, 0.3], 'clean stepped floats (0.3, not 0.30000000000000004)');
  assert.deepEqual([...new Set(trials.map((t) => t.params.depth))].sort(), [1, 2, 3, 4], 'a log int range enumerates every integer');
  assert.ok(sampler.isExhausted(makeStudy(trials)));
});

test('without a seed the grid goes in declaration order; a seed shuffles it reproducibly', () => {
  const plain = exhaust(new GridSampler(SPACE)).map((t) => keyOf(t.params));
  assert.deepEqual(JSON.parse(plain[0] as string), { lr: 0.1, depth: 1, act: 'relu' });
  assert.deepEqual(JSON.parse(plain[1] as string), { lr: 0.1, depth: 1, act: { leaky: 0.1 } });
  const shuffled = exhaust(new GridSampler(SPACE, 7)).map((t) => keyOf(t.params));
  assert.notDeepEqual(shuffled, plain);
  assert.deepEqual([...shuffled].sort(), [...plain].sort(), 'same points, other order');
  assert.deepEqual(exhaust(new GridSampler(SPACE, 7)).map((t) => keyOf(t.params)), shuffled);
});

test('running, failed, pruned and enqueued trials hold their points; off-grid trials hold none', () => {
  const sampler = new GridSampler(SPACE);
  const states: TrialState[] = ['running', 'fail', 'pruned', 'complete'];
  const points = [
    { lr: 0.1, depth: 1, act: 'relu' },
    { lr: 0.1, depth: 1, act: { leaky: 0.1 } },
    { lr: 0.1, depth: 2, act: 'relu' },
    { lr: 0.1, depth: 2, act: { leaky: 0.1 } },
  ];
  const trials = states.map((state, i) => makeTrial({ number: i, state, params: points[i], value: state === 'complete' ? 1 : null }));
  trials.push(makeTrial({ number: 4, state: 'complete', params: { lr: 0.15, depth: 3, act: 'relu' }, value: 1 }));
  trials.push(makeTrial({ number: 5, state: 'complete', params: { lr: 0.1, depth: 3 }, value: 1 }));
  const next = ask(sampler, makeStudy(trials), SPACE);
  assert.deepEqual(next, { lr: 0.1, depth: 3, act: 'relu' }, 'the first point no trial holds');
});

test('once exhausted, a late ask repeats the least-used point instead of failing', () => {
  const sampler = new GridSampler(SPACE);
  const trials = exhaust(sampler);
  const extra = ask(sampler, makeStudy(trials), SPACE);
  trials.push(makeTrial({ number: trials.length, params: extra, value: 0 }));
  const another = ask(sampler, makeStudy(trials), SPACE);
  assert.notDeepEqual(another, extra, 'the point just repeated is not repeated again first');
});

test('a conditional grid varies children only under the parent values that activate them', () => {
  const space = createSearchSpace([
    { name: 'optimizer', distribution: { type: 'categorical', choices: ['sgd', 'adam', 'lbfgs'] } },
    { name: 'momentum', distribution: { type: 'float', low: 0, high: 0.9, log: false, step: 0.3 }, condition: { parent: 'optimizer', values: ['sgd'] } },
    { name: 'nesterov', distribution: { type: 'categorical', choices: [true, false] }, condition: { parent: 'momentum', values: [0.3, 0.6, 0.9] } },
    { name: 'beta', distribution: { type: 'int', low: 1, high: 2, log: false, step: 1 }, condition: { parent: 'optimizer', values: ['adam'] } },
  ]);
  const sampler = new GridSampler(space);
  // sgd: momentum 0 (no nesterov) + 3 momenta x 2 nesterov = 7; adam: 2 betas; lbfgs: 1.
  assert.equal(sampler.size, 10);
  const points = exhaust(sampler, space).map((t) => t.params);
  assert.equal(points.length, 10);
  assert.equal(new Set(points.map(keyOf)).size, 10);
  assert.ok(points.some((p) => keyOf(p) === keyOf({ optimizer: 'sgd', momentum: 0 })), 'a grandchild is absent when its parent value does not activate it');
  assert.ok(points.some((p) => keyOf(p) === keyOf({ optimizer: 'lbfgs' })));
  for (const p of points) {
    assert.equal('beta' in p, p.optimizer === 'adam');
    assert.equal('nesterov' in p, p.optimizer === 'sgd' && p.momentum !== 0);
  }
});

test('a continuous float range is an error naming the parameter, at construction', () => {
  const space = createSearchSpace([
    { name: 'units', distribution: { type: 'int', low: 1, high: 3, log: false, step: 1 } },
    { name: 'lr', distribution: { type: 'float', low: 1e-4, high: 1e-1, log: true, step: null } },
  ]);
  for (const build of [() => new GridSampler(space), () => createSampler('grid', { space })]) {
    assert.throws(build, (err: unknown) => SamplerError.is(err, 'grid-continuous') && err.param === 'lr' && /"lr"/.test(err.message) && /step/.test(err.message));
  }
});

test(`a grid over ${MAX_GRID_POINTS.toLocaleString('en-US')} points is refused with a clear error`, () => {
  const oneHuge = createSearchSpace([{ name: 'seed', distribution: { type: 'int', low: 1, high: 2 ** 31, log: true, step: 1 } }]);
  assert.throws(() => new GridSampler(oneHuge), (err: unknown) => SamplerError.is(err, 'grid-too-large') && err.param === 'seed');
  const product = createSearchSpace(
    ['a', 'b', 'c', 'd'].map((name) => ({ name, distribution: { type: 'int' as const, low: 1, high: 40, log: false, step: 1 } })),
  );
  assert.throws(() => new GridSampler(product), (err: unknown) => SamplerError.is(err, 'grid-too-large') && /more than 1,000,000 points/.test(err.message));
});

test('asking for a parameter outside the grid is an error naming it', () => {
  const sampler = new GridSampler(SPACE);
  const stray = { name: 'extra', distribution: { type: 'int' as const, low: 0, high: 1, log: false, step: 1 } };
  assert.throws(() => sampler.sampleIndependent(makeStudy([]), stray, {}), (err: unknown) => SamplerError.is(err, 'grid-unknown-parameter') && err.param === 'extra');
});
