/**
 * The study file on disk (format: src/protocol/study-file.ts): read with errors that name the
 * file and the key to fix, written once as a proposal from the script's analysis, never
 * overwritten. A bare search space (the file is just the `space` object) still reads, as
 * `--space FILE` always accepted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JsonValue } from '../core/space/distributions';
import { DistributionError } from '../core/space/distributions';
import type { SearchSpace } from '../core/space/search-space';
import { parseSearchSpace } from '../core/space/search-space';
import { describeInjection, injectableParams, planInjection } from '../detect/injection-plan';
import type { ExtractedParam, ScriptAnalysis } from '../detect/param-model';
import { notTunedText, proposeSearchSpace } from '../detect/space-proposal';
import type { BoolFlagStyle, EvaluateSpec, FlagBinding, InjectionSpec, StudyFile as StudyFileJson } from '../protocol/study-file';
import { STUDY_FILE_VERSION } from '../protocol/study-file';
import { CliUsageError } from './cli-error';

/** A study file as read: paths resolved against its folder, defaults filled in. */
export interface StudyFile {
  /** The file it was read from. */
  readonly path: string;
  /** A study file, or a bare search space (which has no room for anything but the space). */
  readonly form: 'study' | 'space';
  readonly space: SearchSpace;
  readonly objective?: string;
  readonly direction?: 'minimize' | 'maximize';
  /** Absolute. */
  readonly script?: string;
  /** An interpreter on PATH (`python3`), or an absolute path when the file gives a relative one. */
  readonly python?: string;
  /** With a config file's path made absolute. */
  readonly injection?: InjectionSpec;
  readonly fixed: Readonly<Record<string, JsonValue>>;
  readonly reasons: Readonly<Record<string, string>>;
  /** The evaluation command for compressed checkpoints; it runs in the study file's folder. */
  readonly evaluate?: EvaluateSpec;
}

const STUDY_KEYS = new Set(['$schema', 'version', 'script', 'python', 'objective', 'direction', 'injection', 'space', 'fixed', 'reasons', 'evaluate']);
const BOOL_STYLES: readonly BoolFlagStyle[] = ['store_true', 'store_false', 'value', 'paired-flags', 'absl'];

/** `train.py` -> `train.py.tunekit.json`, beside it: the study file `tunekit tune train.py` reads and proposes. */
export function studyFilePathFor(script: string): string {
  return `${script}.tunekit.json`;
}

export function readStudyFile(file: string): StudyFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliUsageError(`cannot read the search space file ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CliUsageError(`${file} must hold a JSON object: a search space, or a study file with a "space" key`);
  }
  const root = json as Record<string, unknown>;
  if (!('space' in root)) return { path: file, form: 'space', space: parseSpace(file, root), fixed: {}, reasons: {} };
  return parseStudyFile(file, root);
}

export function parseDirection(value: unknown, where: string): 'minimize' | 'maximize' | undefined {
  if (value === undefined) return undefined;
  if (value === 'min' || value === 'minimize') return 'minimize';
  if (value === 'max' || value === 'maximize') return 'maximize';
  throw new CliUsageError(`${where}: direction must be "min" or "max", got ${JSON.stringify(value)}`);
}

function parseStudyFile(file: string, root: Record<string, unknown>): StudyFile {
  const dir = path.dirname(path.resolve(file));
  const fail = (key: string, message: string): never => {
    throw new CliUsageError(`${file}: "${key}" ${message}`);
  };
  for (const key of Object.keys(root)) {
    if (!STUDY_KEYS.has(key)) fail(key, `is not a study file key; the keys are ${[...STUDY_KEYS].filter((k) => k !== '$schema').join(', ')}`);
  }
  if (root.version !== undefined && root.version !== STUDY_FILE_VERSION) {
    fail('version', `is ${JSON.stringify(root.version)}; this Tunekit reads version ${STUDY_FILE_VERSION} study files`);
  }
  const optionalString = (key: string): string | undefined => {
    const v = root[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return fail(key, 'must be a non-empty string');
    return v;
  };
  const script = optionalString('script');
  const python = optionalString('python');
  const objective = optionalString('objective');
  const direction = parseDirection(root.direction, `${file}: "direction"`);
  const space = parseSpace(file, root.space, '"space": ');
  const fixed = parseFixed(root.fixed, fail);
  for (const name of Object.keys(fixed)) {
    if (space.parameters.some((p) => p.name === name)) fail(`fixed.${name}`, 'is also in "space": keep it in one of the two');
  }
  const reasons = parseReasons(root.reasons, fail);
  const injection = root.injection === undefined ? undefined : parseInjection(root.injection, dir, fail);
  const evaluate = root.evaluate === undefined ? undefined : parseEvaluate(root.evaluate, fail);
  return {
    path: file,
    form: 'study',
    space,
    fixed,
    reasons,
    ...(objective ? { objective } : {}),
    ...(direction ? { direction } : {}),
    ...(script ? { script: path.resolve(dir, script) } : {}),
    // `python3` is looked up on PATH; `.venv/bin/python` is relative to the study file like every path in it.
    ...(python ? { python: python.includes('/') || python.includes('\\') ? path.resolve(dir, python) : python } : {}),
    ...(injection ? { injection } : {}),
    ...(evaluate ? { evaluate } : {}),
  };
}

function parseSpace(file: string, json: unknown, prefix = ''): SearchSpace {
  try {
    return parseSearchSpace(json);
  } catch (err) {
    if (DistributionError.is(err)) throw new CliUsageError(`${file}: ${prefix}${err.message}`);
    throw err;
  }
}

type Fail = (key: string, message: string) => never;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseFixed(value: unknown, fail: Fail): Record<string, JsonValue> {
  if (value === undefined) return {};
  if (!isObject(value)) return fail('fixed', 'must be an object of parameter name -> value');
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) fail(`fixed.${name}`, 'must be a JSON value');
  }
  return value as Record<string, JsonValue>;
}

function parseReasons(value: unknown, fail: Fail): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) return fail('reasons', 'must be an object of parameter name -> text');
  for (const [name, v] of Object.entries(value)) if (typeof v !== 'string') fail(`reasons.${name}`, 'must be a string');
  return value as Record<string, string>;
}

function parseInjection(value: unknown, dir: string, fail: Fail): InjectionSpec {
  if (!isObject(value)) return fail('injection', 'must be an object with a "mode": flags, env, globals, config or hydra');
  const allowOnly = (keys: readonly string[]): void => {
    for (const key of Object.keys(value)) if (!keys.includes(key)) fail(`injection.${key}`, `is not a key of the ${String(value.mode)} mode (it takes ${keys.join(', ')})`);
  };
  switch (value.mode) {
    case 'env':
    case 'globals':
    case 'hydra':
      allowOnly(['mode']);
      return { mode: value.mode };
    case 'flags': {
      allowOnly(['mode', 'style', 'params']);
      const style = value.style;
      if (style !== undefined && style !== 'space' && style !== 'equals') fail('injection.style', `must be "space" (--lr 0.1) or "equals" (--lr=0.1), got ${JSON.stringify(style)}`);
      const params = value.params === undefined ? undefined : parseBindings(value.params, fail);
      return { mode: 'flags', ...(style ? { style: style as 'space' | 'equals' } : {}), ...(params ? { params } : {}) };
    }
    case 'config': {
      allowOnly(['mode', 'file', 'format']);
      if (typeof value.file !== 'string' || value.file.trim() === '') return fail('injection.file', 'must name the config file to copy per trial (relative to this file)');
      const file = path.resolve(dir, value.file);
      const format = value.format ?? (/\.json$/i.test(file) ? 'json' : /\.ya?ml$/i.test(file) ? 'yaml' : undefined);
      if (format !== 'yaml' && format !== 'json') return fail('injection.format', `must be "yaml" or "json"${value.format === undefined ? ` (the file name ${path.basename(file)} does not say which)` : `, got ${JSON.stringify(value.format)}`}`);
      return { mode: 'config', file, format };
    }
    default:
      return fail('injection.mode', `must be one of flags, env, globals, config, hydra; got ${JSON.stringify(value.mode)}`);
  }
}

function parseEvaluate(value: unknown, fail: Fail): EvaluateSpec {
  if (!isObject(value)) return fail('evaluate', 'must be an object like { "command": ["python3", "evaluate.py", "--model", "{model}"], "metric": "accuracy" }');
  for (const key of Object.keys(value)) if (!['command', 'metric', 'direction'].includes(key)) fail(`evaluate.${key}`, 'is not an evaluate key (they are command, metric, direction)');
  const { command, metric, direction } = value;
  if (!Array.isArray(command) || command.length === 0 || !command.every((a) => typeof a === 'string') || (command[0] as string).trim() === '') {
    fail('evaluate.command', 'must be a non-empty array of strings (the program and its arguments, no shell); "{model}" stands for the checkpoint');
  }
  if (typeof metric !== 'string' || metric.trim() === '') fail('evaluate.metric', 'must name the metric the command prints, e.g. "accuracy"');
  if (direction !== undefined && direction !== 'maximize' && direction !== 'minimize') fail('evaluate.direction', `must be "maximize" or "minimize", got ${JSON.stringify(direction)}`);
  return { command: command as string[], metric: metric as string, ...(direction !== undefined ? { direction: direction as 'maximize' | 'minimize' } : {}) };
}

function parseBindings(value: unknown, fail: Fail): Record<string, FlagBinding> {
  if (!isObject(value)) return fail('injection.params', 'must be an object of parameter name -> { "flag": "--name" }');
  const out: Record<string, FlagBinding> = {};
  for (const [name, raw] of Object.entries(value)) {
    const key = `injection.params.${name}`;
    if (!isObject(raw)) fail(key, 'must be an object like { "flag": "--name" }');
    const binding = raw as Record<string, unknown>;
    for (const k of Object.keys(binding)) if (k !== 'flag' && k !== 'bool') fail(`${key}.${k}`, 'is not a flag binding key (they are flag, bool)');
    if (typeof binding.flag !== 'string' || !binding.flag.startsWith('-')) fail(`${key}.flag`, `must be the option as the script declares it, starting with "-" (e.g. "--${name}")`);
    if (binding.bool !== undefined && !BOOL_STYLES.includes(binding.bool as BoolFlagStyle)) fail(`${key}.bool`, `must be one of ${BOOL_STYLES.join(', ')}`);
    out[name] = { flag: binding.flag as string, ...(binding.bool !== undefined ? { bool: binding.bool as BoolFlagStyle } : {}) };
  }
  return out;
}

// ---- proposing and writing ----

export interface ProposedStudy {
  readonly content: StudyFileJson;
  /** Parameters the chosen injection can set, which the space, fixed values and reasons cover. */
  readonly injected: readonly ExtractedParam[];
  /** How the values will reach the script, for the user. */
  readonly injectionDescription: string;
}

export interface ProposalOptions {
  /** Where the study file will be written: paths inside are relative to its folder. */
  readonly studyFile: string;
  readonly objective?: string;
  readonly direction?: 'minimize' | 'maximize';
  readonly python?: string;
}

/**
 * A study file for an analysed script: the injection planned from how it reads its parameters,
 * a space proposed for the ones that injection reaches, and for every other parameter the
 * reason it is left to the script's default.
 */
export function proposeStudyFile(analysis: ScriptAnalysis, options: ProposalOptions): ProposedStudy {
  const injection = planInjection(analysis.params, analysis);
  const injected = injectableParams(injection, analysis.params);
  const proposal = proposeSearchSpace(injected);
  const reasons: Record<string, string> = { ...proposal.reasons };
  const reached = new Set(injected.map((p) => p.name));
  const how = describeInjection(injection);
  for (const p of analysis.params) {
    if (reached.has(p.name) || p.name in reasons) continue;
    if (!p.tunable) {
      reasons[p.name] = notTunedText(p);
      continue;
    }
    reasons[p.name] = `not tuned: read from ${sourceLabel(p)} (${path.basename(p.location.file)}:${p.location.line}), which this study's injection (${how}) cannot set; change "injection" to tune it instead`;
  }
  const dir = path.dirname(path.resolve(options.studyFile));
  const relative = (f: string): string => path.relative(dir, f) || '.';
  const content: StudyFileJson = {
    version: STUDY_FILE_VERSION,
    script: relative(analysis.file),
    ...(options.python ? { python: options.python } : {}),
    ...(options.objective ? { objective: options.objective } : {}),
    direction: options.direction ?? 'minimize',
    injection: injection.mode === 'config' ? { ...injection, file: relative(injection.file) } : injection,
    space: proposal.space,
    fixed: proposal.fixed,
    reasons,
  };
  return { content, injected, injectionDescription: how };
}

/** Writes the study file unless one exists (created by the user, or by a run started beside this one). Returns whether it wrote. */
export function writeStudyFileOnce(file: string, content: StudyFileJson): boolean {
  try {
    fs.writeFileSync(file, formatStudyJson(content) + '\n', { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CliUsageError(`cannot write the study file ${file}: ${(err as Error).message}`);
  }
}

/** Lines up to this long keep a definition or binding on one line, as a person would write it. */
const INLINE_WIDTH = 100;

/** JSON a person edits: nested objects and arrays on one line when they fit, indented otherwise. */
export function formatStudyJson(value: unknown, indent = '', keyWidth = 0): string {
  const flat = inlineJson(value);
  if (indent.length + keyWidth + flat.length <= INLINE_WIDTH || typeof value !== 'object' || value === null) return flat;
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + formatStudyJson(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatStudyJson(v, inner, JSON.stringify(k).length + 2)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sourceLabel(p: ExtractedParam): string {
  switch (p.source) {
    case 'constant':
      return 'a module-level constant';
    case 'yaml':
    case 'json':
      return 'a config file';
    case 'hydra':
      return 'a Hydra config';
    case 'dataclass':
      return 'a dataclass field';
    default:
      return `an option parsed by ${p.source}`;
  }
}
