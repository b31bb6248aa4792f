/**
 * Module-level constants as hyperparameters: `LR = 1e-3`, `BATCH_SIZE: int = 64`, and, in
 * nanoGPT-style scripts that end their settings block with `exec(open('configurator.py').read())`,
 * the lower-case globals before it (`learning_rate = 6e-4`), which that configurator overrides.
 * Tunekit injects these through its globals shim, which rewrites the assignments in memory.
 *
 * A dict constant the script hands to a library as its parameters (`xgb.train(PARAMS, ...)`,
 * `dict(PARAMS, seed=1)`, `**BASE_PARAMS`) is a set of hyperparameters: each entry is listed as
 * `PARAMS.max_depth`. Any other dict (a search grid whose values are all lists, a label map) is
 * listed whole, as one value.
 */
import * as path from 'node:path';
import type { JsonValue } from '../../core/space/distributions';
import type { ExtractedParam } from '../param-model';
import type { SyntaxNode } from '../python-parser';
import { literalValue } from '../python-literal';
import { constantExpression } from './constant-expression';
import type { ExtractionContext, ExtractionResult } from './extractor';
import { calleeName, descendantsOfType } from './python-call';
import { callArguments } from './call-arguments';
import { annotationInfo } from './type-annotation';

/** UPPER_CASE names are constants by convention, whatever follows them. */
const UPPER_CASE = /^[A-Z][A-Z0-9_]*$/;
/** Any public name: lower-case globals count only in a settings block a configurator overrides. */
const PUBLIC_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

interface TopLevelAssignment {
  readonly name: SyntaxNode;
  /** The statement's position among the module's statements. */
  readonly index: number;
  /** The value when the assignment is `NAME = <value>` or `NAME: T = <value>`; undefined for `+=`, unpacking, chains. */
  readonly value?: SyntaxNode;
  readonly annotation?: SyntaxNode;
  readonly statement: SyntaxNode;
}

export function extractConstants(ctx: ExtractionContext): ExtractionResult {
  const statements = ctx.tree.rootNode.namedChildren.filter((n): n is SyntaxNode => n !== null);
  const configurator = statements.findIndex(isConfiguratorExec);
  const byName = new Map<string, TopLevelAssignment[]>();
  statements.forEach((statement, index) => {
    for (const assignment of topLevelAssignments(statement, index)) {
      const list = byName.get(assignment.name.text) ?? [];
      list.push(assignment);
      byName.set(assignment.name.text, list);
    }
  });

  const where = path.basename(ctx.file);
  const params: ExtractedParam[] = [];
  const problems: string[] = [];
  for (const [name, assignments] of byName) {
    const first = assignments[0] as TopLevelAssignment;
    const inSettingsBlock = configurator >= 0 && first.index < configurator;
    if (!UPPER_CASE.test(name) && !(inSettingsBlock && PUBLIC_NAME.test(name))) continue;
    // Python keeps the last top-level assignment; earlier ones are dead for Tunekit's purposes.
    const last = assignments[assignments.length - 1] as TopLevelAssignment;
    // `LR: float = 1e-3` then `LR = 1e-4`: the declared type still holds.
    const annotation = [...assignments].reverse().find((a) => a.annotation)?.annotation;
    const found = constantParams(ctx, { ...last, annotation }, statements);
    const param = found[0];
    if (assignments.length > 1 && assignments.some((a) => a !== last && a.value && constantExpression(a.value))) {
      const lines = assignments.map((a) => a.name.startPosition.row + 1);
      const lastLine = lines[lines.length - 1] as number;
      problems.push(
        param
          ? `${where}:${lastLine}: ${name} is set ${assignments.length} times at the top level (lines ${lines.join(', ')}); the last one (line ${lastLine}) is the value the script runs with, so Tunekit reads and rewrites that one`
          : `${where}:${lastLine}: ${name} is set ${assignments.length} times at the top level (lines ${lines.join(', ')}) and the last one is not a plain value, so it is not offered for tuning`,
      );
    }
    params.push(...found);
  }
  return { params, problems };
}

function constantParams(ctx: ExtractionContext, assignment: TopLevelAssignment, statements: readonly SyntaxNode[]): ExtractedParam[] {
  const value = assignment.value;
  if (value?.type === 'dictionary' && isParamsDict(value, assignment.name.text, ctx.tree.rootNode)) {
    return dictEntries(ctx, assignment.name.text, value);
  }
  const found = constantExpression(value);
  if (!found || !value) return [];
  if (!isScalarOrList(found.value) && value.type !== 'dictionary') return [];
  const help = trailingComment(assignment.statement, statements);
  const annotation = annotationInfo(assignment.annotation);
  return [
    {
      name: assignment.name.text,
      source: 'constant',
      type: annotation.type !== 'unknown' ? annotation.type : found.type,
      default: found.value,
      defaultText: value.text,
      ...(annotation.choices ? { choices: annotation.choices } : {}),
      ...(help ? { help } : {}),
      location: {
        file: ctx.file,
        line: assignment.name.startPosition.row + 1,
        column: assignment.name.startPosition.column + 1,
        valueStart: value.startIndex,
        valueEnd: value.endIndex,
      },
      tunable: true,
    },
  ];
}

/**
 * A dict of settings rather than a grid or a lookup table: not every value is a list (a grid
 * such as GridSearchCV's param_grid), and the script passes it on as parameters.
 */
function isParamsDict(dict: SyntaxNode, name: string, root: SyntaxNode): boolean {
  const values = dict.namedChildren.filter((p) => p?.type === 'pair').map((p) => p?.childForFieldName('value')?.type);
  if (values.length === 0 || values.every((t) => t === 'list' || t === 'tuple')) return false;
  return descendantsOfType(root, 'identifier').some((use) => use.text === name && use.startIndex >= dict.endIndex && passesOn(use));
}

/** `f(PARAMS)`, `f(params=PARAMS)`, `f(**PARAMS)`, `{**PARAMS}`, `dict(PARAMS)`, `PARAMS.copy()`. */
function passesOn(use: SyntaxNode): boolean {
  const parent = use.parent;
  if (!parent) return false;
  if (parent.type === 'argument_list' || parent.type === 'dictionary_splat' || parent.type === 'list_splat') return true;
  if (parent.type === 'keyword_argument' && parent.childForFieldName('value')?.id === use.id) return true;
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === use.id) {
    return /^(copy|items)$/.test(parent.childForFieldName('attribute')?.text ?? '');
  }
  return false;
}

/** One parameter per entry (`PARAMS.eta`), nested dicts flattened (`PARAMS.tree.depth`). */
function dictEntries(ctx: ExtractionContext, prefix: string, dict: SyntaxNode): ExtractedParam[] {
  const out: ExtractedParam[] = [];
  for (const pair of dict.namedChildren) {
    if (pair?.type !== 'pair') continue;
    const keyNode = pair.childForFieldName('key');
    const valueNode = pair.childForFieldName('value');
    const key = keyNode ? literalValue(keyNode)?.value : undefined;
    if (typeof key !== 'string' || !keyNode || !valueNode) continue;
    const name = `${prefix}.${key}`;
    if (valueNode.type === 'dictionary') {
      out.push(...dictEntries(ctx, name, valueNode));
      continue;
    }
    // `"seed": SEED` or a computed entry: not a value of its own.
    const found = constantExpression(valueNode);
    if (!found || !isScalarOrList(found.value)) continue;
    out.push({
      name,
      source: 'constant',
      type: found.type,
      default: found.value,
      defaultText: valueNode.text,
      location: {
        file: ctx.file,
        line: keyNode.startPosition.row + 1,
        column: keyNode.startPosition.column + 1,
        valueStart: valueNode.startIndex,
        valueEnd: valueNode.endIndex,
      },
      tunable: true,
    });
  }
  return out;
}

/** Scalars and lists of them (a list holding dicts is a structure, not one value). */
function isScalarOrList(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.every((v) => v === null || typeof v !== 'object' || Array.isArray(v));
  return value === null || typeof value !== 'object';
}

function topLevelAssignments(statement: SyntaxNode, index: number): TopLevelAssignment[] {
  if (statement.type !== 'expression_statement') return [];
  const expr = statement.namedChildren[0];
  if (!expr) return [];
  if (expr.type === 'augmented_assignment') {
    const left = expr.childForFieldName('left');
    return left?.type === 'identifier' ? [{ name: left, index, statement }] : [];
  }
  if (expr.type !== 'assignment') return [];
  const left = expr.childForFieldName('left');
  const right = expr.childForFieldName('right');
  const annotation = expr.childForFieldName('type') ?? undefined;
  // `LR: float` alone declares without binding: nothing to read or rewrite.
  if (!right) return [];
  if (left?.type === 'identifier' && right.type !== 'assignment') {
    return [{ name: left, index, value: right, annotation, statement }];
  }
  // Unpacking (`A, B = 1, 2`) and chains (`A = B = 1`) bind names Tunekit cannot rewrite one by one.
  const names: SyntaxNode[] = [];
  const collect = (node: SyntaxNode | null): void => {
    if (!node) return;
    if (node.type === 'identifier') names.push(node);
    else if (node.type === 'pattern_list' || node.type === 'tuple_pattern' || node.type === 'list_pattern') node.namedChildren.forEach(collect);
  };
  collect(left);
  for (let r: SyntaxNode | null = right; r?.type === 'assignment'; r = r.childForFieldName('right')) collect(r.childForFieldName('left'));
  return names.map((name) => ({ name, index, statement }));
}

/**
 * nanoGPT's idiom: `exec(open('configurator.py').read())` runs a file that overrides the
 * globals defined above it from the command line and config files.
 */
function isConfiguratorExec(statement: SyntaxNode): boolean {
  if (statement.type !== 'expression_statement') return false;
  const call = statement.namedChildren[0];
  if (call?.type !== 'call' || calleeName(call) !== 'exec') return false;
  const source = callArguments(call).positional[0];
  if (!source) return false;
  return descendantsOfType(source, 'call').some((c) => {
    const name = calleeName(c) ?? c.childForFieldName('function')?.text ?? '';
    return /\.(read|read_text)$/.test(name);
  });
}

/** `LR = 1e-3  # peak learning rate` -> "peak learning rate". */
function trailingComment(statement: SyntaxNode, statements: readonly SyntaxNode[]): string | undefined {
  const row = statement.endPosition.row;
  const comment = statements.find((s) => s.type === 'comment' && s.startPosition.row === row && s.startIndex >= statement.endIndex);
  const text = comment?.text.replace(/^#+\s*/, '').trim();
  return text ? text : undefined;
}
