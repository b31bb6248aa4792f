import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_TRIALS, computeImportance } from '../../../../src/core/importance/importance';
import { Rng } from '../../../../src/core/random/rng';
import type { ParamValue } from '../../../../src/core/space/distributions';
import type { ParameterSpec } from '../../../../src/core/space/search-space';
import { createSearchSpace } from '../../../../src/core/space/search-space';
import type { FrozenTrial, TrialState } from '../../../../src/core/study/trial';
import { makeTrial } from '../make-trial';

const unit = (name: string): ParameterSpec => ({ name, distribution: { type: 'float', low: -1, high: 1, log: false, step: null } });
const xyz = createSearchSpace([unit('x'), unit('y'), unit('z')]);

/** Trials drawn by `draw`, valued by `f` plus Gaussian noise of the given scale. */
function study(n: number, seed: number, draw: (rng: Rng) => Record<string, ParamValue>, f: (p: Record<string, ParamValue>) => number, noise = 0.05): FrozenTrial[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, number) => {
    const params = draw(rng);
    return makeTrial({ number, params, value: f(params) + noise * rng.normal() });
  });
}

const uniformXyz = (rng: Rng): { x: number; y: number; z: number } => ({ x: rng.uniform(-1, 1), y: rng.uniform(-1, 1), z: rng.uniform(-1, 1) });
const num = (p: Record<string, ParamValue>, k: string): number => p[k] as number;

function sumOf(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

test('only x matters: x takes nearly all the importance', () => {
  const trials = study(200, 1, uniformXyz, (p) => Math.sin(3 * num(p, 'x')));
  const r = computeImportance(trials, xyz, 'minimize');
  assert.equal(r.reason, undefined);
  assert.ok(Math.abs(sumOf(r.values) - 1) < 1e-9, `sums to 1: ${JSON.stringify(r.values)}`);
  assert.ok(r.values.x! > 0.9, `x: ${JSON.stringify(r.values)}`);
  assert.ok(r.values.y! < 0.05 && r.values.z! < 0.05, JSON.stringify(r.values));
  assert.equal(r.trials, 200);
});

test('x and y explain the variance 3:1: shares near 0.75 and 0.25, z near 0', () => {
  // Var(sqrt(3) x) = 3 Var(y) for x, y uniform on the same range.
  const trials = study(400, 2, uniformXyz, (p) => Math.sqrt(3) * num(p, 'x') + num(p, 'y'));
  const r = computeImportance(trials, xyz, 'maximize');
  assert.ok(Math.abs(r.values.x! - 0.75) < 0.08, JSON.stringify(r.values));
  assert.ok(Math.abs(r.values.y! - 0.25) < 0.08, JSON.stringify(r.values));
  assert.ok(r.values.z! < 0.03, JSON.stringify(r.values));
});

test('the ranking follows the effect sizes with few trials too', () => {
  const trials = study(30, 3, uniformXyz, (p) => 2 * num(p, 'x') + num(p, 'y'));
  const r = computeImportance(trials, xyz, 'minimize');
  assert.ok(r.values.x! > r.values.y! && r.values.y! > r.values.z!, JSON.stringify(r.values));
});

test('same trials and seed give the same result; another seed gives nearly the same', () => {
  const trials = study(100, 4, uniformXyz, (p) => num(p, 'x') + 0.5 * num(p, 'z'));
  const a = computeImportance(trials, xyz, 'minimize', { seed: 7 });
  const b = computeImportance(trials, xyz, 'minimize', { seed: 7 });
  const c = computeImportance(trials, xyz, 'minimize', { seed: 8 });
  assert.deepEqual(a, b);
  for (const k of ['x', 'y', 'z']) assert.ok(Math.abs(a.values[k]! - c.values[k]!) < 0.05, `${k}: ${a.values[k]} vs ${c.values[k]}`);
});

test('a log parameter is judged in log space: each decade of its range weighs the same', () => {
  const space = createSearchSpace([
    { name: 'lr', distribution: { type: 'float', low: 1e-5, high: 1e-1, log: true, step: null } },
    { name: 'wd', distribution: { type: 'float', low: 0, high: 1, log: false, step: null } },
  ]);
  // The loss jumps by 1 in the top decade of lr: a quarter of the range in log space (variance
  // 1/4 * 3/4 = 3/16), nine tenths of it in linear space (variance 0.09). wd adds 1.5 * wd
  // (variance 1.5^2 / 12 = 3/16). Log space: 1:1. Linear space would say about 1:2.
  const trials = study(
    400,
    5,
    (rng) => ({ lr: 10 ** rng.uniform(-5, -1), wd: rng.random() }),
    (p) => (num(p, 'lr') > 1e-2 ? 1 : 0) + 1.5 * num(p, 'wd'),
  );
  const r = computeImportance(trials, space, 'minimize');
  assert.ok(Math.abs(r.values.lr! - 0.5) < 0.1, JSON.stringify(r.values));
});

test('categorical and int parameters: the choice that changes the loss is found', () => {
  const space = createSearchSpace([
    { name: 'optimizer', distribution: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] } },
    { name: 'layers', distribution: { type: 'int', low: 1, high: 4, log: false, step: 1 } },
    { name: 'batch', distribution: { type: 'categorical', choices: [16, 32, 64, 128] } },
  ]);
  const effect: Record<string, number> = { sgd: 1, adam: 0, rmsprop: 0.2 };
  const trials = study(
    120,
    6,
    (rng) => ({ optimizer: ['sgd', 'adam', 'rmsprop'][rng.int(3)]!, layers: 1 + rng.int(4), batch: [16, 32, 64, 128][rng.int(4)]! }),
    (p) => effect[p.optimizer as string]! + 0.1 * num(p, 'layers'),
  );
  const r = computeImportance(trials, space, 'minimize');
  assert.deepEqual(
    Object.entries(r.values).sort((a, b) => b[1] - a[1]).map(([k]) => k),
    ['optimizer', 'layers', 'batch'],
    JSON.stringify(r.values),
  );
  assert.ok(r.values.optimizer! > 0.7 && r.values.batch! < 0.05, JSON.stringify(r.values));
});

test('conditional parameters: present only under one parent value, still ranked by their effect', () => {
  const space = createSearchSpace([
    { name: 'optimizer', distribution: { type: 'categorical', choices: ['sgd', 'adam'] } },
    { name: 'momentum', distribution: { type: 'float', low: 0, high: 1, log: false, step: null }, condition: { parent: 'optimizer', values: ['sgd'] } },
    { name: 'beta', distribution: { type: 'float', low: 0, high: 1, log: false, step: null }, condition: { parent: 'optimizer', values: ['adam'] } },
  ]);
  const trials = study(
    200,
    7,
    (rng): Record<string, ParamValue> => (rng.random() < 0.5 ? { optimizer: 'sgd', momentum: rng.random() } : { optimizer: 'adam', beta: rng.random() }),
    // Under sgd the loss falls with momentum; under adam it is flat whatever beta is.
    (p) => (p.optimizer === 'sgd' ? 2 * (1 - num(p, 'momentum')) : 0.5),
  );
  const r = computeImportance(trials, space, 'minimize');
  assert.ok(r.values.momentum! > 0.3, JSON.stringify(r.values));
  assert.ok(r.values.beta! < 0.05, JSON.stringify(r.values));
  assert.ok(Math.abs(sumOf(r.values) - 1) < 1e-9);
});

test('a sampler that draws good x together with one y value does not make y important', () => {
  // Like TPE late in a study: half the trials sit near the optimum x = 0 and, by chance of the
  // sampler, near y = 0.5 as well. Only x drives the loss; raw marginals would credit y.
  const trials = study(
    300,
    8,
    (rng) => (rng.random() < 0.5 ? uniformXyz(rng) : { x: 0.1 * rng.normal(), y: 0.5 + 0.05 * rng.normal(), z: rng.uniform(-1, 1) }),
    (p) => num(p, 'x') ** 2,
    0.01,
  );
  const r = computeImportance(trials, xyz, 'minimize');
  assert.ok(r.values.x! > 0.85, JSON.stringify(r.values));
  assert.ok(r.values.y! < 0.1, JSON.stringify(r.values));
});

test('one diverged run does not hand the importance to the parameter it happened to have', () => {
  const trials = study(100, 9, uniformXyz, (p) => num(p, 'x'));
  // The worst trial by far has the largest z: without clipping, z would explain most variance.
  let top = trials[0]!;
  for (const t of trials) if (num(t.params, 'z') > num(top.params, 'z')) top = t;
  const diverged = trials.map((t) => (t === top ? makeTrial({ number: t.number, params: t.params, value: 1e9 }) : t));
  const r = computeImportance(diverged, xyz, 'minimize');
  assert.ok(r.values.x! > 0.8, JSON.stringify(r.values));
  // Maximising, a huge value is the good tail and is kept: z then matters.
  const up = computeImportance(diverged, xyz, 'maximize');
  assert.ok(up.values.z! > 0.5, JSON.stringify(up.values));
});

test(`fewer than ${MIN_TRIALS} completed trials: empty values and a reason; other states are ignored`, () => {
  const states: TrialState[] = ['pruned', 'fail', 'running', 'waiting'];
  const trials = [
    ...study(MIN_TRIALS - 1, 10, uniformXyz, (p) => num(p, 'x')),
    ...states.map((state, i) => makeTrial({ number: 100 + i, state, params: { x: 0, y: 0, z: 0 }, value: state === 'pruned' ? 1 : null })),
  ];
  const r = computeImportance(trials, xyz, 'minimize');
  assert.deepEqual(r.values, {});
  assert.match(r.reason ?? '', new RegExp(`at least ${MIN_TRIALS} completed trials; ${MIN_TRIALS - 1} so far`));
  assert.equal(computeImportance([], xyz, 'minimize').trials, 0);
  const enough = computeImportance(study(MIN_TRIALS, 10, uniformXyz, (p) => num(p, 'x')), xyz, 'minimize');
  assert.equal(enough.reason, undefined);
  assert.ok(Math.abs(sumOf(enough.values) - 1) < 1e-9);
});

test('an objective that never varies, or a non-finite one, gives a reason rather than NaN', () => {
  const flat = study(20, 11, uniformXyz, () => 1, 0);
  assert.match(computeImportance(flat, xyz, 'minimize').reason ?? '', /did not vary/);
  const withNaN = [...study(10, 12, uniformXyz, (p) => num(p, 'x')), makeTrial({ number: 50, params: { x: 0, y: 0, z: 0 }, value: Number.NaN })];
  const r = computeImportance(withNaN, xyz, 'minimize');
  assert.equal(r.trials, 10);
  assert.ok(Object.values(r.values).every(Number.isFinite));
});

test('the objective of a multi-objective study is chosen by index', () => {
  const rng = new Rng(13);
  const trials = Array.from({ length: 150 }, (_, number) => {
    const params = uniformXyz(rng);
    return makeTrial({ number, params, value: [params.x, params.y] });
  });
  assert.ok(computeImportance(trials, xyz, 'minimize').values.x! > 0.9);
  assert.ok(computeImportance(trials, xyz, 'minimize', { objective: 1 }).values.y! > 0.9);
});

test('values outside the declared range (a space edited mid-study) are kept, not dropped', () => {
  const narrow = createSearchSpace([
    { name: 'x', distribution: { type: 'float', low: 0, high: 0.5, log: false, step: null } },
    { name: 'y', distribution: { type: 'float', low: -1, high: 1, log: false, step: null } },
  ]);
  const trials = study(100, 14, (rng) => ({ x: rng.uniform(-1, 1), y: rng.uniform(-1, 1) }), (p) => num(p, 'x'));
  assert.ok(computeImportance(trials, narrow, 'minimize').values.x! > 0.9);
});
