/**
 * A new value as YAML or JSON text, in the style of the value it replaces: a YAML scalar keeps
 * its style (plain, 'single', "double"), `True`/`yes`/`on` booleans keep their spelling, numbers
 * keep their notation. YAML is written so that both YAML 1.2 loaders and PyYAML (YAML 1.1, what
 * most training scripts call through yaml.safe_load) read back the intended type: a string that
 * either would read as something else (`yes`, `1e-3`, `2024-01-01`) is quoted, and a float
 * Python's repr writes in exponent form gets a point and a signed exponent (`1.0e-05`), the only
 * exponent form PyYAML's float pattern accepts.
 */
import { parse, parseDocument, visit } from 'yaml';
import type { Document } from 'yaml';
import type { JsonValue } from '../../core/space/distributions';
import { jsonEquals } from '../../core/space/distributions';
import type { ParamType } from '../param-model';
import type { LiteralText } from './python-apply';
import type { NumberStyle } from './value-format';
import { formatFloatLike, formatInteger, numberStyle, pythonFloatRepr, scientific } from './value-format';

export type ConfigFormat = 'yaml' | 'json';

/** PyYAML's float pattern needs a point in the mantissa and a sign on the exponent. */
const YAML_SCIENTIFIC: NumberStyle = {
  kind: 'float',
  scientific: true,
  mantissaPoint: true,
  mantissaBarePoint: false,
  exponentPlus: true,
  exponentUpper: false,
  exponentWidth: 1,
  base: 10,
  prefix: '',
  upperDigits: false,
  thousands: false,
};

const yamlScientific = (x: number): string => scientific(x, YAML_SCIENTIFIC);

/** Spellings of YAML booleans, by family; the old value's family and case are kept. */
const BOOL_FAMILIES: readonly (readonly [string, string])[] = [
  ['true', 'false'],
  ['yes', 'no'],
  ['on', 'off'],
];

export function yamlValueText(value: JsonValue, oldText: string, type: ParamType): LiteralText {
  const first = oldText[0] ?? '';
  if (first === '|' || first === '>') return { error: `a YAML block scalar (\`${first}\`) is not rewritten` };
  if (first === '&' || first === '*' || first === '!') return { error: `a YAML anchor, alias or tag (\`${oldText.split(/\s/)[0]}\`) is not rewritten` };
  const block = /^-(\s|$)/.test(oldText) || /^[^\s'"[{][^\n]*:(\s|$)/.test(oldText);
  if (block && oldText.includes('#')) return { error: 'a YAML block collection with comments is not rewritten (they would be lost)' };
  const quoted = first === "'" ? 'single' : first === '"' ? 'double' : undefined;
  if (typeof value === 'string') {
    if (quoted === 'single' && !/\p{Cc}/u.test(value)) return { text: `'${value.replace(/'/g, "''")}'` };
    if (quoted === 'double') return { text: JSON.stringify(value) };
    return { text: yamlString(value) };
  }
  if (typeof value === 'boolean') return { text: yamlBool(value, quoted ? '' : oldText) };
  if (value === null) return { text: oldText === '~' ? '~' : 'null' };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: `${value} is not a finite number` };
    const old = quoted ? undefined : numberStyle(oldText.replace(/^[+-]/, ''));
    const asInt = Number.isInteger(value) && (old ? old.kind === 'int' : type !== 'float');
    // YAML 1.2 has no `1_000`; keep only hex / octal prefixes.
    if (asInt) return { text: formatInteger(value, old && old.base !== 10 && old.base !== 2 ? old : undefined) };
    return { text: formatFloatLike(value, old, yamlScientific) };
  }
  const text = yamlFlow(value, hasFloatLiteral(oldText));
  if (readsBack(text, value)) return { text };
  // JSON is valid YAML flow syntax: the fallback for keys or strings the flow writer got wrong.
  const json = JSON.stringify(value);
  return readsBack(json, value) ? { text: json } : { error: 'the value has no YAML form that reads back the same' };
}

function readsBack(text: string, value: JsonValue): boolean {
  try {
    return jsonEquals(parse(text) as JsonValue, value);
  } catch {
    return false;
  }
}

function yamlBool(value: boolean, oldText: string): string {
  const lower = oldText.toLowerCase();
  const family = BOOL_FAMILIES.find((f) => f.includes(lower));
  if (!family) return value ? 'true' : 'false';
  const word = family[value ? 0 : 1];
  if (oldText === oldText.toUpperCase()) return word.toUpperCase();
  if (oldText[0] !== lower[0]) return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

/** A string plain where every YAML loader reads it back as this same string, else quoted. */
function yamlString(value: string): string {
  if (plainSafe(value)) return value;
  if (/\p{Cc}/u.test(value)) return JSON.stringify(value);
  return `'${value.replace(/'/g, "''")}'`;
}

function plainSafe(value: string): boolean {
  // Letters first: no number, date, sexagesimal or indicator character can start it; no
  // flow or comment characters inside, so the same test serves inside `[...]`.
  if (!/^[A-Za-z_][\w./+-]*(?: [\w./+-]+)*$/.test(value)) return false;
  try {
    return parse(value) === value && parse(value, { version: '1.1' }) === value;
  } catch {
    return false;
  }
}

function yamlFlow(value: JsonValue, floats: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) && !floats ? formatInteger(value) : formatFloatLike(value, undefined, yamlScientific);
  if (typeof value === 'string') return plainSafe(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => yamlFlow(v, floats)).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${plainSafe(k) ? k : JSON.stringify(k)}: ${yamlFlow(v, floats)}`)
    .join(', ')}}`;
}

export function jsonValueText(value: JsonValue, oldText: string, type: ParamType): LiteralText {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: `${value} is not a finite number (JSON has no literal for it)` };
    const old = numberStyle(oldText.replace(/^-/, ''));
    const asInt = Number.isInteger(value) && (old ? old.kind === 'int' : type !== 'float');
    return { text: asInt ? formatInteger(value) : formatFloatLike(value, old, pythonFloatRepr) };
  }
  if (value === null || typeof value !== 'object') return { text: JSON.stringify(value) };
  return { text: jsonCompound(value, /[,:] /.test(oldText), hasFloatLiteral(oldText)) };
}

function jsonCompound(value: JsonValue, spaced: boolean, floats: boolean): string {
  if (typeof value === 'number') {
    // Non-finite numbers were refused by the caller's type check; JSON.stringify would write null.
    return Number.isInteger(value) && !floats ? formatInteger(value) : pythonFloatRepr(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const comma = spaced ? ', ' : ',';
  if (Array.isArray(value)) return `[${value.map((v) => jsonCompound(v, spaced, floats)).join(comma)}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}:${spaced ? ' ' : ''}${jsonCompound(v, spaced, floats)}`)
    .join(comma)}}`;
}

function hasFloatLiteral(text: string): boolean {
  const code = text.replace(/'(?:''|[^'])*'|"(?:\\.|[^"\\])*"/g, '');
  return /(?<![\w.])(?:\d+\.\d*|\.\d+|\d+[eE][+-]?\d+)/.test(code);
}

/** The value a config span holds, read from its text (indented as in its file); undefined when it does not parse alone. */
export function configScalarValue(format: ConfigFormat, text: string): JsonValue | undefined {
  if (format === 'yaml') {
    const doc = parseDocument(text);
    return doc.errors.length > 0 ? undefined : yamlToJs(doc);
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** A config file's text parsed whole, or the first error with its line. */
export function parseConfigText(format: ConfigFormat, text: string): { value: JsonValue } | { error: string } {
  if (format === 'json') {
    try {
      return { value: JSON.parse(text) as JsonValue };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
  const doc = parseDocument(text, { uniqueKeys: false });
  const problem = doc.errors[0];
  if (problem) return { error: `line ${(problem.linePos?.[0].line ?? 0) || '?'}: ${problem.message.split('\n')[0]}` };
  return { value: yamlToJs(doc) };
}

/** PyYAML's YAML 1.1 booleans, which YAML 1.2 reads as strings; the config extractor reads them as PyYAML does. */
const YAML11_BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ...['yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((w) => [w, true] as const),
  ...['no', 'No', 'NO', 'off', 'Off', 'OFF'].map((w) => [w, false] as const),
]);

function yamlToJs(doc: Document): JsonValue {
  visit(doc, {
    Scalar(_key, node) {
      const yaml11 = node.type === 'PLAIN' && typeof node.value === 'string' ? YAML11_BOOLEANS.get(node.value) : undefined;
      if (yaml11 !== undefined) node.value = yaml11;
    },
  });
  return doc.toJS() as JsonValue;
}

/** The value at a dotted key (`optimizer.lr`), or undefined where the path does not lead to one. */
export function valueAtDottedKey(root: JsonValue, key: string): JsonValue | undefined {
  let at: JsonValue | undefined = root;
  for (const part of key.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = Array.isArray(at) ? (/^\d+$/.test(part) ? at[Number(part)] : undefined) : at[part];
  }
  return at;
}
