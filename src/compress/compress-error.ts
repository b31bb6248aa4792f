/** Errors a compression job reports to the user: each says what, where, and what to do. */

export type CompressErrorReason =
  | 'corrupt' // not a valid file of its format (bad header, bad protobuf, offsets past the end)
  | 'truncated' // shorter than its own header says
  | 'no-eligible' // no tensor the method may touch
  | 'unsupported-opset'
  | 'unsupported-dtype'
  | 'too-large' // would not fit in memory
  | 'torch-missing' // the Python interpreter has no torch
  | 'helper-failed' // the Python helper crashed
  | 'bad-input' // a bad option or inputs file
  | 'interrupted' // the user stopped the job (Ctrl-C, a cancelled progress notification)
  | 'exists'; // the output path is taken

export class CompressError extends Error {
  constructor(
    readonly reason: CompressErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CompressError';
  }

  static is(err: unknown, reason?: CompressErrorReason): err is CompressError {
    return err instanceof CompressError && (reason === undefined || err.reason === reason);
  }
}
