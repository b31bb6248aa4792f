/**
 * The one call every checkpoint format implements (onnx/onnx-compress.ts,
 * safetensors/safetensors-compress.ts, pytorch/pytorch-compress.ts), so that
 * compress-checkpoint.ts can dispatch on the format and assemble the report the same way.
 */
import type { CompressionMethod, CompressionProgress, LayerReport, TensorSelection } from '../protocol/compression';

export interface FormatJob {
  /** The user's checkpoint; never modified. */
  source: string;
  /** Where the new file goes; the format writes it with writeFileAtomically (fails if it exists). */
  output: string;
  method: CompressionMethod;
  selection: TensorSelection;
  onProgress?: (progress: CompressionProgress) => void;
  /** The Python interpreter (PyTorch checkpoints only). */
  python?: string;
  /** Stops the job between tensors; nothing is written when it fires. */
  signal?: AbortSignal;
}

/** Parameter counts over all floating-point weight tensors of the model (not only the touched ones). */
export interface ParamCount {
  params: number;
  zeros: number;
}

export interface FormatResult {
  layers: LayerReport[];
  before: ParamCount;
  after: ParamCount;
  warnings: string[];
}

export type FormatCompressor = (job: FormatJob) => Promise<FormatResult>;
