/**
 * onnxruntime-node, loaded only when a verification runs: the package carries a native library
 * per platform (ENVIRONMENT.md), so `tunekit --help`, tuning, and compression with --no-verify
 * never pay for loading it, and a platform without a binary gets a message instead of a crash
 * at start-up.
 */
import type * as Ort from 'onnxruntime-node';
import { CompressError } from '../compress-error';

export type OrtModule = typeof Ort;
export type OrtSession = Ort.InferenceSession;
export type OrtTensor = Ort.Tensor;

let loading: Promise<OrtModule> | undefined;

/** The onnxruntime-node module, imported once; a CompressError when it cannot load here. */
export function loadOrt(): Promise<OrtModule> {
  loading ??= import('onnxruntime-node').then(
    (ort: OrtModule) => {
      // ORT prints graph-optimizer notes and warnings to stderr at level 2; they would break
      // the CLI's progress line and mean nothing to the user. Errors still reach us as exceptions.
      ort.env.logLevel = 'error';
      return ort;
    },
    (err: unknown) => {
      loading = undefined;
      throw new CompressError(
        'bad-input',
        `onnxruntime-node cannot load on this platform (${process.platform}-${process.arch}, Node ${process.versions.node}): ${(err as Error).message}. ` +
          'Verification needs it; run with --no-verify to compress without checking the result.',
        { cause: err },
      );
    },
  );
  return loading;
}

/**
 * Opens a session for one model file. Single-threaded and sequential, so latency before and
 * after is measured under the same conditions and does not depend on what else runs on the
 * machine's other cores.
 */
export async function openSession(ort: OrtModule, model: string): Promise<OrtSession> {
  try {
    return await ort.InferenceSession.create(model, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
  } catch (err) {
    throw new CompressError('corrupt', `onnxruntime cannot load ${model}: ${firstLine(err)}`, { cause: err });
  }
}

function firstLine(err: unknown): string {
  return String((err as Error).message ?? err).split('\n')[0] ?? '';
}
