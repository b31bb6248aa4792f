/**
 * TPE's modern options: the joint Parzen mixture (checked against the univariate reference
 * estimator), multivariate modelling, grouping of conditional spaces, the constant liar for
 * parallel asks, and the multi-objective split (MOTPE).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../src/core/random/rng';
import type { ParamValue } from '../../../../src/core/space/distributions';
import { createSearchSpace } from '../../../../src/core/space/search-space';
import { categoricalParzenEstimator, defaultWeights, numericParzenEstimator } from '../../../../src/core/samplers/parzen-estimator';
import { RandomSampler } from '../../../../src/core/samplers/random';
import { TpeSampler } from '../../../../src/core/samplers/tpe';
import { decomposeGroups, intersectionGroup } from '../../../../src/core/samplers/tpe/group-decomposition';
import { nonDominatedFronts, selectBestMultiObjective } from '../../../../src/core/samplers/tpe/multi-objective-split';
import { hypervolume } from '../../../../src/core/study/hypervolume';
import { ParzenMixture } from '../../../../src/core/samplers/tpe/parzen-mixture';
import type { FrozenTrial } from '../../../../src/core/study/trial';
import { makeStudy, makeTrial } from '../make-trial';
import { ask, bestValue, optimize } from './ask-tell';

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

test('the joint mixture in one dimension is the univariate estimator, for every kind of range', () => {
  const rng = new Rng(3);
  const cases = [
    { type: 'float', low: -2, high: 5, log: false, step: null },
    { type: 'float', low: 1e-4, high: 1, log: true, step: null },
    { type: 'int', low: 1, high: 20, log: false, step: 1 },
    { type: 'int', low: 2, high: 512, log: true, step: 1 },
    { type: 'float', low: 0, high: 3, log: false, step: 0.5 },
  ] as const;
  for (const dist of cases) {
    const obs = Array.from({ length: 30 }, () => {
      const u = rng.random();
      if (dist.type === 'int') return dist.log ? Math.round(Math.exp(Math.log(dist.low) + u * Math.log(dist.high / dist.low))) : Math.round(dist.low + u * (dist.high - dist.low));
      if (dist.log) return Math.exp(Math.log(dist.low) + u * Math.log(dist.high / dist.low));
      return dist.step ? dist.low + dist.step * Math.round((u * (dist.high - dist.low)) / dist.step) : dist.low + u * (dist.high - dist.low);
    });
    const reference = numericParzenEstimator(dist, obs, { priorWeight: 1, weights: defaultWeights });
    const mixture = ParzenMixture.fit([dist], [obs], { priorWeight: 1, weights: defaultWeights(obs.length), bandwidth: 'neighbour' });
    const points = mixture.sample(new Rng(9), 50);
    const got = mixture.logPdf(points, 50);
    for (let j = 0; j < 50; j++) {
      const x = (points[0] as Float64Array)[j] as number;
      assert.ok(x >= dist.low && x <= dist.high, `${JSON.stringify(dist)}: draw ${x} in range`);
      const want = reference.logPdf(x);
      // The mixture's normalisers use a 1.5e-7-accurate tail formula (parzen-mixture.ts).
      assert.ok(Math.abs((got[j] as number) - want) < 1e-5, `${JSON.stringify(dist)} at ${x}: ${got[j]} vs reference ${want}`);
    }
  }
  const cat = { type: 'categorical', choices: ['a', 'b', 'c', 'd'] } as const;
  const reference = categoricalParzenEstimator(cat, [0, 0, 2, 1, 0], { priorWeight: 1, weights: defaultWeights });
  const mixture = ParzenMixture.fit([cat], [[0, 0, 2, 1, 0]], { priorWeight: 1, weights: defaultWeights(5), bandwidth: 'neighbour' });
  const got = mixture.logPdf([Float64Array.from([0, 1, 2, 3])], 4);
  [0, 1, 2, 3].forEach((c) => assert.ok(Math.abs((got[c] as number) - reference.logPdf(c)) < 1e-12, `choice ${c}`));
});

test('a joint mixture is a product of kernels: its density follows a correlated cloud', () => {
  // Observations on the diagonal x = y: a joint estimator puts much more density at (0.8, 0.8)
  // than at (0.8, 0.2); a product of two univariate estimators could not tell them apart.
  const xs = Array.from({ length: 40 }, (_, i) => i / 39);
  const dist = { type: 'float', low: 0, high: 1, log: false, step: null } as const;
  const m = ParzenMixture.fit([dist, dist], [xs, xs], { priorWeight: 1, weights: defaultWeights(40), bandwidth: 'neighbour' });
  const [onDiagonal, offDiagonal] = m.logPdf([Float64Array.from([0.8, 0.8]), Float64Array.from([0.8, 0.2])], 2);
  assert.ok((onDiagonal as number) - (offDiagonal as number) > 2, `log density on the diagonal ${onDiagonal} vs off it ${offDiagonal}`);
});

test('group decomposition: parameters share a group exactly when they always occur together', () => {
  const sets = [new Set(['kind', 'x', 'lr']), new Set(['kind', 'n', 'lr']), new Set(['kind', 'x', 'lr']), new Set(['kind', 'n', 'm', 'lr'])];
  const order = ['kind', 'lr', 'x', 'n', 'm'];
  assert.deepEqual(decomposeGroups(sets, order), [['kind', 'lr'], ['x'], ['n'], ['m']]);
  assert.deepEqual(decomposeGroups([new Set(['a', 'b', 'c'])], ['a', 'b', 'c']), [['a', 'b', 'c']]);
  assert.deepEqual(intersectionGroup(sets, order), ['kind', 'lr']);
  assert.deepEqual(decomposeGroups([], order), []);
});

test('multivariate TPE does better than univariate TPE in a narrow diagonal valley', () => {
  // f = 100 (x - y)^2 + (x + y - 1)^2 / 10: the good region is a thin band along x = y.
  const space = createSearchSpace([
    { name: 'x', distribution: { type: 'float', low: 0, high: 1, log: false, step: null } },
    { name: 'y', distribution: { type: 'float', low: 0, high: 1, log: false, step: null } },
  ]);
  const f = (p: Record<string, ParamValue>): number => 100 * ((p.x as number) - (p.y as number)) ** 2 + ((p.x as number) + (p.y as number) - 1) ** 2 / 10;
  const joint: number[] = [];
  const independent: number[] = [];
  for (let seed = 0; seed < 8; seed++) {
    joint.push(bestValue(optimize(new TpeSampler({ seed }), space, f, 60)));
    independent.push(bestValue(optimize(new TpeSampler({ seed, multivariate: false }), space, f, 60)));
  }
  // Measured: 7.0e-3 against 1.3e-2.
  assert.ok(median(joint) < median(independent) / 1.5, `median best: multivariate ${median(joint)}, univariate ${median(independent)}`);
});

test('grouped TPE models each branch of a conditional space jointly and fills every active parameter', () => {
  const space = createSearchSpace([
    { name: 'kind', distribution: { type: 'categorical', choices: ['a', 'b'] } },
    { name: 'x', distribution: { type: 'float', low: 0, high: 1, log: false, step: null }, condition: { parent: 'kind', values: ['a'] } },
    { name: 'y', distribution: { type: 'float', low: 0, high: 1, log: false, step: null }, condition: { parent: 'kind', values: ['a'] } },
    { name: 'n', distribution: { type: 'int', low: 1, high: 64, log: true, step: 1 }, condition: { parent: 'kind', values: ['b'] } },
  ]);
  const f = (p: Record<string, ParamValue>): number => (p.kind === 'a' ? 50 * ((p.x as number) - (p.y as number)) ** 2 + ((p.x as number) - 0.7) ** 2 : 1 + Math.abs(Math.log2(p.n as number) - 3));
  const trials = optimize(new TpeSampler({ seed: 3 }), space, f, 80);
  const relative = new TpeSampler({ seed: 3 }).sampleRelative(makeStudy(trials), space);
  assert.deepEqual(Object.keys(relative).sort(), ['kind', 'n', 'x', 'y'], 'one joint proposal per group: {kind}, {x, y}, {n}');
  assert.deepEqual(Object.keys(new TpeSampler({ seed: 3, group: false }).sampleRelative(makeStudy(trials), space)), ['kind'], 'ungrouped: only what every trial has');
  const lateA = trials.slice(40).filter((t) => t.params.kind === 'a');
  assert.ok(lateA.length >= 20, `the better branch dominates late: ${lateA.length}/40`);
});

test('constant liar: with the best region already being evaluated, the next ask goes elsewhere', () => {
  const space = createSearchSpace([
    { name: 'x', distribution: { type: 'float', low: 0, high: 10, log: false, step: null } },
    { name: 'y', distribution: { type: 'float', low: 0, high: 10, log: false, step: null } },
  ]);
  const distances: { liar: number; plain: number }[] = [];
  for (let seed = 0; seed < 10; seed++) {
    const trials: FrozenTrial[] = [];
    for (let i = 0; i < 30; i++) {
      const x = (i * 7.3) % 10;
      const y = (i * 3.7) % 10;
      trials.push(makeTrial({ number: i, params: { x, y }, value: (x - 2) ** 2 + (y - 2) ** 2 }));
    }
    // Five workers are already evaluating points right at the optimum (2, 2).
    for (let i = 0; i < 5; i++) trials.push(makeTrial({ number: 30 + i, state: 'running', params: { x: 2 + 0.05 * i, y: 2 - 0.05 * i } }));
    const study = makeStudy(trials);
    const dist = (p: Record<string, ParamValue>): number => Math.hypot((p.x as number) - 2, (p.y as number) - 2);
    distances.push({ liar: dist(ask(new TpeSampler({ seed }), study, space)), plain: dist(ask(new TpeSampler({ seed, constantLiar: false }), study, space)) });
  }
  const liar = median(distances.map((d) => d.liar));
  const plain = median(distances.map((d) => d.plain));
  assert.ok(liar > plain, `median distance of the next proposal from the running trials: liar ${liar}, without ${plain}`);
});

test('multi-objective split: whole fronts first, then the points that keep the most hypervolume', () => {
  const points = [
    [1, 5],
    [2, 3],
    [3, 2],
    [5, 1],
    [2.9, 2.9], // no other point is better in both objectives: first front too
    [4, 4], // second front
    [6, 6], // third
  ];
  const fronts = nonDominatedFronts(points);
  assert.deepEqual(fronts[0], [0, 1, 2, 3, 4]);
  assert.deepEqual(fronts[1], [5]);
  assert.deepEqual(fronts[2], [6]);
  // Two of the five on the first front: greedy hypervolume (reference = worst * 1.1 = 6.6)
  // takes (2, 3) (the largest box, tied with (3, 2)), then (3, 2), which adds the most to it:
  // 20.16, the best any pair reaches.
  const two = selectBestMultiObjective(points, 2);
  assert.deepEqual([...two].sort(), [1, 2]);
  const ref = [6.6, 6.6];
  let bestPair = 0;
  for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) bestPair = Math.max(bestPair, hypervolume([points[a] as number[], points[b] as number[]], ref));
  assert.ok(Math.abs(hypervolume(two.map((i) => points[i] as number[]), ref) - bestPair) < 1e-9);
  assert.deepEqual(selectBestMultiObjective(points, 6).sort(), [0, 1, 2, 3, 4, 5], 'all of the first front, then the second');
  assert.equal(hypervolume([[0, 0]], [1, 2]), 2);
  assert.equal(hypervolume([[0.5, 0.5], [0, 1], [1, 0], [1.5, 1.5]], [2, 2]), 3.25, 'dominated points add nothing');
});

test('MOTPE: on a two-objective problem TPE reaches a larger hypervolume than random search', () => {
  const space = createSearchSpace(Array.from({ length: 5 }, (_, i) => ({ name: `x${i}`, distribution: { type: 'float' as const, low: 0, high: 1, log: false, step: null } })));
  const zdt1 = (p: Record<string, ParamValue>): number[] => {
    const x = Array.from({ length: 5 }, (_, i) => p[`x${i}`] as number);
    const g = 1 + (9 * (x[1]! + x[2]! + x[3]! + x[4]!)) / 4;
    return [x[0]!, g * (1 - Math.sqrt(x[0]! / g))];
  };
  const volume = (sampler: TpeSampler | RandomSampler): number => {
    const trials: FrozenTrial[] = [];
    for (let i = 0; i < 80; i++) {
      const params = ask(sampler, makeStudy(trials, ['minimize', 'minimize']), space);
      trials.push(makeTrial({ number: i, params, value: zdt1(params) }));
    }
    return hypervolume(trials.map((t) => t.values as number[]), [1.1, 11]);
  };
  const tpe: number[] = [];
  const random: number[] = [];
  for (let seed = 0; seed < 6; seed++) {
    tpe.push(volume(new TpeSampler({ seed })));
    random.push(volume(new RandomSampler(seed)));
  }
  assert.ok(median(tpe) > median(random) * 1.02, `median hypervolume: TPE ${median(tpe)}, random ${median(random)}`);
});

test('MOTPE with three objectives ranks a front by its 3-D hypervolume, not by the first two objectives', () => {
  // Reference: the worst of each objective, 10% further: (0.132, 0.132, 11). In 3-D the second
  // point adds more volume (0.012^2 * 11 > 0.032^2 * 1); on the first two objectives alone, the first.
  assert.deepEqual(selectBestMultiObjective([[0.1, 0.1, 10], [0.12, 0.12, 0]], 1), [1]);
});
