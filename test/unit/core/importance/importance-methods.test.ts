/**
 * Both importance methods against ground truth: functions whose variance decomposition is known
 * in closed form, with parameters that do not matter at all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeImportance, type ImportanceMethod } from '../../../../src/core/importance/importance';
import { Rng } from '../../../../src/core/random/rng';
import { createSearchSpace } from '../../../../src/core/space/search-space';
import { makeTrial } from '../make-trial';

const dims = ['a', 'b', 'c', 'd', 'e'];
const space = createSearchSpace(dims.map((name) => ({ name, distribution: { type: 'float' as const, low: -1, high: 1, log: false, step: null } })));

/** f = 2a + 3b^2 (c, d, e unused), on uniform random trials: Sobol main effects 4/3 and 4/5, shares 0.625 / 0.375. */
function trials(n: number, seed: number) {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, number) => {
    const params = Object.fromEntries(dims.map((d) => [d, rng.uniform(-1, 1)]));
    return makeTrial({ number, params, value: 2 * params.a! + 3 * params.b! ** 2 + 0.01 * rng.normal() });
  });
}

test('fANOVA recovers the closed-form shares 0.625 / 0.375 and gives unused parameters ~0', () => {
  const r = computeImportance(trials(400, 1), space, 'minimize', { method: 'fanova' });
  assert.match(r.method, /fANOVA/);
  assert.ok(Math.abs(r.values.a! - 0.625) < 0.08, JSON.stringify(r.values));
  assert.ok(Math.abs(r.values.b! - 0.375) < 0.08, JSON.stringify(r.values));
  for (const d of ['c', 'd', 'e']) assert.ok(r.values[d]! < 0.03, `${d}: ${JSON.stringify(r.values)}`);
});

for (const method of ['fanova', 'ped-anova'] as ImportanceMethod[]) {
  test(`${method}: the parameters that matter rank first, whatever the direction and seed`, () => {
    for (const seed of [2, 3, 4]) {
      const r = computeImportance(trials(300, seed), space, 'minimize', { method });
      const ranked = Object.entries(r.values).sort((x, y) => y[1] - x[1]).map(([k]) => k);
      assert.deepEqual(new Set(ranked.slice(0, 2)), new Set(['a', 'b']), `seed ${seed}: ${JSON.stringify(r.values)}`);
      for (const d of ['c', 'd', 'e']) assert.ok(r.values[d]! < 0.12, `seed ${seed} ${d}: ${JSON.stringify(r.values)}`);
      assert.ok(Math.abs(Object.values(r.values).reduce((s, v) => s + v, 0) - 1) < 1e-9);
    }
    // Maximising the negated objective is the same question.
    const flipped = trials(300, 2).map((t) => makeTrial({ number: t.number, params: t.params, value: -(t.values![0] as number) }));
    const up = computeImportance(flipped, space, 'maximize', { method });
    const ranked = Object.entries(up.values).sort((x, y) => y[1] - x[1]).map(([k]) => k);
    assert.deepEqual(new Set(ranked.slice(0, 2)), new Set(['a', 'b']), JSON.stringify(up.values));
  });
}

test('ped-anova handles categorical and log parameters', () => {
  const mixed = createSearchSpace([
    { name: 'opt', distribution: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] } },
    { name: 'lr', distribution: { type: 'float', low: 1e-5, high: 1e-1, log: true, step: null } },
    { name: 'units', distribution: { type: 'int', low: 8, high: 512, log: true, step: 1 } },
  ]);
  const rng = new Rng(5);
  const ts = Array.from({ length: 300 }, (_, number) => {
    const params = { opt: ['sgd', 'adam', 'rmsprop'][rng.int(3)]!, lr: 10 ** rng.uniform(-5, -1), units: Math.round(2 ** rng.uniform(3, 9)) };
    const value = (params.opt === 'adam' ? 0 : 1) + (Math.log10(params.lr) + 3) ** 2 + 0.01 * rng.normal();
    return makeTrial({ number, params, value });
  });
  const r = computeImportance(ts, mixed, 'minimize', { method: 'ped-anova' });
  assert.match(r.method, /PED-ANOVA/);
  assert.ok(r.values.lr! > r.values.units! && r.values.opt! > r.values.units!, JSON.stringify(r.values));
  assert.ok(r.values.units! < 0.1, JSON.stringify(r.values));
});
