/**
 * Python literals read from syntax trees, without running Python: numbers (1e-3, 1_000, 0x10),
 * strings (any quotes and prefixes but f-strings), True / False / None, lists, tuples, dicts,
 * unary minus, and names of module-level constants defined by such literals.
 */
import type { JsonValue } from '../core/space/distributions';
import type { SyntaxNode, SyntaxTree } from './python-parser';

export interface LiteralValue {
  readonly value: JsonValue;
  /** The node holding the literal text; for a constant reference, the constant's own literal. */
  readonly node: SyntaxNode;
  /** Set when the value came from a module-level constant (`default=LR`). */
  readonly viaConstant?: string;
}

/** NAME -> its literal, for module-level `NAME = literal` and `NAME: T = literal`. */
export type ConstantTable = ReadonlyMap<string, LiteralValue>;

/** The literal value of an expression node, or undefined when it is not a plain literal. */
export function literalValue(node: SyntaxNode | null | undefined, constants?: ConstantTable): LiteralValue | undefined {
  if (!node) return undefined;
  const value = evaluate(node);
  if (value !== undefined) return { value, node };
  if (node.type === 'identifier' && constants) {
    const constant = constants.get(node.text);
    if (constant) return { ...constant, viaConstant: node.text };
  }
  return undefined;
}

function evaluate(node: SyntaxNode): JsonValue | undefined {
  switch (node.type) {
    case 'integer':
      return parseInteger(node.text);
    case 'float': {
      const text = node.text.replace(/_/g, '');
      if (/[jJ]$/.test(text)) return undefined; // complex
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'string':
      return stringValue(node);
    case 'concatenated_string': {
      const parts = node.namedChildren.map((c) => (c ? stringValue(c) : undefined));
      return parts.every((p) => typeof p === 'string') ? parts.join('') : undefined;
    }
    case 'unary_operator': {
      const operand = node.namedChildren[0];
      const v = operand ? evaluate(operand) : undefined;
      const op = node.child(0)?.text;
      if (typeof v !== 'number') return undefined;
      return op === '-' ? -v : op === '+' ? v : undefined;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren[0];
      return inner ? evaluate(inner) : undefined;
    }
    case 'list':
    case 'tuple': {
      const items = node.namedChildren.map((c) => (c ? evaluate(c) : undefined));
      return items.every((i) => i !== undefined) ? (items as JsonValue[]) : undefined;
    }
    case 'dictionary': {
      const out: Record<string, JsonValue> = {};
      for (const pair of node.namedChildren) {
        if (pair?.type !== 'pair') return undefined;
        const k = pair.childForFieldName('key');
        const v = pair.childForFieldName('value');
        const key = k ? evaluate(k) : undefined;
        const value = v ? evaluate(v) : undefined;
        if (typeof key !== 'string' || value === undefined) return undefined;
        out[key] = value;
      }
      return out;
    }
    default:
      return undefined;
  }
}

function parseInteger(text: string): number | undefined {
  const t = text.replace(/_/g, '').toLowerCase();
  if (/[jl]$/.test(t)) return undefined;
  const n = t.startsWith('0x') ? parseInt(t.slice(2), 16) : t.startsWith('0o') ? parseInt(t.slice(2), 8) : t.startsWith('0b') ? parseInt(t.slice(2), 2) : Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A string literal's value; undefined for f-strings and bytes. */
export function stringValue(node: SyntaxNode): string | undefined {
  if (node.type !== 'string') return undefined;
  const start = node.child(0)?.text ?? '';
  const prefix = start.replace(/['"]+$/, '').toLowerCase();
  if (prefix.includes('f') || prefix.includes('b')) return undefined;
  const raw = prefix.includes('r');
  let out = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'string_content') out += raw ? child.text : unescape(child.text);
    else if (child.type === 'escape_sequence') out += raw ? child.text : unescape(child.text);
    else if (child.type === 'interpolation') return undefined;
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

function unescape(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\n|.)/g, (_m, e: string) => {
    if (e === '\n') return '';
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? `\\${e}`;
  });
}

/** Module-level constants: `NAME = literal` and `NAME: type = literal` at the top level. */
export function moduleConstants(tree: SyntaxTree): Map<string, LiteralValue> {
  const table = new Map<string, LiteralValue>();
  for (const stmt of tree.rootNode.namedChildren) {
    if (stmt?.type !== 'expression_statement') continue;
    const assign = stmt.namedChildren[0];
    if (assign?.type !== 'assignment') continue;
    const left = assign.childForFieldName('left');
    const right = assign.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) continue;
    const value = evaluate(right);
    if (value !== undefined) table.set(left.text, { value, node: right });
  }
  return table;
}
