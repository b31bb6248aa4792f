/**
 * JSON as Python's `json` module writes and reads it. `json.dumps(float('nan'))` emits the bare
 * tokens NaN / Infinity / -Infinity, which JSON.parse rejects, and the Tunekit Python client
 * sends non-finite metrics as the strings "nan" / "inf" / "-inf" so that strict readers cope.
 * Both ends of the trial protocol go through here so a diverged loss arrives as NaN, not as a
 * parse failure that silently drops the report.
 */

const NON_FINITE_STRINGS: ReadonlyMap<string, number> = new Map([
  ['nan', Number.NaN],
  ['+nan', Number.NaN],
  ['-nan', Number.NaN],
  ['inf', Number.POSITIVE_INFINITY],
  ['+inf', Number.POSITIVE_INFINITY],
  ['infinity', Number.POSITIVE_INFINITY],
  ['+infinity', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
  ['-infinity', Number.NEGATIVE_INFINITY],
]);

/** "nan", "inf", "-inf", "Infinity"... (any case) as a number; undefined for anything else. */
export function nonFiniteFromString(text: string): number | undefined {
  return text.length <= 9 ? NON_FINITE_STRINGS.get(text.toLowerCase()) : undefined;
}

/**
 * JSON.parse that also accepts Python's bare NaN / Infinity / -Infinity tokens (they come back
 * as the strings "nan" / "inf" / "-inf", which callers map with nonFiniteFromString). Returns
 * undefined for text that is not JSON even then; never throws.
 */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Fall through: maybe Python's non-finite tokens.
  }
  if (!/NaN|Infinity/.test(text)) return undefined;
  try {
    return JSON.parse(quoteNonFiniteTokens(text)) as unknown;
  } catch {
    return undefined;
  }
}

/** Rewrites bare NaN / Infinity / -Infinity outside string literals into quoted strings. */
function quoteNonFiniteTokens(text: string): string {
  let out = '';
  let inString = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i++;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      i++;
      continue;
    }
    if (text.startsWith('-Infinity', i)) {
      out += '"-inf"';
      i += 9;
    } else if (text.startsWith('Infinity', i)) {
      out += '"inf"';
      i += 8;
    } else if (text.startsWith('NaN', i)) {
      out += '"nan"';
      i += 3;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/**
 * JSON.stringify that writes non-finite numbers as Python's tokens (NaN, Infinity, -Infinity)
 * instead of null, so `json.loads` on the trial side gets the exact value back.
 */
export function stringifyPythonJson(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Number.POSITIVE_INFINITY) return 'Infinity';
    if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : stringifyPythonJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      parts.push(`${JSON.stringify(key)}:${stringifyPythonJson(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
