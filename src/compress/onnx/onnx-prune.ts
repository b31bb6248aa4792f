/**
 * Magnitude pruning of an ONNX graph's eligible weights, in place of their float32 values: the
 * tensors keep their names, shapes and type, only the pruned values become 0, and every other
 * byte of the model is left as it was.
 */
import type { PruneMethod, LayerReport } from '../../protocol/compression';
import { countZeros, pruneNM, pruneUnstructured } from '../tensor/magnitude-prune';
import type { PruneTarget } from '../tensor/magnitude-prune';
import { OnnxDataType } from './onnx-data-type';
import { bytesOf, readFloat32, setTensorData } from './onnx-model-file';
import type { LoadedOnnxModel } from './onnx-model-file';
import type { EligibleWeight } from './onnx-weights';

export interface PruneOutcome {
  layers: LayerReport[];
  warnings: string[];
}

export function pruneOnnxWeights(
  loaded: LoadedOnnxModel,
  weights: EligibleWeight[],
  method: PruneMethod,
  progress: (done: number, total: number) => void,
  signal?: AbortSignal,
): PruneOutcome {
  const warnings: string[] = [];
  const targets: PruneTarget[] = [];
  const zerosBefore: number[] = [];
  weights.forEach((w, i) => {
    signal?.throwIfAborted();
    const data = readFloat32(loaded, w.tensor);
    targets.push({ name: w.name, data, shape: w.shape, inputAxis: w.inputAxis });
    zerosBefore.push(countZeros(data));
    progress(i + 1, weights.length * 2);
  });
  const pruned = new Set<number>();
  if (method.pattern === 'unstructured') {
    pruneUnstructured(targets, method.sparsity, method.scope);
    targets.forEach((_, i) => pruned.add(i));
  } else {
    targets.forEach((t, i) => {
      const outcome = pruneNM(t, method.n, method.m);
      if (outcome.pruned) pruned.add(i);
      else warnings.push(outcome.reason ?? `"${t.name}" left dense.`);
    });
  }
  const layers: LayerReport[] = [];
  targets.forEach((t, i) => {
    signal?.throwIfAborted();
    const w = weights[i] as EligibleWeight;
    const zerosAfter = countZeros(t.data);
    if (pruned.has(i)) setTensorData(w.tensor, OnnxDataType.FLOAT, bytesOf(t.data));
    layers.push({
      name: w.name,
      op: w.op,
      shape: w.shape,
      params: t.data.length,
      sparsityBefore: t.data.length === 0 ? 0 : (zerosBefore[i] as number) / t.data.length,
      sparsityAfter: t.data.length === 0 ? 0 : zerosAfter / t.data.length,
      dtypeBefore: 'float32',
      dtypeAfter: 'float32',
    });
    progress(weights.length + i + 1, weights.length * 2);
  });
  return { layers, warnings };
}
