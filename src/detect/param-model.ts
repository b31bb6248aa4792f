/**
 * What analysis of a training script finds: the shape every extractor returns, the space
 * proposal reads, injection consults and apply-back rewrites. Offsets are JS string indices
 * (UTF-16 code units) into the file's text, as tree-sitter reports them for string input.
 */
import type { JsonValue } from '../core/space/distributions';

/** How the script receives a hyperparameter; decides both extraction and injection. */
export type ParamSource =
  | 'argparse'
  | 'click'
  | 'typer'
  | 'absl'
  | 'constant' // module-level NAME = literal, read as a global
  | 'dataclass' // a field of a @dataclass config (HfArgumentParser makes these flags)
  | 'yaml' // a key in a YAML config file the script loads
  | 'json' // a key in a JSON config file the script loads
  | 'hydra'; // a key of a Hydra config (overridden with key=value arguments)

export type ParamType = 'float' | 'int' | 'bool' | 'str' | 'list' | 'unknown';

/** Where a default is written; valueStart/valueEnd exist only when the text is a literal apply-back may rewrite. */
export interface SourceSpan {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly valueStart?: number;
  readonly valueEnd?: number;
}

export interface ExtractedParam {
  /**
   * The parameter's name as Tunekit injects it: the long flag without dashes for CLI sources
   * (`batch-size`, `learning_rate`), the variable name for constants (`LR`), the field name
   * for dataclasses, the dotted key for config files (`optimizer.lr`).
   */
  readonly name: string;
  readonly source: ParamSource;
  /** The flag as written (`--batch-size`), for CLI sources. */
  readonly flag?: string;
  /** The Python attribute the value lands in (`args.batch_size`), where there is one. */
  readonly dest?: string;
  readonly type: ParamType;
  /** The default as a JSON value; undefined when there is none or it is not a literal. */
  readonly default?: JsonValue;
  /** The default's source text, verbatim (`1e-3`, `LR`, `os.environ["X"]`). */
  readonly defaultText?: string;
  readonly choices?: readonly JsonValue[];
  readonly help?: string;
  /** How a boolean is switched on the command line. */
  readonly boolStyle?: 'store_true' | 'store_false' | 'value' | 'paired-flags';
  readonly location: SourceSpan;
  /** False for what is clearly not a hyperparameter (paths, logging, device, marked seeds). */
  readonly tunable: boolean;
  /** Why it is not tuned by default, for the user ("a file path", "logging"). */
  readonly notTunedReason?: string;
}

/** One signal that a file trains a model, with where it was seen. */
export interface Evidence {
  readonly kind: 'import' | 'training-loop' | 'entry-point' | 'framework-call';
  /** e.g. "imports torch", "calls optimizer.step()", "has if __name__ == '__main__'". */
  readonly description: string;
  readonly line: number;
  readonly weight: number;
}

export interface ScriptAnalysis {
  readonly file: string;
  /** Higher is more likely a training script; 0 means none of the signals. */
  readonly score: number;
  readonly evidence: readonly Evidence[];
  readonly params: readonly ExtractedParam[];
  /** Config files the script loads, resolved to paths (YAML / JSON / Hydra config dir + name). */
  readonly configFiles: readonly string[];
  /** Readable problems met on the way (syntax errors with lines, an unreadable config file). */
  readonly problems: readonly string[];
}
