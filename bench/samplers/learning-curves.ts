/**
 * The synthetic training runs of the pruning bench, mirrored in pruning_curves.py. A trial's
 * loss at step t falls from 3 towards a floor set by its hyperparameters, at a speed set by
 * its learning rate, plus noise that is a fixed function of (params, step), larger early on:
 *   exponential: loss(t) = floor + (3 - floor) * exp(-rate * (t + 1))          + noise
 *   power-law:   loss(t) = floor + (3 - floor) * (1 + 2 * rate * (t + 1))^-1.5  + noise
 * A high learning rate converges fast to a poor floor and a moderate one slowly to the best
 * floor, so curves cross: the case where pruning on early values goes wrong. Two shapes, so a
 * pruner that models curves is not judged on the one family it might happen to assume; the
 * power law is the shape deep-learning curves usually have, and it has not settled by step 100.
 */
import { createSearchSpace } from '../../src/core/space/search-space';
import type { ParamValue } from '../../src/core/space/distributions';

export const CURVE_STEPS = 100;

export const CURVE_SPACE = createSearchSpace([
  { name: 'lr', distribution: { type: 'float', low: 1e-4, high: 1, log: true, step: null } },
  { name: 'width', distribution: { type: 'int', low: 16, high: 512, log: true, step: 1 } },
  { name: 'dropout', distribution: { type: 'float', low: 0, high: 0.6, log: false, step: null } },
]);

/** The loss the run would settle at: best (0.5) at lr 1e-2, width 128, dropout 0.2. */
export function curveFloor(p: Readonly<Record<string, ParamValue>>): number {
  const a = Math.log10(p.lr as number) + 2;
  const b = Math.log2(p.width as number) - 7;
  const c = (p.dropout as number) - 0.2;
  return 0.5 + 0.12 * a * a + 0.02 * b * b + 0.8 * c * c;
}

/** Steps^-1: from 0.03 at lr 1e-4 to 0.08 at lr 1. */
export function curveRate(p: Readonly<Record<string, ParamValue>>): number {
  return 0.03 + 0.05 * ((Math.log10(p.lr as number) + 4) / 4);
}

/** A deterministic stand-in for noise, uniform in [-1, 1). */
export function curveNoise(p: Readonly<Record<string, ParamValue>>, step: number): number {
  const s = Math.sin(12.9898 * Math.log10(p.lr as number) + 78.233 * Math.log2(p.width as number) + 37.719 * (p.dropout as number) + 0.7071 * step) * 43758.5453;
  return 2 * (s - Math.floor(s)) - 1;
}

export const CURVE_SHAPES = ['exponential', 'power-law'] as const;

export type CurveShape = (typeof CURVE_SHAPES)[number];

export function curveLoss(p: Readonly<Record<string, ParamValue>>, step: number, shape: CurveShape = 'exponential'): number {
  const floor = curveFloor(p);
  const rate = curveRate(p);
  const e = shape === 'exponential' ? Math.exp(-rate * (step + 1)) : (1 + 2 * rate * (step + 1)) ** -1.5;
  return floor + (3 - floor) * e + (0.002 + 0.03 * e) * curveNoise(p, step);
}
