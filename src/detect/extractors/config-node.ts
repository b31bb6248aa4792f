/**
 * A config file's tree with source offsets, the same shape for YAML and JSON, so flattening
 * into dotted keys and apply-back's edits work on either. Offsets are JS string indices into
 * the file's text, like the rest of src/detect.
 */
import type { JsonValue } from '../../core/space/distributions';

export type ConfigNode = ConfigMap | ConfigSeq | ConfigScalar | ConfigOpaque;

export interface ConfigMap {
  readonly kind: 'map';
  readonly entries: readonly ConfigEntry[];
  readonly start: number;
  readonly end: number;
}

export interface ConfigEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly value: ConfigNode;
}

export interface ConfigSeq {
  readonly kind: 'seq';
  readonly items: readonly ConfigNode[];
  readonly start: number;
  readonly end: number;
}

export interface ConfigScalar {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  /** For numbers: how the file writes it (`1` vs `1.0`), which is how the loader types it. */
  readonly numberType?: 'int' | 'float';
  /** [start, end) of the value's text; empty for a key with no value (`key:` in YAML). */
  readonly start: number;
  readonly end: number;
}

/** What Tunekit does not read as a value: YAML aliases, tagged or non-finite values. */
export interface ConfigOpaque {
  readonly kind: 'opaque';
  readonly start: number;
  readonly end: number;
}

/** A scalar or list-of-scalars value as JSON. */
export function plainValue(node: ConfigNode): JsonValue | undefined {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') {
    const items = node.items.map((i) => (i.kind === 'scalar' ? i.value : undefined));
    return items.every((i) => i !== undefined) ? (items as JsonValue[]) : undefined;
  }
  return undefined;
}
