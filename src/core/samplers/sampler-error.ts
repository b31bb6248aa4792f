/**
 * Errors a user can act on when choosing or configuring a sampler. Callers branch on `reason`
 * (through `SamplerError.is`), never on the message text.
 */
export type SamplerErrorReason =
  /** The sampler name is not one of SAMPLER_NAMES. */
  | 'unknown-sampler'
  /** Grid search met a continuous float range, which has no finite set of points. */
  | 'grid-continuous'
  /** The grid would have more points than grid search is willing to enumerate. */
  | 'grid-too-large'
  /** Grid search was asked for a parameter that is not part of its grid. */
  | 'grid-unknown-parameter'
  /** A sampler option is out of range. */
  | 'invalid-option';

export class SamplerError extends Error {
  constructor(
    readonly reason: SamplerErrorReason,
    message: string,
    /** The parameter the error is about, when there is one. */
    readonly param?: string,
  ) {
    super(message);
    this.name = 'SamplerError';
  }

  static is(err: unknown, reason?: SamplerErrorReason): err is SamplerError {
    return err instanceof SamplerError && (reason === undefined || err.reason === reason);
  }
}
