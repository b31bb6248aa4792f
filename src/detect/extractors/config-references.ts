/**
 * Finds the config files a script reads, in its syntax tree: loader calls (`yaml.safe_load(f)`
 * after `with open(PATH) as f`, `json.load(open(PATH))`, `OmegaConf.load(PATH)`), a config
 * option's default (`--config configs/base.yaml`), a config-path constant
 * (`CONFIG_PATH = "configs/base.yaml"`), and Hydra's `@hydra.main(config_path, config_name)`.
 */
import * as path from 'node:path';
import { literalValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';
import type { ExtractionContext } from './extractor';
import type { PathScope, PathValue } from './path-expression';
import { evaluatePath } from './path-expression';
import { calleeName, descendantsOfType, lastSegment } from './python-call';
import { callArguments } from './call-arguments';

/** How the script reads the file: decides the parser's flavour; 'path' when only the path was seen. */
export type ConfigLoader = 'yaml' | 'json' | 'omegaconf' | 'path';

export interface ConfigReference {
  readonly loader: ConfigLoader;
  /** What was seen, for messages: "yaml.safe_load", "the --config option's default", "CONFIG_PATH". */
  readonly how: string;
  /** 1-based line in the script. */
  readonly line: number;
  /** The path expression as written, for messages. */
  readonly expression: string;
  /** The files it can name; empty when Tunekit cannot work it out. */
  readonly paths: readonly PathValue[];
}

export interface HydraReference {
  readonly line: number;
  /** config_path, resolved; undefined when the decorator gives none. */
  readonly configPath?: PathValue;
  readonly configPathExpression?: string;
  readonly configName?: string;
}

export interface ConfigReferences {
  readonly files: ConfigReference[];
  readonly hydra: HydraReference[];
}

const CONFIG_FILE = /\.(ya?ml|json)$/i;
/** Option and constant names that say "a config file", so a `--data train.json` is not taken for one. */
const CONFIG_NAME = /conf|cfg|hparam|hyper|param|setting/i;

export function findConfigReferences(ctx: ExtractionContext): ConfigReferences {
  const options = commandLineOptions(ctx.tree.rootNode);
  const optionDefaults = new Map<string, SyntaxNode>();
  for (const o of options) if (o.default && !optionDefaults.has(o.dest)) optionDefaults.set(o.dest, o.default);
  const scope: PathScope = { scriptFile: ctx.file, root: ctx.tree.rootNode, constants: ctx.constants, optionDefaults };

  const files: ConfigReference[] = [];
  const hydra: HydraReference[] = [];
  for (const call of descendantsOfType(ctx.tree.rootNode, 'call')) {
    const callee = calleeName(call) ?? '';
    const line = call.startPosition.row + 1;
    const loader = loaderOf(callee);
    if (loader) {
      const args = callArguments(call);
      const arg = args.positional[0] ?? args.keywords.get('stream') ?? args.keywords.get('fp');
      if (!arg) continue;
      // yaml.safe_load("a: 1") parses text written in the script, not a file (OmegaConf.load takes a path).
      if (loader !== 'omegaconf' && (arg.type === 'string' || arg.type === 'concatenated_string')) continue;
      const target = streamTarget(arg, scope) ?? (loader === 'omegaconf' ? arg : undefined);
      const paths = target ? evaluatePath(target, scope) : [];
      const expression = (target ?? arg).text;
      // json.load also reads data (annotations, vocabularies, metrics lines): only a file or a
      // variable named like a config is taken for one.
      if (loader === 'json' && !CONFIG_NAME.test(expression) && !paths.some((p) => CONFIG_NAME.test(path.basename(p.path))) && !CONFIG_NAME.test(assignedTo(call))) continue;
      files.push({ loader, how: callee, line, expression, paths });
      continue;
    }
    if (isHydraMain(call, callee)) hydra.push(hydraReference(call, scope));
  }

  for (const option of options) {
    const value = option.default ? literalValue(option.default, ctx.constants)?.value : undefined;
    if (typeof value !== 'string' || !CONFIG_FILE.test(value) || !CONFIG_NAME.test(option.dest)) continue;
    files.push({
      loader: 'path',
      how: `the ${option.flag} option's default`,
      line: option.call.startPosition.row + 1,
      expression: (option.default as SyntaxNode).text,
      paths: evaluatePath(option.default, scope),
    });
  }
  for (const [name, constant] of ctx.constants) {
    if (typeof constant.value !== 'string' || !CONFIG_FILE.test(constant.value) || !CONFIG_NAME.test(name)) continue;
    files.push({ loader: 'path', how: name, line: constant.node.startPosition.row + 1, expression: constant.node.text, paths: evaluatePath(constant.node, scope) });
  }
  return { files, hydra };
}

function loaderOf(callee: string): ConfigLoader | undefined {
  if (/^(yaml\.)?(safe_load|full_load|unsafe_load)$/.test(callee) || callee === 'yaml.load') return 'yaml';
  if (callee === 'json.load' || callee === 'json.loads') return 'json';
  if (/(^|\.)OmegaConf\.load$/.test(callee)) return 'omegaconf';
  return undefined;
}

/**
 * The path expression behind a stream or text argument: `open(P)`, `open(P).read()`,
 * `Path(P).read_text()`, `P.open()`, or a name bound by `with open(P) as f` / `f = open(P)`.
 */
function streamTarget(node: SyntaxNode, scope: PathScope, depth = 0): SyntaxNode | undefined {
  if (depth > 4) return undefined;
  if (node.type === 'call') {
    const callee = calleeName(node) ?? '';
    const args = callArguments(node);
    if (/^(open|io\.open|codecs\.open|builtins\.open)$/.test(callee)) return args.positional[0] ?? args.keywords.get('file');
    const fn = node.childForFieldName('function');
    if (fn?.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text;
      const object = fn.childForFieldName('object');
      if (!object) return undefined;
      if (method === 'read') return streamTarget(object, scope, depth + 1);
      if (method === 'read_text' || method === 'open') return object;
    }
    return undefined;
  }
  if (node.type === 'identifier') {
    const bound = streamBinding(node, scope.root);
    return bound ? streamTarget(bound, scope, depth + 1) : undefined;
  }
  return undefined;
}

/** What `f` holds: the nearest enclosing `with X as f`, else the last `f = X` before this use. */
function streamBinding(use: SyntaxNode, root: SyntaxNode): SyntaxNode | undefined {
  for (let n = use.parent; n; n = n.parent) {
    if (n.type !== 'with_statement') continue;
    for (const item of descendantsOfType(n.namedChildren[0] ?? n, 'as_pattern')) {
      const alias = item.childForFieldName('alias');
      if (alias?.text === use.text) return item.namedChildren[0] ?? undefined;
    }
  }
  let found: SyntaxNode | undefined;
  for (const assignment of descendantsOfType(root, 'assignment')) {
    if (assignment.startIndex >= use.startIndex) break;
    if (assignment.childForFieldName('left')?.text === use.text) found = assignment.childForFieldName('right') ?? undefined;
  }
  return found;
}

/** The name a call's result is assigned to (`cfg = json.load(f)` -> "cfg"), or "". */
function assignedTo(call: SyntaxNode): string {
  for (let n = call.parent; n; n = n.parent) {
    if (n.type === 'assignment') return n.childForFieldName('left')?.text ?? '';
    if (n.type !== 'call' && n.type !== 'argument_list' && n.type !== 'parenthesized_expression') return '';
  }
  return '';
}

function isHydraMain(call: SyntaxNode, callee: string): boolean {
  if (call.parent?.type !== 'decorator') return false;
  if (callee === 'hydra.main') return true;
  // `from hydra import main`: a decorator call named main with Hydra's keywords.
  const { keywords } = callArguments(call);
  return callee === 'main' && (keywords.has('config_name') || keywords.has('config_path'));
}

function hydraReference(call: SyntaxNode, scope: PathScope): HydraReference {
  const { positional, keywords } = callArguments(call);
  const pathNode = keywords.get('config_path') ?? positional[0];
  const nameNode = keywords.get('config_name') ?? positional[1];
  const configName = literalValue(nameNode, scope.constants)?.value;
  const configPath = pathNode && pathNode.type !== 'none' ? evaluatePath(pathNode, scope)[0] : undefined;
  return {
    line: call.startPosition.row + 1,
    ...(configPath ? { configPath } : {}),
    ...(pathNode && pathNode.type !== 'none' ? { configPathExpression: pathNode.text } : {}),
    ...(typeof configName === 'string' ? { configName } : {}),
  };
}

interface CommandLineOption {
  /** The attribute or parameter the value lands in (`config` for `--config`). */
  readonly dest: string;
  readonly flag: string;
  readonly default?: SyntaxNode;
  readonly call: SyntaxNode;
}

/** argparse add_argument, click / typer option decorators and absl DEFINE_* calls, with their defaults. */
function commandLineOptions(root: SyntaxNode): CommandLineOption[] {
  const out: CommandLineOption[] = [];
  for (const call of descendantsOfType(root, 'call')) {
    const last = lastSegment(calleeName(call)) ?? '';
    const { positional, keywords } = callArguments(call);
    const names = positional.map((p) => literalValue(p)?.value).filter((v): v is string => typeof v === 'string');
    if (last === 'add_argument' || (last === 'option' && call.parent?.type === 'decorator')) {
      const long = names.find((n) => n.startsWith('--'));
      const plain = names.find((n) => !n.startsWith('-'));
      const short = names.find((n) => n.startsWith('-'));
      const explicit = literalValue(keywords.get('dest'))?.value;
      const flag = long ?? short ?? plain;
      if (!flag) continue;
      const dest = typeof explicit === 'string' ? explicit : (plain ?? flag).replace(/^-+/, '').replace(/-/g, '_');
      const fallback = keywords.get('default');
      out.push({ dest, flag, call, ...(fallback ? { default: fallback } : {}) });
    } else if (/^DEFINE_(string|enum)$/.test(last) && names[0]) {
      const fallback = keywords.get('default') ?? positional[1];
      out.push({ dest: names[0], flag: `--${names[0]}`, call, ...(fallback ? { default: fallback } : {}) });
    }
  }
  return out;
}
