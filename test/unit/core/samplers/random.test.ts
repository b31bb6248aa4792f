import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../src/core/random/rng';
import type { Distribution, ParamValue } from '../../../../src/core/space/distributions';
import { sampleUniform } from '../../../../src/core/samplers/random';

const N = 8000;

function draws(dist: Distribution, seed = 1): ParamValue[] {
  const rng = new Rng(seed);
  return Array.from({ length: N }, () => sampleUniform(dist, rng));
}

function share(values: readonly ParamValue[], predicate: (v: ParamValue) => boolean): number {
  return values.filter(predicate).length / values.length;
}

test('a log range is uniform in log space: half the draws below the geometric middle', () => {
  const lr = draws({ type: 'float', low: 1e-5, high: 1e-1, log: true, step: null });
  assert.ok(Math.abs(share(lr, (v) => (v as number) < 1e-3) - 0.5) < 0.03);
  assert.ok(Math.abs(share(lr, (v) => (v as number) < 1e-4) - 0.25) < 0.03);
});

test('int and stepped float ranges are uniform over their grid points, both ends included', () => {
  const layers = draws({ type: 'int', low: 1, high: 4, log: false, step: 1 });
  for (const k of [1, 2, 3, 4]) assert.ok(Math.abs(share(layers, (v) => v === k) - 0.25) < 0.03, `layers=${k}`);
  const dropout = draws({ type: 'float', low: 0, high: 0.5, log: false, step: 0.1 });
  for (const k of [0, 0.1, 0.2, 0.3, 0.4, 0.5]) assert.ok(Math.abs(share(dropout, (v) => v === k) - 1 / 6) < 0.03, `dropout=${k}`);
});

test('a log int range gives each integer the log-width of its half-step cell (Optuna)', () => {
  const units = draws({ type: 'int', low: 1, high: 100, log: true, step: 1 });
  const expected = (Math.log(1.5) - Math.log(0.5)) / (Math.log(100.5) - Math.log(0.5));
  assert.ok(Math.abs(share(units, (v) => v === 1) - expected) < 0.03, `P(1) ~ ${expected.toFixed(3)}`);
  assert.ok(units.every((v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 100));
});

test('categorical choices, objects included, are equally likely', () => {
  const choices = ['a', { b: 1 }, [2, 3]];
  const picked = draws({ type: 'categorical', choices });
  for (const c of choices) assert.ok(Math.abs(share(picked, (v) => JSON.stringify(v) === JSON.stringify(c)) - 1 / 3) < 0.03);
});
