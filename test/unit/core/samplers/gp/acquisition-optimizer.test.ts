import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../../src/core/random/rng';
import { type CoordinateDomain, optimizeAcquisition } from '../../../../../src/core/samplers/gp/acquisition-optimizer';
import type { Acquisition } from '../../../../../src/core/samplers/gp/log-ei-acquisition';

/** -(sum of squared distances to a target) with a bonus for choice 2 of the categorical dimension. */
function bowl(target: readonly number[], categorical: number): Acquisition {
  return {
    dimensions: target.length,
    value(p) {
      let v = 0;
      target.forEach((t, c) => {
        if (c !== categorical) v -= ((p[c] as number) - t) ** 2;
      });
      return v + (p[categorical] === 2 ? 0.5 : 0);
    },
    valueAndGradient(p, grad) {
      target.forEach((t, c) => {
        grad[c] = c === categorical ? 0 : -2 * ((p[c] as number) - t);
      });
      return this.value(p);
    },
  };
}

const continuous: CoordinateDomain = { kind: 'continuous', allowed: null, size: Infinity, snap: (u) => Math.min(1, Math.max(0, u)) };
const fiveChoices: CoordinateDomain = { kind: 'categorical', allowed: Float64Array.from([0, 1, 2, 3, 4]), size: 5, snap: (u) => Math.round(u) };
const tenPoints: CoordinateDomain = { kind: 'discrete', allowed: Float64Array.from({ length: 10 }, (_, k) => (k + 0.5) / 10), size: 10, snap: (u) => (Math.min(9, Math.max(0, Math.floor(u * 10))) + 0.5) / 10 };

test('finds the maximiser of a smooth function to high precision, the best choice and a grid point', () => {
  const target = [0.123, 0.5, 0.871, 0.43];
  const best = optimizeAcquisition(bowl(target, 1), [continuous, fiveChoices, continuous, tenPoints], [], new Rng(1), { nCandidates: 256 });
  assert.ok(Math.abs((best.x[0] as number) - 0.123) < 1e-4 && Math.abs((best.x[2] as number) - 0.871) < 1e-4, `x = ${[...best.x]}`);
  assert.equal(best.x[1], 2, 'the categorical coordinate search picks the best choice');
  assert.equal(best.x[3], 0.45, 'the discrete coordinate lands on the grid point nearest the optimum');
});

test('the optimum outside [0, 1] is found on the boundary', () => {
  const best = optimizeAcquisition(bowl([1.4, 0, -0.2], 1), [continuous, fiveChoices, continuous], [], new Rng(2), { nCandidates: 64 });
  assert.equal(best.x[0], 1);
  assert.equal(best.x[2], 0);
});

test('the same generator state gives the same answer', () => {
  const run = () => optimizeAcquisition(bowl([0.3, 0, 0.6], 1), [continuous, fiveChoices, continuous], [Float64Array.from([0.2, 1, 0.5])], new Rng(3), { nCandidates: 128 });
  assert.deepEqual([...run().x], [...run().x]);
});
