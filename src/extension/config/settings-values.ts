/**
 * The `tunekit.*` settings as typed values: each one read through a guard that falls back to
 * its default, so a hand-edited settings.json with a wrong type never reaches the engine's
 * argv. The keys and defaults mirror `contributes.configuration` in package.json (a unit test
 * holds the two together). No vscode import: settings.ts feeds this from the configuration.
 */
import type { PrunerName, SamplerName } from '../../core/study/study';
import { DEFAULT_SAMPLER, SAMPLER_NAMES } from '../../core/samplers/sampler-factory';

export interface TunekitSettings {
  /** Empty: ask the Python extension, else `python3`. */
  readonly pythonPath: string;
  readonly trials: number;
  readonly parallel: number;
  /** `auto`, `none`, or a list such as `0,2`. */
  readonly gpus: string;
  readonly gpusPerTrial: number;
  readonly defaultSampler: SamplerName;
  readonly defaultPruner: PrunerName;
}

export type SettingKey = keyof TunekitSettings;

export const SETTINGS_SECTION = 'tunekit';

export const DEFAULT_SETTINGS: TunekitSettings = {
  pythonPath: '',
  trials: 20,
  parallel: 1,
  gpus: 'auto',
  gpusPerTrial: 1,
  defaultSampler: DEFAULT_SAMPLER,
  defaultPruner: 'extrapolate',
};

const SAMPLERS: readonly SamplerName[] = SAMPLER_NAMES;
/** The pruners that work without options (threshold needs its bounds; patient wraps another). */
const PRUNERS: readonly PrunerName[] = ['none', 'extrapolate', 'median', 'percentile', 'asha', 'hyperband'];

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
/** `auto`, `none`, or comma-separated GPU indices: what `tunekit tune --gpus` accepts. */
const gpuChoice = (v: unknown): v is string => typeof v === 'string' && /^\s*(auto|none|cpu|\d+(\s*,\s*\d+)*)\s*$/i.test(v);

/** Reads every setting through `get` (a WorkspaceConfiguration's get, in the extension). */
export function readSettings(get: (key: SettingKey) => unknown): TunekitSettings {
  const pick = <K extends SettingKey>(key: K, valid: (v: unknown) => boolean): TunekitSettings[K] => {
    const value = get(key);
    return (valid(value) ? value : DEFAULT_SETTINGS[key]) as TunekitSettings[K];
  };
  const pythonPath = get('pythonPath');
  return {
    pythonPath: typeof pythonPath === 'string' ? pythonPath.trim() : DEFAULT_SETTINGS.pythonPath,
    trials: pick('trials', positiveInt),
    parallel: pick('parallel', positiveInt),
    gpus: (pick('gpus', gpuChoice) as string).trim(),
    gpusPerTrial: pick('gpusPerTrial', positiveInt),
    defaultSampler: pick('defaultSampler', (v) => SAMPLERS.includes(v as SamplerName)),
    defaultPruner: pick('defaultPruner', (v) => PRUNERS.includes(v as PrunerName)),
  };
}

/** The full setting id (`tunekit.trials`), as `affectsConfiguration` takes it. */
export function settingId(key: SettingKey): string {
  return `${SETTINGS_SECTION}.${key}`;
}
