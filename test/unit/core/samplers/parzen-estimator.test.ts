/**
 * The Parzen estimators of TPE, checked against Optuna 3.1's _ParzenEstimator (same
 * observations, default settings). Reference values were produced with
 * optuna/samplers/_tpe/parzen_estimator.py; for continuous ranges the kernels' log density
 * includes the -log(sigma) that optuna#5109 added later (computed with scipy.stats.truncnorm
 * over Optuna's own mus, sigmas and weights).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../src/core/random/rng';
import { categoricalParzenEstimator, defaultWeights, numericParzenEstimator, univariateKernels } from '../../../../src/core/samplers/parzen-estimator';

const settings = { priorWeight: 1, weights: defaultWeights };

function assertClose(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - (expected[i] as number)) < 1e-12, `${what}[${i}]: got ${a}, Optuna ${expected[i]}`));
}

test('int range: discretised kernels over bounds widened by half a step match Optuna', () => {
  const observations = Array.from({ length: 20 }, (_, i) => 1 + ((i * 7) % 20));
  const pe = numericParzenEstimator({ type: 'int', low: 1, high: 20, log: false, step: 1 }, observations, settings);
  assertClose(
    Array.from({ length: 20 }, (_, i) => pe.logPdf(i + 1)),
    [-3.120816824381879, -2.933354557423896, -2.9591391916058676, -2.988349995332252, -2.9946693494862133, -2.9949187139574356, -2.9944968667117173, -2.994132726911654, -2.993886578582879, -2.9937630211884168, -2.9937630211884163, -2.993886578582879, -2.9941327269116536, -2.9944968667117173, -2.9949187139574356, -2.9946693494862133, -2.9883499953322517, -2.9591391916058676, -2.933354557423896, -3.120816824381879],
    'int',
  );
});

test('stepped float range matches Optuna', () => {
  const pe = numericParzenEstimator({ type: 'float', low: 0, high: 3, log: false, step: 0.5 }, [0.5, 1, 2.5], settings);
  assertClose(
    [0, 0.5, 1, 1.5, 2, 2.5, 3].map((x) => pe.logPdf(x)),
    [-2.0569290292767453, -1.6993980013957346, -1.6386500061148705, -1.8092705571327734, -2.0422922063019557, -2.212820518438238, -2.383554725594291],
    'step',
  );
});

test("categorical smoothing matches Optuna's", () => {
  const pe = categoricalParzenEstimator({ type: 'categorical', choices: ['a', 'b', 'c'] }, [0, 0, 2, 1, 0], settings);
  assertClose([0, 1, 2].map((c) => pe.logPdf(c)), [-0.7308875085427926, -1.349926716949016, -1.3499267169490157], 'categorical');
});

test("continuous range: bandwidths, magic clip, prior and (past 25 observations) ramped weights match Optuna's", () => {
  const xs = Array.from({ length: 7 }, (_, i) => -1.9 + (3.8 * i) / 6);
  const dist = { type: 'float', low: -2, high: 2, log: false, step: null } as const;
  const few = numericParzenEstimator(dist, [0.1, 0.2, -1.5, 1.9], settings);
  assertClose(xs.map((x) => few.logPdf(x)), [-1.7898132440984684, -1.571399143680541, -1.292307542421086, -1.098577745212392, -1.2068303029749956, -1.480728236634429, -1.6852835566578872], '4 observations');
  const many = numericParzenEstimator(dist, Array.from({ length: 30 }, (_, i) => (((i * 37) % 101) / 101) * 4 - 2), settings);
  assertClose(xs.map((x) => many.logPdf(x)), [-1.4964123566903789, -1.3755618424599492, -1.6012589376183142, -1.2273412265055499, -1.4099428029820298, -1.3854107331472165, -1.7236518400749063], '30 observations');
});

test('a discrete Parzen estimator is a probability mass over the grid; a continuous one integrates to 1', () => {
  const ints = numericParzenEstimator({ type: 'int', low: 1, high: 20, log: false, step: 1 }, [3, 4, 4, 15], settings);
  let mass = 0;
  for (let v = 1; v <= 20; v++) mass += Math.exp(ints.logPdf(v));
  closeTo(mass, 1, 1e-9, 'int mass');
  const logInts = numericParzenEstimator({ type: 'int', low: 1, high: 1000, log: true, step: 1 }, [3, 40, 900], settings);
  mass = 0;
  for (let v = 1; v <= 1000; v++) mass += Math.exp(logInts.logPdf(v));
  closeTo(mass, 1, 1e-9, 'log-int mass');
  const floats = numericParzenEstimator({ type: 'float', low: -2, high: 2, log: false, step: null }, [0.1, 0.2, -1.5], settings);
  let integral = 0;
  const h = 4 / 40000;
  for (let i = 0; i < 40000; i++) integral += Math.exp(floats.logPdf(-2 + (i + 0.5) * h)) * h;
  closeTo(integral, 1, 1e-4, 'float integral');
  const cats = categoricalParzenEstimator({ type: 'categorical', choices: ['a', 'b', 'c'] }, [0, 0, 2], settings);
  closeTo([0, 1, 2].reduce((s, c) => s + Math.exp(cats.logPdf(c)), 0), 1, 1e-12, 'categorical mass');
  assert.ok(cats.logPdf(0) > cats.logPdf(2) && cats.logPdf(2) > cats.logPdf(1), 'observed choices weigh more');
});

test("default weights ramp down trials older than the 25 most recent (Optuna's default_weights)", () => {
  assert.deepEqual(defaultWeights(3), [1, 1, 1]);
  const w = defaultWeights(30);
  assert.equal(w.length, 30);
  closeTo(w[0] as number, 1 / 30, 1e-12, 'oldest weight');
  closeTo(w[4] as number, 1, 1e-12, 'end of the ramp');
  assert.ok((w[1] as number) > (w[0] as number) && w.slice(5).every((x) => x === 1));
});

test('draws stay on the grid and inside the range, and follow the observations', () => {
  const rng = new Rng(3);
  const pe = numericParzenEstimator({ type: 'int', low: 1, high: 1024, log: true, step: 1 }, [30, 31, 32, 33, 34, 35], settings);
  const draws = pe.sample(rng, 2000);
  assert.ok(draws.every((v) => Number.isInteger(v) && v >= 1 && v <= 1024));
  const near = draws.filter((v) => v >= 16 && v <= 64).length;
  // Log-uniform draws would put 18% (360) in [16, 64]; the kernels (magic-clipped to 1/8 of
  // the log range with 7 kernels) put about half there.
  assert.ok(near > 800, `${near}/2000 draws within a factor 2 of the observations`);
});

function closeTo(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.max(Math.abs(expected), 1e-300), `${what}: got ${actual}, expected ${expected}`);
}

test('the magic clip factor lets kernels narrow where observations cluster, never below 1% of the range', () => {
  // Ten observations (eleven kernels with the prior) packed into 0.5% of [0, 10]: Optuna's clip
  // holds every kernel at 10 / (11 + 1) wide.
  const cluster = Array.from({ length: 10 }, (_, i) => 5 + 0.005 * i);
  const width = (factor: number): number => Math.min(...univariateKernels(cluster, 0, 10, factor).sigmas);
  assert.equal(width(1), 10 / 12);
  assert.equal(width(6), 10 / 72);
  assert.equal(width(50), 10 / 100);
});
