/**
 * The inputs a verification feeds to both models: values held in one wide type per kind
 * (float64 for real numbers, int64 for integers, so nothing is lost before each session gets
 * them converted to the type it declares), where they came from, and optional labels.
 */

export interface InputTensor {
  name: string;
  dims: number[];
  data: Float64Array | BigInt64Array;
}

export interface VerificationInputs {
  tensors: InputTensor[];
  /** Rows (dimension 0) of every tensor. */
  rows: number;
  from: 'file' | 'generated';
  /** The class index of each row, when the inputs file carried a "labels" tensor. */
  labels?: Int32Array;
}

/** What a model declares for one input (from onnxruntime's inputMetadata): a symbolic dimension is a string. */
export interface InputSpec {
  name: string;
  type: string;
  shape: ReadonlyArray<number | string>;
}

/** The name of the optional labels tensor in an inputs file. */
export const LABELS_TENSOR = 'labels';

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
