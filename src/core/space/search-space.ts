/**
 * A declarative search space: named parameters, each with a distribution and, for conditional
 * parameters, the parent values under which it exists. Parameters are kept in an order where
 * every parent comes before its children, so samplers can walk it front to back.
 */
import {
  type Distribution,
  DistributionError,
  type JsonValue,
  type ParamValue,
  contains,
  jsonEquals,
  validateDistribution,
} from './distributions';

export interface Condition {
  readonly parent: string;
  /** The child exists only when the parent takes one of these values. */
  readonly values: readonly JsonValue[];
}

export interface ParameterSpec {
  readonly name: string;
  readonly distribution: Distribution;
  readonly condition?: Condition;
}

export interface SearchSpace {
  /** Parents always precede their children. */
  readonly parameters: readonly ParameterSpec[];
}

const KNOWN_KEYS = new Set(['type', 'low', 'high', 'log', 'step', 'choices', 'when']);

/**
 * Parses the `space` object of a study file. Each entry is
 * `{ "type": "float" | "int" | "categorical", ... , "when": { "parent": [values] } }`.
 * Throws DistributionError naming the parameter on any problem.
 */
export function parseSearchSpace(json: unknown): SearchSpace {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DistributionError('(space)', 'the search space must be an object of parameter name -> definition');
  }
  const specs: ParameterSpec[] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    specs.push(parseParameter(name, raw));
  }
  return createSearchSpace(specs);
}

/** Validates parameters and their conditions, and orders parents before children. */
export function createSearchSpace(specs: readonly ParameterSpec[]): SearchSpace {
  const byName = new Map<string, ParameterSpec>();
  for (const spec of specs) {
    if (!spec.name) throw new DistributionError('(unnamed)', 'every parameter needs a name');
    if (byName.has(spec.name)) throw new DistributionError(spec.name, 'declared twice');
    validateDistribution(spec.name, spec.distribution);
    byName.set(spec.name, spec);
  }
  for (const spec of specs) {
    const cond = spec.condition;
    if (!cond) continue;
    const parent = byName.get(cond.parent);
    if (!parent) throw new DistributionError(spec.name, `its condition refers to unknown parameter "${cond.parent}"`);
    if (cond.values.length === 0) throw new DistributionError(spec.name, 'its condition lists no parent values');
    for (const v of cond.values) {
      if (!contains(parent.distribution, v)) {
        throw new DistributionError(spec.name, `its condition value ${JSON.stringify(v)} is not a possible value of "${cond.parent}"`);
      }
    }
  }
  return { parameters: orderParentsFirst(specs, byName) };
}

function orderParentsFirst(specs: readonly ParameterSpec[], byName: Map<string, ParameterSpec>): ParameterSpec[] {
  const ordered: ParameterSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (spec: ParameterSpec): void => {
    const s = state.get(spec.name);
    if (s === 'done') return;
    if (s === 'visiting') throw new DistributionError(spec.name, 'its conditions form a cycle');
    state.set(spec.name, 'visiting');
    if (spec.condition) visit(byName.get(spec.condition.parent) as ParameterSpec);
    state.set(spec.name, 'done');
    ordered.push(spec);
  };
  specs.forEach(visit);
  return ordered;
}

/** Is this parameter present given the values already chosen for its ancestors? */
export function isActive(spec: ParameterSpec, chosen: Readonly<Record<string, ParamValue>>): boolean {
  const cond = spec.condition;
  if (!cond) return true;
  if (!(cond.parent in chosen)) return false;
  const parentValue = chosen[cond.parent] as ParamValue;
  return cond.values.some((v) => jsonEquals(v, parentValue));
}

/** The parameters present in a complete assignment, in space order. */
export function activeParameters(space: SearchSpace, chosen: Readonly<Record<string, ParamValue>>): ParameterSpec[] {
  return space.parameters.filter((p) => isActive(p, chosen));
}

/** The parameter with this name, if declared. */
export function findParameter(space: SearchSpace, name: string): ParameterSpec | undefined {
  return space.parameters.find((p) => p.name === name);
}

function parseParameter(name: string, raw: unknown): ParameterSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DistributionError(name, 'the definition must be an object with a "type"');
  }
  const def = raw as Record<string, unknown>;
  for (const key of Object.keys(def)) {
    if (!KNOWN_KEYS.has(key)) throw new DistributionError(name, `unknown key "${key}"`);
  }
  const distribution = parseDistribution(name, def);
  const condition = def.when === undefined ? undefined : parseCondition(name, def.when);
  return condition ? { name, distribution, condition } : { name, distribution };
}

function parseDistribution(name: string, def: Record<string, unknown>): Distribution {
  const log = def.log === undefined ? false : def.log;
  if (typeof log !== 'boolean') throw new DistributionError(name, '"log" must be true or false');
  switch (def.type) {
    case 'float': {
      const step = def.step === undefined ? null : def.step;
      if (step !== null && typeof step !== 'number') throw new DistributionError(name, '"step" must be a number');
      return { type: 'float', low: requireNumber(name, def, 'low'), high: requireNumber(name, def, 'high'), log, step };
    }
    case 'int': {
      const step = def.step === undefined ? 1 : def.step;
      if (typeof step !== 'number') throw new DistributionError(name, '"step" must be a number');
      return { type: 'int', low: requireNumber(name, def, 'low'), high: requireNumber(name, def, 'high'), log, step };
    }
    case 'categorical': {
      if (!Array.isArray(def.choices)) throw new DistributionError(name, 'a categorical parameter needs a "choices" array');
      return { type: 'categorical', choices: def.choices as JsonValue[] };
    }
    default:
      throw new DistributionError(
        name,
        `unknown type ${JSON.stringify(def.type)}: use "float", "int" or "categorical"`,
      );
  }
}

function requireNumber(name: string, def: Record<string, unknown>, key: string): number {
  const v = def[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DistributionError(name, `"${key}" must be a finite number`);
  return v;
}

function parseCondition(name: string, when: unknown): Condition {
  if (typeof when !== 'object' || when === null || Array.isArray(when)) {
    throw new DistributionError(name, '"when" must look like { "parent": [value, ...] }');
  }
  const entries = Object.entries(when as Record<string, unknown>);
  if (entries.length !== 1) throw new DistributionError(name, '"when" must name exactly one parent parameter');
  const [parent, values] = entries[0] as [string, unknown];
  const list = Array.isArray(values) ? (values as JsonValue[]) : [values as JsonValue];
  return { parent, values: list };
}

/** The study-file form of a space (the inverse of parseSearchSpace), stored with the study. */
export function searchSpaceToJson(space: SearchSpace): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const p of space.parameters) {
    const d = p.distribution;
    const def: Record<string, JsonValue> =
      d.type === 'categorical'
        ? { type: 'categorical', choices: [...d.choices] }
        : { type: d.type, low: d.low, high: d.high, ...(d.log ? { log: true } : {}), ...(d.step !== null && !(d.type === 'int' && d.step === 1) ? { step: d.step } : {}) };
    if (p.condition) def.when = { [p.condition.parent]: [...p.condition.values] };
    out[p.name] = def;
  }
  return out;
}
