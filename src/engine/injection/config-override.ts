/**
 * A per-trial copy of a YAML or JSON config file with some keys set to the trial's values.
 *
 * The file is edited as text, not re-serialised: the yaml package's Document API (which reads
 * JSON too) finds each value's exact range, and only those ranges are rewritten. Comments, key
 * order, anchors, quoting and indentation elsewhere stay exactly as the user wrote them, so a
 * trial's copy diffs against the original in just the tuned values.
 *
 * Values are spelled so that the reader the script most likely uses gets the right type back:
 * PyYAML still follows YAML 1.1, where `1e-3` is a string and a float needs a dot and a signed
 * exponent (`1.0e-3`), so floats are written in the form both YAML 1.1 and 1.2 read as floats;
 * a key that held a float keeps getting floats (`1.0`, not `1`), so `lr: 1.0` never turns into
 * an int the script then feeds to integer arithmetic.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Document, Node as YamlNode } from 'yaml';
import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { JsonValue } from '../../core/space/distributions';
import { applyEdits } from '../../detect/text-edit';
import type { TextEdit } from '../../detect/text-edit';
import { InjectionError } from './injection-error';

export type ConfigFormat = 'yaml' | 'json';

export interface ConfigOverrideOptions {
  /** Parameters sampled from float distributions: an integral value is still written as a float. */
  readonly floatParams?: ReadonlySet<string>;
}

/** Reads the config, sets the dotted keys and returns the new text. Throws InjectionError naming the key at fault. */
export function overrideConfigText(
  file: string,
  text: string,
  format: ConfigFormat,
  values: Readonly<Record<string, JsonValue>>,
  options: ConfigOverrideOptions = {},
): string {
  const doc = parseConfig(file, text, format);
  const edits: TextEdit[] = [];
  for (const [key, value] of Object.entries(values)) {
    const node = findNode(doc, key, file);
    const range = valueRange(node, text);
    const float = options.floatParams?.has(key) === true || heldFloat(node);
    edits.push({ start: range.start, end: range.end, newText: renderValue(key, value, format, float) });
  }
  try {
    return applyEdits(text, edits);
  } catch {
    throw new InjectionError('', `${file}: two parameters of the study name the same config value; keep one of them`);
  }
}

/** Writes the trial's copy of `source` into `dir` under the same file name; returns its path. */
export function writeConfigCopy(
  source: string,
  format: ConfigFormat,
  values: Readonly<Record<string, JsonValue>>,
  dir: string,
  options: ConfigOverrideOptions = {},
): string {
  const text = readConfig(source);
  const out = path.join(dir, path.basename(source));
  if (path.resolve(out) === path.resolve(source)) {
    throw new InjectionError('', `${source}: the trial folder is the config's own folder; the original would be overwritten`);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(out, overrideConfigText(source, text, format, values, options));
  return out;
}

/** Checks that the file parses and holds every key, without writing anything. */
export function checkConfigKeys(source: string, format: ConfigFormat, keys: readonly string[]): void {
  const text = readConfig(source);
  const doc = parseConfig(source, text, format);
  for (const key of keys) findNode(doc, key, source);
}

function readConfig(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InjectionError('', `cannot read the config file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); fix "injection.file" in the study file`);
  }
}

function parseConfig(file: string, text: string, format: ConfigFormat): Document {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    throw new InjectionError('', `${file}${line ? `:${line}` : ''}: not valid ${format === 'json' ? 'JSON' : 'YAML'} (${error.message.split('\n')[0]}); fix the file before tuning`);
  }
  if (format === 'json') {
    // YAML reads more than JSON; the script's json.load would not.
    try {
      JSON.parse(text);
    } catch (err) {
      throw new InjectionError('', `${file}: not valid JSON (${(err as Error).message}); fix the file before tuning`);
    }
  }
  return doc;
}

/**
 * The node a dotted key names. A segment of digits indexes a list; a key that itself contains
 * dots (`"optimizer.lr": 0.1` at one level) is matched before splitting, longest first.
 */
function findNode(doc: Document, key: string, file: string): YamlNode {
  const segments = key.split('.');
  let node: unknown = doc.contents;
  let at = 0;
  const walked: string[] = [];
  while (at < segments.length) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let used = 0;
    if (isMap(node)) {
      for (let n = segments.length - at; n >= 1 && next === undefined; n--) {
        const candidate = segments.slice(at, at + n).join('.');
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === candidate);
        if (pair) {
          next = pair.value ?? null;
          used = n;
        }
      }
      if (next === undefined) {
        const keys = node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)));
        throw missingKey(file, key, walked, `it has no key "${segments[at]}" (keys there: ${keys.slice(0, 12).join(', ') || 'none'})`);
      }
    } else if (isSeq(node) && /^(0|[1-9][0-9]*)$/.test(segments[at] as string)) {
      const index = Number(segments[at]);
      if (index >= node.items.length) throw missingKey(file, key, walked, `the list there has ${node.items.length} items`);
      next = node.items[index];
      used = 1;
    } else {
      throw missingKey(file, key, walked, 'the value there is not a mapping');
    }
    walked.push(...segments.slice(at, at + used));
    at += used;
    node = next;
  }
  if (node === null || node === undefined || !(isScalar(node) || isMap(node) || isSeq(node) || isAlias(node))) {
    // `lr:` with nothing after it: there is no value text to replace.
    throw missingKey(file, key, walked, 'the key has no value written after it; give it one (for example `null`)');
  }
  return node as YamlNode;
}

function missingKey(file: string, key: string, walked: readonly string[], why: string): InjectionError {
  const where = walked.length > 0 ? ` under "${walked.join('.')}"` : '';
  return new InjectionError(key, `${file}: cannot set "${key}"${where}: ${why}. Fix the parameter's name in the study file (config keys are dotted paths, e.g. "optimizer.lr")`);
}

/** The node's value text, without the line break and indentation a block collection ends with. */
function valueRange(node: YamlNode, text: string): { start: number; end: number } {
  const range = node.range;
  if (!range) throw new InjectionError('', 'the config parser gave a value without a position');
  const start = range[0];
  const end = start + text.slice(start, range[1]).trimEnd().length;
  return { start, end };
}

/** Whether the config wrote this value as a float (`0.1`, `1.0`, `1e-3`, `.inf`). */
function heldFloat(node: YamlNode): boolean {
  if (!isScalar(node) || typeof node.value !== 'number') return false;
  const source = (node as { source?: string }).source;
  if (typeof source === 'string') return !/^[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$/.test(source.trim());
  return !Number.isInteger(node.value);
}

function renderValue(param: string, value: JsonValue, format: ConfigFormat, isFloat: boolean): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return renderNumber(value, format, isFloat);
  if (typeof value === 'string') return renderString(param, value, format);
  if (Array.isArray(value)) return `[${value.map((v) => renderValue(param, v, format, false)).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${renderString(param, k, format)}: ${renderValue(param, v, format, false)}`);
  return `{${entries.join(', ')}}`;
}

function renderNumber(value: number, format: ConfigFormat, isFloat: boolean): string {
  if (!Number.isFinite(value)) {
    // Python's json reads NaN / Infinity; YAML spells them .nan / .inf.
    if (format === 'json') return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  }
  if (Number.isInteger(value) && !isFloat) {
    return Math.abs(value) >= 1e21 ? BigInt(value).toString() : Object.is(value, -0) ? '0' : String(value);
  }
  const text = Object.is(value, -0) ? '-0' : String(value);
  const [mantissa, exponent] = text.split('e') as [string, string | undefined];
  // YAML 1.1 (PyYAML) needs a dot in every float; JSON accepts either, a dot keeps it readable.
  const dotted = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? dotted : `${dotted}e${exponent}`;
}

/** Words YAML 1.1 or 1.2 read as bools or null when unquoted. */
const YAML_RESERVED = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);

function renderString(param: string, value: string, format: ConfigFormat): string {
  if (value.includes('\0')) {
    throw new InjectionError(param, `parameter "${param}" has a value containing a NUL character, which a config file cannot hold; remove it from the study's choices`);
  }
  if (format === 'yaml' && /^[A-Za-z_][A-Za-z0-9_\-./]*$/.test(value) && !YAML_RESERVED.has(value.toLowerCase())) return value;
  // A JSON string is also a valid YAML double-quoted scalar, with the same escapes.
  return JSON.stringify(value);
}
