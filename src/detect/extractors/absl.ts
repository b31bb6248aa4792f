/**
 * absl flags: `flags.DEFINE_float('learning_rate', 0.01, 'help')` and its kin, through
 * `from absl import flags`, `import absl.flags`, bare `DEFINE_*` names, and the TF1 aliases
 * (`tf.app.flags`, `tf.compat.v1.flags`) that wrap absl.
 *
 * absl reads `--name=value` (or `--name value`); booleans are switched with `--name` /
 * `--noname`. Booleans get boolStyle 'paired-flags' with source 'absl': the injector
 * spells the off switch `--no<name>` for absl (the study file's 'absl' style), not `--no-<name>`.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ParamType } from '../param-model';
import { literalValue, stringValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';
import { callArguments } from './call-arguments';
import { coerceStringDefault, readDefault } from './default-value';
import { enumClasses } from './enum-classes';
import type { ExtractionContext, ExtractionResult } from './extractor';
import { ParamCollector, callAnchor } from './param-collector';
import { importTable, qualifiedName } from './python-imports';

/** DEFINE_<kind> -> the type the flag's value has. */
const KINDS: Readonly<Record<string, ParamType>> = {
  float: 'float',
  integer: 'int',
  string: 'str',
  boolean: 'bool',
  bool: 'bool',
  enum: 'str',
  enum_class: 'str',
  list: 'list',
  spaceseplist: 'list',
  multi_string: 'list',
  multi_integer: 'list',
  multi_float: 'list',
  multi_enum: 'list',
  multi_enum_class: 'list',
};

/** Kinds whose third positional argument is the choices, so help moves to the fourth. */
const CHOICE_KINDS = new Set(['enum', 'enum_class', 'multi_enum', 'multi_enum_class']);

export function extractAbsl(context: ExtractionContext): ExtractionResult {
  const imports = importTable(context.tree);
  const out = new ParamCollector(context);
  let enums: ReturnType<typeof enumClasses> | undefined;
  for (const call of context.tree.rootNode.descendantsOfType('call')) {
    if (!call) continue;
    const callee = qualifiedName(call.childForFieldName('function'), imports);
    const match = callee ? /^(?:(.*)\.)?DEFINE_(\w+)$/.exec(callee) : null;
    if (!match) continue;
    const [, owner, kind] = match;
    // absl.flags, tf.app.flags, gflags, or a bare DEFINE_* (star import).
    if (owner !== undefined && !/(^|\.)g?flags$/.test(owner)) continue;
    const type = KINDS[kind!];
    if (!type) continue; // DEFINE_alias, DEFINE_flag, DEFINE (a custom parser)

    const args = callArguments(call);
    const at = callAnchor(call, context.text);
    const positional = (index: number, keyword: string): SyntaxNode | undefined => args.keywords.get(keyword) ?? args.positional[index];
    const nameNode = positional(0, 'name');
    const name = nameNode ? stringValue(nameNode) : undefined;
    if (name === undefined) {
      out.problem(at, `${call.childForFieldName('function')?.text}(${nameNode?.text ?? ''}, ...) builds its flag name at run time, so Tunekit cannot list it; write the name as a string literal to tune it`);
      continue;
    }
    const choiceKind = CHOICE_KINDS.has(kind!);
    const helpValue = literalValue(positional(choiceKind ? 3 : 2, 'help'))?.value;
    const defaultNode = positional(1, 'default');
    const defaultValue = defaultNode ? readDefault(defaultNode, context.constants) : undefined;

    let choices: JsonValue[] | undefined;
    if (kind === 'enum' || kind === 'multi_enum') {
      const value = literalValue(positional(2, 'enum_values'), context.constants)?.value;
      if (Array.isArray(value)) choices = value;
    } else if (kind === 'enum_class' || kind === 'multi_enum_class') {
      // absl matches member names (case-insensitively by default), not values.
      enums ??= enumClasses(context.tree);
      const members = enums.get(positional(2, 'enum_class')?.text.split('.').pop() ?? '');
      if (members && members.length > 0) choices = members.map((m) => m.name);
    }

    out.add(
      at,
      {
        name,
        source: 'absl',
        flag: `--${name}`,
        dest: name,
        type,
        default: defaultOf(defaultValue?.value, type, kind!, defaultNode),
        defaultText: defaultValue?.text,
        choices,
        help: typeof helpValue === 'string' ? helpValue : undefined,
        boolStyle: type === 'bool' ? 'paired-flags' : undefined,
      },
      defaultValue,
    );
  }
  return out.result();
}

/**
 * The default as the flag holds it: absl parses string defaults (`'0.1'` for a float,
 * `'a,b'` for a list), and an enum_class default `Color.RED` is the member's name.
 */
function defaultOf(value: JsonValue | undefined, type: ParamType, kind: string, node: SyntaxNode | undefined): JsonValue | undefined {
  if (value === undefined && (kind === 'enum_class' || kind === 'multi_enum_class') && node?.type === 'attribute') {
    return node.childForFieldName('attribute')?.text;
  }
  // DEFINE_multi_*: one value stands for a list of one.
  if (kind.startsWith('multi_') && value !== undefined && value !== null && !Array.isArray(value)) {
    return [kind === 'multi_string' || kind.includes('enum') ? value : (coerceStringDefault(value, kind === 'multi_integer' ? 'int' : 'float') ?? value)];
  }
  if ((kind === 'list' || kind === 'spaceseplist') && typeof value === 'string') {
    const items = kind === 'spaceseplist' ? value.split(/\s+/) : value.split(',');
    return items.map((s) => s.trim()).filter((s) => s !== '');
  }
  return coerceStringDefault(value, type);
}
