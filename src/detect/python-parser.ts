/**
 * Python parsing with tree-sitter compiled to WebAssembly: no Python process and no native
 * module is needed to analyse a script, and the same code runs in the CLI and in VS Code.
 *
 * The runtime (web-tree-sitter.wasm) and the grammar (tree-sitter-python.wasm, from
 * @vscode/tree-sitter-wasm) are found next to the bundle in dist/ (copied there by the build)
 * or, when running from the sources, in node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';

export type { Node as SyntaxNode, Tree as SyntaxTree };

/** Refuse files larger than this: a generated or data file, not a training script. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/** Why a file could not be analysed; `file` says which. */
export class PythonSourceError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'binary' | 'too-large' | 'unreadable',
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'PythonSourceError';
  }

  static is(err: unknown, reason?: PythonSourceError['reason']): err is PythonSourceError {
    return err instanceof PythonSourceError && (reason === undefined || err.reason === reason);
  }
}

let ready: Promise<Parser> | undefined;

/** The shared parser, loaded once. */
export function pythonParser(): Promise<Parser> {
  ready ??= load();
  return ready;
}

async function load(): Promise<Parser> {
  const runtime = locate('web-tree-sitter.wasm', () => require_().resolve('web-tree-sitter/web-tree-sitter.wasm'));
  const grammar = locate('tree-sitter-python.wasm', () => require_().resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm'));
  await Parser.init({ locateFile: () => runtime });
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammar));
  return parser;
}

function require_(): NodeRequire {
  return createRequire(import.meta.url);
}

/** A wasm file beside this module (the bundle in dist/), else resolved from node_modules. */
function locate(name: string, fromNodeModules: () => string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, name);
  return fs.existsSync(beside) ? beside : fromNodeModules();
}

/** Parses source text. Syntax errors do not throw: the tree marks them (hasError / ERROR nodes). */
export async function parsePython(text: string): Promise<Tree> {
  const parser = await pythonParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/**
 * Reads a file as Python source, refusing binary and enormous files with a clear reason
 * instead of feeding them to the parser.
 */
export function readPythonSource(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new PythonSourceError(file, 'unreadable', `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (stat.size > MAX_SOURCE_BYTES) {
    throw new PythonSourceError(file, 'too-large', `${(stat.size / 1048576).toFixed(1)} MB is too large for a training script (limit ${MAX_SOURCE_BYTES / 1048576} MB); skipped`);
  }
  const bytes = fs.readFileSync(file);
  if (bytes.includes(0)) throw new PythonSourceError(file, 'binary', 'binary content (a NUL byte), not Python source; skipped');
  return bytes.toString('utf8');
}

/** Lines with syntax errors, 1-based, for messages like "train.py:12: syntax error". */
export function syntaxErrorLines(tree: Tree): number[] {
  const lines = new Set<number>();
  const visit = (node: Node): void => {
    if (node.type === 'ERROR' || node.isMissing) lines.add(node.startPosition.row + 1);
    else if (node.hasError) for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  return [...lines].sort((a, b) => a - b);
}
