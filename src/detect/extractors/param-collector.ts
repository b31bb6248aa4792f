/**
 * Assembles one extractor's result: parameter records with their source location, the module
 * constants consumed as defaults, and readable problems. Shared by the command-line extractors
 * so every one reports locations, duplicates and constants the same way.
 */
import type { ExtractedParam, SourceSpan } from '../param-model';
import type { SyntaxNode } from '../python-parser';
import type { DefaultValue } from './default-value';
import type { ExtractionContext, ExtractionResult } from './extractor';

/**
 * Why a positional argument is listed but not tuned: Tunekit passes parameters as options, and
 * a positional (a dataset path, an input file) is something the study must fix.
 */
export const POSITIONAL_REASON = 'a positional argument: Tunekit passes parameters as options, so give it a fixed value';

/** A parameter as an extractor describes it; location and tunable are filled in here. */
export type ParamFields = Omit<ExtractedParam, 'location' | 'tunable'> & {
  readonly tunable?: boolean;
};

/** Where a declaration starts: a 0-based row and a string index on that row. */
export interface Anchor {
  readonly row: number;
  readonly index: number;
}

/**
 * Where a call such as `parser.add_argument(...)` is declared: at the start of the dotted name
 * on the line of the method name. The call node itself is not used because, after a syntax
 * error on an earlier line, tree-sitter may glue earlier text onto the call's receiver.
 */
export function callAnchor(call: SyntaxNode, text: string): Anchor {
  const callee = call.childForFieldName('function');
  const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute') : callee;
  if (!name) return { row: call.startPosition.row, index: call.startIndex };
  let index = name.startIndex;
  while (index > 0 && /[\w.]/.test(text[index - 1]!)) index--;
  while (text[index] === '.') index++;
  return { row: name.startPosition.row, index };
}

export class ParamCollector {
  private readonly params: ExtractedParam[] = [];
  private readonly names = new Set<string>();
  private readonly consumed = new Set<string>();
  private readonly problems: string[] = [];

  constructor(private readonly context: ExtractionContext) {}

  /**
   * Adds a parameter declared at `at` whose default is `value`. A second declaration of the
   * same name (another subcommand's `--lr`) is dropped: one flag can carry one value per trial,
   * and the first declaration is the one a reader meets first.
   */
  add(at: SyntaxNode | Anchor, fields: ParamFields, value?: DefaultValue): void {
    if (value?.constant !== undefined) this.consumed.add(value.constant);
    if (this.names.has(fields.name)) return;
    this.names.add(fields.name);
    const record: Record<string, unknown> = { ...fields, tunable: fields.tunable ?? true, location: this.span(at, value) };
    // Absent rather than undefined, so records compare and serialise cleanly.
    for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
    this.params.push(record as unknown as ExtractedParam);
  }

  /** A declaration that could not be read, as `file:line: message`. */
  problem(at: SyntaxNode | Anchor, message: string): void {
    this.problems.push(`${this.context.file}:${anchorOf(at).row + 1}: ${message}`);
  }

  result(): ExtractionResult {
    return {
      params: this.params,
      ...(this.consumed.size > 0 ? { consumedConstants: [...this.consumed] } : {}),
      ...(this.problems.length > 0 ? { problems: this.problems } : {}),
    };
  }

  private span(at: SyntaxNode | Anchor, value: DefaultValue | undefined): SourceSpan {
    const { row, index } = anchorOf(at);
    const lineStart = this.context.text.lastIndexOf('\n', index - 1) + 1;
    return {
      file: this.context.file,
      line: row + 1,
      // From string indices rather than tree-sitter's column, so it counts UTF-16 code units
      // like editors do even when the line has non-ASCII text before the declaration.
      column: index - lineStart + 1,
      ...(value?.valueStart !== undefined && value.valueEnd !== undefined ? { valueStart: value.valueStart, valueEnd: value.valueEnd } : {}),
    };
  }
}

function anchorOf(at: SyntaxNode | Anchor): Anchor {
  return 'row' in at ? at : { row: at.startPosition.row, index: at.startIndex };
}
