/** Pruners by the names a study file or the command line uses. */
import { type AshaPrunerOptions, AshaPruner } from './asha';
import { type ExtrapolationPrunerOptions, ExtrapolationPruner } from './extrapolation';
import { type HyperbandPrunerOptions, HyperbandPruner } from './hyperband';
import { type MedianPrunerOptions, MedianPruner } from './median';
import { NopPruner } from './nop';
import { type PatientPrunerOptions, PatientPruner } from './patient';
import { PercentilePruner } from './percentile';
import type { Pruner } from './pruner';
import { PrunerError } from './pruner-error';
import { type ThresholdPrunerOptions, ThresholdPruner } from './threshold';

export const PRUNER_NAMES = ['none', 'median', 'percentile', 'asha', 'hyperband', 'threshold', 'patient', 'extrapolate'] as const;

export type PrunerName = (typeof PRUNER_NAMES)[number];

/** The options of every pruner; each pruner accepts only its own (see OPTIONS_BY_PRUNER). */
export type PrunerOptions = MedianPrunerOptions &
  Omit<AshaPrunerOptions, 'minResource'> &
  Omit<HyperbandPrunerOptions, 'minResource'> &
  ThresholdPrunerOptions &
  PatientPrunerOptions &
  ExtrapolationPrunerOptions & {
    /** asha: a step count or 'auto'; hyperband: a step count. */
    readonly minResource?: number | 'auto';
    /** percentile: keep trials in the best `percentile` percent (default 25). */
    readonly percentile?: number;
    /** patient: the pruner that decides once a trial has plateaued (default: none, the plateau alone). */
    readonly wrapped?: PrunerName;
  };

const PERCENTILE_OPTIONS = ['nStartupTrials', 'nWarmupSteps', 'intervalSteps', 'nMinTrials'] as const;

const OPTIONS_BY_PRUNER: Record<PrunerName, readonly (keyof PrunerOptions)[]> = {
  none: [],
  median: PERCENTILE_OPTIONS,
  percentile: ['percentile', ...PERCENTILE_OPTIONS],
  asha: ['minResource', 'reductionFactor', 'minEarlyStoppingRate', 'bootstrapCount'],
  hyperband: ['minResource', 'maxResource', 'reductionFactor', 'bootstrapCount'],
  threshold: ['lower', 'upper', 'nWarmupSteps', 'intervalSteps'],
  patient: ['patience', 'minDelta', 'wrapped'],
  extrapolate: ['nStartupTrials', 'warmupFraction', 'sigmas'],
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
    case 'percentile':
      return new PercentilePruner(options.percentile ?? 25, options);
    case 'asha':
      return new AshaPruner(options);
    case 'hyperband': {
      if (options.minResource === 'auto') throw new PrunerError('invalid-option', 'hyperband takes a step count as minResource, not "auto" (its maxResource can be "auto")', 'minResource');
      return new HyperbandPruner({ ...options, minResource: options.minResource });
    }
    case 'threshold':
      return new ThresholdPruner(options);
    case 'patient': {
      const wrapped = options.wrapped;
      // threshold needs bounds that patient cannot pass on, so it cannot be wrapped either.
      const wrappable = PRUNER_NAMES.filter((n) => n !== 'patient' && n !== 'threshold');
      if (wrapped !== undefined && !(wrappable as readonly string[]).includes(wrapped)) {
        throw new PrunerError('invalid-option', `wrapped must be one of ${wrappable.join(', ')}, got ${JSON.stringify(wrapped)}`, 'wrapped');
      }
      return new PatientPruner(options, wrapped === undefined || wrapped === 'none' ? undefined : createPruner(wrapped));
    }
    case 'extrapolate':
      return new ExtrapolationPruner(options);
  }
}
