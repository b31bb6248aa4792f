/** What a verification of a compressed model against its original found, whichever runtime ran them. */
import type { AccuracyFigures, LatencyFigures, OutputAgreement } from '../../protocol/compression';

export interface VerificationResult {
  agreement: OutputAgreement;
  latencyBefore?: LatencyFigures;
  latencyAfter?: LatencyFigures;
  /** Present when the inputs carried labels and the output is [batch, classes]. */
  accuracy?: AccuracyFigures;
  warnings: string[];
}
