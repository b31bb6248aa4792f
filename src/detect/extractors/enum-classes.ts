/**
 * Enum classes defined in the script, so a typer option annotated `optimizer: Optimizer` or an
 * absl `DEFINE_enum_class` lists its members as choices.
 */
import type { JsonValue } from '../../core/space/distributions';
import { literalValue } from '../python-literal';
import type { SyntaxTree } from '../python-parser';

export interface EnumMember {
  readonly name: string;
  /** Undefined for members whose value is not a literal (`auto()`). */
  readonly value?: JsonValue;
}

const ENUM_BASES = new Set(['Enum', 'StrEnum', 'IntEnum', 'Flag', 'IntFlag']);

/** Class name -> its members, for classes deriving from an Enum base, in definition order. */
export function enumClasses(tree: SyntaxTree): Map<string, EnumMember[]> {
  const table = new Map<string, EnumMember[]>();
  for (const cls of tree.rootNode.descendantsOfType('class_definition')) {
    const name = cls?.childForFieldName('name');
    const bases = cls?.childForFieldName('superclasses');
    const body = cls?.childForFieldName('body');
    if (!name || !bases || !body) continue;
    const isEnum = bases.namedChildren.some((b) => b && ENUM_BASES.has(b.text.split('.').pop() ?? ''));
    if (!isEnum) continue;
    const members: EnumMember[] = [];
    for (const stmt of body.namedChildren) {
      const assign = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
      if (assign?.type !== 'assignment') continue;
      const left = assign.childForFieldName('left');
      const right = assign.childForFieldName('right');
      // Python treats _sunder_ and __dunder__ names as enum configuration, not members.
      if (left?.type !== 'identifier' || !right || left.text.startsWith('_')) continue;
      const literal = literalValue(right);
      members.push(literal ? { name: left.text, value: literal.value } : { name: left.text });
    }
    table.set(name.text, members);
  }
  return table;
}
