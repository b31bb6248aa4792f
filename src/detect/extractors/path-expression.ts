/**
 * Works out which file a path expression in a script names, without running it: string
 * literals, module constants, local variables, `args.config` (the flag's default),
 * `os.path.join(os.path.dirname(__file__), "conf.yaml")`, `Path(__file__).parent / "conf.yaml"`,
 * and a helper's parameter (`def load(path): ...` called as `load("conf.yaml")`).
 */
import * as path from 'node:path';
import type { ConstantTable } from '../python-literal';
import { literalValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';
import { calleeName, descendantsOfType, lastSegment } from './python-call';
import { callArguments } from './call-arguments';

export interface PathValue {
  readonly path: string;
  /**
   * Built from `__file__`, or absolute: it points where it says. Otherwise Python resolves it
   * against the working folder the script is started in, which the analysis cannot know.
   */
  readonly anchored: boolean;
}

export interface PathScope {
  readonly scriptFile: string;
  readonly root: SyntaxNode;
  readonly constants: ConstantTable;
  /** Command-line option name (argparse dest, click parameter, absl flag) -> its default expression. */
  readonly optionDefaults: ReadonlyMap<string, SyntaxNode>;
}

/** Every file the expression can name (a helper called with two configs gives two); empty when unknown. */
export function evaluatePath(node: SyntaxNode | null | undefined, scope: PathScope, depth = 0): PathValue[] {
  if (!node || depth > 8) return [];
  const next = (n: SyntaxNode | null | undefined): PathValue[] => evaluatePath(n, scope, depth + 1);
  switch (node.type) {
    case 'string':
    case 'concatenated_string': {
      const s = literalValue(node)?.value;
      return typeof s === 'string' && s !== '' ? [{ path: s, anchored: path.isAbsolute(s) }] : [];
    }
    case 'parenthesized_expression':
      return next(node.namedChildren[0]);
    case 'identifier':
      return identifier(node, scope, depth);
    case 'attribute': {
      const attribute = node.childForFieldName('attribute')?.text ?? '';
      const object = node.childForFieldName('object');
      if (attribute === 'parent') return next(object).map((p) => ({ ...p, path: path.dirname(p.path) }));
      // args.config, FLAGS.config, opt.cfg: the option's default.
      return next(scope.optionDefaults.get(attribute));
    }
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.text;
      const left = next(node.childForFieldName('left'));
      const right = next(node.childForFieldName('right'));
      if (op === '/') return combine(left, right, (a, b) => join([a, b]));
      if (op === '+') return combine(left, right, (a, b) => ({ path: a.path + b.path, anchored: a.anchored }));
      return [];
    }
    case 'call':
      return call(node, scope, depth);
    default:
      return [];
  }
}

function call(node: SyntaxNode, scope: PathScope, depth: number): PathValue[] {
  const next = (n: SyntaxNode | null | undefined): PathValue[] => evaluatePath(n, scope, depth + 1);
  const callee = calleeName(node) ?? '';
  const { positional } = callArguments(node);
  const fn = node.childForFieldName('function');
  // Methods on a path: Path(x).resolve(), p.absolute(), p.joinpath("a", "b").
  if (fn?.type === 'attribute' && !/^(os\.path|osp|path|pathlib)\./.test(callee)) {
    const method = fn.childForFieldName('attribute')?.text;
    const object = fn.childForFieldName('object');
    if (method === 'resolve' || method === 'absolute' || method === 'expanduser') return next(object);
    if (method === 'joinpath') return positional.reduce((acc, arg) => combine(acc, next(arg), (a, b) => join([a, b])), next(object));
  }
  if (/^(os\.path|osp|path)\.join$/.test(callee) || callee === 'Path' || callee === 'pathlib.Path' || callee === 'PurePath') {
    if (positional.length === 0) return [];
    return positional.slice(1).reduce((acc, arg) => combine(acc, next(arg), (a, b) => join([a, b])), next(positional[0]));
  }
  if (/^(os\.path|osp|path)\.dirname$/.test(callee)) return next(positional[0]).map((p) => ({ ...p, path: path.dirname(p.path) }));
  if (/^(os\.path|osp|path)\.(abspath|realpath|normpath|expanduser)$/.test(callee) || callee === 'str' || callee === 'os.fspath') {
    return next(positional[0]);
  }
  return [];
}

function identifier(node: SyntaxNode, scope: PathScope, depth: number): PathValue[] {
  const name = node.text;
  if (name === '__file__') return [{ path: scope.scriptFile, anchored: true }];
  const constant = scope.constants.get(name);
  if (constant) return evaluatePath(constant.node, scope, depth + 1);
  // The nearest assignment before this use in the enclosing function, else at module level.
  const fn = enclosingFunction(node);
  const assigned = fn
    ? (lastAssignment(fn, name, fn, node.startIndex) ?? lastAssignment(scope.root, name, undefined, undefined))
    : lastAssignment(scope.root, name, undefined, node.startIndex);
  if (assigned) return evaluatePath(assigned, scope, depth + 1);
  if (fn) {
    const fromParameter = parameterValues(fn, name, scope, depth);
    if (fromParameter) return fromParameter;
  }
  // A click / typer command receives its option as a parameter of the same name.
  return evaluatePath(scope.optionDefaults.get(name), scope, depth + 1);
}

function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return undefined;
}

/** The value of the last `name = value` owned by `owner` (a function, or undefined for module level) before an offset. */
function lastAssignment(within: SyntaxNode, name: string, owner: SyntaxNode | undefined, before: number | undefined): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  for (const assignment of descendantsOfType(within, 'assignment')) {
    if (before !== undefined && assignment.startIndex >= before) continue;
    if (enclosingFunction(assignment)?.id !== owner?.id) continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && left.text === name && right) found = right;
  }
  return found;
}

/** `def load(path="base.yaml")` called as `load("exp.yaml")`: the default and every literal call site. */
function parameterValues(fn: SyntaxNode, name: string, scope: PathScope, depth: number): PathValue[] | undefined {
  const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
  let index = -1;
  let defaultValue: SyntaxNode | undefined;
  params.forEach((p, i) => {
    if (!p) return;
    const pname = p.type === 'identifier' ? p : p.childForFieldName('name');
    if (pname?.text !== name) return;
    index = i;
    defaultValue = p.childForFieldName('value') ?? undefined;
  });
  if (index < 0) return undefined;
  const fnName = fn.childForFieldName('name')?.text;
  const isMethod = fn.parent?.parent?.type === 'class_definition';
  const out: PathValue[] = [...evaluatePath(defaultValue, scope, depth + 1)];
  for (const site of descendantsOfType(scope.root, 'call')) {
    if (!fnName || lastSegment(calleeName(site)) !== fnName) continue;
    const args = callArguments(site);
    const arg = args.keywords.get(name) ?? args.positional[isMethod ? index - 1 : index];
    out.push(...evaluatePath(arg, scope, depth + 1));
  }
  return out;
}

function join(parts: readonly PathValue[]): PathValue {
  const first = parts[0] as PathValue;
  let joined = first.path;
  let anchored = first.anchored;
  for (const part of parts.slice(1)) {
    // os.path.join and Path both restart at an absolute component.
    if (path.isAbsolute(part.path)) {
      joined = part.path;
      anchored = true;
    } else {
      joined = path.join(joined, part.path);
    }
  }
  return { path: joined, anchored };
}

/** Every combination, capped: a path built from two helpers' parameters should not explode. */
function combine(left: readonly PathValue[], right: readonly PathValue[], f: (a: PathValue, b: PathValue) => PathValue): PathValue[] {
  return left.flatMap((a) => right.map((b) => f(a, b))).slice(0, 16);
}
