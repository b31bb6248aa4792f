/**
 * A config file's settings as parameters: nested mappings flattened to dotted names
 * (`optimizer.lr`), scalar leaves and lists of scalars kept, each located in the config file
 * so apply-back can rewrite the value there.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ExtractedParam, ParamSource, ParamType } from '../param-model';
import type { ConfigDocument } from './config-document';
import type { ConfigNode } from './config-node';
import { plainValue } from './config-node';

export interface ConfigKeyOptions {
  readonly source: Extract<ParamSource, 'yaml' | 'json' | 'hydra'>;
  /** Dotted prefix for every key (a Hydra package such as `optimizer`); empty for the root. */
  readonly prefix?: string;
  /** OmegaConf / Hydra semantics: `${...}` is an interpolation, `???` a value the user must give. */
  readonly omegaconf: boolean;
  /** Top-level keys that are not settings (Hydra's `defaults` list and `hydra:` block). */
  readonly skipTopKeys?: ReadonlySet<string>;
  /** How problems name the file (relative to the script's folder). */
  readonly displayPath: string;
}

export interface ConfigKeys {
  /** In file order; a key written twice appears once, with its last value (as the loaders do). */
  readonly params: ExtractedParam[];
  readonly problems: string[];
}

export function configKeys(doc: ConfigDocument, options: ConfigKeyOptions): ConfigKeys {
  const found = new Map<string, ExtractedParam>();
  const problems: string[] = [];
  const visit = (node: ConfigNode, name: string, keyStart: number, top: boolean): void => {
    if (node.kind === 'map') {
      for (const entry of node.entries) {
        if (top && options.skipTopKeys?.has(entry.key)) continue;
        // `_target_`, `_partial_`, `_recursive_`: instructions to hydra.utils.instantiate, not settings.
        if (/^_.*_$/.test(entry.key)) continue;
        visit(entry.value, name ? `${name}.${entry.key}` : entry.key, entry.keyStart, false);
      }
      return;
    }
    if (top) return; // a top-level list or scalar has no key to name it
    const value = plainValue(node);
    if (value === undefined || node.kind === 'opaque') return;
    const { line, column } = doc.position(keyStart);
    const written = node.end > node.start;
    let type: ParamType = node.kind === 'seq' ? 'list' : scalarType(node);
    let listedDefault: JsonValue | undefined = value;
    if (options.omegaconf && typeof value === 'string') {
      if (value === '???') {
        problems.push(`${options.displayPath}:${line}: ${name} is mandatory (???) and has no default: give it a value in the study (fixed values) or the script stops`);
        listedDefault = undefined;
        type = 'unknown';
      } else if (INTERPOLATION.test(value)) {
        // Computed when the config is read: `${oc.env:DATA,./data}` (a string) or `${trainer.lr}`
        // (whatever that key holds). Listed without a default; a trial may still override it.
        listedDefault = undefined;
        type = /^\$\{[\w.]+\}$/.test(value) ? 'unknown' : 'str';
      }
    }
    if (Array.isArray(value) && options.omegaconf && value.some((v) => typeof v === 'string' && INTERPOLATION.test(v))) listedDefault = undefined;
    found.delete(name);
    found.set(name, {
      name,
      source: options.source,
      type,
      ...(listedDefault !== undefined ? { default: listedDefault } : {}),
      ...(written ? { defaultText: doc.text.slice(node.start, node.end) } : {}),
      // A key with nothing after it (`key:`) has no text to replace; apply-back would need to insert.
      location: { file: doc.file, line, column, ...(written ? { valueStart: node.start, valueEnd: node.end } : {}) },
      tunable: true,
    });
  };
  if (doc.root) visit(doc.root, options.prefix ?? '', 0, true);
  return { params: [...found.values()], problems };
}

const INTERPOLATION = /\$\{[^}]*\}/;

function scalarType(node: ConfigNode): ParamType {
  if (node.kind !== 'scalar') return 'unknown';
  switch (typeof node.value) {
    case 'number':
      return node.numberType ?? 'float';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'str';
    default:
      return 'unknown';
  }
}
