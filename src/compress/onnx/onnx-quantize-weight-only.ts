/**
 * Weight-only compression: the weight is stored small and turned back into float32 by one node
 * at run time, whose output takes the weight's original name, so every consumer (and any
 * value_info describing the weight) stays as it was.
 *
 *   weight-int8: Wq (int8, per output channel, symmetric) + scale + zero point (0)
 *                -> DequantizeLinear(axis = output channel) -> W          (per-axis: opset 13)
 *   fp16 / bf16: W16 -> Cast(to = FLOAT) -> W
 *
 * Why only the weights become half precision and not the whole graph: onnxruntime's CPU kernels
 * are float32 for most operators, so an all-float16 graph either fails to load or gets a Cast
 * inserted around every node; keeping activations in float32 gives the same file-size saving (the
 * weights are the file) with outputs within float16 rounding of the original. A GPU user who wants
 * float16 compute converts the graph with onnxconverter-common's float16 tool.
 */
import { CompressError } from '../compress-error';
import type { LayerReport, QuantizeScheme } from '../../protocol/compression';
import { float32ToBfloat16, float32ToFloat16 } from '../tensor/float-formats';
import { countZeros } from '../tensor/magnitude-prune';
import { quantizeInt8PerChannel } from '../tensor/int8-quantize';
import { OnnxDataType } from './onnx-data-type';
import { GraphEditor, intAttr } from './onnx-graph-edit';
import { bytesOf, readFloat32 } from './onnx-model-file';
import type { LoadedOnnxModel } from './onnx-model-file';
import { countInt8Zeros } from './onnx-quantize-outcome';
import type { QuantizeOutcome } from './onnx-quantize-outcome';
import type { EligibleWeight } from './onnx-weights';

function countHalfZeros(values: Uint16Array): number {
  let n = 0;
  // +0 and -0 in both float16 and bfloat16.
  for (let i = 0; i < values.length; i++) if (((values[i] as number) & 0x7fff) === 0) n++;
  return n;
}

export function quantizeWeightOnly(
  loaded: LoadedOnnxModel,
  weights: EligibleWeight[],
  scheme: Exclude<QuantizeScheme, 'dynamic-int8'>,
  progress: (done: number, total: number) => void,
  signal?: AbortSignal,
): QuantizeOutcome {
  const graph = loaded.model.graph;
  if (!graph) throw new CompressError('corrupt', `${loaded.path} has no graph`);
  const edit = new GraphEditor(loaded.model);
  const layers: LayerReport[] = [];
  const touched = new Map<string, { params: number; zeros: number }>();
  const firstUse = new Map(weights.map((w) => [w.name, graph.node.find((n) => n.input.includes(w.name))]));

  weights.forEach((w, index) => {
    signal?.throwIfAborted();
    const data = readFloat32(loaded, w.tensor);
    const consumer = firstUse.get(w.name);
    let zerosAfter: number;
    let dtypeAfter: string;
    if (scheme === 'weight-int8') {
      const { values, scales } = quantizeInt8PerChannel(data, w.shape, w.outputAxis, w.name);
      const q = edit.fresh(`${w.name}_q`);
      const scale = edit.fresh(`${w.name}_s`);
      const zeroPoint = edit.fresh(`${w.name}_zp`);
      edit.addInitializer(q, OnnxDataType.INT8, [...w.shape], bytesOf(values));
      edit.addInitializer(scale, OnnxDataType.FLOAT, [scales.length], bytesOf(scales));
      // An explicit int8 zero point: without one DequantizeLinear's type would still follow x,
      // but some runtimes infer uint8 from a missing zero point.
      edit.addInitializer(zeroPoint, OnnxDataType.INT8, [scales.length], new Uint8Array(scales.length));
      const node = edit.node('DequantizeLinear', [q, scale, zeroPoint], [w.name], [intAttr('axis', w.outputAxis)], `${w.name}_dq`);
      if (consumer) edit.insertBefore(consumer, [node]);
      zerosAfter = countInt8Zeros(values);
      dtypeAfter = 'int8';
    } else {
      const half = scheme === 'fp16' ? float32ToFloat16(data) : float32ToBfloat16(data);
      const stored = edit.fresh(`${w.name}_${scheme}`);
      edit.addInitializer(stored, scheme === 'fp16' ? OnnxDataType.FLOAT16 : OnnxDataType.BFLOAT16, [...w.shape], bytesOf(half));
      const node = edit.node('Cast', [stored], [w.name], [intAttr('to', OnnxDataType.FLOAT)], `${w.name}_cast`);
      if (consumer) edit.insertBefore(consumer, [node]);
      zerosAfter = countHalfZeros(half);
      dtypeAfter = scheme === 'fp16' ? 'float16' : 'bfloat16';
    }
    // The weight's name is now a node output: it leaves the initializers (and the graph inputs,
    // where an IR < 4 model listed it), while value_info entries for it stay true.
    graph.initializer = graph.initializer.filter((t) => t !== w.tensor);
    edit.stopBeingInput(w.name);
    touched.set(w.name, { params: data.length, zeros: zerosAfter });
    layers.push({
      name: w.name,
      op: w.op,
      shape: w.shape,
      params: data.length,
      sparsityBefore: countZeros(data) / Math.max(1, data.length),
      sparsityAfter: zerosAfter / Math.max(1, data.length),
      dtypeBefore: 'float32',
      dtypeAfter,
    });
    progress(index + 1, weights.length);
  });
  edit.commit();
  return { layers, warnings: [], touched };
}
