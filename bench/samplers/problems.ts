/**
 * The benchmark problems, defined once here for Tunekit and mirrored in optuna_runner.py for
 * Optuna (run.ts sends points evaluated here to the Python side, which refuses to run if its
 * copy of a function disagrees).
 */
import type { ParamValue } from '../../src/core/space/distributions';
import { type SearchSpace, createSearchSpace } from '../../src/core/space/search-space';
import type { Direction } from '../../src/core/study/trial';

export interface Problem {
  readonly name: string;
  readonly space: SearchSpace;
  readonly directions: readonly Direction[];
  readonly trials: number;
  /** Single objective: the value at the optimum; several: the largest reachable hypervolume. */
  readonly optimum: number;
  /** The objective value(s) of a point. */
  evaluate(p: Readonly<Record<string, ParamValue>>): number[];
}

/**
 * Hypervolume reference of the ZDT rows: (1.1, 11) counts every point (f2 <= g <= 10). The
 * usual (1.1, 1.1) counts only points whose g is already near 1, which no sampler reaches in 300
 * trials on 30 variables (g starts near 5.5): every run scores 0 there. The table shows both.
 */
export const ZDT_REFERENCE = [1.1, 11] as const;
export const ZDT_TIGHT_REFERENCE = [1.1, 1.1] as const;

function floats(prefix: string, n: number, low: number, high: number): SearchSpace {
  return createSearchSpace(
    Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, distribution: { type: 'float' as const, low, high, log: false, step: null } })),
  );
}

function vector(p: Readonly<Record<string, ParamValue>>, prefix: string, n: number): number[] {
  return Array.from({ length: n }, (_, i) => p[`${prefix}${i}`] as number);
}

/** Branin-Hoo on [-5, 10] x [0, 15]; minimum 0.397887 at three points. */
export function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

/** Hartmann 6-D on [0, 1]^6; minimum -3.32237. */
export function hartmann6(x: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += (HARTMANN_A[i] as number[])[j]! * ((x[j] as number) - (HARTMANN_P[i] as number[])[j]! * 1e-4) ** 2;
    total -= (HARTMANN_ALPHA[i] as number) * Math.exp(-inner);
  }
  return total;
}

export function rosenbrock(x: readonly number[]): number {
  let total = 0;
  for (let i = 0; i + 1 < x.length; i++) total += 100 * ((x[i + 1] as number) - (x[i] as number) ** 2) ** 2 + (1 - (x[i] as number)) ** 2;
  return total;
}

export function ackley(x: readonly number[]): number {
  const n = x.length;
  let squares = 0;
  let cosines = 0;
  for (const v of x) {
    squares += v * v;
    cosines += Math.cos(2 * Math.PI * v);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(squares / n)) - Math.exp(cosines / n) + 20 + Math.E;
}

const MIXED_OFFSET: Record<string, number> = { sgd: 0.6, adam: 0, rmsprop: 0.3 };

/**
 * A tuning-like mixed space: a categorical optimizer, an int layer count and two log floats.
 * f = offset(optimizer) + u^2 + v^2 + 0.5 u v + 0.5 w^2 with u = (layers - 5) / 2,
 * v = log10(lr) + 2.5, w = log10(wd) + 4: a positive definite quadratic (0.5 < 2), so the
 * minimum is 0 at adam, 5 layers, lr = 10^-2.5, wd = 1e-4.
 */
export function mixed(p: Readonly<Record<string, ParamValue>>): number {
  const u = ((p.layers as number) - 5) / 2;
  const v = Math.log10(p.lr as number) + 2.5;
  const w = Math.log10(p.wd as number) + 4;
  return (MIXED_OFFSET[p.optimizer as string] as number) + u * u + v * v + 0.5 * u * v + 0.5 * w * w;
}

/** ZDT1 / ZDT2 (Zitzler, Deb & Thiele 2000), 30 variables in [0, 1]. */
export function zdt(x: readonly number[], kind: 1 | 2): number[] {
  const f1 = x[0] as number;
  let sum = 0;
  for (let i = 1; i < x.length; i++) sum += x[i] as number;
  const g = 1 + (9 * sum) / (x.length - 1);
  const r = f1 / g;
  return [f1, g * (1 - (kind === 1 ? Math.sqrt(r) : r * r))];
}

export const PROBLEMS: readonly Problem[] = [
  {
    name: 'branin',
    space: createSearchSpace([
      { name: 'x0', distribution: { type: 'float', low: -5, high: 10, log: false, step: null } },
      { name: 'x1', distribution: { type: 'float', low: 0, high: 15, log: false, step: null } },
    ]),
    directions: ['minimize'],
    trials: 100,
    optimum: 0.397887357729738,
    evaluate: (p) => [branin(p.x0 as number, p.x1 as number)],
  },
  { name: 'hartmann6', space: floats('x', 6, 0, 1), directions: ['minimize'], trials: 100, optimum: -3.32236801141551, evaluate: (p) => [hartmann6(vector(p, 'x', 6))] },
  { name: 'rosenbrock5', space: floats('x', 5, -5, 10), directions: ['minimize'], trials: 100, optimum: 0, evaluate: (p) => [rosenbrock(vector(p, 'x', 5))] },
  { name: 'ackley10', space: floats('x', 10, -32.768, 32.768), directions: ['minimize'], trials: 100, optimum: 0, evaluate: (p) => [ackley(vector(p, 'x', 10))] },
  {
    name: 'mixed',
    space: createSearchSpace([
      { name: 'optimizer', distribution: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop'] } },
      { name: 'layers', distribution: { type: 'int', low: 1, high: 12, log: false, step: 1 } },
      { name: 'lr', distribution: { type: 'float', low: 1e-5, high: 1, log: true, step: null } },
      { name: 'wd', distribution: { type: 'float', low: 1e-7, high: 1e-1, log: true, step: null } },
    ]),
    directions: ['minimize'],
    trials: 100,
    optimum: 0,
    evaluate: (p) => [mixed(p)],
  },
  // Largest hypervolumes with reference (1.1, 11): (11 - 1) + 2/3 + 0.1 * 11 and (11 - 1) + 1/3 + 0.1 * 11.
  { name: 'zdt1', space: floats('x', 30, 0, 1), directions: ['minimize', 'minimize'], trials: 300, optimum: 10 + 2 / 3 + 1.1, evaluate: (p) => zdt(vector(p, 'x', 30), 1) },
  { name: 'zdt2', space: floats('x', 30, 0, 1), directions: ['minimize', 'minimize'], trials: 300, optimum: 10 + 1 / 3 + 1.1, evaluate: (p) => zdt(vector(p, 'x', 30), 2) },
];

export function findProblem(name: string): Problem {
  const p = PROBLEMS.find((q) => q.name === name);
  if (!p) throw new Error(`unknown problem ${name}: use one of ${PROBLEMS.map((q) => q.name).join(', ')}`);
  return p;
}
