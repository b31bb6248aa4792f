/**
 * A new value as Python literal text, written in the style of the literal it replaces: the
 * same quotes and string prefix, the same number notation, `[...]` or `(...)`. Works on the
 * literal's text alone (the span apply-back rewrites), so planning needs no parser and stays
 * synchronous for the editor's preview.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ParamType } from '../param-model';
import type { NumberStyle } from './value-format';
import { formatFloatLike, formatInteger, numberStyle, pythonFloatRepr } from './value-format';

/** The new text, or why the value cannot be written there (a phrase for a longer message). */
export type LiteralText = { readonly text: string } | { readonly error: string };

/** What kind of literal a span holds. */
export type PythonLiteralShape =
  | { readonly kind: 'number'; readonly negative: boolean; readonly style: NumberStyle }
  | { readonly kind: 'string'; readonly prefix: string; readonly quote: string }
  | { readonly kind: 'bool' | 'none' | 'dict' }
  | { readonly kind: 'sequence'; readonly open: '[' | '(' }
  | { readonly kind: 'other'; readonly why: string };

export function pythonLiteralShape(text: string): PythonLiteralShape {
  const signed = /^([+-])\s*([\s\S]*)$/.exec(text);
  const unsigned = signed ? (signed[2] as string) : text;
  const style = numberStyle(unsigned);
  if (style) return { kind: 'number', negative: signed?.[1] === '-', style };
  if (signed) return { kind: 'other', why: `\`${text}\` is an expression` };
  if (text === 'True' || text === 'False') return { kind: 'bool' };
  if (text === 'None') return { kind: 'none' };
  const str = /^([A-Za-z]{0,2})('''|"""|'|")/.exec(text);
  if (str) {
    const prefix = str[1] as string;
    if (/[^rRuU]/.test(prefix)) return { kind: 'other', why: `${/[fF]/.test(prefix) ? 'an f-string' : 'a bytes literal'} (\`${text}\`) is not a plain string` };
    return { kind: 'string', prefix, quote: str[2] as string };
  }
  if (text.startsWith('[') || text.startsWith('(')) return { kind: 'sequence', open: text[0] as '[' | '(' };
  if (text.startsWith('{')) return { kind: 'dict' };
  return { kind: 'other', why: `\`${text}\` is not a literal` };
}

/**
 * Python text for `value` replacing the literal `oldText`. `type` is the parameter's: a float
 * parameter whose value happens to be whole still reads as a float (`1.0`) unless the old
 * literal was an int.
 */
export function pythonLiteralText(value: JsonValue, oldText: string, type: ParamType): LiteralText {
  const shape = pythonLiteralShape(oldText);
  if (shape.kind === 'other') return { error: shape.why };
  if (typeof value === 'boolean') return { text: value ? 'True' : 'False' };
  if (value === null) return { text: 'None' };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: `${value} has no Python literal` };
    const old = shape.kind === 'number' ? shape.style : undefined;
    const asInt = Number.isInteger(value) && (old ? old.kind === 'int' : type !== 'float');
    if (asInt) return { text: formatInteger(value, old) };
    return { text: formatFloatLike(value, old, pythonFloatRepr) };
  }
  if (typeof value === 'string') {
    return { text: shape.kind === 'string' ? pythonString(value, shape.prefix, shape.quote) : pythonString(value) };
  }
  const quote = shape.kind === 'sequence' || shape.kind === 'dict' ? /['"]/.exec(oldText)?.[0] : undefined;
  const floats = (shape.kind === 'sequence' || shape.kind === 'dict') && hasFloatLiteral(oldText);
  return pythonCompound(value, { open: shape.kind === 'sequence' ? shape.open : '[', quote, floats });
}

interface CompoundStyle {
  readonly open: '[' | '(';
  readonly quote: string | undefined;
  /** The old collection held float literals: whole numbers are written `1.0`. */
  readonly floats: boolean;
}

function pythonCompound(value: JsonValue, style: CompoundStyle): LiteralText {
  if (typeof value === 'boolean') return { text: value ? 'True' : 'False' };
  if (value === null) return { text: 'None' };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: `${value} has no Python literal` };
    return { text: Number.isInteger(value) && !style.floats ? formatInteger(value) : pythonFloatRepr(value) };
  }
  if (typeof value === 'string') return { text: pythonString(value, '', style.quote) };
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const t = pythonCompound(item, { ...style, open: '[' });
      if ('error' in t) return t;
      parts.push(t.text);
    }
    if (style.open === '(') return { text: parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})` };
    return { text: `[${parts.join(', ')}]` };
  }
  for (const [k, v] of Object.entries(value)) {
    const t = pythonCompound(v, { ...style, open: '[' });
    if ('error' in t) return t;
    parts.push(`${pythonString(k, '', style.quote)}: ${t.text}`);
  }
  return { text: `{${parts.join(', ')}}` };
}

function hasFloatLiteral(text: string): boolean {
  // Outside strings only: drop quoted parts first.
  const code = text.replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g, '');
  return /(?<![\w.])(?:\d[\d_]*\.\d*|\.\d+|\d[\d_]*[eE][+-]?\d+)/.test(code);
}

/**
 * A Python string literal with the given prefix and quotes. Quotes default as repr() picks
 * them; a raw prefix is kept only where the value needs no escape.
 */
export function pythonString(value: string, prefix = '', quote?: string): string {
  const q = quote ?? (value.includes("'") && !value.includes('"') ? '"' : "'");
  const triple = q.length === 3;
  const mark = q[0] as string;
  if (/[rR]/.test(prefix)) {
    const rawOk = !value.includes(mark) && !/\\$/.test(value) && !/\p{Cc}/u.test(value.replace(/[\t\n\r]/g, '')) && (triple || !/[\r\n]/.test(value));
    if (rawOk) return `${prefix}${q}${value}${q}`;
    prefix = prefix.replace(/[rR]/g, '');
  }
  let body = '';
  for (const ch of value) {
    if (ch === '\\') body += '\\\\';
    else if (ch === mark) body += `\\${ch}`;
    else if (ch === '\n') body += triple ? '\n' : '\\n';
    else if (ch === '\r') body += '\\r';
    else if (ch === '\t') body += '\\t';
    else if (/\p{Cc}/u.test(ch)) body += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else body += ch;
  }
  return `${prefix}${q}${body}${q}`;
}

/**
 * The value of a scalar literal read from its text alone (numbers, True / False / None, a
 * string without escapes); undefined where that takes a real parser. Used to check that a
 * span still holds the default the analysis saw.
 */
export function pythonScalarValue(text: string): JsonValue | undefined {
  const shape = pythonLiteralShape(text);
  switch (shape.kind) {
    case 'bool':
      return text === 'True';
    case 'none':
      return null;
    case 'number': {
      const digits = text.replace(/^[+-]\s*/, '').replace(/_/g, '');
      const base = shape.style.base;
      const n = base === 10 ? Number(digits) : parseInt(digits.slice(2), base);
      return shape.negative ? -n : n;
    }
    case 'string': {
      const body = text.slice(shape.prefix.length + shape.quote.length, text.length - shape.quote.length);
      if (!text.endsWith(shape.quote) || body.includes('\\') || body.includes(shape.quote[0] as string)) return undefined;
      return body;
    }
    default:
      return undefined;
  }
}
