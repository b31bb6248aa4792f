/** Errors a user can act on when choosing or configuring a pruner; branch on `reason`. */
export type PrunerErrorReason =
  /** The pruner name is not one of PRUNER_NAMES. */
  | 'unknown-pruner'
  /** An option is out of range, or not one the chosen pruner takes. */
  | 'invalid-option';

export class PrunerError extends Error {
  constructor(
    readonly reason: PrunerErrorReason,
    message: string,
    /** The option the error is about, when there is one. */
    readonly option?: string,
  ) {
    super(message);
    this.name = 'PrunerError';
  }

  static is(err: unknown, reason?: PrunerErrorReason): err is PrunerError {
    return err instanceof PrunerError && (reason === undefined || err.reason === reason);
  }
}
