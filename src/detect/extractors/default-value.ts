/**
 * A declared default read without running Python: its JSON value when it is a literal (or a
 * module constant holding one), its verbatim text, and the span apply-back may rewrite.
 * A span is given only for a literal: rewriting `os.environ.get("LR", 0.1)` or `2 * 64` would
 * change what the code means, so those are left for the user.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ParamType } from '../param-model';
import type { ConstantTable } from '../python-literal';
import { literalValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';

export interface DefaultValue {
  /** Undefined when the default is not a literal. */
  readonly value?: JsonValue;
  /** The expression as written at the declaration (`1e-3`, `LR`, `os.environ["LR"]`). */
  readonly text: string;
  /** The literal apply-back rewrites: the declaration's own, or the constant's for `default=LR`. */
  readonly valueStart?: number;
  readonly valueEnd?: number;
  /** The module constant the value came from. */
  readonly constant?: string;
  /** What the literal's own syntax says (`1.0` is a float even though JSON cannot tell). */
  readonly literalType?: ParamType;
}

export function readDefault(node: SyntaxNode, constants: ConstantTable): DefaultValue {
  const literal = literalValue(node, constants);
  if (!literal) return { text: node.text };
  return {
    value: literal.value,
    text: node.text,
    valueStart: literal.node.startIndex,
    valueEnd: literal.node.endIndex,
    ...(literal.viaConstant !== undefined ? { constant: literal.viaConstant } : {}),
    ...typeField(literalType(literal.node, literal.value)),
  };
}

function typeField(type: ParamType | undefined): { literalType?: ParamType } {
  return type ? { literalType: type } : {};
}

/** The parameter type a literal implies; undefined for None and dicts, which imply none. */
export function literalType(node: SyntaxNode, value: JsonValue): ParamType | undefined {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return numberSyntax(node) === 'float' ? 'float' : 'int';
  return undefined;
}

function numberSyntax(node: SyntaxNode): 'float' | 'int' {
  if (node.type === 'float') return 'float';
  if (node.type === 'integer') return 'int';
  const inner = node.namedChildren.find((c) => c && c.type !== 'comment');
  return inner ? numberSyntax(inner) : 'int';
}

/**
 * A string default converted the way the parser converts it (argparse and absl run string
 * defaults through the option's type: `default="0.1", type=float` gives 0.1).
 */
export function coerceStringDefault(value: JsonValue | undefined, type: ParamType): JsonValue | undefined {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (type === 'float' && text !== '' && Number.isFinite(Number(text))) return Number(text);
  if (type === 'int' && /^[-+]?\d+$/.test(text)) return Number(text);
  if (type === 'bool' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return value;
}
