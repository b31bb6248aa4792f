/** A parameter that cannot be passed to the script the way the study asks. */
export class InjectionError extends Error {
  constructor(
    /** The parameter at fault, as the user named it. */
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'InjectionError';
  }

  static is(err: unknown): err is InjectionError {
    return err instanceof InjectionError;
  }
}
