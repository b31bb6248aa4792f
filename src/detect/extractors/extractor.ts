/**
 * The extractor contract: one file per way a script reads its hyperparameters (argparse,
 * click, typer, absl, constants, dataclasses, config files). Each gets the parsed file and
 * returns what it found; analyze-script.ts runs them all, merges, and marks what is not a
 * hyperparameter (so extractors return everything with tunable: true).
 */
import type { ExtractedParam } from '../param-model';
import type { ConstantTable } from '../python-literal';
import type { SyntaxTree } from '../python-parser';

export interface ExtractionContext {
  /** Absolute path of the script. */
  readonly file: string;
  readonly text: string;
  readonly tree: SyntaxTree;
  /** Module-level constants, to resolve `default=LR`. */
  readonly constants: ConstantTable;
}

export interface ExtractionResult {
  readonly params: ExtractedParam[];
  /** Names of module constants this extractor consumed as another parameter's default. */
  readonly consumedConstants?: readonly string[];
  /** Config files found and read (config-file extractor). */
  readonly configFiles?: readonly string[];
  readonly problems?: readonly string[];
}

export type Extractor = (context: ExtractionContext) => ExtractionResult | Promise<ExtractionResult>;
