/**
 * The contract between the engine and a running trial, whatever executes it (local child, SSH,
 * a Slurm output file). Everything crosses as environment variables in, stdout lines out, so it
 * survives every executor. python/tunekit/__init__.py is the other side of this file: keep the
 * two in step.
 */

/**
 * A stdout line starting with this prefix carries one JSON object from the Python client:
 *   {"kind":"report","step":3,"metrics":{"loss":0.21,"acc":0.93}}
 *   {"kind":"final","metrics":{"loss":0.19}}      explicit final values
 *   {"kind":"pruned","step":3}                    the trial stopped itself after a prune request
 * Any other line is parsed as plain `key=value` / `key: value` text or a JSON object.
 */
export const REPORT_PREFIX = '@@tunekit ';

export type TrialMessage =
  | { readonly kind: 'report'; readonly step: number | null; readonly metrics: Readonly<Record<string, number>> }
  | { readonly kind: 'final'; readonly metrics: Readonly<Record<string, number>> }
  | { readonly kind: 'pruned'; readonly step: number | null };

/** Environment variables the engine sets for every trial. */
export const TRIAL_ENV = {
  /** JSON object of all parameter values of the trial. */
  params: 'TUNEKIT_PARAMS',
  trialNumber: 'TUNEKIT_TRIAL_NUMBER',
  studyName: 'TUNEKIT_STUDY_NAME',
  /**
   * A file path. The engine writes `prune` into it before it sends SIGTERM, so a script that
   * polls tunekit.should_prune() can stop at a clean point of its own.
   */
  controlFile: 'TUNEKIT_CONTROL_FILE',
} as const;

/** In env injection mode each parameter also travels as TUNEKIT_PARAM_<NAME> (upper-cased, non-alphanumerics as _). */
export const PARAM_ENV_PREFIX = 'TUNEKIT_PARAM_';

/** Word written to the control file to ask a trial to stop. */
export const PRUNE_REQUEST = 'prune';
