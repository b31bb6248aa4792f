/**
 * Which initializers of an ONNX graph a compression may touch: the weight input of MatMul, Gemm
 * and Conv (and, when asked, the data of Gather: embedding tables). Biases, norm scales and
 * everything else are never eligible because they are not in those positions.
 *
 * For each weight the axes matter: `inputAxis` is the dimension a dot product runs along (N:M
 * groups are taken along it, as in NVIDIA's 2:4 sparsity, Mishra et al. 2021), `outputAxis` the
 * one per-channel int8 scales are taken along (one scale per output feature / filter).
 */
import { CompressError } from '../compress-error';
import type { TensorSelection } from '../../protocol/compression';
import { dataTypeName, OnnxDataType } from './onnx-data-type';
import { attrInt } from './onnx-graph-edit';
import type { OnnxGraph, OnnxNode, OnnxTensor } from './onnx-model';
import { selectionPattern } from '../selection-pattern';

export interface WeightUse {
  node: OnnxNode;
  inputIndex: number;
}

export interface EligibleWeight {
  name: string;
  tensor: OnnxTensor;
  /** op_type of the node that makes it eligible (the first one, when shared). */
  op: string;
  shape: number[];
  inputAxis: number;
  outputAxis: number;
  /** Nodes that use it as their weight, with these axes. */
  uses: WeightUse[];
  /** Nodes that use the same tensor otherwise (another role or other axes): they must keep seeing a float tensor. */
  otherUses: WeightUse[];
}

function isDefaultDomain(node: OnnxNode): boolean {
  return node.domain === undefined || node.domain === '' || node.domain === 'ai.onnx';
}

/** The weight role of input `index` of `node`, or undefined when that input is not a weight. */
function weightRole(node: OnnxNode, index: number, rank: number, embeddings: boolean): { inputAxis: number; outputAxis: number } | undefined {
  if (!isDefaultDomain(node)) return undefined;
  switch (node.opType) {
    case 'MatMul':
      // Y = X W with W [K, N]: K is the input dimension.
      return index === 1 && rank === 2 ? { inputAxis: 0, outputAxis: 1 } : undefined;
    case 'Gemm': {
      // Y = alpha op(A) op(B) + beta C; B is [K, N], or [N, K] with transB (torch's Linear).
      if (index !== 1 || rank !== 2) return undefined;
      const transB = attrInt(node, 'transB', 0) !== 0;
      return transB ? { inputAxis: 1, outputAxis: 0 } : { inputAxis: 0, outputAxis: 1 };
    }
    case 'Conv':
      // W [M, C/group, k...]: the dot product runs over input channels (and the kernel window).
      return index === 1 && rank >= 3 ? { inputAxis: 1, outputAxis: 0 } : undefined;
    case 'Gather':
      // An embedding table [vocab, dim]: each row is one token's vector.
      return embeddings && index === 0 && rank === 2 ? { inputAxis: 1, outputAxis: 0 } : undefined;
    default:
      return undefined;
  }
}

/** The graph's eligible weights, each once, in initializer order; throws 'no-eligible' when there are none. */
export function findEligibleWeights(graph: OnnxGraph, selection: TensorSelection, file: string): EligibleWeight[] {
  const include = selectionPattern(selection, 'include');
  const exclude = selectionPattern(selection, 'exclude');
  const initializers = new Map<string, OnnxTensor>();
  for (const t of graph.initializer) if (t.name !== undefined) initializers.set(t.name, t);

  const found = new Map<string, EligibleWeight>();
  const uses = new Map<string, WeightUse[]>();
  let filteredOut = 0;
  for (const node of graph.node) {
    node.input.forEach((input, inputIndex) => {
      const tensor = initializers.get(input);
      if (!tensor) return;
      const all = uses.get(input) ?? [];
      all.push({ node, inputIndex });
      uses.set(input, all);
      const role = weightRole(node, inputIndex, tensor.dims.length, selection.embeddings === true);
      if (!role) return;
      if ((include && !include.test(input)) || (exclude && exclude.test(input))) {
        filteredOut++;
        return;
      }
      const seen = found.get(input);
      if (seen) {
        if (seen.inputAxis === role.inputAxis && seen.outputAxis === role.outputAxis) seen.uses.push({ node, inputIndex });
        return;
      }
      if (tensor.dataType !== OnnxDataType.FLOAT) {
        throw new CompressError('unsupported-dtype', `${file}: weight "${input}" of ${node.opType} "${node.name ?? ''}" is ${dataTypeName(tensor.dataType)}; Tunekit compresses float32 weights only.`);
      }
      found.set(input, { name: input, tensor, op: node.opType ?? '', shape: [...tensor.dims], ...role, uses: [{ node, inputIndex }], otherUses: [] });
    });
  }
  for (const w of found.values()) {
    w.otherUses = (uses.get(w.name) ?? []).filter((u) => !w.uses.some((e) => e.node === u.node && e.inputIndex === u.inputIndex));
  }
  const order = new Map(graph.initializer.map((t, i) => [t.name, i]));
  const weights = [...found.values()].sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  if (weights.length === 0) throw noEligible(graph, file, filteredOut, selection);
  return weights;
}

function noEligible(graph: OnnxGraph, file: string, filteredOut: number, selection: TensorSelection): CompressError {
  const ops = new Map<string, number>();
  for (const n of graph.node) ops.set(n.opType ?? '?', (ops.get(n.opType ?? '?') ?? 0) + 1);
  const opList = [...ops].map(([op, count]) => `${op} x${count}`).join(', ') || 'no nodes';
  const inits = graph.initializer.map((t) => `${t.name ?? '?'} [${t.dims.join(', ')}] ${dataTypeName(t.dataType)}`);
  const initList = inits.length === 0 ? 'no initializers' : `${inits.length} initializer(s): ${inits.slice(0, 8).join('; ')}${inits.length > 8 ? '; ...' : ''}`;
  const why =
    filteredOut > 0
      ? `the include / exclude patterns (${selection.include ?? ''} / ${selection.exclude ?? ''}) left out all ${filteredOut} candidate weight(s)`
      : `no initializer is the weight of a MatMul, Gemm or Conv${selection.embeddings ? ' or the table of a Gather' : ''}`;
  return new CompressError('no-eligible', `${file}: nothing to compress: ${why}. The graph has ${opList}, and ${initList}.`);
}
