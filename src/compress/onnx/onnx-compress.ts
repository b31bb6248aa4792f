/**
 * The ONNX implementation of FormatCompressor: load the model (nothing is written to the
 * source), pick the eligible weights, prune or quantize them, and write a new model beside the
 * original (with its weights in `<output>.data` when the source kept them in external data).
 */
import * as path from 'node:path';
import { CompressError } from '../compress-error';
import type { FormatCompressor, FormatJob, FormatResult, ParamCount } from '../format-job';
import type { CompressionProgress } from '../../protocol/compression';
import { isFloatType, OnnxDataType } from './onnx-data-type';
import { loadOnnxModel, saveOnnxModel, tensorRawBytes } from './onnx-model-file';
import type { LoadedOnnxModel, LoadOptions } from './onnx-model-file';
import type { OnnxTensor } from './onnx-model';
import { defaultOpset, raiseOpset } from './onnx-opset';
import { pruneOnnxWeights } from './onnx-prune';
import { quantizeDynamicInt8 } from './onnx-quantize-dynamic';
import { quantizeWeightOnly } from './onnx-quantize-weight-only';
import { findEligibleWeights } from './onnx-weights';

/** Zeros of a float tensor, counted on its bytes (+0 and -0: every bit but the sign is clear). */
function floatZeros(loaded: LoadedOnnxModel, t: OnnxTensor): number {
  if (t.floatData) return t.floatData.reduce((n, v) => (v === 0 ? n + 1 : n), 0);
  const raw = tensorRawBytes(loaded, t);
  if (!raw) return 0;
  const width = t.dataType === OnnxDataType.DOUBLE ? 8 : t.dataType === OnnxDataType.FLOAT ? 4 : 2;
  let zeros = 0;
  for (let at = 0; at < raw.length; at += width) {
    let zero = ((raw[at + width - 1] as number) & 0x7f) === 0;
    for (let b = at; zero && b < at + width - 1; b++) zero = raw[b] === 0;
    if (zero) zeros++;
  }
  return zeros;
}

function tensorParams(t: OnnxTensor): number {
  return t.dims.reduce((a, b) => a * b, 1);
}

/** compressOnnx with a memory budget the caller chooses (tests). */
export async function compressOnnxWith(job: FormatJob, options: LoadOptions): Promise<FormatResult> {
  const report = (stage: CompressionProgress['stage'], done: number, total: number) => job.onProgress?.({ stage, done, total });
  if (path.resolve(job.output) === path.resolve(job.source)) {
    throw new CompressError('exists', `The output ${job.output} is the source model; Tunekit never modifies the original. Choose another output path.`);
  }
  report('read', 0, 1);
  const loaded = loadOnnxModel(job.source, options);
  const graph = loaded.model.graph;
  if (!graph) throw new CompressError('corrupt', `${job.source} has no graph`);
  defaultOpset(loaded.model, job.source);
  const weights = findEligibleWeights(graph, job.selection, job.source);

  // Totals over every floating-point initializer, so the report shows the whole model's sparsity.
  const perTensor = new Map<string, ParamCount>();
  const before: ParamCount = { params: 0, zeros: 0 };
  for (const t of graph.initializer) {
    if (!isFloatType(t.dataType)) continue;
    const count = { params: tensorParams(t), zeros: floatZeros(loaded, t) };
    if (t.name !== undefined) perTensor.set(t.name, count);
    before.params += count.params;
    before.zeros += count.zeros;
  }
  report('read', 1, 1);
  job.signal?.throwIfAborted();

  const method = job.method;
  const warnings: string[] = [];
  let layers: FormatResult['layers'];
  let touched: Map<string, ParamCount>;
  if (method.kind === 'prune') {
    const outcome = pruneOnnxWeights(loaded, weights, method, (d, t) => report('prune', d, t), job.signal);
    layers = outcome.layers;
    warnings.push(...outcome.warnings);
    touched = new Map(layers.map((l) => [l.name, { params: l.params, zeros: Math.round(l.sparsityAfter * l.params) }]));
  } else {
    const needs = { 'dynamic-int8': [11, 'DynamicQuantizeLinear'], 'weight-int8': [13, 'per-channel DequantizeLinear'], fp16: [7, ''], bf16: [13, 'Cast from bfloat16'] } as const;
    const [opset, why] = needs[method.scheme];
    const raised = raiseOpset(loaded.model, opset, why, job.source);
    if (raised) warnings.push(raised);
    const progress = (d: number, t: number) => report('quantize', d, t);
    const outcome =
      method.scheme === 'dynamic-int8'
        ? quantizeDynamicInt8(loaded, weights, progress, job.signal)
        : quantizeWeightOnly(loaded, weights, method.scheme, progress, job.signal);
    layers = outcome.layers;
    warnings.push(...outcome.warnings);
    touched = outcome.touched;
  }
  if (layers.length === 0) throw new CompressError('no-eligible', `${job.source}: no eligible weight could be compressed. ${warnings.join(' ')}`);

  const after: ParamCount = { ...before };
  for (const [name, now] of touched) {
    const was = perTensor.get(name);
    if (!was) continue;
    after.params += now.params - was.params;
    after.zeros += now.zeros - was.zeros;
  }

  job.signal?.throwIfAborted();
  report('write', 0, 1);
  await saveOnnxModel(loaded.model, job.output, { externalData: loaded.externalBytes > 0, sourcePath: job.source });
  report('write', 1, 1);
  return { layers, before, after, warnings };
}

/** Prunes or quantizes an ONNX model into job.output; see FormatCompressor. */
export const compressOnnx: FormatCompressor = (job) => compressOnnxWith(job, {});
