/**
 * How Tunekit should pass values to a script, chosen from how the script reads them: flags for
 * argparse / click / typer / absl options and HfArgumentParser dataclasses, the globals shim for
 * module-level constants, a per-trial config copy for YAML / JSON keys, `key=value` overrides for
 * Hydra.
 *
 * A study injects one way, so a script that mixes sources (a few flags and a YAML file full of
 * hyperparameters, say) gets the mode that reaches the most tunable parameters; ties go to the
 * more explicit mechanism (flags, then Hydra, then a config copy, then rewriting constants).
 * The parameters the chosen mode cannot set are listed by injectableParams' complement, so the
 * caller leaves them out of the space with a reason. The user can change the mode in the study
 * file.
 */
import * as path from 'node:path';
import type { BoolFlagStyle, FlagBinding, InjectionSpec } from '../protocol/study-file';
import type { ExtractedParam } from './param-model';

const CLI_SOURCES: ReadonlySet<ExtractedParam['source']> = new Set(['argparse', 'click', 'typer', 'absl']);

/** Lower wins a tie in the number of tunable parameters reached. */
const MODE_PREFERENCE = { flags: 0, hydra: 1, config: 2, globals: 3 } as const;

interface Candidate {
  readonly spec: InjectionSpec;
  readonly params: readonly ExtractedParam[];
  readonly preference: number;
}

export function planInjection(params: readonly ExtractedParam[], analysis: { readonly configFiles: readonly string[] }): InjectionSpec {
  const candidates: Candidate[] = [];
  const flagParams = params.filter(readByFlag);
  if (flagParams.length > 0) candidates.push({ spec: flagsSpec(flagParams), params: flagParams, preference: MODE_PREFERENCE.flags });
  const hydraParams = params.filter((p) => p.source === 'hydra');
  if (hydraParams.length > 0) candidates.push({ spec: { mode: 'hydra' }, params: hydraParams, preference: MODE_PREFERENCE.hydra });
  for (const [file, fileParams] of configGroups(params, analysis.configFiles)) {
    const format = fileParams.some((p) => p.source === 'json') || /\.json$/i.test(file) ? 'json' : 'yaml';
    candidates.push({ spec: { mode: 'config', file, format }, params: fileParams, preference: MODE_PREFERENCE.config });
  }
  const constants = params.filter((p) => p.source === 'constant');
  if (constants.length > 0) candidates.push({ spec: { mode: 'globals' }, params: constants, preference: MODE_PREFERENCE.globals });

  const tunable = (c: Candidate): number => c.params.filter((p) => p.tunable).length;
  candidates.sort((a, b) => tunable(b) - tunable(a) || b.params.length - a.params.length || a.preference - b.preference);
  // Nothing found: flags are what `tunekit tune` has always done, and what a space written by hand expects.
  return candidates[0]?.spec ?? { mode: 'flags' };
}

/** The parameters a study injecting this way can set; the others keep the script's defaults. */
export function injectableParams(spec: InjectionSpec, params: readonly ExtractedParam[]): ExtractedParam[] {
  switch (spec.mode) {
    case 'flags':
      return params.filter((p) => readByFlag(p) || (spec.params !== undefined && p.name in spec.params));
    case 'globals':
      return params.filter((p) => p.source === 'constant');
    case 'config': {
      const file = path.resolve(spec.file);
      return params.filter((p) => (p.source === 'yaml' || p.source === 'json') && path.resolve(p.location.file) === file);
    }
    case 'hydra':
      return params.filter((p) => p.source === 'hydra');
    case 'env':
      return [];
  }
}

/** One line for the user: how the values will reach the script. */
export function describeInjection(spec: InjectionSpec): string {
  switch (spec.mode) {
    case 'flags':
      return 'command-line flags';
    case 'env':
      return 'environment variables (TUNEKIT_PARAMS, TUNEKIT_PARAM_<NAME>)';
    case 'globals':
      return "module-level constants, rewritten in memory by Tunekit's globals shim";
    case 'config':
      return `a per-trial copy of ${path.basename(spec.file)} with the values set`;
    case 'hydra':
      return 'Hydra key=value overrides';
  }
}

function readByFlag(p: ExtractedParam): boolean {
  // A dataclass field is a flag only when HfArgumentParser (or the like) parses it: the extractor
  // gives it a flag then, and none for a dataclass the script only instantiates.
  return (CLI_SOURCES.has(p.source) || p.source === 'dataclass') && (p.flag !== undefined || p.source !== 'dataclass');
}

function flagsSpec(params: readonly ExtractedParam[]): InjectionSpec {
  const bindings: Record<string, FlagBinding> = {};
  for (const p of params) {
    const bool = boolStyleOf(p);
    bindings[p.name] = { flag: p.flag ?? `--${p.name}`, ...(bool ? { bool } : {}) };
  }
  // absl documents `--name=value`; its `--name value` form is accepted but not for every flag type.
  const style = params.every((p) => p.source === 'absl') ? 'equals' : 'space';
  return { mode: 'flags', style, params: bindings };
}

function boolStyleOf(p: ExtractedParam): BoolFlagStyle | undefined {
  if (p.type !== 'bool' && typeof p.default !== 'boolean') return undefined;
  // absl switches a boolean with --name / --noname, whatever the extractor called the pair.
  if (p.source === 'absl') return 'absl';
  if (p.boolStyle) return p.boolStyle;
  // typer's bool options are --x/--no-x unless declared otherwise; HfArgumentParser and
  // argparse type=str2bool take a value.
  return p.source === 'typer' ? 'paired-flags' : 'value';
}

/** Config-file parameters grouped by file, in the analysis' file order. */
function configGroups(params: readonly ExtractedParam[], configFiles: readonly string[]): Map<string, ExtractedParam[]> {
  const groups = new Map<string, ExtractedParam[]>();
  for (const f of configFiles) groups.set(path.resolve(f), []);
  for (const p of params) {
    if (p.source !== 'yaml' && p.source !== 'json') continue;
    const file = path.resolve(p.location.file);
    const list = groups.get(file) ?? [];
    list.push(p);
    groups.set(file, list);
  }
  for (const [file, list] of groups) if (list.length === 0) groups.delete(file);
  return groups;
}
