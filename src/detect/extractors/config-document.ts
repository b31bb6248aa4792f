/**
 * Reads a YAML or JSON config file into a ConfigNode tree with source offsets. YAML goes
 * through the `yaml` package (it keeps every node's range); JSON through a strict reader that
 * matches Python's json.load. Scalars are typed the way PyYAML (which OmegaConf and Hydra use)
 * types them where that matters to a user: `yes` / `no` / `on` / `off` are booleans.
 */
import * as fs from 'node:fs';
import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { ConfigEntry, ConfigNode } from './config-node';
import { JsonSyntaxError, parseJsonWithPositions } from './json-with-positions';

/** Larger than this is a data file, not a config. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export type ConfigFormat = 'yaml' | 'json';

/** Why a config file could not be read; `message` is a phrase to put after the file's name. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'missing' | 'unreadable' | 'too-large' | 'binary' | 'syntax',
    /** 1-based, for syntax errors. */
    readonly line: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigFileError';
  }

  static is(err: unknown, reason?: ConfigFileError['reason']): err is ConfigFileError {
    return err instanceof ConfigFileError && (reason === undefined || err.reason === reason);
  }
}

export interface ConfigDocument {
  readonly file: string;
  readonly format: ConfigFormat;
  readonly text: string;
  /** undefined for an empty file. */
  readonly root: ConfigNode | undefined;
  /** 1-based line and column (UTF-16 units) of an offset. */
  position(offset: number): { line: number; column: number };
}

export function readConfigDocument(file: string, format: ConfigFormat): ConfigDocument {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new ConfigFileError(file, 'unreadable', undefined, 'a folder, not a config file');
    if (stat.size > MAX_CONFIG_BYTES) {
      throw new ConfigFileError(file, 'too-large', undefined, `${(stat.size / 1048576).toFixed(1)} MB, too large for a config file (limit 1 MB)`);
    }
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (ConfigFileError.is(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigFileError(file, 'missing', undefined, 'does not exist');
    throw new ConfigFileError(file, 'unreadable', undefined, `cannot be read (${code ?? (err as Error).message})`);
  }
  if (bytes.includes(0)) throw new ConfigFileError(file, 'binary', undefined, 'binary content (a NUL byte), not a config file');
  return parseConfigText(file, bytes.toString('utf8'), format);
}

export function parseConfigText(file: string, text: string, format: ConfigFormat): ConfigDocument {
  const position = positions(text);
  if (format === 'json') {
    try {
      return { file, format, text, root: parseJsonWithPositions(text), position };
    } catch (err) {
      if (!JsonSyntaxError.is(err)) throw err;
      const { line } = position(err.offset);
      throw new ConfigFileError(file, 'syntax', line, `not valid JSON: ${err.message}`);
    }
  }
  // uniqueKeys off: PyYAML lets a later duplicate key win instead of failing.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line ?? position(error.pos[0]).line;
    throw new ConfigFileError(file, 'syntax', line, `not valid YAML: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  return { file, format, text, root: doc.contents ? convert(doc.contents, text) : undefined, position };
}

/** PyYAML's YAML 1.1 booleans that YAML 1.2 (the `yaml` package's default) reads as strings. */
const YAML11_BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ...['yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((w) => [w, true] as const),
  ...['no', 'No', 'NO', 'off', 'Off', 'OFF'].map((w) => [w, false] as const),
]);

function convert(node: YamlNode, text: string): ConfigNode {
  const [start, rawEnd] = node.range ?? [0, 0, 0];
  // Block values end after their line break; apply-back must not swallow it.
  const end = start + text.slice(start, rawEnd).trimEnd().length;
  if (isAlias(node)) return { kind: 'opaque', start, end };
  if (isMap(node)) {
    const entries: ConfigEntry[] = [];
    for (const pair of node.items) {
      const key = pair.key;
      // Complex keys and merge keys (`<<: *base`) are not settings of their own.
      if (!isScalar(key) || key.value === null || typeof key.value === 'object' || key.value === '<<') continue;
      const keyStart = key.range?.[0] ?? start;
      const value: ConfigNode = pair.value ? convert(pair.value as YamlNode, text) : { kind: 'scalar', value: null, start: keyStart, end: keyStart };
      entries.push({ key: String(key.value), keyStart, value });
    }
    return { kind: 'map', entries, start, end };
  }
  if (isSeq(node)) {
    return { kind: 'seq', items: node.items.map((i) => (i ? convert(i as YamlNode, text) : { kind: 'opaque', start, end })), start, end };
  }
  if (isScalar(node)) {
    const value = node.value;
    // An explicit tag (!!float, !!python/tuple) changes what the loader makes of the text.
    if (node.tag && !node.tag.startsWith('tag:yaml.org,2002:')) return { kind: 'opaque', start, end };
    if (value === null) return { kind: 'scalar', value: null, start, end };
    if (typeof value === 'boolean') return { kind: 'scalar', value, start, end };
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { kind: 'opaque', start, end };
      const written = text.slice(start, end);
      return { kind: 'scalar', value, numberType: /^[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o[0-7_]+)$/.test(written) ? 'int' : 'float', start, end };
    }
    if (typeof value === 'string') {
      const yaml11 = node.type === 'PLAIN' ? YAML11_BOOLEANS.get(value) : undefined;
      if (yaml11 !== undefined) return { kind: 'scalar', value: yaml11, start, end };
      return { kind: 'scalar', value, start, end };
    }
  }
  return { kind: 'opaque', start, end };
}

function positions(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };
}
