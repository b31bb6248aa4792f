/**
 * How close the compressed model's output is to the original's on the same inputs: the largest
 * and the mean absolute difference over every element of the first output, and for classifier
 * outputs ([batch, classes]) the share of rows whose predicted class (argmax) is unchanged, which
 * is what a user of a classifier notices. Accuracy against labels uses the same argmax.
 */
import { CompressError } from '../compress-error';

export interface OutputValues {
  dims: readonly number[];
  data: ArrayLike<number>;
}

export interface AgreementFigures {
  maxAbsDiff: number;
  meanAbsDiff: number;
  top1Agreement?: number;
}

/** True for a [batch, classes] output with at least two classes. */
export function isClassifierOutput(dims: readonly number[]): boolean {
  return dims.length === 2 && (dims[1] ?? 0) >= 2;
}

export function compareOutputs(before: OutputValues, after: OutputValues, outputName: string): AgreementFigures {
  if (before.dims.length !== after.dims.length || before.dims.some((d, i) => d !== after.dims[i])) {
    throw new CompressError('corrupt', `the compressed model's output "${outputName}" has shape [${after.dims.join(', ')}], the original's [${before.dims.join(', ')}]`);
  }
  const n = before.data.length;
  let max = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs((before.data[i] as number) - (after.data[i] as number));
    // NaN must not hide behind Math.max's comparison: a NaN in the output is the worst disagreement.
    if (Number.isNaN(d)) {
      max = NaN;
      sum = NaN;
      continue;
    }
    if (d > max) max = d;
    sum += d;
  }
  const figures: AgreementFigures = { maxAbsDiff: max, meanAbsDiff: n === 0 ? 0 : sum / n };
  if (isClassifierOutput(before.dims)) {
    const a = argmaxRows(before);
    const b = argmaxRows(after);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    figures.top1Agreement = a.length === 0 ? 1 : same / a.length;
  }
  return figures;
}

/** The index of the largest value in each row of a [rows, classes] output (the first on ties). */
export function argmaxRows(output: OutputValues): Int32Array {
  const [rows = 0, classes = 0] = output.dims;
  const result = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = output.data[r * classes + c] as number;
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    result[r] = best;
  }
  return result;
}

/** Share of rows whose argmax equals the label. */
export function accuracyFromLabels(output: OutputValues, labels: Int32Array): number {
  const predicted = argmaxRows(output);
  if (predicted.length !== labels.length) throw new CompressError('bad-input', `${labels.length} labels for ${predicted.length} output rows`);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return labels.length === 0 ? 0 : correct / labels.length;
}
