/**
 * What a user of the GP sampler notices: it homes in on the optimum within a few dozen trials,
 * proposals respect the space (integers, log ranges, steps, choices), parallel asks spread out,
 * a seed fixes the proposals, and awkward histories (failures, pruning, several objectives,
 * conditional parameters) do not break it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GpSampler } from '../../../../src/core/samplers/gp-sampler';
import { SamplerError } from '../../../../src/core/samplers/sampler-error';
import { type ParamValue, contains } from '../../../../src/core/space/distributions';
import { type SearchSpace, createSearchSpace, isActive } from '../../../../src/core/space/search-space';
import type { FrozenTrial } from '../../../../src/core/study/trial';
import { makeStudy, makeTrial } from '../make-trial';
import { ask, bestValue, optimize } from './ask-tell';

const floatParam = (name: string, low: number, high: number, log = false) => ({ name, distribution: { type: 'float' as const, low, high, log, step: null } });

const MIXED = createSearchSpace([
  floatParam('lr', 1e-5, 1e-1, true),
  { name: 'units', distribution: { type: 'int', low: 8, high: 512, log: true, step: 1 } },
  { name: 'layers', distribution: { type: 'int', low: 1, high: 6, log: false, step: 1 } },
  { name: 'batch', distribution: { type: 'int', low: 16, high: 256, log: false, step: 16 } },
  { name: 'dropout', distribution: { type: 'float', low: 0, high: 0.5, log: false, step: 0.05 } },
  { name: 'optimizer', distribution: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] } },
  { name: 'momentum', distribution: { type: 'float', low: 0.5, high: 0.99, log: false, step: null }, condition: { parent: 'optimizer', values: ['sgd'] } },
]);

/** Best near lr = 1e-3, units = 128, layers = 3, batch = 64, dropout = 0.1, adam. */
function mixedObjective(p: Record<string, ParamValue>): number {
  let y = (Math.log10(p.lr as number) + 3) ** 2 + (Math.log2(p.units as number) - 7) ** 2 / 4 + ((p.layers as number) - 3) ** 2 / 2;
  y += (((p.batch as number) - 64) / 64) ** 2 + ((p.dropout as number) - 0.1) ** 2 * 10;
  if (p.optimizer !== 'adam') y += 1;
  if (typeof p.momentum === 'number') y += (p.momentum - 0.9) ** 2;
  return y;
}

function history(space: SearchSpace, n: number, f: (p: Record<string, ParamValue>) => number, seed = 11): FrozenTrial[] {
  return optimize(new GpSampler({ seed, nStartupTrials: n }), space, f, n);
}

describe('GpSampler', () => {
  test('finds the minimum of a 1-D quadratic within 20 trials', () => {
    const space = createSearchSpace([floatParam('x', -10, 10)]);
    for (const seed of [1, 2, 3]) {
      const trials = optimize(new GpSampler({ seed }), space, (p) => ((p.x as number) - 3.3) ** 2, 20);
      assert.ok(bestValue(trials) < 1e-3, `seed ${seed}: best ${bestValue(trials)}`);
    }
  });

  test('finds the minimum of a 2-D quadratic within 30 trials, far better than its random start', () => {
    const space = createSearchSpace([floatParam('x', -5, 5), floatParam('y', 0, 20)]);
    const f = (p: Record<string, ParamValue>) => ((p.x as number) - 1.5) ** 2 + (((p.y as number) - 13) / 2) ** 2;
    for (const seed of [1, 2]) {
      const trials = optimize(new GpSampler({ seed }), space, f, 30);
      const startup = bestValue(trials.slice(0, 10));
      assert.ok(bestValue(trials) < 0.01, `seed ${seed}: best ${bestValue(trials)} (random start reached ${startup})`);
    }
  });

  test('maximises when the study maximises', () => {
    const space = createSearchSpace([floatParam('x', 0, 1)]);
    const trials = optimize(new GpSampler({ seed: 4 }), space, (p) => -(((p.x as number) - 0.8) ** 2), 20, 'maximize');
    assert.ok(bestValue(trials, 'maximize') > -1e-3, `best ${bestValue(trials, 'maximize')}`);
  });

  test('a mixed space: integers stay integers, log ranges in range, steps on the grid, choices valid, and the optimum is approached', () => {
    const trials = optimize(new GpSampler({ seed: 5 }), MIXED, mixedObjective, 40);
    for (const t of trials) {
      for (const spec of MIXED.parameters) {
        assert.equal(spec.name in t.params, isActive(spec, t.params), `${spec.name} present iff active`);
        if (spec.name in t.params) assert.ok(contains(spec.distribution, t.params[spec.name] as ParamValue), `${spec.name}=${JSON.stringify(t.params[spec.name])}`);
      }
      assert.ok(Number.isInteger(t.params.units) && Number.isInteger(t.params.layers));
      assert.equal((t.params.batch as number) % 16, 0);
      assert.ok(String(t.params.dropout).length <= 4, `no rounding noise: ${t.params.dropout}`);
    }
    const modelled = trials.slice(10);
    assert.ok(modelled.filter((t) => t.params.optimizer === 'adam').length > modelled.length / 2, 'the model learns that adam is better');
    assert.ok(bestValue(trials) < bestValue(trials.slice(0, 10)) / 3, `best ${bestValue(trials)} vs random start ${bestValue(trials.slice(0, 10))}`);
  });

  test('parallel asks with running trials propose different points (kriging believer)', () => {
    const space = createSearchSpace([floatParam('x', -5, 5), floatParam('y', -5, 5)]);
    const f = (p: Record<string, ParamValue>) => ((p.x as number) - 1) ** 2 + ((p.y as number) + 2) ** 2;
    const done = history(space, 15, f);
    const sampler = new GpSampler({ seed: 6 });
    const trials = [...done];
    const proposals: Record<string, ParamValue>[] = [];
    for (let k = 0; k < 4; k++) {
      const params = ask(sampler, makeStudy(trials), space);
      proposals.push(params);
      trials.push(makeTrial({ number: trials.length, state: 'running', params }));
    }
    for (let i = 0; i < proposals.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = proposals[i] as Record<string, number>;
        const b = proposals[j] as Record<string, number>;
        const dist = Math.hypot((a.x as number) - (b.x as number), (a.y as number) - (b.y as number));
        assert.ok(dist > 1e-3, `asks ${j} and ${i} collide: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
    // Without the running trials, the sampler would repeat its first proposal.
    assert.deepEqual(ask(new GpSampler({ seed: 6 }), makeStudy(done), space), proposals[0]);
  });

  test('the same seed and history give the same proposal; another seed a different one', () => {
    const trials = history(MIXED, 14, mixedObjective);
    const a = ask(new GpSampler({ seed: 7 }), makeStudy(trials), MIXED);
    const b = ask(new GpSampler({ seed: 7 }), makeStudy(trials), MIXED);
    const c = ask(new GpSampler({ seed: 8 }), makeStudy(trials), MIXED);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test('failed and pruned trials never reach the model; the startup phase counts completed trials only', () => {
    const space = createSearchSpace([floatParam('x', 0, 1)]);
    const trials: FrozenTrial[] = [];
    for (let i = 0; i < 12; i++) {
      const x = (i + 0.5) / 12;
      trials.push(makeTrial({ number: trials.length, params: { x }, value: (x - 0.3) ** 2 }));
      trials.push(makeTrial({ number: trials.length, state: 'fail', params: { x: 0.31 } }));
      trials.push(makeTrial({ number: trials.length, state: 'pruned', params: { x: 0.29 }, curve: [Number.NaN] }));
    }
    const sampler = new GpSampler({ seed: 9 });
    const relative = sampler.sampleRelative(makeStudy(trials), space);
    assert.ok(typeof relative.x === 'number' && Math.abs(relative.x - 0.3) < 0.1, `proposal ${JSON.stringify(relative)}`);
    const early = trials.filter((t) => t.state !== 'complete').slice(0, 20);
    assert.deepEqual(sampler.sampleRelative(makeStudy(early), space), {}, 'no completed trials: no model');
  });

  test('several objectives: random proposals, and the user is told once', () => {
    const space = createSearchSpace([floatParam('x', 0, 1)]);
    const warnings: string[] = [];
    const sampler = new GpSampler({ seed: 10, onWarning: (m) => warnings.push(m) });
    const trials = Array.from({ length: 12 }, (_, i) => makeTrial({ number: i, params: { x: i / 12 }, value: [i, -i] }));
    const study = makeStudy(trials, ['minimize', 'minimize']);
    assert.deepEqual(sampler.sampleRelative(study, space), {});
    sampler.sampleRelative(study, space);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, /one objective.*2/);
    assert.ok(contains(space.parameters[0]!.distribution, ask(sampler, study, space).x as ParamValue));
  });

  test('a constant objective and duplicate points do not break the fit', () => {
    const space = createSearchSpace([{ name: 'n', distribution: { type: 'int', low: 1, high: 3, log: false, step: 1 } }, floatParam('x', 0, 1)]);
    const trials = Array.from({ length: 15 }, (_, i) => makeTrial({ number: i, params: { n: 2, x: 0.5 }, value: 1 }));
    const p = ask(new GpSampler({ seed: 12 }), makeStudy(trials), space);
    assert.ok(contains(space.parameters[0]!.distribution, p.n as ParamValue) && contains(space.parameters[1]!.distribution, p.x as ParamValue), JSON.stringify(p));
  });

  test('a deterministic objective is accepted and still converges', () => {
    const space = createSearchSpace([floatParam('x', -2, 2)]);
    const trials = optimize(new GpSampler({ seed: 13, deterministicObjective: true }), space, (p) => Math.abs((p.x as number) - 0.25), 25);
    assert.ok(bestValue(trials) < 1e-2, `best ${bestValue(trials)}`);
  });

  test('past maxModelTrials the model keeps the best trials, even when they are the oldest', () => {
    const space = createSearchSpace([floatParam('x', 0, 1)]);
    // The first trials sit around the optimum at 0.3; the 40 after them are all far away.
    const xs = [0.25, 0.35, 0.28, 0.33, ...Array.from({ length: 40 }, (_, i) => 0.6 + (0.4 * i) / 40)];
    const trials = xs.map((x, i) => makeTrial({ number: i, params: { x }, value: (x - 0.3) ** 2 }));
    const p = new GpSampler({ seed: 14, maxModelTrials: 12 }).sampleRelative(makeStudy(trials), space);
    assert.ok(typeof p.x === 'number' && Math.abs(p.x - 0.3) < 0.1, `proposal ${JSON.stringify(p)}`);
  });

  test('options out of range are SamplerErrors', () => {
    assert.throws(() => new GpSampler({ maxModelTrials: 1 }), (e: unknown) => SamplerError.is(e, 'invalid-option'));
    assert.throws(() => new GpSampler({ nStartupTrials: -1 }), (e: unknown) => SamplerError.is(e, 'invalid-option'));
    assert.throws(() => new GpSampler({ nCandidates: 0 }), (e: unknown) => SamplerError.is(e, 'invalid-option'));
  });
});
