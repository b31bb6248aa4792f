/**
 * Splits verification inputs into the batches a model accepts. A model exported with a fixed
 * batch size (torch.onnx.export without dynamic_axes gives [1, 64]) cannot take a 360-row test
 * set in one run, so the rows go through in runs of that size and the outputs are joined.
 */
import { CompressError } from '../compress-error';
import type { InputTensor, VerificationInputs } from './input-tensors';
import { elementCount } from './input-tensors';

export interface BatchedInputs {
  /** One list of tensors per run, each with `batch` rows. */
  runs: InputTensor[][];
  /** Rows used: a multiple of the batch size. */
  rows: number;
  labels?: Int32Array;
  /** Set when rows at the end were left out. */
  warning?: string;
}

/** `batch` undefined: the model takes any number of rows, so all of them go in one run. */
export function batchInputs(inputs: VerificationInputs, batch: number | undefined, model: string): BatchedInputs {
  if (batch === undefined || batch === inputs.rows) return { runs: [inputs.tensors], rows: inputs.rows, ...(inputs.labels ? { labels: inputs.labels } : {}) };
  if (inputs.rows < batch) throw new CompressError('bad-input', `${model} takes batches of exactly ${batch} rows, but the inputs have ${inputs.rows}: give at least ${batch}`);
  const count = Math.floor(inputs.rows / batch);
  const rows = count * batch;
  const runs: InputTensor[][] = [];
  for (let r = 0; r < count; r++) {
    runs.push(
      inputs.tensors.map((t) => {
        const perRow = elementCount(t.dims.slice(1));
        const data = t.data.slice(r * batch * perRow, (r + 1) * batch * perRow);
        return { name: t.name, dims: [batch, ...t.dims.slice(1)], data };
      }),
    );
  }
  return {
    runs,
    rows,
    ...(inputs.labels ? { labels: inputs.labels.slice(0, rows) } : {}),
    ...(rows < inputs.rows ? { warning: `${model} takes batches of exactly ${batch} rows: the last ${inputs.rows - rows} of ${inputs.rows} input rows were left out` } : {}),
  };
}
