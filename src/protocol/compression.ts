/**
 * What a checkpoint compression is asked to do and what it reports, shared by the CLI, the
 * extension host and the report webview (which receives a CompressionReport as a message and
 * validates it with isCompressionReport before drawing).
 */

export type CheckpointFormat = 'onnx' | 'safetensors' | 'pytorch';

/** Magnitude pruning: the smallest |w| become exact zeros. */
export type PruneMethod =
  | { kind: 'prune'; pattern: 'unstructured'; scope: 'global' | 'layer'; sparsity: number }
  /** N:M structured: in every group of M consecutive weights along the input dimension, keep the N largest (2:4 keeps 2). */
  | { kind: 'prune'; pattern: 'n:m'; n: number; m: number };

/**
 * dynamic-int8: int8 weights per output channel, activations quantized at run time (ONNX:
 * DynamicQuantizeLinear + MatMulInteger / ConvInteger; PyTorch: quantize_dynamic of Linear/LSTM).
 * weight-int8: int8 weights + scales, dequantized at load/run time. fp16 / bf16: weights stored
 * at half precision.
 */
export type QuantizeScheme = 'dynamic-int8' | 'weight-int8' | 'fp16' | 'bf16';
export type QuantizeMethod = { kind: 'quantize'; scheme: QuantizeScheme };

export type CompressionMethod = PruneMethod | QuantizeMethod;

/**
 * Which tensors may be touched. By default only the weights of MatMul / Gemm / Conv (ONNX), or
 * of Linear / Conv layers (PyTorch, safetensors by name and rank): never biases, norms or
 * embeddings unless asked.
 */
export interface TensorSelection {
  /** Also compress embedding tables (Gather inputs / *embed* names). */
  embeddings?: boolean;
  /** Only tensors whose name matches this regular expression (source text). */
  include?: string;
  /** Never tensors whose name matches this regular expression (source text). */
  exclude?: string;
}

/** One tensor the method touched. */
export interface LayerReport {
  name: string;
  /** The operator or layer kind that uses it: "MatMul", "Gemm", "Conv", "Linear", "tensor"... */
  op: string;
  shape: number[];
  params: number;
  /** Fraction of exact zeros before and after (0..1). */
  sparsityBefore: number;
  sparsityAfter: number;
  /** Storage type before and after: "float32" -> "int8", "float16"... */
  dtypeBefore: string;
  dtypeAfter: string;
}

/** Latency of one forward pass over the verification batch, milliseconds. */
export interface LatencyFigures {
  medianMs: number;
  p90Ms: number;
  runs: number;
}

export interface ModelSide {
  path: string;
  bytes: number;
  /** Parameters in the eligible + other weight tensors, and how many of them are exactly zero. */
  params: number;
  zeros: number;
  latency?: LatencyFigures;
}

export interface OutputAgreement {
  /** Rows (samples) compared and where they came from. */
  samples: number;
  inputsFrom: 'file' | 'generated';
  maxAbsDiff: number;
  meanAbsDiff: number;
  /** For classifier-shaped outputs ([batch, classes]): share of rows with the same argmax. */
  top1Agreement?: number;
}

export interface AccuracyFigures {
  /** 'labels': the inputs file carried labels; 'eval-command': the study's evaluation command. */
  source: 'labels' | 'eval-command';
  metric: string;
  before: number;
  after: number;
}

export interface CompressionReport {
  format: CheckpointFormat;
  method: CompressionMethod;
  before: ModelSide;
  after: ModelSide;
  layers: LayerReport[];
  agreement?: OutputAgreement;
  accuracy?: AccuracyFigures;
  /** Things the user should know that did not stop the job (a skipped tensor, no verification...). */
  warnings: string[];
  durationMs: number;
}

/** Progress of a long job: a stage name and a fraction of it. */
export interface CompressionProgress {
  stage: 'read' | 'prune' | 'quantize' | 'write' | 'verify' | 'evaluate';
  done: number;
  total: number;
}
