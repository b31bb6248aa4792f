/**
 * The value and type of a default written in Python source: a literal (python-literal.ts) or
 * arithmetic over number literals (`5 * 8`, `10 * 1000`, `3e-4 / 2`), which training scripts
 * write for readability and mean as one number. Names are not followed inside arithmetic:
 * `MAX_ITERS = EPOCHS * 100` is derived from another setting, not a setting of its own.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ParamType } from '../param-model';
import type { ConstantTable } from '../python-literal';
import { literalValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';

export interface ConstantExpression {
  readonly value: JsonValue;
  readonly type: ParamType;
  /** The node holding the text: the expression itself, or a referenced constant's literal. */
  readonly node: SyntaxNode;
  readonly viaConstant?: string;
}

export function constantExpression(node: SyntaxNode | null | undefined, constants?: ConstantTable): ConstantExpression | undefined {
  if (!node) return undefined;
  const literal = literalValue(node, constants);
  if (literal) return { ...literal, type: literalType(literal.node, literal.value) };
  const number = arithmetic(node);
  return number ? { value: number.value, type: number.type, node } : undefined;
}

/** The ParamType of a literal: ints and floats are told apart by how they are written (1 vs 1.0). */
export function literalType(node: SyntaxNode, value: JsonValue): ParamType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return numberLeaf(node)?.type === 'integer' ? 'int' : 'float';
  return 'unknown';
}

function numberLeaf(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type === 'integer' || node.type === 'float') return node;
  if (node.type === 'unary_operator' || node.type === 'parenthesized_expression') {
    const inner = node.namedChildren[0];
    return inner ? numberLeaf(inner) : undefined;
  }
  return undefined;
}

interface NumberValue {
  readonly value: number;
  readonly type: 'int' | 'float';
}

function arithmetic(node: SyntaxNode): NumberValue | undefined {
  switch (node.type) {
    case 'integer':
    case 'float':
    case 'unary_operator': {
      const literal = literalValue(node);
      if (typeof literal?.value !== 'number') return undefined;
      return { value: literal.value, type: literalType(node, literal.value) === 'int' ? 'int' : 'float' };
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren[0];
      return inner ? arithmetic(inner) : undefined;
    }
    case 'binary_operator': {
      const left = arithmetic(node.childForFieldName('left') as SyntaxNode);
      const right = arithmetic(node.childForFieldName('right') as SyntaxNode);
      const op = node.childForFieldName('operator')?.text;
      if (!left || !right || !op) return undefined;
      return combine(left, right, op);
    }
    default:
      return undefined;
  }
}

function combine(a: NumberValue, b: NumberValue, op: string): NumberValue | undefined {
  const ints = a.type === 'int' && b.type === 'int';
  let value: number;
  switch (op) {
    case '+':
      value = a.value + b.value;
      break;
    case '-':
      value = a.value - b.value;
      break;
    case '*':
      value = a.value * b.value;
      break;
    case '/':
      if (b.value === 0) return undefined;
      return { value: a.value / b.value, type: 'float' };
    case '//':
      if (b.value === 0) return undefined;
      value = Math.floor(a.value / b.value);
      break;
    case '**':
      value = a.value ** b.value;
      // 2 ** -1 is a float in Python.
      if (ints && b.value < 0) return finite({ value, type: 'float' });
      break;
    default:
      return undefined;
  }
  return finite({ value, type: ints ? 'int' : 'float' });
}

function finite(n: NumberValue): NumberValue | undefined {
  if (!Number.isFinite(n.value)) return undefined;
  if (n.type === 'int' && !Number.isSafeInteger(n.value)) return undefined;
  return n;
}
