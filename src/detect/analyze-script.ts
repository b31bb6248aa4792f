/**
 * One script, analysed: read, parse (recovering from syntax errors), score as a training script,
 * run every extractor and merge what they found into one list of parameters in source order.
 *
 * Unreadable input is an error the caller reports: analyzeScript throws PythonSourceError
 * (binary, too large, unreadable) rather than returning an empty analysis that would read as
 * "no parameters". Syntax errors are not: the parts that parse still give their parameters, and
 * the analysis carries one problem per broken line ("train.py:12: syntax error").
 */
import * as path from 'node:path';
import { extractAbsl } from './extractors/absl';
import { extractArgparse } from './extractors/argparse';
import { extractClick } from './extractors/click';
import { extractConfigFiles } from './extractors/config-files';
import { extractConstants } from './extractors/constants';
import { extractDataclasses } from './extractors/dataclasses';
import type { ExtractionContext, ExtractionResult, Extractor } from './extractors/extractor';
import { extractTyper } from './extractors/typer';
import { classifyTunable } from './not-tuned';
import type { ExtractedParam, ParamSource, ScriptAnalysis } from './param-model';
import { moduleConstants } from './python-literal';
import type { SyntaxNode, SyntaxTree } from './python-parser';
import { parsePython, readPythonSource } from './python-parser';
import { detectTrainingSignals } from './script-detection';

/** Run in this order; the order only matters for problems, the merge sorts by position. */
const EXTRACTORS: readonly (readonly [string, Extractor])[] = [
  ['argparse', extractArgparse],
  ['click', extractClick],
  ['typer', extractTyper],
  ['absl', extractAbsl],
  ['dataclass', extractDataclasses],
  ['config-file', extractConfigFiles],
  ['constant', extractConstants],
];

/**
 * When two extractors name the same parameter, the lower rank wins: the command line is how
 * the script really receives a value (a constant is often only the flag's default), then a
 * dataclass field (HfArgumentParser turns it into a flag), then config files.
 */
const SOURCE_RANK: Readonly<Record<ParamSource, number>> = {
  argparse: 0,
  click: 0,
  typer: 0,
  absl: 0,
  dataclass: 1,
  hydra: 2,
  yaml: 2,
  json: 2,
  constant: 3,
};

/** At most this many syntax-error lines are listed one by one; the rest are counted. */
const LISTED_SYNTAX_ERRORS = 5;

/** Reads and analyses a script; `text` analyses that text instead (an editor's unsaved buffer). Throws PythonSourceError. */
export async function analyzeScript(file: string, options: { text?: string } = {}): Promise<ScriptAnalysis> {
  const absolute = path.resolve(file);
  return analyzeText(absolute, options.text ?? readPythonSource(absolute));
}

/** Analyses source text that belongs to `file` (config files it loads are resolved beside it). */
export async function analyzeText(file: string, text: string): Promise<ScriptAnalysis> {
  return (await analyze(path.resolve(file), text, 0)) as ScriptAnalysis;
}

/**
 * Like analyzeText, but returns undefined without running the extractors when the file shows
 * no training signal (score 0): what a workspace scan wants for thousands of files.
 */
export async function analyzeIfTraining(file: string, text: string): Promise<ScriptAnalysis | undefined> {
  return analyze(path.resolve(file), text, 1);
}

async function analyze(file: string, text: string, minScore: number): Promise<ScriptAnalysis | undefined> {
  const parsed = await parseRecovering(text);
  try {
    const { score, evidence } = detectTrainingSignals(parsed.tree, parsed.text);
    if (score < minScore) return undefined;
    const name = path.basename(file);
    const problems = syntaxProblems(name, parsed.errorLines);
    const context: ExtractionContext = { file, text: parsed.text, tree: parsed.tree, constants: moduleConstants(parsed.tree) };
    const results: ExtractionResult[] = [];
    for (const [label, extractor] of EXTRACTORS) {
      try {
        results.push(await extractor(context));
      } catch (err) {
        // One extractor's bug must not cost the user the parameters the others found.
        problems.push(`${name}: the ${label} extractor failed (${(err as Error).message}); its parameters are missing. Please report this.`);
      }
    }
    const configFiles = unique(results.flatMap((r) => r.configFiles ?? []));
    for (const r of results) problems.push(...(r.problems ?? []));
    return { file, score, evidence, params: mergeParams(file, results, configFiles), configFiles, problems };
  } finally {
    parsed.tree.delete(); // WASM memory: a scan parses thousands of files
  }
}

/**
 * The merge rules: constants another extractor consumed (`default=LR`) are dropped, since the
 * flag is the parameter; one parameter per name, the best-ranked source winning; then each is
 * marked tunable or not; the script's own parameters come first in source order, then each
 * config file's in its order.
 */
export function mergeParams(file: string, results: readonly ExtractionResult[], configFiles: readonly string[] = []): ExtractedParam[] {
  const consumed = new Set(results.flatMap((r) => r.consumedConstants ?? []));
  const byName = new Map<string, ExtractedParam>();
  for (const r of results) {
    for (const p of r.params) {
      if (p.source === 'constant' && consumed.has(p.name)) continue;
      const seen = byName.get(p.name);
      if (!seen || SOURCE_RANK[p.source] < SOURCE_RANK[seen.source]) byName.set(p.name, p);
    }
  }
  const configOrder = configFiles.map((f) => path.resolve(f));
  const fileRank = (f: string): number => {
    const resolved = path.resolve(f);
    if (resolved === file) return 0;
    const i = configOrder.indexOf(resolved);
    return i < 0 ? configOrder.length + 1 : i + 1;
  };
  return [...byName.values()]
    .map(classifyTunable)
    .sort((a, b) => fileRank(a.location.file) - fileRank(b.location.file) || a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column);
}

function syntaxProblems(name: string, lines: readonly number[]): string[] {
  const listed = lines.slice(0, LISTED_SYNTAX_ERRORS).map((l) => `${name}:${l}: syntax error`);
  const more = lines.length - listed.length;
  if (more > 0) listed.push(`${name}: ${more} more syntax error${more === 1 ? '' : 's'} after line ${lines[LISTED_SYNTAX_ERRORS - 1]}`);
  return listed;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

interface RecoveredParse {
  readonly tree: SyntaxTree;
  /** The text the tree was parsed from: the source with broken lines blanked (same length, same offsets). */
  readonly text: string;
  /** 1-based lines with syntax errors, ascending. */
  readonly errorLines: number[];
}

/** Each repair reparses the file; a file this broken is not worth more. */
const MAX_REPAIRS = 20;

/**
 * Tree-sitter recovers from most errors locally, but an unclosed bracket can swallow the rest
 * of the file into one ERROR node (and the parameters declared there with it). So the line
 * where the first error really starts is blanked (spaces, so every offset stays valid for
 * apply-back) and the file reparsed, while that shrinks what lies inside ERROR nodes.
 * Errors tree-sitter already repaired with a MISSING token are reported, not blanked.
 */
async function parseRecovering(source: string): Promise<RecoveredParse> {
  let tree = await parsePython(source);
  let text = source;
  const blanked = new Set<number>();
  let damage = errorBytes(tree.rootNode);
  for (let i = 0; i < MAX_REPAIRS && damage > 0; i++) {
    const row = firstErrorRow(tree.rootNode);
    if (row === undefined || blanked.has(row)) break;
    const next = blankLine(text, row);
    if (next === text) break;
    const reparsed = await parsePython(next);
    const nextDamage = errorBytes(reparsed.rootNode);
    if (nextDamage >= damage) {
      reparsed.delete();
      break;
    }
    tree.delete();
    tree = reparsed;
    text = next;
    damage = nextDamage;
    blanked.add(row);
  }
  const rows = new Set([...blanked, ...errorRows(tree.rootNode)]);
  return { tree, text, errorLines: [...rows].sort((a, b) => a - b).map((r) => r + 1) };
}

/** Characters inside ERROR nodes: how much of the file the parser could not make sense of. */
function errorBytes(node: SyntaxNode): number {
  if (node.type === 'ERROR') return Math.max(1, node.endIndex - node.startIndex);
  if (!node.hasError) return 0;
  let sum = 0;
  for (const child of node.children) if (child) sum += errorBytes(child);
  return sum;
}

const COMPLETE_STATEMENT = /(_statement|_definition)$/;

/**
 * The 0-based row where the first error really is. An ERROR node often starts with statements
 * that parsed fine (it wraps `import x` when the error is a missing colon three lines below),
 * so its first child that is not a whole, clean statement is the place.
 */
function firstErrorRow(node: SyntaxNode): number | undefined {
  if (node.isMissing) return node.startPosition.row;
  if (node.type !== 'ERROR' && !node.hasError) return undefined;
  for (const child of node.children) {
    if (!child) continue;
    if (child.type === 'ERROR' || child.isMissing || child.hasError) return firstErrorRow(child) ?? child.startPosition.row;
    const clean = child.isNamed && (COMPLETE_STATEMENT.test(child.type) || child.type === 'comment');
    if (node.type === 'ERROR' && !clean) return child.startPosition.row;
  }
  return node.startPosition.row;
}

/** Rows of every remaining error (ERROR nodes at their real start, MISSING tokens where inserted). */
function errorRows(root: SyntaxNode): number[] {
  const rows: number[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      const row = firstErrorRow(node);
      rows.push(row ?? node.startPosition.row);
      return;
    }
    if (node.hasError) for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return rows;
}

/** Replaces a line's characters by spaces, keeping its length and line breaks. */
function blankLine(text: string, row: number): string {
  let start = 0;
  for (let r = 0; r < row; r++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  const line = text.slice(start, end);
  const spaces = line.replace(/[^\r]/g, ' ');
  return spaces === line ? text : text.slice(0, start) + spaces + text.slice(end);
}
