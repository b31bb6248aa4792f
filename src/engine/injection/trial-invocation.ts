/**
 * How one trial's parameters reach the script, for every injection mode of the study file
 * (src/protocol/study-file.ts): the program, argv, extra environment and files a trial runs
 * with. The study runner adds the variables every trial gets (TUNEKIT_PARAMS and friends).
 *
 *   flags    `--lr 0.01`, each parameter as its FlagBinding says (switches, --x/--no-x, absl's --nox)
 *   env      nothing more: TUNEKIT_PARAMS and TUNEKIT_PARAM_<NAME> carry the values
 *   globals  `python _globals_shim.py SCRIPT ARGS`: the shim rewrites module-level constants
 *   config   a copy of the YAML / JSON config with the keys set, written to the trial folder and
 *            put in the original's place: swapped into argv where the command names the file
 *            (`--config cfg.yaml`), else redirected by the globals shim in the script's literals
 *   hydra    `key=value` overrides appended, in Hydra's grammar
 *
 * Values always travel as argv entries or environment variables, never through a shell.
 * checkTrialInvocation finds what would make every trial fail (a constant the script does not
 * assign, a config key that does not exist, no way to point the script at a config copy) before
 * the first one starts.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JsonValue, ParamValue } from '../../core/space/distributions';
import { stringifyJournalJson } from '../../core/storage/journal-json';
import type { BoolFlagStyle, InjectionSpec } from '../../protocol/study-file';
import { pythonClientDir } from '../python-client-path';
import { checkConfigKeys, writeConfigCopy } from './config-override';
import { buildParamEnv } from './env-injection';
import { buildFlagArgs } from './flag-injection';
import { buildHydraOverrides } from './hydra-overrides';
import { InjectionError } from './injection-error';

/** The command as the user gave it, before any parameter is injected. */
export interface TrialBase {
  /** The program: an interpreter (python3) or an executable. */
  readonly file: string;
  /** Its arguments: for a Python script, the script path first. */
  readonly args: readonly string[];
  readonly cwd: string;
}

export interface TrialInvocation {
  readonly file: string;
  readonly args: string[];
  /** Variables this mode needs on top of the ones every trial gets. */
  readonly env: Record<string, string>;
  /** Files written for this trial (a config copy), for the trial's record. */
  readonly files: string[];
}

export interface InvocationOptions {
  /**
   * Parameters sampled from float distributions. JSON has one number type, so a float that
   * happens to be integral (1.0) would otherwise reach a config file or a constant as the int 1.
   */
  readonly floatParams?: ReadonlySet<string>;
}

/** The shim reads the values to set from here (TUNEKIT_PARAMS when unset) ... */
export const SHIM_GLOBALS_ENV = 'TUNEKIT_GLOBALS';
/** ... and the file paths to redirect in the script's string literals from here. */
export const SHIM_REDIRECT_ENV = 'TUNEKIT_SHIM_REDIRECT';

/** python/tunekit/_globals_shim.py, wherever this installation keeps the Python client. */
export function globalsShimPath(): string {
  return path.join(pythonClientDir(), 'tunekit', '_globals_shim.py');
}

/**
 * The trial's command. `fixed` values are passed like parameters (a parameter of the same name
 * wins); a null value is left out where the mode allows, so the script keeps its own default.
 * Writes into `trialDir` only in config mode. Throws InjectionError.
 */
export function buildTrialInvocation(
  spec: InjectionSpec,
  base: TrialBase,
  params: Readonly<Record<string, ParamValue>>,
  fixed: Readonly<Record<string, JsonValue>>,
  trialDir: string,
  options: InvocationOptions = {},
): TrialInvocation {
  const values: Record<string, JsonValue> = { ...fixed, ...params };
  switch (spec.mode) {
    case 'flags':
      return { file: base.file, args: [...base.args, ...flagArgs(spec, values)], env: {}, files: [] };
    case 'env':
      return { file: base.file, args: [...base.args], env: {}, files: [] };
    case 'globals': {
      const shim = throughShim(base, 'globals');
      return { ...shim, env: { [SHIM_GLOBALS_ENV]: globalsJson(values, options.floatParams) }, files: [] };
    }
    case 'config': {
      const source = path.resolve(base.cwd, spec.file);
      const copy = writeConfigCopy(source, spec.format, values, trialDir, options);
      const swapped = swapPathArgument(base.args, source, base.cwd, copy);
      if (swapped) return { file: base.file, args: swapped, env: {}, files: [copy] };
      const shim = throughShim(base, 'config');
      return { ...shim, env: { [SHIM_GLOBALS_ENV]: '{}', [SHIM_REDIRECT_ENV]: JSON.stringify({ [source]: copy }) }, files: [copy] };
    }
    case 'hydra': {
      const overrides = buildHydraOverrides(values, options);
      // Parallel trials started in the same second would share Hydra's timestamped output folder
      // (and overwrite each other's checkpoints): give each its own, inside the trial's folder.
      const userSetsRunDir = [...base.args, ...Object.keys(values)].some((a) => /^\+{0,2}hydra\.run\.dir=/.test(a) || a === 'hydra.run.dir');
      const runDir = userSetsRunDir ? [] : buildHydraOverrides({ 'hydra.run.dir': path.join(trialDir, 'hydra') });
      return { file: base.file, args: [...base.args, ...overrides, ...runDir], env: {}, files: [] };
    }
    default:
      throw new InjectionError('', `unknown injection mode ${JSON.stringify((spec as { mode: unknown }).mode)}; use flags, env, globals, config or hydra`);
  }
}

/**
 * Everything that would fail every trial the same way, found before the first: flag and key
 * names, the config file and its keys, and, for globals and config redirection, a dry run of the
 * shim on the script (`--check`), which parses it and reports names it does not assign.
 * `names` are the study's parameter and fixed names. Throws InjectionError.
 */
export async function checkTrialInvocation(spec: InjectionSpec, base: TrialBase, names: readonly string[]): Promise<void> {
  const sample = Object.fromEntries(names.map((n) => [n, 0]));
  switch (spec.mode) {
    case 'flags':
      flagArgs(spec, sample);
      return;
    case 'env':
      buildParamEnv(sample, 'check', 0, '');
      return;
    case 'hydra':
      buildHydraOverrides(sample);
      return;
    case 'globals': {
      const shim = throughShim(base, 'globals');
      await runShimCheck(shim, base.cwd, { [SHIM_GLOBALS_ENV]: JSON.stringify(Object.fromEntries(names.map((n) => [n, null]))) });
      return;
    }
    case 'config': {
      const source = path.resolve(base.cwd, spec.file);
      checkConfigKeys(source, spec.format, names);
      if (swapPathArgument(base.args, source, base.cwd, source)) return;
      const shim = throughShim(base, 'config');
      await runShimCheck(shim, base.cwd, { [SHIM_GLOBALS_ENV]: '{}', [SHIM_REDIRECT_ENV]: JSON.stringify({ [source]: source }) });
      return;
    }
    default:
      throw new InjectionError('', `unknown injection mode ${JSON.stringify((spec as { mode: unknown }).mode)}; use flags, env, globals, config or hydra`);
  }
}

type FlagsSpec = Extract<InjectionSpec, { mode: 'flags' }>;

function flagArgs(spec: FlagsSpec, values: Readonly<Record<string, JsonValue>>): string[] {
  const style = spec.style ?? 'space';
  const args: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === null) continue;
    const binding = spec.params?.[name];
    const flag = binding?.flag ?? name;
    if (typeof value === 'boolean' && binding?.bool) args.push(...boolFlag(flag, value, binding.bool, style));
    else args.push(...buildFlagArgs({ [flag]: value }, { style }));
  }
  return args;
}

/**
 * A boolean the way the script switches it. `paired-flags` takes the off switch after a slash
 * when the binding spells it (`--shout/--quiet`), else `--no-<name>`; absl's is `--no<name>`.
 * `value` writes Python's own spelling, which str2bool helpers, HfArgumentParser and
 * ast.literal_eval all accept.
 */
function boolFlag(flag: string, value: boolean, style: BoolFlagStyle, flagStyle: 'space' | 'equals'): string[] {
  const [on, explicitOff] = flag.split('/') as [string, string | undefined];
  const switchArg = (f: string): string[] => buildFlagArgs({ [f]: true }, { booleans: 'switch' });
  switch (style) {
    case 'store_true':
      return value ? switchArg(on) : [];
    case 'store_false':
      return value ? [] : switchArg(on);
    case 'paired-flags':
      return switchArg(value ? on : (explicitOff ?? negated(on, 'no-')));
    case 'absl':
      return switchArg(value ? on : negated(on, 'no'));
    case 'value':
      return buildFlagArgs({ [on]: value ? 'True' : 'False' }, { style: flagStyle });
    default:
      throw new InjectionError(flag, `unknown boolean style ${JSON.stringify(style)} for ${flag}; use store_true, store_false, paired-flags, absl or value`);
  }
}

function negated(flag: string, prefix: string): string {
  const match = /^(-*)(.*)$/.exec(flag) as RegExpExecArray;
  return `${match[1] || '--'}${prefix}${match[2]}`;
}

/** Python's json reads this; floats stay floats even when integral (1.0, not 1). */
function globalsJson(values: Readonly<Record<string, JsonValue>>, floatParams: ReadonlySet<string> | undefined): string {
  const entries = Object.entries(values).map(([k, v]) => {
    const forced = typeof v === 'number' && Number.isInteger(v) && floatParams?.has(k) === true;
    const text = forced ? floatText(v) : stringifyJournalJson(v);
    return `${JSON.stringify(k)}:${text}`;
  });
  return `{${entries.join(',')}}`;
}

function floatText(v: number): string {
  const text = Object.is(v, -0) ? '-0' : String(v);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** argv with every entry naming `source` (alone or as `--flag=source`) replaced by `replacement`; undefined when none does. */
function swapPathArgument(args: readonly string[], source: string, cwd: string, replacement: string): string[] | undefined {
  const target = canonical(source);
  let swapped = false;
  const out = args.map((arg) => {
    if (arg.length > 0 && canonical(path.resolve(cwd, arg)) === target) {
      swapped = true;
      return replacement;
    }
    const eq = /^(-[^=]*)=(.+)$/.exec(arg);
    if (eq && canonical(path.resolve(cwd, eq[2] as string)) === target) {
      swapped = true;
      return `${eq[1]}=${replacement}`;
    }
    return arg;
  });
  return swapped ? out : undefined;
}

function canonical(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** Interpreter options that take no value and may come before the script (`python -u train.py`). */
const VALUELESS_PYTHON_OPTION = /^-[bBdEhiIOPqRsSuvx]+$/;

/** `python [-u] SCRIPT.py ARGS` -> `python [-u] _globals_shim.py SCRIPT.py ARGS`. */
function throughShim(base: TrialBase, mode: 'globals' | 'config'): { file: string; args: string[] } {
  let at = 0;
  while (at < base.args.length && VALUELESS_PYTHON_OPTION.test(base.args[at] as string)) at++;
  const script = base.args[at];
  if (script === undefined || !/\.pyw?$/i.test(script)) {
    const why =
      mode === 'globals'
        ? 'globals injection rewrites a Python script\'s constants, so it needs the script run by an interpreter'
        : 'the command does not name the config file, so Tunekit cannot swap in the trial\'s copy; it could redirect the path inside a Python script, but the command is not one';
    throw new InjectionError(
      '',
      `${why} (the command is: ${[base.file, ...base.args].join(' ')}). Use \`tunekit tune SCRIPT.py\` or \`tunekit tune -- python3 SCRIPT.py ...\`` +
        (mode === 'config' ? ', or pass the config file as an argument of the command (--config FILE)' : '') +
        '.',
    );
  }
  return { file: base.file, args: [...base.args.slice(0, at), globalsShimPath(), ...base.args.slice(at)] };
}

function runShimCheck(shim: { file: string; args: string[] }, cwd: string, env: Record<string, string>): Promise<void> {
  const shimAt = shim.args.indexOf(globalsShimPath());
  const args = [...shim.args.slice(0, shimAt + 1), '--check', ...shim.args.slice(shimAt + 1)];
  return new Promise((resolve, reject) => {
    execFile(shim.file, args, { cwd, env: { ...process.env, ...env }, timeout: 60_000, encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (!err) {
        resolve();
        return;
      }
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        reject(new InjectionError('', `cannot run ${shim.file}: not found. Pass the interpreter with --python PATH`));
        return;
      }
      const lines = stderr.trim().split('\n').filter((l) => l.length > 0);
      const message = lines.length > 0 ? lines.slice(-3).join('\n').replace(/^tunekit: /, '') : `the check of ${shim.args[shimAt + 1] ?? 'the script'} failed (${err.message})`;
      reject(new InjectionError('', message));
    });
  });
}
