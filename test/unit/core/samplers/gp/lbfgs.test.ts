import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lbfgsMinimize } from '../../../../../src/core/samplers/gp/lbfgs';

test('minimises an ill-conditioned quadratic to high accuracy', () => {
  const scales = [1, 10, 100, 1000];
  const target = [1, -2, 3, 0.5];
  const r = lbfgsMinimize(
    (x, g) => {
      let f = 0;
      scales.forEach((s, i) => {
        const t = (x[i] as number) - (target[i] as number);
        f += 0.5 * s * t * t;
        g[i] = s * t;
      });
      return f;
    },
    new Float64Array(4),
    { gtol: 1e-9, maxIterations: 200, ftol: 0 },
  );
  assert.ok(r.converged);
  target.forEach((t, i) => assert.ok(Math.abs((r.x[i] as number) - t) < 1e-7, `x[${i}] = ${r.x[i]}`));
});

function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    f += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    g[i] = (g[i] as number) - 400 * a * (b - a * a) - 2 * (1 - a);
    g[i + 1] = (g[i + 1] as number) + 200 * (b - a * a);
  }
  return f;
}

test('finds the minimum of the 2-D and 5-D Rosenbrock valley from the classic start', () => {
  for (const n of [2, 5]) {
    const x0 = new Float64Array(n).fill(-1.2);
    const r = lbfgsMinimize(rosenbrock, x0, { gtol: 1e-8, maxIterations: 2000, ftol: 0 });
    assert.ok(r.value < 1e-10, `n=${n}: f = ${r.value} after ${r.iterations} iterations`);
    r.x.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-4));
  }
});

test('respects box bounds: the constrained optimum sits on the bound, with a zero projected gradient', () => {
  // min (x - 2)^2 + (y + 1)^2 over [0, 1]^2 is at (1, 0).
  const r = lbfgsMinimize(
    (x, g) => {
      g[0] = 2 * ((x[0] as number) - 2);
      g[1] = 2 * ((x[1] as number) + 1);
      return ((x[0] as number) - 2) ** 2 + ((x[1] as number) + 1) ** 2;
    },
    Float64Array.from([0.5, 0.5]),
    { lower: new Float64Array(2), upper: Float64Array.from([1, 1]) },
  );
  assert.deepEqual([...r.x], [1, 0]);
  assert.ok(r.converged);
});

test('a bounded Rosenbrock whose optimum lies outside the box ends on the box edge', () => {
  // Over [-2, 0.5]^2 the minimum of the 2-D Rosenbrock is at x = 0.5, y = 0.25.
  const r = lbfgsMinimize(rosenbrock, Float64Array.from([-1.5, -1.5]), {
    lower: Float64Array.from([-2, -2]),
    upper: Float64Array.from([0.5, 0.5]),
    gtol: 1e-7,
    maxIterations: 2000,
    ftol: 0,
  });
  assert.ok(Math.abs((r.x[0] as number) - 0.5) < 1e-6 && Math.abs((r.x[1] as number) - 0.25) < 1e-4, `x = ${[...r.x]}`);
});
