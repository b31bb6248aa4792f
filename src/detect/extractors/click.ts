/**
 * click options: every `click.option(...)` / `click.argument(...)` call, as a decorator or
 * stored for reuse (`common = [click.option(...), ...]`), however click was imported
 * (`import click as c`, `from click import option`). cloup, a click extension with the same
 * signatures, is read too.
 *
 * The name is the long option as written (`--batch-size` -> `batch-size`); dest is the Python
 * parameter click derives (`batch_size`), which is the command function's parameter.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ParamType } from '../param-model';
import { literalValue, stringValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';
import { callArguments } from './call-arguments';
import { clickDest, parseOptionDeclarations, primaryFlag, switchOf } from './click-declarations';
import { readDefault } from './default-value';
import type { ExtractionContext, ExtractionResult } from './extractor';
import { POSITIONAL_REASON, ParamCollector, callAnchor } from './param-collector';
import type { Anchor } from './param-collector';
import { importTable, qualifiedName } from './python-imports';
import type { ImportTable } from './python-imports';

const MODULES = ['click', 'cloup'];

export function extractClick(context: ExtractionContext): ExtractionResult {
  const imports = importTable(context.tree);
  const out = new ParamCollector(context);
  for (const call of context.tree.rootNode.descendantsOfType('call')) {
    if (!call) continue;
    const callee = qualifiedName(call.childForFieldName('function'), imports);
    const [module, kind, ...rest] = callee?.split('.') ?? [];
    if (!module || !MODULES.includes(module) || rest.length > 0) continue;
    if (kind === 'option') addOption(call, context, imports, out);
    else if (kind === 'argument') addArgument(call, context, out);
  }
  return out.result();
}

function declarationsOf(call: SyntaxNode, at: Anchor, out: ParamCollector): string[] | undefined {
  const declarations: string[] = [];
  for (const node of callArguments(call).positional) {
    const text = stringValue(node);
    if (text === undefined) {
      out.problem(at, `${call.childForFieldName('function')?.text ?? 'option'}(${node.text}, ...) builds its name at run time, so Tunekit cannot list it; write the option name as a string literal to tune it`);
      return undefined;
    }
    declarations.push(text);
  }
  return declarations.length > 0 ? declarations : undefined;
}

function addArgument(call: SyntaxNode, context: ExtractionContext, out: ParamCollector): void {
  const at = callAnchor(call, context.text);
  const name = declarationsOf(call, at, out)?.[0];
  if (name === undefined) return;
  const help = literalValue(callArguments(call).keywords.get('help'))?.value;
  out.add(at, {
    name,
    source: 'click',
    dest: name.replace(/-/g, '_').toLowerCase(),
    type: 'str',
    help: typeof help === 'string' ? help : undefined,
    tunable: false,
    notTunedReason: POSITIONAL_REASON,
  });
}

function addOption(call: SyntaxNode, context: ExtractionContext, imports: ImportTable, out: ParamCollector): void {
  const at = callAnchor(call, context.text);
  const declarations = declarationsOf(call, at, out);
  if (!declarations) return;
  const parsed = parseOptionDeclarations(declarations);
  const primary = primaryFlag(parsed);
  if (primary === undefined) return;
  const kw = callArguments(call).keywords;
  const declared = kw.get('default');
  const defaultValue = declared ? readDefault(declared, context.constants) : undefined;
  const help = literalValue(kw.get('help'))?.value;
  const common = {
    name: primary.replace(/^-+/, ''),
    source: 'click' as const,
    dest: clickDest(parsed),
    defaultText: defaultValue?.text,
    help: typeof help === 'string' ? help : undefined,
  };

  const flagValue = kw.get('flag_value');
  const isFlag = isTrue(kw.get('is_flag')) || parsed.secondary.length > 0 || (flagValue !== undefined && !isFalse(kw.get('is_flag')));
  if (isFlag) {
    const flagLiteral = flagValue ? literalValue(flagValue, context.constants)?.value : true;
    if (typeof flagLiteral !== 'boolean') {
      // `--upper` with flag_value='upper': one of several flags sharing a destination.
      out.add(at, { ...common, flag: primary, type: 'unknown', default: defaultValue?.value, tunable: false, notTunedReason: 'a flag that stores a fixed value (flag_value=...)' }, defaultValue);
      return;
    }
    const value = defaultValue ? defaultValue.value : false; // click's implicit default for a flag
    // An explicit flag_value says what the flag sets, whatever the default.
    const explicit = flagValue !== undefined && parsed.secondary.length === 0;
    const { flag, boolStyle } = explicit
      ? { flag: primary, boolStyle: flagLiteral ? ('store_true' as const) : ('store_false' as const) }
      : switchOf(primary, parsed.secondary, value === true);
    out.add(at, { ...common, flag, type: 'bool', default: value, boolStyle }, defaultValue);
    return;
  }

  const type = optionType(kw, imports, context, defaultValue?.literalType);
  if (isTrue(kw.get('count'))) {
    out.add(at, { ...common, flag: primary, type: 'int', default: defaultValue?.value, tunable: false, notTunedReason: 'a counted switch (-vv): Tunekit passes one value per option, not a repetition count' }, defaultValue);
    return;
  }
  const nargs = literalValue(kw.get('nargs'))?.value;
  const list = isTrue(kw.get('multiple')) || (typeof nargs === 'number' && nargs !== 1);
  out.add(
    at,
    {
      ...common,
      flag: primary,
      type: list ? 'list' : type.type,
      default: defaultValue?.value,
      choices: type.choices,
      boolStyle: !list && type.type === 'bool' ? 'value' : undefined,
    },
    defaultValue,
  );
}

interface OptionType {
  readonly type: ParamType;
  readonly choices?: JsonValue[];
}

/** type=float / click.FLOAT / click.Choice([...]) / click.IntRange(...) ...; else guessed from the default as click does. */
function optionType(kw: ReadonlyMap<string, SyntaxNode>, imports: ImportTable, context: ExtractionContext, fromDefault: ParamType | undefined): OptionType {
  const node = kw.get('type');
  // Click guesses the type from the default; a default that is not a literal hides it.
  const guessed = fromDefault ?? (kw.has('default') ? 'unknown' : 'str');
  if (!node) return { type: guessed };
  if (node.type === 'tuple') return { type: 'list' };
  const isCall = node.type === 'call';
  const name = qualifiedName(isCall ? node.childForFieldName('function') : node, imports);
  switch (name?.replace(/^cloup\./, 'click.')) {
    case 'float':
    case 'click.FLOAT':
    case 'click.FloatRange':
      return { type: 'float' };
    case 'int':
    case 'click.INT':
    case 'click.IntRange':
      return { type: 'int' };
    case 'bool':
    case 'click.BOOL':
      return { type: 'bool' };
    case 'str':
    case 'click.STRING':
    case 'click.UUID':
    case 'click.Path':
    case 'click.File':
    case 'click.DateTime':
      return { type: 'str' };
    case 'click.Tuple':
      return { type: 'list' };
    case 'click.Choice': {
      const args = isCall ? callArguments(node) : undefined;
      const value = literalValue(args?.positional[0] ?? args?.keywords.get('choices'), context.constants)?.value;
      return Array.isArray(value) ? { type: 'str', choices: value } : { type: 'str' };
    }
    default:
      return { type: fromDefault ?? 'unknown' };
  }
}

function isTrue(node: SyntaxNode | undefined): boolean {
  return node !== undefined && literalValue(node)?.value === true;
}

function isFalse(node: SyntaxNode | undefined): boolean {
  return node !== undefined && literalValue(node)?.value === false;
}
