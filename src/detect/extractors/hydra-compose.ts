/**
 * Composes a Hydra config the way Hydra 1.1+ does, far enough to list its settings: the primary
 * config and its Defaults List (`- optimizer: adam` -> conf/optimizer/adam.yaml under the
 * package `optimizer`), nested defaults, `_self_` placement (last when absent), `@package`
 * headers and `group@pkg` entries, `optional`, `override`, `null` and `???` options. Later
 * configs win, so each key is located in the file whose value Hydra would use: that is where
 * apply-back writes, and `optimizer.lr=0.01` is how a trial overrides it. Each group choice is a
 * parameter too (`optimizer`, choices from conf/optimizer/*.yaml), switched with `optimizer=sgd`;
 * only the chosen option's keys are listed.
 * Reference: https://hydra.cc/docs/advanced/defaults_list/
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExtractedParam } from '../param-model';
import type { ConfigDocument } from './config-document';
import { ConfigFileError } from './config-document';
import { configKeys } from './config-keys';
import type { ConfigNode } from './config-node';

export interface HydraComposition {
  /** Each dotted key once, located where its winning value is written. */
  readonly params: ExtractedParam[];
  /** The config files read, primary first. */
  readonly files: string[];
  readonly problems: string[];
}

export interface HydraSources {
  /** Reads and parses a YAML file; throws ConfigFileError. */
  read(file: string): ConfigDocument;
  /** How messages name a file (relative to the script's folder). */
  display(file: string): string;
}

/** Where a group's option is chosen: the defaults entry's value, in the config that lists it. */
interface Choice {
  readonly options: ConfigNode;
  readonly doc: ConfigDocument;
  readonly keyStart: number;
}

/** Group path (absolute, `optimizer` or `server/db`) -> option chosen by an `override` entry. */
type Overrides = ReadonlyMap<string, Choice>;

const MAX_DEPTH = 12;

export function composeHydra(configDir: string, configName: string, sources: HydraSources): HydraComposition {
  let overrides: Overrides = new Map();
  let result = composeOnce(configDir, configName, sources, overrides);
  // An `override` entry may sit in a config read after the entry it changes: compose again with it.
  for (let round = 0; round < 3 && [...result.overrides.keys()].some((k) => !overrides.has(k)); round++) {
    overrides = new Map([...overrides, ...result.overrides]);
    result = composeOnce(configDir, configName, sources, overrides);
  }
  return { params: [...result.params.values()], files: result.files, problems: result.problems };
}

interface Pass {
  readonly params: Map<string, ExtractedParam>;
  readonly files: string[];
  readonly problems: string[];
  readonly overrides: Map<string, Choice>;
}

function composeOnce(configDir: string, configName: string, sources: HydraSources, overrides: Overrides): Pass {
  const pass: Pass = { params: new Map(), files: [], problems: [], overrides: new Map() };
  const stack: string[] = [];

  const visit = (file: string, group: string, entryPackage: string | undefined, optional: boolean, from: string | undefined): void => {
    if (stack.includes(file) || stack.length > MAX_DEPTH) {
      pass.problems.push(`${sources.display(file)}: the Hydra defaults list includes itself (through ${stack.map(sources.display).join(' -> ')}); not followed further`);
      return;
    }
    let doc: ConfigDocument;
    try {
      doc = sources.read(file);
    } catch (err) {
      if (!ConfigFileError.is(err)) throw err;
      if (optional && err.reason === 'missing') return;
      const where = err.line ? `${sources.display(file)}:${err.line}` : sources.display(file);
      pass.problems.push(`${where}: ${err.message}${from ? ` (listed in ${from})` : ''}; its keys are not listed until it is fixed`);
      return;
    }
    if (!pass.files.includes(file)) pass.files.push(file);
    const pkg = entryPackage ?? headerPackage(doc.text, group, path.basename(file, '.yaml')) ?? dotted(group);
    stack.push(file);
    let selfDone = false;
    const self = (): void => {
      selfDone = true;
      const keys = configKeys(doc, {
        source: 'hydra',
        prefix: pkg,
        omegaconf: true,
        // `hydra:` at the top of the output config configures Hydra itself (run dirs, launchers).
        skipTopKeys: new Set(pkg === '' ? ['defaults', 'hydra'] : ['defaults']),
        displayPath: sources.display(file),
      });
      for (const p of keys.params) pass.params.set(p.name, p);
      pass.problems.push(...keys.problems);
    };
    const defaults = defaultsList(doc.root);
    for (const item of defaults) {
      const at = `${sources.display(file)}:${doc.position(item.start).line}`;
      if (item.kind === 'scalar' && item.value === '_self_') {
        self();
        continue;
      }
      const entry = parseEntry(item);
      if (!entry) {
        pass.problems.push(`${at}: a Hydra defaults entry Tunekit does not understand; skipped`);
        continue;
      }
      const absGroup = entry.group.startsWith('/') ? entry.group.slice(1) : path.posix.join(group, entry.group);
      if (absGroup === 'hydra' || absGroup.startsWith('hydra/')) continue; // Hydra's own launcher / sweeper / logging groups
      if (entry.override) {
        pass.overrides.set(absGroup, { options: entry.options, doc, keyStart: entry.keyStart });
        continue;
      }
      const choice = overrides.get(absGroup) ?? { options: entry.options, doc, keyStart: entry.keyStart };
      const options = optionNames(choice.options);
      if (options === 'missing') {
        pass.problems.push(`${at}: the Hydra group ${absGroup} has no default option (???): the script stops unless one is chosen (${absGroup}=NAME)`);
        continue;
      }
      if (options === undefined) {
        pass.problems.push(`${at}: a Hydra defaults entry for ${absGroup} Tunekit does not understand; skipped`);
        continue;
      }
      const childPackage = entry.package === undefined ? undefined : resolvePackage(pkg, entry.package);
      if (entry.isGroup) {
        const param = groupChoice(configDir, absGroup, entry, choice, options);
        if (param) pass.params.set(param.name, param);
      }
      for (const option of options) {
        const childFile = path.join(configDir, ...absGroup.split('/').filter(Boolean), option.endsWith('.yaml') ? option : `${option}.yaml`);
        visit(childFile, absGroup, childPackage, entry.optional, at);
      }
    }
    if (!selfDone) self(); // Hydra 1.1+: a config overrides its defaults unless _self_ says otherwise
    stack.pop();
  };

  const primary = path.join(configDir, configName.endsWith('.yaml') ? configName : `${configName}.yaml`);
  visit(primary, '', '', false, undefined);
  return pass;
}

interface DefaultsEntry {
  /** Group path as written, `/` at the start for absolute. */
  readonly group: string;
  /** `group: option` (a choice a trial can switch) rather than `group/option` (a fixed config). */
  readonly isGroup: boolean;
  readonly keyStart: number;
  readonly options: ConfigNode;
  readonly package?: string;
  readonly optional: boolean;
  readonly override: boolean;
}

function defaultsList(root: ConfigNode | undefined): ConfigNode[] {
  if (root?.kind !== 'map') return [];
  const defaults = root.entries.find((e) => e.key === 'defaults')?.value;
  return defaults?.kind === 'seq' ? [...defaults.items] : [];
}

/** `optimizer: adam`, `optional db@backup: mysql`, `override /model: big`, or `db/mysql` (a config). */
function parseEntry(item: ConfigNode): DefaultsEntry | undefined {
  if (item.kind === 'scalar' && typeof item.value === 'string') {
    // CONFIG form: (GROUP/)?NAME(@PACKAGE)? -> the config NAME of GROUP.
    const [configPath = '', pkg] = item.value.split('@');
    const slash = configPath.lastIndexOf('/');
    const group = slash >= 0 ? configPath.slice(0, slash) : '';
    const name = configPath.slice(slash + 1);
    return {
      group: group === '' && configPath.startsWith('/') ? '/' : group,
      isGroup: false,
      keyStart: item.start,
      options: { kind: 'scalar', value: name, start: item.start, end: item.end },
      ...(pkg !== undefined ? { package: pkg } : {}),
      optional: false,
      override: false,
    };
  }
  if (item.kind !== 'map' || item.entries.length !== 1) return undefined;
  const only = item.entries[0];
  if (!only) return undefined;
  const words = only.key.trim().split(/\s+/);
  const spec = words.pop() ?? '';
  const [group = '', pkg] = spec.split('@');
  return {
    group,
    isGroup: true,
    keyStart: only.keyStart,
    options: only.value,
    ...(pkg !== undefined ? { package: pkg } : {}),
    optional: words.includes('optional'),
    override: words.includes('override'),
  };
}

/**
 * The group's choice as a parameter (`optimizer`, default `adam`, choices: the group's files),
 * which a trial switches with `optimizer=sgd`; located at the option in the defaults list.
 */
function groupChoice(configDir: string, absGroup: string, entry: DefaultsEntry, choice: Choice, options: readonly string[]): ExtractedParam | undefined {
  const chosen = choice.options;
  if (options.length !== 1 || chosen.kind !== 'scalar') return undefined;
  const option = options[0] as string;
  let available: string[];
  try {
    available = fs
      .readdirSync(path.join(configDir, ...absGroup.split('/').filter(Boolean)))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return undefined; // no such group folder: the missing option is reported where it is read
  }
  if (!available.includes(option)) return undefined;
  const { line, column } = choice.doc.position(choice.keyStart);
  return {
    name: entry.package === undefined ? absGroup : `${absGroup}@${entry.package}`,
    source: 'hydra',
    type: 'str',
    default: option,
    defaultText: choice.doc.text.slice(chosen.start, chosen.end),
    choices: available,
    help: `Hydra config group ${absGroup}: which of its configs to use`,
    location: { file: choice.doc.file, line, column, valueStart: chosen.start, valueEnd: chosen.end },
    tunable: true,
  };
}

/** Option names; [] for null (a placeholder), 'missing' for ???, undefined for anything else. */
function optionNames(node: ConfigNode): string[] | 'missing' | undefined {
  if (node.kind === 'scalar') {
    if (node.value === null) return [];
    if (node.value === '???') return 'missing';
    return typeof node.value === 'string' ? [node.value] : undefined;
  }
  if (node.kind === 'seq') {
    const names = node.items.map((i) => (i.kind === 'scalar' && typeof i.value === 'string' ? i.value : undefined));
    return names.every((n) => n !== undefined) ? (names as string[]) : undefined;
  }
  return undefined;
}

/** `# @package foo.bar` at the top of a config file; `_global_` is the root, `_group_` the group. */
function headerPackage(text: string, group: string, name: string): string | undefined {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('#')) return undefined;
    const m = /^#\s*@package\s+(\S+)/.exec(trimmed);
    if (m) {
      return (m[1] as string)
        .split('.')
        .flatMap((part) => (part === '_global_' ? [] : part === '_group_' ? [dotted(group)] : part === '_name_' ? [name] : [part]))
        .filter(Boolean)
        .join('.');
    }
  }
  return undefined;
}

/** A defaults entry's @package is relative to its parent's package unless it starts with _global_. */
function resolvePackage(parent: string, pkg: string): string {
  if (pkg === '_global_' || pkg.startsWith('_global_.')) return pkg.slice('_global_'.length).replace(/^\./, '');
  if (pkg === '_here_') return parent;
  return [parent, pkg].filter(Boolean).join('.');
}

function dotted(group: string): string {
  return group.split('/').filter(Boolean).join('.');
}
