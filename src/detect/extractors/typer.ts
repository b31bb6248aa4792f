/**
 * typer options: the parameters of a typer command, i.e. a function given to `typer.run(f)`,
 * decorated with `@app.command()` / `@app.callback()` (or registered as `app.command()(f)`)
 * where `app = typer.Typer()`, or declaring `typer.Option` / `typer.Argument` itself. Both
 * spellings of an option are read: `epochs: int = typer.Option(10, help=...)` and
 * `epochs: Annotated[int, typer.Option(help=...)] = 10`.
 *
 * Typer names options from the parameter (`batch_size` -> `--batch-size`, lower-cased) and
 * makes every bool a `--x/--no-x` pair; parameters without a default, and typer.Argument, are
 * positional arguments, listed with tunable: false.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ParamType } from '../param-model';
import { literalValue, stringValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';
import { callArguments } from './call-arguments';
import { parseOptionDeclarations, primaryFlag, switchOf } from './click-declarations';
import type { DefaultValue } from './default-value';
import { readDefault } from './default-value';
import type { EnumMember } from './enum-classes';
import { enumClasses } from './enum-classes';
import type { ExtractionContext, ExtractionResult } from './extractor';
import { POSITIONAL_REASON, ParamCollector } from './param-collector';
import { importTable, qualifiedName } from './python-imports';
import type { ImportTable } from './python-imports';

interface Scope {
  readonly context: ExtractionContext;
  readonly imports: ImportTable;
  readonly enums: ReadonlyMap<string, EnumMember[]>;
  readonly out: ParamCollector;
}

export function extractTyper(context: ExtractionContext): ExtractionResult {
  const imports = importTable(context.tree);
  const out = new ParamCollector(context);
  // Without an import of typer, `@app.command()` belongs to something else (a click group).
  if (![...imports.values()].some((m) => m === 'typer' || m.startsWith('typer.'))) return out.result();
  const scope: Scope = { context, imports, enums: enumClasses(context.tree), out };
  for (const fn of commandFunctions(scope)) {
    for (const parameter of fn.childForFieldName('parameters')?.namedChildren ?? []) {
      if (parameter) addParameter(parameter, scope);
    }
  }
  return out.result();
}

/** The functions typer turns into commands, in source order, each once. */
function commandFunctions({ context, imports }: Scope): SyntaxNode[] {
  const root = context.tree.rootNode;
  const apps = new Set<string>();
  for (const assignment of root.descendantsOfType('assignment')) {
    const right = assignment?.childForFieldName('right');
    const left = assignment?.childForFieldName('left');
    if (left && right?.type === 'call' && qualifiedName(right.childForFieldName('function'), imports) === 'typer.Typer') apps.add(left.text);
  }
  const clickImported = [...imports.values()].some((m) => m === 'click' || m.startsWith('click.'));
  // With no Typer() in sight (the app is imported from another module), `x.command()` is still
  // typer's when click is not imported too.
  const isRegistration = (node: SyntaxNode | null): boolean => {
    if (node?.type !== 'call') return false;
    const callee = node.childForFieldName('function');
    const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
    const object = callee?.childForFieldName('object')?.text ?? '';
    return (method === 'command' || method === 'callback') && (apps.has(object) || (apps.size === 0 && !clickImported));
  };

  const named = new Set<string>();
  const chosen = new Set<number>();
  for (const call of root.descendantsOfType('call')) {
    if (!call) continue;
    const callee = call.childForFieldName('function');
    const first = callArguments(call).positional[0];
    // typer.run(main) and app.command()(main)
    if ((qualifiedName(callee, imports) === 'typer.run' || isRegistration(callee)) && first?.type === 'identifier') named.add(first.text);
  }
  const functions = root.descendantsOfType('function_definition').filter((f): f is SyntaxNode => f !== null);
  for (const fn of functions) {
    const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent : undefined;
    const registered = decorated?.namedChildren.some((d) => d?.type === 'decorator' && isRegistration(d.namedChildren[0] ?? null)) ?? false;
    const name = fn.childForFieldName('name')?.text ?? '';
    if (registered || named.has(name) || declaresTyperParameters(fn, imports)) chosen.add(fn.id);
  }
  return functions.filter((f) => chosen.has(f.id));
}

function declaresTyperParameters(fn: SyntaxNode, imports: ImportTable): boolean {
  return (fn.childForFieldName('parameters')?.namedChildren ?? []).some((p) => {
    if (!p) return false;
    const value = p.childForFieldName('value');
    const type = p.childForFieldName('type');
    return markerKind(value, imports) !== undefined || (type !== null && annotatedMarker(type, imports) !== undefined);
  });
}

/** `typer.Option(...)` -> option, `typer.Argument(...)` -> argument. */
function markerKind(node: SyntaxNode | null | undefined, imports: ImportTable): 'option' | 'argument' | undefined {
  if (node?.type !== 'call') return undefined;
  const name = qualifiedName(node.childForFieldName('function'), imports);
  return name === 'typer.Option' ? 'option' : name === 'typer.Argument' ? 'argument' : undefined;
}

function addParameter(parameter: SyntaxNode, scope: Scope): void {
  const { context, imports, out } = scope;
  let nameNode: SyntaxNode | null = null;
  if (parameter.type === 'identifier') nameNode = parameter;
  else if (parameter.type === 'typed_parameter') nameNode = parameter.namedChildren.find((c) => c?.type === 'identifier') ?? null;
  else if (parameter.type === 'default_parameter' || parameter.type === 'typed_default_parameter') nameNode = parameter.childForFieldName('name');
  if (nameNode?.type !== 'identifier') return; // *args, **kwargs, separators
  const pythonName = nameNode.text;
  const annotation = parameter.childForFieldName('type');
  const value = parameter.childForFieldName('value');
  const base = annotation ? baseType(annotation) : undefined;
  if (base && lastName(typeParts(base).head) === 'Context') return; // typer passes the click context itself

  const fromAnnotation = annotation ? annotatedMarker(annotation, imports) : undefined;
  const fromValue = markerKind(value, imports) ? value! : undefined;
  const marker = fromAnnotation ?? fromValue;
  const markerArgs = marker ? callArguments(marker) : undefined;
  const kind = marker ? markerKind(marker, imports)! : value ? 'option' : 'argument';

  // Old style: typer.Option(default, *declarations); Annotated style: typer.Option(*declarations) = default.
  let defaultNode: SyntaxNode | undefined;
  let declarationNodes: readonly SyntaxNode[] = [];
  if (fromValue && markerArgs) {
    defaultNode = markerArgs.keywords.get('default') ?? markerArgs.positional[0];
    declarationNodes = markerArgs.keywords.has('default') ? markerArgs.positional : markerArgs.positional.slice(1);
  } else {
    defaultNode = value ?? undefined;
    declarationNodes = markerArgs?.positional ?? [];
  }
  if (defaultNode?.type === 'ellipsis') defaultNode = undefined; // `...` means required
  const help = literalValue(markerArgs?.keywords.get('help'))?.value;
  const common = { source: 'typer' as const, dest: pythonName, help: typeof help === 'string' ? help : undefined };

  const type = base ? annotationType(base, scope) : { type: 'str' as ParamType }; // typer reads an unannotated parameter as str
  const defaultValue = defaultNode ? enumDefault(defaultNode, type, scope) ?? readDefault(defaultNode, context.constants) : undefined;

  if (kind === 'argument') {
    out.add(parameter, { ...common, name: pythonName, type: type.type, default: defaultValue?.value, defaultText: defaultValue?.text, choices: type.choices, tunable: false, notTunedReason: POSITIONAL_REASON }, defaultValue);
    return;
  }

  const declarations = declarationNodes.map((n) => stringValue(n)).filter((s): s is string => s !== undefined && s.startsWith('-'));
  const optionName = pythonName.toLowerCase().replace(/_/g, '-');
  const isBool = type.type === 'bool';
  const parsed = parseOptionDeclarations(declarations.length > 0 ? declarations : [isBool ? `--${optionName}/--no-${optionName}` : `--${optionName}`]);
  const primary = primaryFlag(parsed)!;
  const name = primary.replace(/^-+/, '');
  if (isBool) {
    const { flag, boolStyle } = switchOf(primary, parsed.secondary, defaultValue?.value === true);
    out.add(parameter, { ...common, name, flag, type: 'bool', default: defaultValue?.value, defaultText: defaultValue?.text, boolStyle }, defaultValue);
    return;
  }
  out.add(parameter, { ...common, name, flag: primary, type: type.type, default: defaultValue?.value, defaultText: defaultValue?.text, choices: type.choices }, defaultValue);
}

interface TypeInfo {
  readonly type: ParamType;
  readonly choices?: JsonValue[];
  readonly enumName?: string;
}

/** A type as head + arguments: `Optional[List[int]]`, `typing.Annotated[int, ...]`, `int | None`. */
interface TypeParts {
  readonly head: string;
  readonly args: readonly SyntaxNode[];
}

function typeParts(node: SyntaxNode): TypeParts {
  switch (node.type) {
    case 'type': {
      const inner = node.namedChildren[0];
      return inner ? typeParts(inner) : { head: '', args: [] };
    }
    case 'generic_type': {
      const [head, parameters] = node.namedChildren;
      return { head: head?.text ?? '', args: (parameters?.namedChildren ?? []).filter((c): c is SyntaxNode => c !== null) };
    }
    case 'subscript':
      return { head: node.childForFieldName('value')?.text ?? '', args: node.childrenForFieldName('subscript').filter((c): c is SyntaxNode => c !== null) };
    case 'binary_operator': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      return { head: '|', args: [left, right].filter((c): c is SyntaxNode => c !== null) };
    }
    case 'none':
      return { head: 'None', args: [] };
    case 'string':
      // A forward reference, "int": its text names the type.
      return { head: stringValue(node) ?? '', args: [] };
    default:
      return { head: node.text, args: [] };
  }
}

function lastName(head: string): string {
  return head.split('.').pop() ?? head;
}

/** The type inside `Annotated[T, ...]`, or the annotation itself. */
function baseType(annotation: SyntaxNode): SyntaxNode {
  const parts = typeParts(annotation);
  return lastName(parts.head) === 'Annotated' && parts.args[0] ? parts.args[0] : annotation;
}

function annotatedMarker(annotation: SyntaxNode, imports: ImportTable): SyntaxNode | undefined {
  const parts = typeParts(annotation);
  if (lastName(parts.head) !== 'Annotated') return undefined;
  for (const arg of parts.args.slice(1)) {
    const node = arg.type === 'type' ? arg.namedChildren[0] : arg;
    if (markerKind(node, imports)) return node!;
  }
  return undefined;
}

const LIST_TYPES = new Set(['List', 'list', 'Tuple', 'tuple', 'Set', 'set', 'FrozenSet', 'frozenset', 'Sequence']);
const STRING_TYPES = new Set(['str', 'Path', 'PurePath', 'datetime', 'UUID']);

function annotationType(node: SyntaxNode, scope: Scope): TypeInfo {
  const parts = typeParts(node);
  const head = lastName(parts.head);
  if (head === 'Annotated' || head === 'Optional') return parts.args[0] ? annotationType(parts.args[0], scope) : { type: 'unknown' };
  if (head === 'Union' || head === '|') {
    const members = parts.args.filter((a) => typeParts(a).head !== 'None');
    return members.length === 1 ? annotationType(members[0]!, scope) : { type: 'unknown' };
  }
  if (head === 'int' || head === 'float' || head === 'bool') return { type: head };
  if (STRING_TYPES.has(head)) return { type: 'str' };
  if (LIST_TYPES.has(head)) return { type: 'list' };
  const members = scope.enums.get(head);
  if (members) {
    // Typer accepts an Enum's values on the command line.
    const values = members.map((m) => m.value);
    if (values.length > 0 && values.every((v) => typeof v === 'string')) return { type: 'str', choices: values as string[], enumName: head };
    if (values.length > 0 && values.every((v) => typeof v === 'number' && Number.isInteger(v))) return { type: 'int', choices: values as number[], enumName: head };
  }
  return { type: 'unknown' };
}

/**
 * `optimizer: Optimizer = Optimizer.adam` defaults to the member's value. No span: apply-back
 * writing a bare value over `Optimizer.adam` would change the parameter's Python type.
 */
function enumDefault(node: SyntaxNode, type: TypeInfo, scope: Scope): DefaultValue | undefined {
  if (!type.enumName || node.type !== 'attribute' || node.childForFieldName('object')?.text !== type.enumName) return undefined;
  const member = scope.enums.get(type.enumName)?.find((m) => m.name === node.childForFieldName('attribute')?.text);
  return member?.value !== undefined ? { value: member.value, text: node.text } : undefined;
}
