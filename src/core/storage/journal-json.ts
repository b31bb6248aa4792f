/**
 * JSON as Python's json module writes it. Optuna's journal may hold the bare tokens NaN,
 * Infinity and -Infinity (json.dumps allows them), which JSON.parse rejects; we read them back
 * as numbers and write non-finite numbers the same way, so files stay interchangeable.
 */

const SENTINEL = '\u0000tunekit-nonfinite:';

/** Parses one journal line. Throws SyntaxError for text that is not JSON even with NaN tokens. */
export function parseJournalJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
    return JSON.parse(quoteNonFiniteTokens(text), (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(SENTINEL) ? Number(value.slice(SENTINEL.length)) : value,
    );
  }
}

/** Serialises one journal op; non-finite numbers become Python's NaN / Infinity tokens. */
export function stringifyJournalJson(value: unknown): string {
  let sawNonFinite = false;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      sawNonFinite = true;
      return SENTINEL + String(v);
    }
    return v;
  });
  if (!sawNonFinite) return text;
  const escaped = JSON.stringify(SENTINEL).slice(1, -1);
  return text.replace(new RegExp(`"${escapeRegExp(escaped)}(NaN|Infinity|-Infinity)"`, 'g'), '$1');
}

/** Rewrites bare NaN / Infinity / -Infinity tokens outside strings into sentinel strings. */
function quoteNonFiniteTokens(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (ch === '"') {
        inString = false;
      }
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token) {
      out += JSON.stringify(SENTINEL + token);
      i += token.length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
