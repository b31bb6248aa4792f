/**
 * The study file: the one document the CLI and the extension share about how to tune a script
 * (`tunekit tune` writes a proposal to it; the user edits it; the extension validates it with a
 * JSON Schema). Paths inside are relative to the study file's folder.
 *
 *   {
 *     "version": 1,
 *     "script": "train.py",
 *     "objective": "val_loss", "direction": "minimize",
 *     "injection": { "mode": "flags", "params": { "lr": { "flag": "--lr" } } },
 *     "space": { "lr": { "type": "float", "low": 1e-4, "high": 1e-2, "log": true } },
 *     "fixed": { "epochs": 10 },
 *     "reasons": { "lr": "a learning rate: log scale, 10x around the default 1e-3" }
 *   }
 */
import type { JsonValue } from '../core/space/distributions';

export const STUDY_FILE_VERSION = 1;

/** How a flag-based boolean is switched (argparse store_true, click --x/--no-x, absl --x/--nox). */
export type BoolFlagStyle = 'store_true' | 'store_false' | 'value' | 'paired-flags' | 'absl';

export interface FlagBinding {
  /** The flag as the script declares it, e.g. "--batch-size" or "--learning_rate". */
  readonly flag: string;
  readonly bool?: BoolFlagStyle;
}

export type InjectionSpec =
  /** Command-line flags; `params` maps parameter names to their flags (default: --<name>). */
  | { readonly mode: 'flags'; readonly style?: 'space' | 'equals'; readonly params?: Readonly<Record<string, FlagBinding>> }
  /** Only environment variables (TUNEKIT_PARAMS and TUNEKIT_PARAM_<NAME>). */
  | { readonly mode: 'env' }
  /** Module-level constants rewritten in memory by the Python shim before the script runs. */
  | { readonly mode: 'globals' }
  /** A per-trial copy of a YAML / JSON config file with the values set (dotted keys). */
  | { readonly mode: 'config'; readonly file: string; readonly format: 'yaml' | 'json' }
  /** Hydra `key=value` overrides appended to the command line. */
  | { readonly mode: 'hydra' };

/**
 * How to measure a checkpoint's quality after compressing it: a command (argv, no shell) run in
 * the study file's folder, in which `{model}` stands for the checkpoint's path, printing the
 * metric as a line the trial metric parser reads (`accuracy=0.97`, `{"accuracy": 0.97}` ...).
 */
export interface EvaluateSpec {
  /** E.g. ["/usr/bin/python3", "evaluate.py", "--model", "{model}"]. */
  readonly command: readonly string[];
  /** The metric to read from the command's output, e.g. "accuracy". */
  readonly metric: string;
  /** Whether higher (maximize, the default) or lower is better. */
  readonly direction?: 'maximize' | 'minimize';
}

/** The placeholder for the checkpoint's path in an evaluation command. */
export const EVALUATE_MODEL_PLACEHOLDER = '{model}';

export interface StudyFile {
  readonly version: typeof STUDY_FILE_VERSION;
  readonly script?: string;
  readonly python?: string;
  readonly objective?: string;
  readonly direction?: 'minimize' | 'maximize';
  readonly injection?: InjectionSpec;
  /** The search space (see src/core/space/search-space.ts for the format). */
  readonly space: Readonly<Record<string, unknown>>;
  /** Values passed on every trial but not tuned (e.g. epochs). */
  readonly fixed?: Readonly<Record<string, JsonValue>>;
  /** Why each range was proposed, for people reading the file. */
  readonly reasons?: Readonly<Record<string, string>>;
  /** How `tunekit prune` / `quantize` measure the model before and after (optional). */
  readonly evaluate?: EvaluateSpec;
}
