/**
 * A JSON reader that keeps where every key and value is written, so a config key's default can
 * be shown at its line and rewritten in place. It accepts what Python's json.load accepts:
 * strict JSON plus NaN / Infinity / -Infinity; later duplicate keys win, as in Python.
 * (JSON.parse keeps no positions, and a YAML parser accepts trailing commas that json.load rejects.)
 */
import type { ConfigEntry, ConfigNode } from './config-node';

export class JsonSyntaxError extends Error {
  constructor(
    /** Offset of the offending character. */
    readonly offset: number,
    message: string,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }

  static is(err: unknown): err is JsonSyntaxError {
    return err instanceof JsonSyntaxError;
  }
}

const MAX_DEPTH = 256;

export function parseJsonWithPositions(text: string): ConfigNode {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (message: string, offset = at): never => {
    throw new JsonSyntaxError(offset, message);
  };
  const describe = (): string => (at >= text.length ? 'the end of the file' : `'${text[at]}'`);
  const skipSpace = (): void => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  };
  const expect = (ch: string, what: string): void => {
    if (text[at] !== ch) fail(`expected ${what}, found ${describe()}`);
    at++;
  };

  const value = (depth: number): ConfigNode => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skipSpace();
    const start = at;
    const ch = text[at];
    if (ch === '{') return object(depth);
    if (ch === '[') return array(depth);
    if (ch === '"') {
      const s = string();
      return { kind: 'scalar', value: s, start, end: at };
    }
    for (const [word, v] of WORDS) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return typeof v === 'number' && !Number.isFinite(v) ? { kind: 'opaque', start, end: at } : { kind: 'scalar', value: v, start, end: at };
      }
    }
    const m = NUMBER.exec(text.slice(at, at + 400));
    if (m) {
      at += m[0].length;
      const n = Number(m[0]);
      return { kind: 'scalar', value: n, numberType: /[.eE]/.test(m[0]) ? 'float' : 'int', start, end: at };
    }
    return fail(`expected a value, found ${describe()}`);
  };

  const object = (depth: number): ConfigNode => {
    const start = at;
    at++;
    const entries: ConfigEntry[] = [];
    const index = new Map<string, number>();
    skipSpace();
    if (text[at] === '}') {
      at++;
      return { kind: 'map', entries, start, end: at };
    }
    for (;;) {
      skipSpace();
      if (text[at] !== '"') fail(`expected a property name in double quotes, found ${describe()}`);
      const keyStart = at;
      const key = string();
      skipSpace();
      expect(':', "':' after a property name");
      const v = value(depth + 1);
      const entry = { key, keyStart, value: v };
      const seen = index.get(key);
      if (seen === undefined) {
        index.set(key, entries.length);
        entries.push(entry);
      } else {
        entries[seen] = entry;
      }
      skipSpace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      expect('}', "',' or '}' after a property value");
      return { kind: 'map', entries, start, end: at };
    }
  };

  const array = (depth: number): ConfigNode => {
    const start = at;
    at++;
    const items: ConfigNode[] = [];
    skipSpace();
    if (text[at] === ']') {
      at++;
      return { kind: 'seq', items, start, end: at };
    }
    for (;;) {
      items.push(value(depth + 1));
      skipSpace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      expect(']', "',' or ']' after an array element");
      return { kind: 'seq', items, start, end: at };
    }
  };

  const string = (): string => {
    const start = at;
    at++;
    let out = '';
    for (;;) {
      if (at >= text.length) fail('unterminated string', start);
      const ch = text[at] as string;
      if (ch === '"') {
        at++;
        return out;
      }
      if (ch < ' ') fail('control character in a string (escape it)');
      if (ch === '\\') {
        const e = text[at + 1];
        if (e === 'u') {
          const hex = text.slice(at + 2, at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          at += 6;
          continue;
        }
        const decoded = e === undefined ? undefined : ESCAPES[e];
        if (decoded === undefined) fail(`bad escape \\${e ?? ''}`);
        out += decoded;
        at += 2;
        continue;
      }
      out += ch;
      at++;
    }
  };

  const root = value(0);
  skipSpace();
  if (at < text.length) fail(`unexpected ${describe()} after the JSON value`);
  return root;
}

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/;
const WORDS: readonly [string, boolean | null | number][] = [
  ['true', true],
  ['false', false],
  ['null', null],
  // Python's json accepts these; Tunekit reads them but does not tune them.
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
