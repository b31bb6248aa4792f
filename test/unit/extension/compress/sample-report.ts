/**
 * A compression report shaped like the CLI's for the digits MLP (64-128-64-10) quantized with
 * dynamic int8: the figures a real run gives, for tests of the validator, the JSON-line reader
 * and the report webview.
 */
import type { CompressionReport } from '../../../../src/protocol/compression';

export function sampleReport(overrides: Partial<CompressionReport> = {}): CompressionReport {
  return {
    format: 'onnx',
    method: { kind: 'quantize', scheme: 'dynamic-int8' },
    before: { path: '/work/digits/model.onnx', bytes: 70_412, params: 17_226, zeros: 0, latency: { medianMs: 0.084, p90Ms: 0.1, runs: 50 } },
    after: { path: '/work/digits/model.int8.onnx', bytes: 19_318, params: 17_226, zeros: 212, latency: { medianMs: 0.061, p90Ms: 0.07, runs: 50 } },
    layers: [
      { name: 'fc1.weight', op: 'MatMul', shape: [64, 128], params: 8192, sparsityBefore: 0, sparsityAfter: 0.012, dtypeBefore: 'float32', dtypeAfter: 'int8' },
      { name: 'fc2.weight', op: 'MatMul', shape: [128, 64], params: 8192, sparsityBefore: 0, sparsityAfter: 0.011, dtypeBefore: 'float32', dtypeAfter: 'int8' },
      { name: 'fc3.weight', op: 'MatMul', shape: [64, 10], params: 640, sparsityBefore: 0, sparsityAfter: 0.02, dtypeBefore: 'float32', dtypeAfter: 'int8' },
    ],
    agreement: { samples: 360, inputsFrom: 'file', maxAbsDiff: 0.0421, meanAbsDiff: 0.0033, top1Agreement: 0.9972 },
    accuracy: { source: 'labels', metric: 'accuracy', before: 0.9611, after: 0.9583 },
    warnings: [],
    durationMs: 412,
    ...overrides,
  };
}

/** A pruning report with many layers (the chart turns horizontal). */
export function manyLayerPruneReport(layers = 30): CompressionReport {
  return sampleReport({
    method: { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 },
    after: { path: '/work/big/model.sparse50.onnx', bytes: 70_412, params: 17_226, zeros: 8613 },
    layers: Array.from({ length: layers }, (_, i) => ({
      name: `blocks.${i}.mlp.weight`,
      op: 'MatMul',
      shape: [256, 256],
      params: 65_536,
      sparsityBefore: 0,
      sparsityAfter: 0.3 + (0.4 * i) / layers,
      dtypeBefore: 'float32',
      dtypeAfter: 'float32',
    })),
    accuracy: undefined,
    warnings: ['the Embedding "tok_embed.weight" was skipped (pass --embeddings to prune it)'],
  });
}
