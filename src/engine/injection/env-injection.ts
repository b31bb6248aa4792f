/**
 * The environment every trial gets: the whole parameter set as JSON (what the Python client's
 * tunekit.params() reads), the trial's identity, the control file for prune requests, and one
 * TUNEKIT_PARAM_<NAME> variable per parameter for scripts that read os.environ directly.
 */
import type { ParamValue } from '../../core/space/distributions';
import { PARAM_ENV_PREFIX, TRIAL_ENV } from '../../protocol/trial-protocol';
import { stringifyJournalJson } from '../../core/storage/journal-json';
import { InjectionError } from './injection-error';
import { formatParamValue } from './param-format';

/** `learning-rate` -> `TUNEKIT_PARAM_LEARNING_RATE`. */
export function paramEnvName(name: string): string {
  return PARAM_ENV_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Values are formatted as for flags (shortest round-trip numbers, `true` / `false`, JSON for
 * lists and objects). A null parameter gets no TUNEKIT_PARAM_ variable, so
 * `os.environ.get(...)` falls back to the script's default exactly as an omitted flag does;
 * TUNEKIT_PARAMS still carries it as JSON null. Non-finite numbers are written as Python's
 * json tokens (NaN, Infinity) so json.loads returns them unchanged.
 */
export function buildParamEnv(
  params: Readonly<Record<string, ParamValue>>,
  studyName: string,
  trialNumber: number,
  controlFile: string,
): Record<string, string> {
  const env: Record<string, string> = {
    [TRIAL_ENV.params]: stringifyJournalJson(params),
    [TRIAL_ENV.trialNumber]: String(trialNumber),
    [TRIAL_ENV.studyName]: studyName,
    [TRIAL_ENV.controlFile]: controlFile,
  };
  const owners = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) {
    if (name.length === 0) {
      throw new InjectionError(name, 'a parameter has an empty name; give it a name in the study file');
    }
    const key = paramEnvName(name);
    const previous = owners.get(key);
    if (previous !== undefined) {
      // Two parameters folding onto one variable would hand the script the wrong value silently.
      throw new InjectionError(
        name,
        `parameters "${previous}" and "${name}" both map to the environment variable ${key}; rename one of them in the study file`,
      );
    }
    owners.set(key, name);
    if (value === null) continue;
    const text = formatParamValue(value);
    if (text.includes('\0')) {
      throw new InjectionError(name, `parameter "${name}" has a value containing a NUL character, which an environment variable cannot hold; remove it from the study's choices`);
    }
    env[key] = text;
  }
  return env;
}
