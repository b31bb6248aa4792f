/** Pruners by the names a study file or the command line uses. */
import { type AshaPrunerOptions, AshaPruner } from './asha';
import { type MedianPrunerOptions, MedianPruner } from './median';
import { NopPruner } from './nop';
import type { Pruner } from './pruner';
import { PrunerError } from './pruner-error';

export const PRUNER_NAMES = ['none', 'median', 'asha'] as const;

export type PrunerName = (typeof PRUNER_NAMES)[number];

/** The options of every pruner; each pruner accepts only its own (see OPTIONS_BY_PRUNER). */
export type PrunerOptions = MedianPrunerOptions & AshaPrunerOptions;

const OPTIONS_BY_PRUNER: Record<PrunerName, readonly (keyof PrunerOptions)[]> = {
  none: [],
  median: ['nStartupTrials', 'nWarmupSteps', 'intervalSteps', 'nMinTrials'],
  asha: ['minResource', 'reductionFactor', 'minEarlyStoppingRate', 'bootstrapCount'],
};

export function isPrunerName(value: unknown): value is PrunerName {
  return typeof value === 'string' && (PRUNER_NAMES as readonly string[]).includes(value);
}

/**
 * Builds a pruner by name. An unknown name, an option the pruner does not take (a typo in a
 * study file, say) or an out-of-range value is a PrunerError naming what to change.
 */
export function createPruner(name: PrunerName | (string & {}), options: PrunerOptions = {}): Pruner {
  if (!isPrunerName(name)) {
    throw new PrunerError('unknown-pruner', `unknown pruner ${JSON.stringify(name)}: use one of ${PRUNER_NAMES.map((n) => `"${n}"`).join(', ')}`);
  }
  const allowed = OPTIONS_BY_PRUNER[name];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || (allowed as readonly string[]).includes(key)) continue;
    const valid = allowed.length > 0 ? `; it takes ${allowed.join(', ')}` : '; it takes no options';
    throw new PrunerError('invalid-option', `pruner "${name}" has no option "${key}"${valid}`, key);
  }
  switch (name) {
    case 'none':
      return new NopPruner();
    case 'median':
      return new MedianPruner(options);
    case 'asha':
      return new AshaPruner(options);
  }
}
