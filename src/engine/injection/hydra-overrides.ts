/**
 * Parameters as Hydra command-line overrides (`optimizer.lr=0.001`), written in Hydra's override
 * grammar (hydra/grammar/OverrideLexer.g4 and OverrideParser.g4, documented at
 * https://hydra.cc/docs/advanced/override_grammar/basic/) so that Hydra reads back exactly the
 * sampled value and type: `true` is a bool, `'true'` a string, `1.0` a float, `1` an int.
 * Each override is one argv entry; no shell ever sees it.
 */
import type { JsonValue } from '../../core/space/distributions';
import { InjectionError } from './injection-error';

export interface HydraOverrideOptions {
  /** Parameters sampled from float distributions: an integral value is still written `1.0`, not `1`. */
  readonly floatParams?: ReadonlySet<string>;
}

/**
 * A key Hydra's lexer accepts: a config path of identifiers and list indices joined by dots
 * (DOT_PATH, where identifiers may hold `-` and `$` since Hydra 1.1), or a config group path
 * joined by slashes (`db/engine`).
 */
const SEGMENT = String.raw`(?:[A-Za-z_$][A-Za-z0-9_$-]*|0|[1-9][0-9]*)`;
const KEY = new RegExp(String.raw`^(?:${SEGMENT}(?:\.${SEGMENT})*|[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)+)$`);

/** Dict keys inside a value (`{a:1}`) are plain identifiers in the grammar. */
const DICT_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Strings that need no quotes: they lex as one ID (letters, digits, `_`, `-`) or as a run of
 * ID / UNQUOTED_CHAR tokens that Hydra concatenates back into the same text. Starting with a
 * letter or `_` guarantees the text is never read as a number.
 */
const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_\-./]*$/;

/** Words the lexer reads as BOOL, NULL or FLOAT (case-insensitive): as strings they must be quoted. */
const RESERVED = new Set(['true', 'false', 'null', 'inf', 'nan']);

/** One `key=value` override per parameter, in the order given. A null value is written `null`. */
export function buildHydraOverrides(values: Readonly<Record<string, JsonValue>>, options: HydraOverrideOptions = {}): string[] {
  return Object.entries(values).map(([key, value]) => hydraOverride(key, value, options.floatParams?.has(key) === true));
}

export function hydraOverride(key: string, value: JsonValue, isFloat = false): string {
  if (!KEY.test(key)) {
    throw new InjectionError(
      key,
      `parameter ${JSON.stringify(key)} is not a key Hydra can override: use the config's dotted path (for example "optimizer.lr") in the study file`,
    );
  }
  return `${key}=${hydraValue(key, value, isFloat)}`;
}

/** The value as Hydra's override grammar spells it. */
export function hydraValue(param: string, value: JsonValue, isFloat = false): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return hydraNumber(value, isFloat);
  if (typeof value === 'string') return hydraString(param, value);
  if (Array.isArray(value)) return `[${value.map((v) => hydraValue(param, v)).join(',')}]`;
  const entries = Object.entries(value).map(([k, v]) => {
    if (!DICT_KEY.test(k)) {
      throw new InjectionError(param, `parameter "${param}" holds a dict key ${JSON.stringify(k)} that a Hydra override cannot spell (keys must be identifiers)`);
    }
    return `${k}:${hydraValue(param, v)}`;
  });
  return `{${entries.join(',')}}`;
}

function hydraNumber(value: number, isFloat: boolean): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  const integral = Number.isInteger(value);
  if (integral && !isFloat) {
    // INT is [+-]? digits; 1e21 and above print in exponent form, which would lex as FLOAT.
    return Math.abs(value) >= 1e21 ? BigInt(value).toString() : Object.is(value, -0) ? '0' : String(value);
  }
  // JavaScript's shortest round-trip form ("0.001", "1e-7", "1.5e+21") is a valid FLOAT token;
  // an integral float needs its ".0" to stay a float ("-0" keeps its sign as "-0.0").
  const text = Object.is(value, -0) ? '-0' : String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

function hydraString(param: string, value: string): string {
  if (/[\n\r\0]/.test(value)) {
    throw new InjectionError(param, `parameter "${param}" has a value with a line break or NUL character, which a Hydra override cannot carry; remove it from the study's choices`);
  }
  if (UNQUOTED.test(value) && !RESERVED.has(value.toLowerCase())) return value;
  return quoted(value);
}

/**
 * A single-quoted QUOTED_VALUE. Inside quotes a backslash only escapes when a run of them comes
 * before a quote: Hydra halves every such run, so each run before an inner quote is doubled and
 * gets one more backslash for the quote, and a run at the very end is doubled. `${` would start
 * an interpolation that OmegaConf resolves later, so it is escaped as `\${`.
 */
function quoted(value: string): string {
  const escapedInterpolations = value.replace(/\$\{/g, '\\${');
  const body = escapedInterpolations.replace(/(\\*)'/g, (_m, slashes: string) => `${slashes}${slashes}\\'`).replace(/(\\+)$/, '$1$1');
  return `'${body}'`;
}
