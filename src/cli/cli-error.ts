/** An error the user can fix from the command line: printed without a stack trace, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }

  static is(err: unknown): err is CliUsageError {
    return err instanceof CliUsageError;
  }
}
