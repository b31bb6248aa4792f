/**
 * Dynamic int8 quantization with standard ONNX operators, the graph onnxruntime's own
 * quantize_dynamic produces (onnxruntime/python/tools/quantization/operators/matmul.py):
 *
 *   X -> DynamicQuantizeLinear -> Xq (uint8), Xscale, Xzp      (activations: per tensor, at run time)
 *   MatMulInteger(Xq, Wq, Xzp) -> int32 -> Cast(float) -> Mul(Xscale * Wscale)   [-> Add(bias)]
 *
 * Weights are int8, symmetric, one scale per output channel, so W's zero point is 0 and is left
 * out (MatMulInteger's b_zero_point defaults to 0). Since y[i, j] = sum_k Xq[i,k] Wq[k,j] *
 * Xscale * Wscale[j] - (the Xzp term), the per-column scale is applied after the integer product.
 * Conv goes through ConvInteger the same way, with the scale shaped [1, M, 1, 1] to broadcast over
 * the output channels. X of one tensor feeding several layers is quantized once.
 */
import { CompressError } from '../compress-error';
import type { LayerReport } from '../../protocol/compression';
import { countZeros } from '../tensor/magnitude-prune';
import { quantizeInt8PerChannel } from '../tensor/int8-quantize';
import { OnnxDataType } from './onnx-data-type';
import { attrFloat, attrInt, GraphEditor, intAttr } from './onnx-graph-edit';
import { bytesOf, readFloat32, tensorRawBytes } from './onnx-model-file';
import type { LoadedOnnxModel } from './onnx-model-file';
import type { OnnxNode, OnnxTensor } from './onnx-model';
import { countInt8Zeros } from './onnx-quantize-outcome';
import type { QuantizeOutcome } from './onnx-quantize-outcome';
import type { EligibleWeight, WeightUse } from './onnx-weights';


interface QuantizedActivation {
  q: string;
  scale: string;
  zeroPoint: string;
}

/**
 * Transposes a row-major [rows, cols] int8 matrix in 64 x 64 tiles, so both the reads and the
 * writes stay within a few cache lines (a naive column walk is ~10x slower on 4096 x 4096).
 */
function transposeInt8(data: Int8Array, rows: number, cols: number): Int8Array {
  const out = new Int8Array(data.length);
  const tile = 64;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = data[r * cols + c] as number;
    }
  }
  return out;
}

export function quantizeDynamicInt8(
  loaded: LoadedOnnxModel,
  weights: EligibleWeight[],
  progress: (done: number, total: number) => void,
  signal?: AbortSignal,
): QuantizeOutcome {
  const graph = loaded.model.graph;
  if (!graph) throw new CompressError('corrupt', `${loaded.path} has no graph`);
  const edit = new GraphEditor(loaded.model);
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const activations = new Map<string, QuantizedActivation>();
  const warnings: string[] = [];
  const layers: LayerReport[] = [];
  const touched = new Map<string, { params: number; zeros: number }>();
  const replacedBiases = new Set<string>();
  let rewritten = 0;

  /** Xq, Xscale, Xzp for `input`, quantizing it right before `consumer` the first time. */
  const quantizedInput = (input: string, consumer: OnnxNode): QuantizedActivation => {
    const seen = activations.get(input);
    if (seen) return seen;
    // Short generated names: in a small model, long ones are a visible share of the file.
    const j = activations.size;
    const a = { q: edit.fresh(`x${j}_q`), scale: edit.fresh(`x${j}_s`), zeroPoint: edit.fresh(`x${j}_zp`) };
    edit.insertBefore(consumer, [edit.node('DynamicQuantizeLinear', [input], [a.q, a.scale, a.zeroPoint])]);
    activations.set(input, a);
    return a;
  };

  weights.forEach((w, index) => {
    signal?.throwIfAborted();
    const convertible: WeightUse[] = [];
    const kept: WeightUse[] = [...w.otherUses];
    for (const use of w.uses) {
      const why = unsupportedUse(use.node, initializers);
      if (why) {
        warnings.push(`${w.name}: ${use.node.opType} "${use.node.name ?? ''}" left in float32: ${why}.`);
        kept.push(use);
      } else {
        convertible.push(use);
      }
    }
    if (convertible.length === 0) {
      progress(index + 1, weights.length);
      return;
    }
    const data = readFloat32(loaded, w.tensor);
    // One scale per output channel (w.outputAxis: 0 for Conv and transB Gemm, 1 for MatMul).
    const { values, scales } = quantizeInt8PerChannel(data, w.shape, w.outputAxis, w.name);
    // MatMulInteger wants B as [K, N]; a transB Gemm (torch's Linear) stores [N, K]. Transposing
    // the int8 values moves a quarter of the bytes a float transpose would.
    const [rows, cols] = w.shape as [number, number];
    const transposed = w.op === 'Gemm' && w.inputAxis === 1;
    const shape = transposed ? [cols, rows] : w.shape;
    const wq = edit.fresh(`${w.name}_q`);
    edit.addInitializer(wq, OnnxDataType.INT8, shape, bytesOf(transposed ? transposeInt8(values, rows, cols) : values));

    // One scale initializer per distinct alpha: uses of a shared weight share it.
    const scaleNames = new Map<number, string>();
    for (const use of convertible) {
      rewriteUse(use.node, w, wq, scales, scaleNames, edit, initializers, loaded, quantizedInput, rewritten++);
      const bias = use.node.input[2];
      if (bias && use.node.opType !== 'MatMul') replacedBiases.add(bias);
    }

    if (kept.length === 0) edit.dropInitializer(w.name);
    else warnings.push(`${w.name} is also read by ${kept.map((u) => u.node.opType).join(', ')}, so its float32 copy stays in the model beside the int8 one.`);
    touched.set(w.name, { params: values.length, zeros: countInt8Zeros(values) });
    layers.push({
      name: w.name,
      op: w.op,
      shape: w.shape,
      params: values.length,
      sparsityBefore: countZeros(data) / Math.max(1, data.length),
      sparsityAfter: countInt8Zeros(values) / Math.max(1, values.length),
      dtypeBefore: 'float32',
      dtypeAfter: 'int8',
    });
    progress(index + 1, weights.length);
  });
  edit.commit();
  // Biases rewritten for Add ([M] -> [1, M, 1, 1], C * beta) may have lost their last reader.
  for (const name of replacedBiases) if (!edit.isRead(name)) edit.dropInitializer(name);
  return { layers, warnings, touched };
}


/** Why a use cannot become an integer op, or undefined when it can. */
function unsupportedUse(node: OnnxNode, initializers: Map<string | undefined, OnnxTensor>): string | undefined {
  if (node.opType === 'Gemm') {
    if (attrInt(node, 'transA', 0) !== 0) return 'transA=1 is not supported by the integer path';
    const c = node.input[2];
    const beta = attrFloat(node, 'beta', 1);
    if (c && beta !== 1 && initializers.get(c)?.dataType !== OnnxDataType.FLOAT) return `beta=${beta} with a computed C`;
    return undefined;
  }
  if (node.opType === 'Conv') {
    const b = node.input[2];
    if (b && initializers.get(b)?.dataType !== OnnxDataType.FLOAT) return 'its bias is not a float32 initializer';
    return undefined;
  }
  if (node.opType === 'MatMul') return undefined;
  return `dynamic int8 applies to MatMul, Gemm and Conv, not ${node.opType ?? '?'} (use weight-int8 for embeddings)`;
}

function rewriteUse(
  node: OnnxNode,
  w: EligibleWeight,
  wq: string,
  channelScales: Float32Array,
  scaleNames: Map<number, string>,
  edit: GraphEditor,
  initializers: Map<string | undefined, OnnxTensor>,
  loaded: LoadedOnnxModel,
  quantizedInput: (input: string, consumer: OnnxNode) => QuantizedActivation,
  k: number,
): void {
  const x = node.input[0] as string;
  const y = node.output[0] as string;
  const a = quantizedInput(x, node);
  const isConv = node.opType === 'Conv';
  // Gemm's alpha folds into the weight scales: alpha * (Xs Ws_j) * (Xq Wq)_j.
  const alpha = node.opType === 'Gemm' ? attrFloat(node, 'alpha', 1) : 1;
  let scaleName = scaleNames.get(alpha);
  if (scaleName === undefined) {
    const scales = alpha === 1 ? channelScales : channelScales.map((s) => s * alpha);
    scaleName = edit.fresh(`${w.name}_s`);
    scaleNames.set(alpha, scaleName);
    // Conv output is [N, M, spatial...]: the per-filter scale must broadcast along axis 1.
    const dims = isConv ? [1, scales.length, ...Array<number>(w.shape.length - 2).fill(1)] : [scales.length];
    edit.addInitializer(scaleName, OnnxDataType.FLOAT, dims, bytesOf(scales));
  }

  const intOut = edit.fresh(`y${k}_i32`);
  const floatOut = edit.fresh(`y${k}_f`);
  const outScale = edit.fresh(`y${k}_s`);
  const nodes: OnnxNode[] = [];
  if (isConv) {
    const convAttrs = node.attribute.filter((at) => ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'].includes(at.name ?? ''));
    nodes.push(edit.node('ConvInteger', [a.q, wq, a.zeroPoint], [intOut], convAttrs));
  } else {
    nodes.push(edit.node('MatMulInteger', [a.q, wq, a.zeroPoint], [intOut]));
  }
  nodes.push(edit.node('Cast', [intOut], [floatOut], [intAttr('to', OnnxDataType.FLOAT)]));
  nodes.push(edit.node('Mul', [a.scale, scaleName], [outScale]));

  const bias = node.opType === 'Gemm' || isConv ? node.input[2] : undefined;
  if (!bias) {
    nodes.push(edit.node('Mul', [floatOut, outScale], [y]));
  } else {
    const scaled = edit.fresh(`y${k}_m`);
    nodes.push(edit.node('Mul', [floatOut, outScale], [scaled]));
    nodes.push(edit.node('Add', [scaled, biasFor(node, bias, w, edit, initializers, loaded)], [y]));
  }
  edit.replace(node, nodes);
}

/** The bias as Add needs it: Conv's [M] reshaped to [1, M, 1, 1]; Gemm's C times beta. */
function biasFor(node: OnnxNode, bias: string, w: EligibleWeight, edit: GraphEditor, initializers: Map<string | undefined, OnnxTensor>, loaded: LoadedOnnxModel): string {
  const tensor = initializers.get(bias);
  if (node.opType === 'Conv') {
    const t = tensor as OnnxTensor;
    const raw = tensorRawBytes(loaded, t) ?? bytesOf(readFloat32(loaded, t));
    const name = edit.fresh(`${bias}_r`);
    // Same bytes, new dims: [M] and [1, M, 1, 1] hold the same row-major values.
    edit.addInitializer(name, OnnxDataType.FLOAT, [1, t.dims[0] ?? 0, ...Array<number>(w.shape.length - 2).fill(1)], raw);
    return name;
  }
  const beta = attrFloat(node, 'beta', 1);
  if (beta === 1 || !tensor) return bias;
  const scaled = readFloat32(loaded, tensor).map((v) => v * beta);
  const name = edit.fresh(`${bias}_beta`);
  edit.addInitializer(name, OnnxDataType.FLOAT, [...tensor.dims], bytesOf(scaled));
  return name;
}
