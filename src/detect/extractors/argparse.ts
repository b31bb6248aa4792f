/**
 * argparse options: every `X.add_argument(...)` call in the file, whatever the parser is called
 * and wherever it is built (module level, inside `get_args()`, argument groups, subparsers,
 * parent parsers, a `def add_args(parser)` helper), plus `X.set_defaults(dest=value)`, which
 * overrides an argument's own default whatever the order of the two calls.
 *
 * Positional arguments are listed with tunable: false: Tunekit passes parameters as options, and
 * a positional (`data`, a dataset path) is something the study must fix, not tune.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ExtractedParam, ParamType } from '../param-model';
import { literalValue, stringValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';
import { callArguments } from './call-arguments';
import type { CallArguments } from './call-arguments';
import type { DefaultValue } from './default-value';
import { coerceStringDefault, readDefault } from './default-value';
import type { ExtractionContext, ExtractionResult } from './extractor';
import { POSITIONAL_REASON, ParamCollector, callAnchor } from './param-collector';
import type { Anchor, ParamFields } from './param-collector';
import { importTable, qualifiedName } from './python-imports';
import type { ImportTable } from './python-imports';

interface Declaration {
  readonly at: Anchor;
  readonly args: CallArguments;
  readonly optionStrings: readonly string[];
  readonly dest: string;
}

interface Override {
  /** The value of `lr=0.1` inside set_defaults: where the effective default is written. */
  readonly at: SyntaxNode;
  readonly value: DefaultValue;
}

export function extractArgparse(context: ExtractionContext): ExtractionResult {
  const imports = importTable(context.tree);
  const out = new ParamCollector(context);
  const declarations: Declaration[] = [];
  const overrides = new Map<string, Override>();

  for (const call of context.tree.rootNode.descendantsOfType('call')) {
    const callee = call?.childForFieldName('function');
    if (!call || callee?.type !== 'attribute') continue;
    const method = callee.childForFieldName('attribute')?.text;
    if (method === 'add_argument') {
      const declaration = readDeclaration(call, context.text, out);
      if (declaration) declarations.push(declaration);
    } else if (method === 'set_defaults') {
      for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
        if (arg?.type !== 'keyword_argument') continue;
        const name = arg.childForFieldName('name');
        const value = arg.childForFieldName('value');
        // argparse keeps set_defaults values parser-wide; the last call wins, as at run time.
        if (name && value) overrides.set(name.text, { at: value, value: readDefault(value, context.constants) });
      }
    }
  }

  for (const declaration of declarations) addParam(declaration, overrides.get(declaration.dest), context, imports, out);
  return out.result();
}

function readDeclaration(call: SyntaxNode, text: string, out: ParamCollector): Declaration | undefined {
  const args = callArguments(call);
  const at = callAnchor(call, text);
  const optionStrings: string[] = [];
  for (const node of args.positional) {
    const option = stringValue(node);
    if (option === undefined) {
      out.problem(at, `add_argument(${node.text}, ...) builds its name at run time, so Tunekit cannot list that option; write the flag as a string literal to tune it`);
      return undefined;
    }
    optionStrings.push(option);
  }
  // `add_argument(*names, **options)` in a wrapper: nothing to read here.
  if (optionStrings.length === 0) return undefined;
  const explicitDest = stringOf(args.keywords.get('dest'));
  return { at, args, optionStrings, dest: explicitDest ?? destOf(optionStrings) };
}

/** argparse's rule: the first long option (else the first option), dashes stripped, `-` -> `_`. */
function destOf(optionStrings: readonly string[]): string {
  const first = optionStrings[0]!;
  if (!first.startsWith('-')) return first;
  const long = optionStrings.find(isLong) ?? first;
  return long.replace(/^-+/, '').replace(/-/g, '_');
}

/** argparse calls an option long when its second character is also a prefix character. */
function isLong(option: string): boolean {
  return option.length > 2 && option.startsWith('--');
}

function addParam(
  declaration: Declaration,
  override: Override | undefined,
  context: ExtractionContext,
  imports: ImportTable,
  out: ParamCollector,
): void {
  const { args, optionStrings, dest } = declaration;
  const kw = args.keywords;
  const action = actionOf(kw.get('action'), imports);
  if (action === 'help' || action === 'version') return;

  const declared = kw.get('default');
  const ownDefault = declared && !isSuppress(declared, imports) ? readDefault(declared, context.constants) : undefined;
  const defaultValue = override?.value ?? ownDefault;
  const at = override?.at ?? declaration.at;
  const help = helpOf(kw.get('help'), imports);
  const choices = choicesOf(kw.get('choices'), context);

  const positional = !optionStrings[0]!.startsWith('-');
  const flag = positional ? undefined : (optionStrings.find(isLong) ?? optionStrings[0]!);
  const name = flag ? flag.replace(/^-+/, '') : dest;
  const common = { name, source: 'argparse' as const, flag, dest, help, defaultText: defaultValue?.text };

  const switchStyle = switchOf(action, kw, context);
  if (switchStyle) {
    // store_true's implicit default is False and store_false's True; an explicit one wins.
    const implicit = switchStyle === 'store_true' ? false : switchStyle === 'store_false' ? true : undefined;
    out.add(at, { ...common, type: 'bool', default: defaultValue ? defaultValue.value : implicit, boolStyle: switchStyle }, defaultValue);
    return;
  }

  const type = typeOf(action, kw, imports, defaultValue, choices);
  const value = coerceStringDefault(defaultValue?.value, type.type);
  const fields: ParamFields = { ...common, type: type.type, default: value, choices, boolStyle: type.boolStyle };
  // `metavar='PATH'` is the script's own word that the value is a file or folder.
  const metavar = kw.get('metavar');
  const pathReason = metavar && /path|file|dir|folder/i.test(metavar.text) ? PATH_METAVAR_REASON : undefined;
  const notTunedReason = positional ? POSITIONAL_REASON : (type.notTunedReason ?? pathReason);
  out.add(at, { ...fields, ...(notTunedReason ? { tunable: false, notTunedReason } : {}) }, defaultValue);
}

const PATH_METAVAR_REASON = 'a file or folder path (its metavar says so)';

/** `action='store_true'` -> store_true; `action=argparse.BooleanOptionalAction` -> its last name. */
function actionOf(node: SyntaxNode | undefined, imports: ImportTable): string | undefined {
  if (!node) return undefined;
  const text = stringValue(node);
  if (text !== undefined) return text;
  const name = qualifiedName(node, imports);
  return name ? name.split('.').pop() : node.text;
}

function switchOf(action: string | undefined, kw: ReadonlyMap<string, SyntaxNode>, context: ExtractionContext): ExtractedParam['boolStyle'] | undefined {
  if (action === 'store_true' || action === 'store_false') return action;
  if (action === 'BooleanOptionalAction') return 'paired-flags';
  if (action === 'store_const') {
    // `store_const, const=True, default=False` is store_true spelled out.
    const constant = literalValue(kw.get('const'), context.constants)?.value;
    if (constant === true) return 'store_true';
    if (constant === false) return 'store_false';
  }
  return undefined;
}

interface TypeInfo {
  readonly type: ParamType;
  readonly boolStyle?: ExtractedParam['boolStyle'];
  readonly notTunedReason?: string;
}

function typeOf(
  action: string | undefined,
  kw: ReadonlyMap<string, SyntaxNode>,
  imports: ImportTable,
  defaultValue: DefaultValue | undefined,
  choices: readonly JsonValue[] | undefined,
): TypeInfo {
  if (action === 'count') return { type: 'int', notTunedReason: 'a counted switch (-vv): Tunekit passes one value per option, not a repetition count' };
  if (action === 'store_const' || action === 'append_const') return { type: 'unknown', notTunedReason: `action='${action}' stores a fixed value when the option is present` };
  if (action === 'append' || action === 'extend' || isList(kw.get('nargs'))) return { type: 'list' };
  if (action !== undefined && action !== 'store') return { type: 'unknown' };

  const converter = kw.get('type');
  if (converter) {
    if (converter.type === 'lambda') return { type: 'unknown' };
    const name = qualifiedName(converter, imports);
    const last = name?.split('.').pop()?.toLowerCase() ?? '';
    if (name === 'float' || name === 'int' || name === 'str') return { type: name };
    if (name === 'bool') {
      return {
        type: 'bool',
        boolStyle: 'value',
        notTunedReason: "type=bool turns every non-empty value into True ('--flag False' is True); use action='store_true' or argparse.BooleanOptionalAction to tune it",
      };
    }
    // str2bool, strtobool, boolean_string...: the usual helpers that read 'true' / 'false'.
    if (last.includes('bool')) return { type: 'bool', boolStyle: 'value' };
    if (last === 'path' || last === 'purepath') return { type: 'str' };
  }
  const fromDefault = defaultValue?.literalType;
  if (fromDefault === 'bool' && !converter) {
    // A number given as a string fails loudly in the script; 'False' as a string is silently true.
    return {
      type: 'bool',
      boolStyle: 'value',
      notTunedReason: "without type= or action= argparse passes the string 'False', which Python treats as true; use action='store_true' or argparse.BooleanOptionalAction to tune it",
    };
  }
  if (fromDefault) return fromDefault === 'bool' ? { type: 'bool', boolStyle: 'value' } : { type: fromDefault };
  const fromChoices = choicesType(choices);
  if (fromChoices) return { type: fromChoices };
  // Without type= argparse hands the script the string as typed; a converter of the script's
  // own is unknown.
  return { type: converter ? 'unknown' : 'str' };
}

function isList(nargs: SyntaxNode | undefined): boolean {
  if (!nargs) return false;
  const value = literalValue(nargs)?.value;
  if (value === '+' || value === '*') return true;
  if (typeof value === 'number') return true; // nargs=1 still gives a list
  return nargs.text.endsWith('REMAINDER');
}

function choicesType(choices: readonly JsonValue[] | undefined): ParamType | undefined {
  if (!choices || choices.length === 0) return undefined;
  if (choices.every((c) => typeof c === 'string')) return 'str';
  if (choices.every((c) => typeof c === 'number' && Number.isInteger(c))) return 'int';
  if (choices.every((c) => typeof c === 'number')) return 'float';
  return undefined;
}

/** A literal list or tuple (or a constant holding one), or `range(...)` of integer literals. */
function choicesOf(node: SyntaxNode | undefined, context: ExtractionContext): JsonValue[] | undefined {
  if (!node) return undefined;
  const value = literalValue(node, context.constants)?.value;
  if (Array.isArray(value)) return value;
  if (node.type === 'call' && node.childForFieldName('function')?.text === 'range') {
    const bounds = callArguments(node).positional.map((n) => literalValue(n)?.value);
    if (bounds.length === 0 || bounds.length > 3 || !bounds.every((b) => typeof b === 'number' && Number.isInteger(b))) return undefined;
    const [start, stop, step] = bounds.length === 1 ? [0, bounds[0] as number, 1] : [bounds[0] as number, bounds[1] as number, (bounds[2] as number | undefined) ?? 1];
    if (step === 0 || (stop - start) / step > 10_000) return undefined;
    const out: number[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
    return out;
  }
  return undefined;
}

function helpOf(node: SyntaxNode | undefined, imports: ImportTable): string | undefined {
  if (!node || isSuppress(node, imports)) return undefined;
  const value = literalValue(node)?.value;
  return typeof value === 'string' ? value : undefined;
}

function isSuppress(node: SyntaxNode, imports: ImportTable): boolean {
  return qualifiedName(node, imports)?.endsWith('SUPPRESS') ?? false;
}

function stringOf(node: SyntaxNode | undefined): string | undefined {
  return node ? stringValue(node) : undefined;
}
