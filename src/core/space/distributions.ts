/**
 * Parameter distributions. Each has an internal numeric representation (the value itself for
 * float and int, the choice index for categorical) so samplers can work on numbers, the same
 * split Optuna uses; the journal stores internal values, which keeps studies interchangeable.
 */

/** Any value a categorical choice or a parameter may take once decoded from JSON. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type ParamValue = JsonValue;

export interface FloatDistribution {
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Grid step; null for a continuous range. Never combined with log. */
  readonly step: number | null;
}

export interface IntDistribution {
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Always >= 1; must be 1 when log is true. */
  readonly step: number;
}

export interface CategoricalDistribution {
  readonly type: 'categorical';
  readonly choices: readonly JsonValue[];
}

export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

/** Thrown for a distribution or value that cannot be used; `param` names the parameter. */
export class DistributionError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(`parameter "${param}": ${message}`);
    this.name = 'DistributionError';
  }

  static is(err: unknown): err is DistributionError {
    return err instanceof DistributionError;
  }
}

/** Deep equality for JSON values: categorical choices may be objects or arrays. */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEquals(v, b[i] as JsonValue));
  }
  const ao = a as Record<string, JsonValue>;
  const bo = b as Record<string, JsonValue>;
  const ak = Object.keys(ao);
  return ak.length === Object.keys(bo).length && ak.every((k) => k in bo && jsonEquals(ao[k] as JsonValue, bo[k] as JsonValue));
}

/** Encode a parameter value to its internal number. Throws if the value is outside the distribution. */
export function toInternal(name: string, dist: Distribution, value: ParamValue): number {
  if (dist.type === 'categorical') {
    const index = dist.choices.findIndex((c) => jsonEquals(c, value));
    if (index < 0) throw new DistributionError(name, `${JSON.stringify(value)} is not one of the choices`);
    return index;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DistributionError(name, `expected a finite number, got ${JSON.stringify(value)}`);
  }
  if (dist.type === 'int' && !Number.isInteger(value)) {
    throw new DistributionError(name, `expected an integer, got ${value}`);
  }
  return value;
}

/** Decode an internal number back to the parameter value. */
export function toExternal(name: string, dist: Distribution, internal: number): ParamValue {
  if (dist.type === 'categorical') {
    const index = Math.round(internal);
    if (index < 0 || index >= dist.choices.length) {
      throw new DistributionError(name, `choice index ${internal} is out of range`);
    }
    return dist.choices[index] as JsonValue;
  }
  return dist.type === 'int' ? Math.round(internal) : internal;
}

/** True when `value` lies in the distribution (on its grid, for stepped ranges). */
export function contains(dist: Distribution, value: ParamValue): boolean {
  if (dist.type === 'categorical') return dist.choices.some((c) => jsonEquals(c, value));
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (value < dist.low || value > dist.high) return false;
  if (dist.type === 'int') {
    return Number.isInteger(value) && (value - dist.low) % dist.step === 0;
  }
  if (dist.step === null) return true;
  const k = (value - dist.low) / dist.step;
  return Math.abs(k - Math.round(k)) < 1e-8;
}

/** A distribution that admits exactly one value. */
export function isSingle(dist: Distribution): boolean {
  if (dist.type === 'categorical') return dist.choices.length === 1;
  if (dist.low === dist.high) return true;
  if (dist.type === 'int') return dist.low + dist.step > dist.high;
  return dist.step !== null && dist.low + dist.step > dist.high;
}

/**
 * Rejects impossible distributions with a message naming the parameter. Stepped float ranges
 * must fit a whole number of steps, as in Optuna, so the grid and the bounds agree.
 */
export function validateDistribution(name: string, dist: Distribution): void {
  if (dist.type === 'categorical') {
    if (!Array.isArray(dist.choices) || dist.choices.length === 0) {
      throw new DistributionError(name, 'a categorical parameter needs at least one choice');
    }
    for (let i = 0; i < dist.choices.length; i++) {
      for (let j = i + 1; j < dist.choices.length; j++) {
        if (jsonEquals(dist.choices[i] as JsonValue, dist.choices[j] as JsonValue)) {
          throw new DistributionError(name, `choice ${JSON.stringify(dist.choices[i])} appears twice`);
        }
      }
    }
    return;
  }
  const { low, high } = dist;
  if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new DistributionError(name, 'low and high must be finite numbers');
  }
  if (low > high) throw new DistributionError(name, `low (${low}) is greater than high (${high})`);
  if (dist.log && low <= 0) throw new DistributionError(name, `a log scale needs low > 0, got ${low}`);
  if (dist.type === 'int') {
    if (!Number.isInteger(low) || !Number.isInteger(high)) {
      throw new DistributionError(name, 'an int parameter needs integer low and high');
    }
    if (!Number.isInteger(dist.step) || dist.step < 1) {
      throw new DistributionError(name, `step must be a positive integer, got ${dist.step}`);
    }
    if (dist.log && dist.step !== 1) throw new DistributionError(name, 'log and step cannot be combined');
    return;
  }
  if (dist.step !== null) {
    if (!(dist.step > 0) || !Number.isFinite(dist.step)) {
      throw new DistributionError(name, `step must be a positive number, got ${dist.step}`);
    }
    if (dist.log) throw new DistributionError(name, 'log and step cannot be combined');
  }
}
