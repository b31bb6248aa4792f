/**
 * The CMA-ES sampler as a user notices it: it converges, respects every range (ints, logs, the
 * box), parallel workers get distinct candidates, and its state comes back from the trials
 * alone, so a resumed study or a foreign (enqueued) trial changes nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CmaEsSampler } from '../../../../src/core/samplers/cmaes-sampler';
import { SamplerError } from '../../../../src/core/samplers/sampler-error';
import { type ParamValue, contains } from '../../../../src/core/space/distributions';
import { createSearchSpace, isActive } from '../../../../src/core/space/search-space';
import type { FrozenTrial } from '../../../../src/core/study/trial';
import { makeStudy, makeTrial } from '../make-trial';
import { ask, bestValue, optimize } from './ask-tell';

const floats = (n: number, low: number, high: number) =>
  createSearchSpace(Array.from({ length: n }, (_, i) => ({ name: `x${i}`, distribution: { type: 'float' as const, low, high, log: false, step: null } })));
const shiftedSphere = (p: Readonly<Record<string, ParamValue>>) => Object.values(p).reduce((s: number, v) => s + ((v as number) - 2.5) ** 2, 0);

test('converges on a 5-D sphere whose optimum is off-centre, for every seed', () => {
  for (const seed of [1, 2, 3]) {
    const trials = optimize(new CmaEsSampler({ seed }), floats(5, -5, 10), shiftedSphere, 500);
    assert.ok(bestValue(trials.slice(0, 100)) > 1e-2, 'not there by luck early');
    assert.ok(bestValue(trials) < 1e-4, `seed ${seed}: best ${bestValue(trials)}`);
  }
});

test('integers reach the exact optimum and keep moving (the margin prevents stalling)', () => {
  const space = createSearchSpace(Array.from({ length: 4 }, (_, i) => ({ name: `k${i}`, distribution: { type: 'int' as const, low: -10, high: 10, log: false, step: 1 } })));
  const f = (p: Readonly<Record<string, ParamValue>>) => Object.values(p).reduce((s: number, v) => s + ((v as number) - 3) ** 2, 0);
  for (const seed of [1, 2, 3]) {
    const trials = optimize(new CmaEsSampler({ seed }), space, f, 200);
    assert.equal(bestValue(trials), 0, `seed ${seed} finds (3, 3, 3, 3)`);
    for (const t of trials) for (const v of Object.values(t.params)) assert.ok(Number.isInteger(v) && (v as number) >= -10 && (v as number) <= 10);
    assert.ok(new Set(trials.slice(150).map((t) => JSON.stringify(t.params))).size > 3, 'late generations still explore neighbours');
  }
});

test('a log range is searched in log space: the optimum three decades below the top is found', () => {
  const space = createSearchSpace([
    { name: 'lr', distribution: { type: 'float', low: 1e-7, high: 1, log: true, step: null } },
    { name: 'units', distribution: { type: 'int', low: 4, high: 1024, log: true, step: 1 } },
  ]);
  const f = (p: Readonly<Record<string, ParamValue>>) => (Math.log10(p.lr as number) + 3) ** 2 + (Math.log2(p.units as number) - 7) ** 2;
  const trials = optimize(new CmaEsSampler({ seed: 4 }), space, f, 150);
  const best = trials.reduce((a, b) => ((a.values as number[])[0]! <= (b.values as number[])[0]! ? a : b));
  assert.ok(Math.abs((best.params.lr as number) / 1e-3 - 1) < 0.05, `lr ${best.params.lr}`);
  assert.equal(best.params.units, 128);
});

test('an optimum on the boundary is approached without a single proposal outside the box', () => {
  const space = floats(3, -1, 1);
  const trials = optimize(new CmaEsSampler({ seed: 5 }), space, (p) => Object.values(p).reduce((s: number, v) => s + (v as number), 0), 300);
  for (const t of trials) for (const v of Object.values(t.params)) assert.ok((v as number) >= -1 && (v as number) <= 1, `${v}`);
  assert.ok(bestValue(trials) < -2.99, `best ${bestValue(trials)}`);
});

test('maximisation climbs', () => {
  const trials = optimize(new CmaEsSampler({ seed: 6 }), floats(3, -5, 10), (p) => -shiftedSphere(p), 300, 'maximize');
  assert.ok(bestValue(trials, 'maximize') > -1e-3, `best ${bestValue(trials, 'maximize')}`);
});

test('workers asking a whole generation at once get distinct candidates, the same ones as asking one by one', () => {
  const space = floats(4, 0, 1);
  const sequential = optimize(new CmaEsSampler({ seed: 7 }), space, shiftedSphere, 40);
  const sampler = new CmaEsSampler({ seed: 7 });
  const trials: FrozenTrial[] = [];
  while (trials.length < 40) {
    // A batch of asks while everything is running, then all tells: what parallel workers do.
    const batch: FrozenTrial[] = [];
    for (let i = 0; i < 8 && trials.length + batch.length < 40; i++) {
      const params = ask(sampler, makeStudy([...trials, ...batch]), space);
      batch.push(makeTrial({ number: trials.length + batch.length, state: 'running', params }));
    }
    assert.equal(new Set(batch.map((t) => JSON.stringify(t.params))).size, batch.length, 'no two running trials share a point');
    trials.push(...batch.map((t) => makeTrial({ number: t.number, params: t.params, value: shiftedSphere(t.params) })));
  }
  assert.deepEqual(trials.map((t) => t.params), sequential.map((t) => t.params));
});

test('the state comes from the trials: a fresh sampler continues a study, and an enqueued trial is left out', () => {
  const space = floats(3, -5, 10);
  const history = optimize(new CmaEsSampler({ seed: 8 }), space, shiftedSphere, 60);
  const fresh = ask(new CmaEsSampler({ seed: 8 }), makeStudy(history), space);
  const warm = new CmaEsSampler({ seed: 8 });
  optimize(warm, space, shiftedSphere, 60);
  assert.deepEqual(fresh, ask(warm, makeStudy(history), space));
  assert.ok(history.every((t) => JSON.stringify(t.params) !== JSON.stringify(fresh)));

  // A user-enqueued trial in the middle neither shifts nor corrupts the generations.
  const sampler = new CmaEsSampler({ seed: 8 });
  const withForeign: FrozenTrial[] = [];
  for (let i = 0; i < 62; i++) {
    const params = i === 20 ? { x0: 0, x1: 0, x2: 0 } : ask(sampler, makeStudy(withForeign), space);
    withForeign.push(makeTrial({ number: i, params, value: shiftedSphere(params) }));
  }
  assert.deepEqual(withForeign.filter((t) => t.number !== 20).map((t) => t.params), [...history.map((t) => t.params), fresh]);
});

test('categorical and conditional parameters are drawn independently, in range and exactly when active', () => {
  const space = createSearchSpace([
    { name: 'opt', distribution: { type: 'categorical', choices: ['sgd', 'adam'] } },
    { name: 'momentum', distribution: { type: 'float', low: 0.5, high: 0.99, log: false, step: null }, condition: { parent: 'opt', values: ['sgd'] } },
    { name: 'x', distribution: { type: 'float', low: -3, high: 3, log: false, step: null } },
    { name: 'batch', distribution: { type: 'int', low: 16, high: 256, log: false, step: 16 } },
    { name: 'fixed', distribution: { type: 'int', low: 7, high: 7, log: false, step: 1 } },
  ]);
  const trials = optimize(new CmaEsSampler({ seed: 9 }), space, (p) => (p.x as number) ** 2 + (p.batch as number) / 256, 60);
  for (const t of trials) {
    for (const spec of space.parameters) {
      assert.equal(spec.name in t.params, isActive(spec, t.params), `${spec.name} in trial ${t.number}`);
      if (spec.name in t.params) assert.ok(contains(spec.distribution, t.params[spec.name] as ParamValue), `${spec.name}=${t.params[spec.name]}`);
    }
  }
  assert.equal(new Set(trials.map((t) => t.params.opt)).size, 2);
});

test('several objectives and bad options are SamplerErrors that say what to do', () => {
  assert.throws(() => ask(new CmaEsSampler({ seed: 1 }), makeStudy([], ['minimize', 'minimize']), floats(2, 0, 1)), (e: unknown) => SamplerError.is(e, 'invalid-option') && /use the "nsga2" sampler/.test(e.message));
  assert.throws(() => new CmaEsSampler({ sigma0: 0 }), /sigma0 must lie in \(0, 1\]/);
  assert.throws(() => new CmaEsSampler({ populationSize: 1 }), /populationSize must be an integer >= 2/);
});
