/**
 * The quasi-random sampler as a user meets it: points spread more evenly than random ones,
 * every kind of parameter decodes inside its range, parallel asks never collide, and a seed
 * fixes the sequence.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QmcSampler } from '../../../../src/core/samplers/qmc-sampler';
import { RandomSampler } from '../../../../src/core/samplers/random';
import type { Sampler } from '../../../../src/core/samplers/sampler';
import { contains } from '../../../../src/core/space/distributions';
import { createSearchSpace } from '../../../../src/core/space/search-space';
import { makeStudy, makeTrial } from '../make-trial';
import { ask, optimize } from './ask-tell';

const SQUARE = createSearchSpace([
  { name: 'x', distribution: { type: 'float', low: 0, high: 1, log: false, step: null } },
  { name: 'y', distribution: { type: 'float', low: 0, high: 1, log: false, step: null } },
]);

/**
 * Star discrepancy estimated over the anchored boxes [0, a) x [0, b) with corners at the
 * points' own coordinates (and 1): the largest gap between a box's share of points and its area.
 */
function starDiscrepancy(points: readonly (readonly [number, number])[]): number {
  const xs = [...points.map((p) => p[0]), 1];
  const ys = [...points.map((p) => p[1]), 1];
  let worst = 0;
  for (const a of xs) {
    for (const b of ys) {
      let open = 0;
      let closed = 0;
      for (const [x, y] of points) {
        if (x < a && y < b) open++;
        if (x <= a && y <= b) closed++;
      }
      worst = Math.max(worst, a * b - open / points.length, closed / points.length - a * b);
    }
  }
  return worst;
}

function pointsOf(sampler: Sampler, n: number): [number, number][] {
  return optimize(sampler, SQUARE, () => 0, n).map((t) => [t.params.x as number, t.params.y as number]);
}

for (const kind of ['sobol', 'halton'] as const) {
  describe(`QMC sampler (${kind})`, () => {
    test('128 points have a far lower star discrepancy than random search, seed after seed', () => {
      for (const seed of [1, 2, 3]) {
        const qmc = starDiscrepancy(pointsOf(new QmcSampler({ seed, kind }), 128));
        const random = starDiscrepancy(pointsOf(new RandomSampler(seed), 128));
        assert.ok(qmc < 0.05, `${kind} D* = ${qmc.toFixed(4)}`);
        assert.ok(qmc < random / 2, `${kind} D* ${qmc.toFixed(4)} vs random ${random.toFixed(4)}`);
      }
    });

    test('unscrambled, trial 0 takes the first point after the corner', () => {
      const first = ask(new QmcSampler({ seed: 1, kind, scramble: false }), makeStudy([]), SQUARE);
      assert.deepEqual(first, kind === 'sobol' ? { x: 0.5, y: 0.5 } : { x: 0.5, y: 1 / 3 });
    });

    test('ints, stepped and log ranges and categoricals take each value in its share', () => {
      const space = createSearchSpace([
        { name: 'layers', distribution: { type: 'int', low: 1, high: 4, log: false, step: 1 } },
        { name: 'lr', distribution: { type: 'float', low: 1e-5, high: 1e-1, log: true, step: null } },
        { name: 'units', distribution: { type: 'int', low: 8, high: 64, log: true, step: 1 } },
        { name: 'act', distribution: { type: 'categorical', choices: ['relu', 'gelu'] } },
        { name: 'dropout', distribution: { type: 'float', low: 0, high: 0.5, log: false, step: 0.1 } },
      ]);
      const trials = optimize(new QmcSampler({ seed: 4, kind }), space, () => 0, 64);
      for (const t of trials) for (const spec of space.parameters) assert.ok(contains(spec.distribution, t.params[spec.name] ?? null), `${spec.name}=${t.params[spec.name]}`);
      // Sobol is a (t, s)-sequence in base 2: 64 points split exactly. Halton balances exactly
      // only at powers of each prime base, so it may be off by one or two.
      const slack = kind === 'sobol' ? 0 : 2;
      const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= slack, `${what}: ${actual} vs ${expected}`);
      const count = (name: string, v: unknown) => trials.filter((t) => t.params[name] === v).length;
      for (const layers of [1, 2, 3, 4]) near(count('layers', layers), 16, 'each of 4 ints gets a quarter of 64 points');
      near(count('act', 'relu'), 32, 'each of 2 choices gets half');
      const decades = new Set(trials.map((t) => Math.floor(Math.log10(t.params.lr as number))));
      assert.equal(decades.size, 4, 'a log range covers every decade');
      const perDecade = [-5, -4, -3, -2].map((d) => trials.filter((t) => Math.floor(Math.log10(t.params.lr as number)) === d).length);
      perDecade.forEach((c) => near(c, 16, `evenly, in log space: ${perDecade.join(' ')}`));
    });

    test('concurrent asks (running trials) get distinct points; a seed fixes them', () => {
      const running = [];
      for (let i = 0; i < 5; i++) {
        const params = ask(new QmcSampler({ seed: 9, kind }), makeStudy(running), SQUARE);
        running.push(makeTrial({ number: i, state: 'running', params }));
      }
      assert.equal(new Set(running.map((t) => JSON.stringify(t.params))).size, 5);
      assert.deepEqual(pointsOf(new QmcSampler({ seed: 9, kind }), 5), running.map((t) => [t.params.x, t.params.y]));
      assert.notDeepEqual(pointsOf(new QmcSampler({ seed: 10, kind }), 5), pointsOf(new QmcSampler({ seed: 9, kind }), 5));
    });
  });
}

test('Sobol covers 40 parameters; further ones are drawn at random, still in range', () => {
  const space = createSearchSpace(Array.from({ length: 45 }, (_, i) => ({ name: `p${i}`, distribution: { type: 'float' as const, low: -1, high: 1, log: false, step: null } })));
  const sampler = new QmcSampler({ seed: 2 });
  assert.equal(Object.keys(sampler.sampleRelative(makeStudy([]), space)).length, 40);
  for (const t of optimize(sampler, space, () => 0, 10)) assert.equal(Object.keys(t.params).length, 45);
});
