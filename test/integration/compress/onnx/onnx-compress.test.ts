/**
 * compressOnnx on real torch-exported models, judged by tools that are not ours: onnx.checker
 * (full check) must accept every result, onnxruntime-node must run it and agree with the
 * original on the same inputs, and the pruned patterns are counted by numpy from the file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compressOnnx } from '../../../../src/compress/onnx/onnx-compress';
import type { FormatResult } from '../../../../src/compress/format-job';
import type { CompressionMethod, CompressionProgress, TensorSelection } from '../../../../src/protocol/compression';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { checkerError, compareModels, floatInput, makeModels } from './fixtures/onnx-test-models';
import type { ModelKind } from './fixtures/onnx-test-models';

const skip = missingPythonModules('torch', 'onnx');

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const PRUNE_50: CompressionMethod = { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 };
const PRUNE_2_4: CompressionMethod = { kind: 'prune', pattern: 'n:m', n: 2, m: 4 };
const quantize = (scheme: 'dynamic-int8' | 'weight-int8' | 'fp16' | 'bf16'): CompressionMethod => ({ kind: 'quantize', scheme });

/** numpy's view of a model: every initializer's zero count, shape and dtype, and the op types. */
interface PyView {
  ops: string[];
  opset: number;
  init: Record<string, { shape: number[]; dtype: string; zeros: number; groups24?: number[] }>;
}

const PY_VIEW = `
import json, sys, numpy as np, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
axes = json.loads(sys.argv[2])
init = {}
for t in m.graph.initializer:
    a = numpy_helper.to_array(t)
    e = {"shape": list(a.shape), "dtype": str(a.dtype), "zeros": int((a == 0).sum())}
    if t.name in axes:
        # zeros in each group of 4 along the input axis, as a histogram over 0..4
        g = np.moveaxis(a, axes[t.name], -1)
        g = g.reshape(-1, g.shape[-1] // 4, 4)
        e["groups24"] = np.bincount((g == 0).sum(-1).ravel(), minlength=5).tolist()
    init[t.name] = e
opset = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")][0]
print(json.dumps({"ops": [n.op_type for n in m.graph.node], "opset": opset, "init": init}))
`;

function pyView(model: string, groupAxes: Record<string, number> = {}): PyView {
  return runPythonJson(PY_VIEW, [model, JSON.stringify(groupAxes)]) as PyView;
}

describe('compressOnnx on torch-exported models', { skip }, () => {
  let dir = '';
  let models = {} as Record<ModelKind, string>;
  let n = 0;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-onnx-'));
    models = makeModels(dir, ['mlp', 'mlp-small', 'conv', 'external', 'matmul', 'opset9', 'opset8', 'tied']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(kind: ModelKind, method: CompressionMethod, selection: TensorSelection = {}) {
    const source = models[kind];
    const output = path.join(path.dirname(source), `${kind}.out${n++}.onnx`);
    const hash = sha(source);
    const progress: CompressionProgress[] = [];
    const result: FormatResult = await compressOnnx({ source, output, method, selection, onProgress: (p) => progress.push(p) });
    assert.equal(sha(source), hash, 'the original model is never modified');
    assert.equal(checkerError(output), undefined, 'onnx.checker (full check) accepts the result');
    assert.deepEqual(progress.at(-1), { stage: 'write', done: 1, total: 1 });
    return { source, output, result, progress };
  }

  test('dynamic int8 on a 64-256-128-10 MLP: >= 3.5x smaller, integer ops onnxruntime runs, outputs agree', async (t) => {
    const { source, output, result } = await run('mlp', quantize('dynamic-int8'));
    const ratio = fs.statSync(source).size / fs.statSync(output).size;
    t.diagnostic(`64-256-128-10: ${fs.statSync(source).size} -> ${fs.statSync(output).size} bytes, ${ratio.toFixed(2)}x`);
    assert.ok(ratio >= 3.5, `file only ${ratio.toFixed(2)}x smaller`);
    const view = pyView(output);
    assert.equal(view.ops.filter((o) => o === 'MatMulInteger').length, 3);
    assert.equal(view.ops.filter((o) => o === 'DynamicQuantizeLinear').length, 3);
    assert.ok(!view.ops.includes('Gemm'), 'every Gemm became integer');
    assert.deepEqual(
      result.layers.map((l) => [l.name, l.op, l.dtypeAfter]),
      [
        ['0.weight', 'Gemm', 'int8'],
        ['2.weight', 'Gemm', 'int8'],
        ['4.weight', 'Gemm', 'int8'],
      ],
    );
    for (const name of ['0.weight_q', '2.weight_q', '4.weight_q']) assert.equal(view.init[name]?.dtype, 'int8');
    assert.ok(!('0.weight' in view.init), 'the float32 weight is gone');
    assert.equal(result.before.params, 64 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    assert.equal(result.after.params, result.before.params);
    const agree = await compareModels(source, output, floatInput([256, 64]));
    t.diagnostic(`max |diff| ${agree.maxAbsDiff.toExponential(2)} (outputs up to ${agree.maxAbsOutput.toFixed(3)}), top-1 ${agree.top1}`);
    assert.ok(agree.maxAbsDiff < 0.02 * agree.maxAbsOutput, `max |diff| ${agree.maxAbsDiff} too large`);
    assert.ok(agree.top1 >= 0.95, `top-1 agreement ${agree.top1}`);
  });

  test('dynamic int8 on the narrower 64-128-64-10 MLP: reports what it gives', async (t) => {
    const { source, output } = await run('mlp-small', quantize('dynamic-int8'));
    const ratio = fs.statSync(source).size / fs.statSync(output).size;
    t.diagnostic(`64-128-64-10: ${fs.statSync(source).size} -> ${fs.statSync(output).size} bytes, ${ratio.toFixed(2)}x`);
    // Biases, scales and the graph are a larger share of a small model: 3.5x is about its limit.
    assert.ok(ratio >= 3.5, `file only ${ratio.toFixed(2)}x smaller`);
    const agree = await compareModels(source, output, floatInput([128, 64]));
    assert.ok(agree.top1 >= 0.95);
  });

  test('weight-int8, fp16 and bf16 keep the graph float and agree with the original', async () => {
    for (const [scheme, tolerance, node] of [
      ['weight-int8', 0.02, 'DequantizeLinear'],
      ['fp16', 1e-2, 'Cast'],
      ['bf16', 2e-2, 'Cast'],
    ] as const) {
      const { source, output, result } = await run('mlp', quantize(scheme));
      const view = pyView(output);
      assert.equal(view.ops.filter((o) => o === node).length, 3, `${scheme}: one ${node} per weight`);
      assert.equal(view.ops.filter((o) => o === 'Gemm').length, 3, `${scheme}: the Gemms stay`);
      assert.ok(fs.statSync(output).size < fs.statSync(source).size * (scheme === 'weight-int8' ? 0.3 : 0.55), `${scheme}: file not smaller`);
      assert.deepEqual(new Set(result.layers.map((l) => l.dtypeAfter)), new Set([{ 'weight-int8': 'int8', fp16: 'float16', bf16: 'bfloat16' }[scheme]]));
      const agree = await compareModels(source, output, floatInput([128, 64], 3));
      assert.ok(agree.maxAbsDiff < tolerance * Math.max(1, agree.maxAbsOutput), `${scheme}: max |diff| ${agree.maxAbsDiff}`);
      assert.ok(agree.top1 >= 0.95, `${scheme}: top-1 ${agree.top1}`);
    }
  });

  test('50% global pruning zeroes exactly half of the eligible weights and nothing else', async () => {
    const { source, output, result } = await run('mlp', PRUNE_50);
    const before = pyView(source);
    const view = pyView(output);
    const weights = ['0.weight', '2.weight', '4.weight'];
    const total = weights.reduce((s, w) => s + (before.init[w]?.shape.reduce((a, b) => a * b, 1) ?? 0), 0);
    const zeros = weights.reduce((s, w) => s + (view.init[w]?.zeros ?? 0), 0);
    assert.equal(zeros, Math.round(total * 0.5), 'exactly round(50% x count) zeros over the eligible weights');
    for (const bias of ['0.bias', '2.bias', '4.bias']) assert.equal(view.init[bias]?.zeros, 0, `${bias} is never pruned`);
    const reported = result.layers.reduce((s, l) => s + l.sparsityAfter * l.params, 0) / result.layers.reduce((s, l) => s + l.params, 0);
    assert.ok(Math.abs(reported - 0.5) <= 0.01, `reported sparsity ${reported}`);
    assert.equal(result.after.zeros - result.before.zeros, zeros);
    assert.equal(fs.statSync(output).size, fs.statSync(source).size, 'same tensors, same types: same size');
    // Everything but the weights' values is byte-identical.
    const same = runPythonJson(
      `import onnx, sys, json
a, b = onnx.load(sys.argv[1]), onnx.load(sys.argv[2])
w = set(json.loads(sys.argv[3]))
print(json.dumps({"nodes": list(a.graph.node) == list(b.graph.node), "io": list(a.graph.input) == list(b.graph.input) and list(a.graph.output) == list(b.graph.output),
  "others": all(x == y for x, y in zip(a.graph.initializer, b.graph.initializer) if x.name not in w), "names": [t.name for t in a.graph.initializer] == [t.name for t in b.graph.initializer]}))`,
      [source, output, JSON.stringify(weights)],
    );
    assert.deepEqual(same, { nodes: true, io: true, others: true, names: true });
    const agree = await compareModels(source, output, floatInput([64, 64]));
    assert.ok(Number.isFinite(agree.maxAbsDiff));
  });

  test('per-layer pruning leaves every layer at the target sparsity', async () => {
    const { output, result } = await run('mlp', { kind: 'prune', pattern: 'unstructured', scope: 'layer', sparsity: 0.3 });
    const view = pyView(output);
    for (const layer of result.layers) {
      const count = layer.params;
      assert.equal(view.init[layer.name]?.zeros, Math.round(0.3 * count), layer.name);
    }
  });

  test('2:4 pruning: exactly 2 zeros in every group of 4 along the input dimension', async () => {
    // Gemm with transB=1 stores [out, in]: the input axis is 1.
    const { output } = await run('mlp', PRUNE_2_4);
    const view = pyView(output, { '0.weight': 1, '2.weight': 1, '4.weight': 1 });
    for (const w of ['0.weight', '2.weight', '4.weight']) {
      const hist = view.init[w]?.groups24 as number[];
      const groups = hist.reduce((a, b) => a + b, 0);
      assert.equal(hist[2], groups, `${w}: groups by zero count ${JSON.stringify(hist)}`);
    }
    // Conv [out, in, kh, kw]: groups along in-channels; the first conv has 1 input channel and stays dense.
    const conv = await run('conv', PRUNE_2_4);
    const cv = pyView(conv.output, { 'c2.weight': 1 });
    const hist = cv.init['c2.weight']?.groups24 as number[];
    assert.equal(hist[2], hist.reduce((a, b) => a + b, 0));
    assert.equal(cv.init['c1.weight']?.zeros, 0);
    assert.ok(conv.result.warnings.some((w) => w.includes('c1.weight') && w.includes('not a multiple of 4')));
  });

  test('a Conv net: dynamic int8 through ConvInteger, weight-int8 and fp16 agree with the original', async () => {
    for (const scheme of ['dynamic-int8', 'weight-int8', 'fp16'] as const) {
      const { source, output, result } = await run('conv', quantize(scheme));
      assert.deepEqual(
        result.layers.map((l) => l.op),
        ['Conv', 'Conv', 'Gemm'],
      );
      if (scheme === 'dynamic-int8') assert.equal(pyView(output).ops.filter((o) => o === 'ConvInteger').length, 2);
      const agree = await compareModels(source, output, floatInput([32, 1, 8, 8], 5));
      assert.ok(agree.maxAbsDiff < 0.03 * agree.maxAbsOutput, `${scheme}: max |diff| ${agree.maxAbsDiff} of ${agree.maxAbsOutput}`);
      assert.ok(agree.top1 >= 0.9, `${scheme}: top-1 ${agree.top1}`);
    }
  });

  test('MatMul weights on 3-D activations (bias-free Linear) quantize dynamically', async () => {
    const { source, output, result } = await run('matmul', quantize('dynamic-int8'));
    assert.deepEqual(
      result.layers.map((l) => [l.op, l.shape]),
      [
        ['MatMul', [32, 64]],
        ['MatMul', [64, 16]],
      ],
    );
    const agree = await compareModels(source, output, floatInput([4, 5, 32], 9));
    assert.ok(agree.maxAbsDiff < 0.02 * agree.maxAbsOutput, `max |diff| ${agree.maxAbsDiff}`);
  });

  test('external data: the weights go to a new <output>.data file; the source files are untouched', async () => {
    const weightsFile = path.join(path.dirname(models.external), 'external.onnx.weights');
    const weightsHash = sha(weightsFile);
    for (const method of [quantize('dynamic-int8'), PRUNE_50]) {
      const { source, output } = await run('external', method);
      assert.equal(sha(weightsFile), weightsHash);
      assert.ok(fs.existsSync(`${output}.data`), 'the new weights file exists');
      const locations = runPythonJson(
        `import onnx, sys, json
m = onnx.load(sys.argv[1], load_external_data=False)
print(json.dumps(sorted({e.value for t in m.graph.initializer for e in t.external_data if e.key == "location"})))`,
        [output],
      );
      assert.deepEqual(locations, [path.basename(`${output}.data`)]);
      const agree = await compareModels(source, output, floatInput([64, 64], 11));
      if (method.kind === 'quantize') assert.ok(agree.top1 >= 0.9, `top-1 ${agree.top1}`);
      else assert.ok(Number.isFinite(agree.maxAbsDiff) && agree.maxAbsDiff > 0, 'the pruned weights are the ones onnxruntime reads');
    }
  });

  test('an opset 9 model is raised to 11 for DynamicQuantizeLinear, with a warning', async () => {
    const { source, output, result } = await run('opset9', quantize('dynamic-int8'));
    assert.equal(pyView(output).opset, 11);
    assert.ok(result.warnings.some((w) => /opset from 9 to 11/.test(w)));
    const agree = await compareModels(source, output, floatInput([16, 16], 2));
    assert.ok(agree.maxAbsDiff < 0.02 * agree.maxAbsOutput);
  });

  test('an IR 3 model, whose initializers are graph inputs, gets its new initializers listed as inputs too', async () => {
    for (const method of [quantize('fp16'), quantize('dynamic-int8')]) {
      const { source, output } = await run('opset8', method);
      const agree = await compareModels(source, output, floatInput([2, 16], 4));
      assert.ok(agree.maxAbsDiff < 0.02 * agree.maxAbsOutput, `${method.kind === 'quantize' ? method.scheme : ''}: max |diff| ${agree.maxAbsDiff}`);
    }
  });

  test('Gemm alpha / beta are folded into the integer path; transA is left in float32 with a warning', async () => {
    const file = path.join(dir, 'gemm-attrs.onnx');
    runPythonJson(
      `import onnx, sys, numpy as np
from onnx import helper, numpy_helper, TensorProto
rng = np.random.default_rng(0)
w1 = numpy_helper.from_array(rng.standard_normal((16, 32)).astype(np.float32) * 0.2, "w1")
c1 = numpy_helper.from_array(rng.standard_normal((32,)).astype(np.float32), "c1")
w2 = numpy_helper.from_array(rng.standard_normal((8, 32)).astype(np.float32) * 0.2, "w2")
nodes = [helper.make_node("Gemm", ["x", "w1", "c1"], ["h"], alpha=0.5, beta=2.0),
         helper.make_node("Transpose", ["h"], ["ht"]),
         helper.make_node("Gemm", ["ht", "w2"], ["y"], transA=1, transB=1)]
g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])],
  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])], [w1, c1, w2])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
print(1)`,
      [file],
    );
    const output = path.join(dir, 'gemm-attrs.int8.onnx');
    const result = await compressOnnx({ source: file, output, method: quantize('dynamic-int8'), selection: {} });
    assert.equal(checkerError(output), undefined);
    assert.deepEqual(
      result.layers.map((l) => l.name),
      ['w1'],
    );
    assert.ok(result.warnings.some((w) => w.startsWith('w2: Gemm') && w.includes('transA=1')));
    const agree = await compareModels(file, output, floatInput([4, 16], 8));
    assert.ok(agree.maxAbsDiff < 0.02 * agree.maxAbsOutput, `max |diff| ${agree.maxAbsDiff} of ${agree.maxAbsOutput}`);
  });

  test('a weight shared by two MatMuls is quantized once and both read the same int8 tensor', async () => {
    const file = path.join(dir, 'shared.onnx');
    runPythonJson(
      `import onnx, sys, numpy as np
from onnx import helper, numpy_helper, TensorProto
w = numpy_helper.from_array(np.random.default_rng(1).standard_normal((16, 16)).astype(np.float32) * 0.3, "w")
nodes = [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Relu", ["h"], ["r"]), helper.make_node("MatMul", ["r", "w"], ["y"])]
g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 16])], [w])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
print(1)`,
      [file],
    );
    const output = path.join(dir, 'shared.int8.onnx');
    const result = await compressOnnx({ source: file, output, method: quantize('dynamic-int8'), selection: {} });
    assert.equal(checkerError(output), undefined);
    assert.equal(result.layers.length, 1);
    const view = pyView(output);
    assert.deepEqual(Object.keys(view.init).sort(), ['w_q', 'w_s']);
    assert.equal(view.ops.filter((o) => o === 'MatMulInteger').length, 2);
    const agree = await compareModels(file, output, floatInput([4, 16], 6));
    assert.ok(agree.maxAbsDiff < 0.02 * agree.maxAbsOutput, `max |diff| ${agree.maxAbsDiff} of ${agree.maxAbsOutput}`);
  });

  test('embedding tables are left alone unless asked for', async () => {
    const plain = await run('tied', quantize('weight-int8'));
    assert.ok(!plain.result.layers.some((l) => l.op === 'Gather'));
    const withEmbeddings = await run('tied', quantize('weight-int8'), { embeddings: true });
    assert.ok(withEmbeddings.result.layers.some((l) => l.op === 'Gather' && l.name === 'emb.weight'));
    const ids = new (await import('onnxruntime-node')).Tensor('int64', BigInt64Array.from({ length: 14 }, (_, i) => BigInt((i * 37) % 100)), [2, 7]);
    const agree = await compareModels(withEmbeddings.source, withEmbeddings.output, ids);
    assert.ok(agree.maxAbsDiff < 0.02 * agree.maxAbsOutput, `max |diff| ${agree.maxAbsDiff}`);
  });

  test('include / exclude patterns choose the weights', async () => {
    const only = await run('mlp', PRUNE_50, { include: '^2\\.' });
    assert.deepEqual(
      only.result.layers.map((l) => l.name),
      ['2.weight'],
    );
    const but = await run('mlp', quantize('fp16'), { exclude: '^4\\.' });
    assert.deepEqual(
      but.result.layers.map((l) => l.name),
      ['0.weight', '2.weight'],
    );
  });
});
