/**
 * What a Python type annotation says about a hyperparameter: its ParamType, the choices of a
 * `Literal[...]`, whether None is allowed, and whether it is a ClassVar (not a dataclass field).
 * Covers `float`, `Optional[int]`, `int | None`, `typing.Union[str, None]`, `List[int]`,
 * `Literal["adam", "sgd"]`, `Annotated[int, ...]` and string annotations (`"int"`).
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ParamType } from '../param-model';
import { literalValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';

export interface AnnotationInfo {
  readonly type: ParamType;
  readonly choices?: readonly JsonValue[];
  /** None is allowed (`Optional[...]`, `X | None`). */
  readonly optional: boolean;
  /** `ClassVar[...]`: a class attribute, never a dataclass field. */
  readonly classVar: boolean;
  /** The bare class name when the annotation names a class Tunekit does not know (`OptimizerConfig`). */
  readonly className?: string;
}

const UNKNOWN: AnnotationInfo = { type: 'unknown', optional: false, classVar: false };

const SCALARS: Readonly<Record<string, ParamType>> = {
  float: 'float',
  int: 'int',
  bool: 'bool',
  str: 'str',
  list: 'list',
  tuple: 'list',
  List: 'list',
  Tuple: 'list',
  Sequence: 'list',
};

export function annotationInfo(node: SyntaxNode | null | undefined): AnnotationInfo {
  if (!node) return UNKNOWN;
  switch (node.type) {
    case 'type':
    case 'parenthesized_expression': {
      const inner = node.namedChildren[0];
      return inner ? annotationInfo(inner) : UNKNOWN;
    }
    case 'identifier':
    case 'attribute':
      return named(node.text);
    case 'none':
      return { ...UNKNOWN, optional: true };
    case 'string': {
      // A forward reference such as "int" or "Optional[int]": the text is itself a type.
      const text = literalValue(node)?.value;
      return typeof text === 'string' ? forwardReference(text) : UNKNOWN;
    }
    case 'binary_operator': {
      // PEP 604 unions: int | None.
      if (node.child(1)?.text !== '|') return UNKNOWN;
      return union([node.childForFieldName('left'), node.childForFieldName('right')]);
    }
    case 'generic_type': {
      const base = node.namedChildren[0];
      const params = node.namedChildren[1];
      return generic(base?.text ?? '', params?.type === 'type_parameter' ? params.namedChildren : []);
    }
    case 'subscript': {
      // typing.Optional[int] parses as a subscript of an attribute.
      const value = node.childForFieldName('value');
      const params = node.childrenForFieldName('subscript');
      return generic(value?.text ?? '', params);
    }
    default:
      return UNKNOWN;
  }
}

/** The simple forward references people write: "int", "Optional[float]", "str | None". */
function forwardReference(text: string): AnnotationInfo {
  const t = text.replace(/\s+/g, '').replace(/\btyping\./g, '');
  const optional = /^Optional\[(\w+)\]$/.exec(t) ?? /^(\w+)\|None$/.exec(t) ?? /^None\|(\w+)$/.exec(t);
  if (optional) return { ...named(optional[1] as string), optional: true };
  return /^\w+$/.test(t) ? named(t) : UNKNOWN;
}

function named(text: string): AnnotationInfo {
  const base = text.slice(text.lastIndexOf('.') + 1);
  const type = SCALARS[base];
  if (type) return { type, optional: false, classVar: false };
  if (base === 'Any' || base === 'object') return UNKNOWN;
  return { ...UNKNOWN, className: base };
}

function generic(baseText: string, params: readonly (SyntaxNode | null)[]): AnnotationInfo {
  const base = baseText.slice(baseText.lastIndexOf('.') + 1);
  const args = params.filter((p): p is SyntaxNode => p !== null);
  switch (base) {
    case 'Optional': {
      const inner = annotationInfo(args[0]);
      return { ...inner, optional: true };
    }
    case 'Union':
      return union(args);
    case 'Literal':
      return literal(args);
    case 'Annotated':
    case 'Final':
      return annotationInfo(args[0]);
    case 'ClassVar':
      return { ...annotationInfo(args[0]), classVar: true };
    default: {
      const type = SCALARS[base];
      return type ? { type, optional: false, classVar: false } : UNKNOWN;
    }
  }
}

function union(members: readonly (SyntaxNode | null)[]): AnnotationInfo {
  const infos = members.map((m) => annotationInfo(m));
  const optional = infos.some((i) => i.optional && i.type === 'unknown' && !i.className);
  const rest = infos.filter((i) => !(i.optional && i.type === 'unknown' && !i.className));
  // Union[int, None] is an int; Union[int, str] says nothing Tunekit can tune on.
  if (rest.length === 1) return { ...(rest[0] as AnnotationInfo), optional: optional || (rest[0] as AnnotationInfo).optional };
  return { ...UNKNOWN, optional };
}

function literal(args: readonly SyntaxNode[]): AnnotationInfo {
  const choices: JsonValue[] = [];
  for (const arg of args) {
    const node = arg.type === 'type' ? arg.namedChildren[0] : arg;
    const value = literalValue(node)?.value;
    if (value === undefined) return UNKNOWN;
    choices.push(value);
  }
  const optional = choices.includes(null);
  const values = choices.filter((c) => c !== null);
  return { type: commonType(values), choices: values, optional, classVar: false };
}

function commonType(values: readonly JsonValue[]): ParamType {
  if (values.length === 0) return 'unknown';
  if (values.every((v) => typeof v === 'string')) return 'str';
  if (values.every((v) => typeof v === 'boolean')) return 'bool';
  if (values.every((v) => typeof v === 'number')) return values.every((v) => Number.isInteger(v)) ? 'int' : 'float';
  return 'unknown';
}
