/**
 * Constraint values of a trial, in Optuna's convention: the trial system attribute
 * "constraints" holds an array of numbers and the trial is feasible when every value is <= 0;
 * a positive value is by how much that constraint is violated. Multi-objective samplers rank
 * feasible trials before infeasible ones (Deb et al. 2002, constrained domination).
 */
import type { JsonValue } from '../space/distributions';
import type { FrozenTrial } from './trial';

/** The trial system attribute Optuna's NSGA-II reads too (optuna/samplers/nsgaii/_sampler.py). */
export const CONSTRAINTS_ATTR = 'constraints';

/** A constraints attribute that is not an array of finite numbers; says which trial and entry. */
export class ConstraintError extends Error {
  constructor(
    readonly trialNumber: number | undefined,
    message: string,
  ) {
    super(trialNumber === undefined ? message : `trial ${trialNumber}: ${message}`);
    this.name = 'ConstraintError';
  }

  static is(err: unknown): err is ConstraintError {
    return err instanceof ConstraintError;
  }
}

/**
 * Checks a constraints value before it is stored: a non-empty array of finite numbers. Throws a
 * ConstraintError naming the trial and the offending index.
 */
export function validateConstraints(value: unknown, trialNumber?: number): readonly number[] {
  if (!Array.isArray(value)) {
    throw new ConstraintError(trialNumber, `"${CONSTRAINTS_ATTR}" must be an array of numbers (<= 0 is feasible), got ${JSON.stringify(value)}`);
  }
  if (value.length === 0) throw new ConstraintError(trialNumber, `"${CONSTRAINTS_ATTR}" is empty: give one number per constraint`);
  value.forEach((v: unknown, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ConstraintError(trialNumber, `"${CONSTRAINTS_ATTR}"[${i}] must be a finite number, got ${JSON.stringify(v as JsonValue)}`);
    }
  });
  return value as number[];
}

/**
 * The trial's constraint values, or null when it has none. A malformed attribute (written by
 * hand or by another tool) is a ConstraintError naming the trial, never silently feasible.
 */
export function readConstraints(trial: FrozenTrial): readonly number[] | null {
  const raw = trial.systemAttrs[CONSTRAINTS_ATTR];
  if (raw === undefined || raw === null) return null;
  return validateConstraints(raw, trial.number);
}

/** Sum of the positive parts: 0 for a feasible trial (Deb 2000, "overall constraint violation"). */
export function totalViolation(constraints: readonly number[]): number {
  let total = 0;
  for (const c of constraints) if (c > 0) total += c;
  return total;
}

export function isFeasible(constraints: readonly number[]): boolean {
  return constraints.every((c) => c <= 0);
}
