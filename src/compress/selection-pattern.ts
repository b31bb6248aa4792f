/**
 * The include / exclude regular expressions of a TensorSelection, compiled in one place so every
 * format (and the job, which checks them before reading a model) reports a bad one the same way.
 */
import type { TensorSelection } from '../protocol/compression';
import { CompressError } from './compress-error';

/** The compiled pattern, undefined when not given; a bad one is a CompressError('bad-input') quoting it. */
export function selectionPattern(selection: TensorSelection, key: 'include' | 'exclude'): RegExp | undefined {
  const source = selection[key];
  if (source === undefined || source === '') return undefined;
  try {
    return new RegExp(source);
  } catch (err) {
    throw new CompressError('bad-input', `The ${key} pattern ${JSON.stringify(source)} is not a valid regular expression: ${(err as Error).message}`, { cause: err });
  }
}

/** Throws for a bad include or exclude pattern; returns the selection unchanged. */
export function checkSelection(selection: TensorSelection): TensorSelection {
  selectionPattern(selection, 'include');
  selectionPattern(selection, 'exclude');
  return selection;
}
