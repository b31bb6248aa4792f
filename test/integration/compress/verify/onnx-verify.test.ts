/**
 * Verification with the real onnxruntime-node on models built by the real onnx package: the
 * figures must match what numpy computes for the same weights and inputs.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CompressError } from '../../../../src/compress/compress-error';
import { verifyOnnx } from '../../../../src/compress/verify/onnx-verify';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { tempDir } from '../../../helpers/temp-dir';

const skip = missingPythonModules('onnx', 'numpy');

/**
 * Writes a.onnx (y = x @ W + b, x: [batch, 4], y: [batch, 3]) and b.onnx (W perturbed), plus
 * inputs.json with labels, and returns what numpy computes for them.
 */
const BUILD = `import json, sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
d = sys.argv[1]
rng = np.random.default_rng(0)
W = rng.normal(size=(4, 3)).astype(np.float32)
b = rng.normal(size=(3,)).astype(np.float32)
def model(w, name, seq=False, batch="batch"):
    shape = [batch, "seq", 4] if seq else [batch, 4]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, shape[:-1] + [3])
    nodes = [helper.make_node("MatMul", ["x", "W"], ["h"]), helper.make_node("Add", ["h", "b"], ["y"])]
    g = helper.make_graph(nodes, "g", [x], [y], [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    onnx.save(m, d + "/" + name)
W2 = W.copy(); W2[0, 0] += 0.5; W2[3, 2] -= 2.0
model(W, "a.onnx"); model(W2, "b.onnx"); model(W, "seq.onnx", seq=True); model(W, "fixed.onnx", batch=2); model(W2, "fixed-b.onnx", batch=2)
x = rng.normal(size=(5, 4)).astype(np.float32)
labels = [0, 1, 2, 0, 1]
json.dump({"x": x.tolist(), "labels": labels}, open(d + "/inputs.json", "w"))
np.save(d + "/inputs.npy", x)
ya, yb = x @ W + b, x @ W2 + b
diff = np.abs(ya - yb)
print(json.dumps({
    "max": float(diff.max()), "mean": float(diff.mean()),
    "top1": float((ya.argmax(1) == yb.argmax(1)).mean()),
    "accA": float((ya.argmax(1) == np.array(labels)).mean()), "accB": float((yb.argmax(1) == np.array(labels)).mean()),
    "max4": float(diff[:4].max()), "accA4": float((ya[:4].argmax(1) == np.array(labels[:4])).mean()),
}))`;

interface Expected {
  max: number;
  mean: number;
  top1: number;
  accA: number;
  accB: number;
  /** Over the first 4 rows, which a model with a fixed batch of 2 sees. */
  max4: number;
  accA4: number;
}

test('agreement, top-1 and accuracy on a JSON inputs file match numpy', { skip }, async (t) => {
  const dir = tempDir(t);
  const expected = runPythonJson(BUILD, [dir]) as Expected;
  const result = await verifyOnnx({ original: path.join(dir, 'a.onnx'), compressed: path.join(dir, 'b.onnx'), inputsFile: path.join(dir, 'inputs.json'), latency: { warmup: 1, minRuns: 3, maxRuns: 3 } });
  assert.equal(result.agreement.samples, 5);
  assert.equal(result.agreement.inputsFrom, 'file');
  assert.ok(Math.abs(result.agreement.maxAbsDiff - expected.max) < 1e-5, `${result.agreement.maxAbsDiff} vs numpy ${expected.max}`);
  assert.ok(Math.abs(result.agreement.meanAbsDiff - expected.mean) < 1e-5);
  assert.equal(result.agreement.top1Agreement, expected.top1);
  assert.deepEqual(result.accuracy, { source: 'labels', metric: 'accuracy', before: expected.accA, after: expected.accB });
  assert.equal(result.latencyBefore?.runs, 3);
  assert.equal(result.latencyAfter?.runs, 3);
});

test('a model against itself agrees exactly, on a .npy file and on generated inputs', { skip }, async (t) => {
  const dir = tempDir(t);
  runPythonJson(BUILD, [dir]);
  const a = path.join(dir, 'a.onnx');
  const fromNpy = await verifyOnnx({ original: a, compressed: a, inputsFile: path.join(dir, 'inputs.npy'), latency: false });
  assert.deepEqual(fromNpy.agreement, { samples: 5, inputsFrom: 'file', maxAbsDiff: 0, meanAbsDiff: 0, top1Agreement: 1 });
  assert.equal(fromNpy.accuracy, undefined);
  const generated = await verifyOnnx({ original: a, compressed: a, latency: false });
  assert.deepEqual(generated.agreement, { samples: 32, inputsFrom: 'generated', maxAbsDiff: 0, meanAbsDiff: 0, top1Agreement: 1 });
  assert.match(generated.warnings.join('\n'), /generated random inputs/);
});

test('a symbolic sequence length asks for an inputs file; a corrupt model names the file', { skip }, async (t) => {
  const dir = tempDir(t);
  runPythonJson(BUILD, [dir]);
  const seq = path.join(dir, 'seq.onnx');
  await assert.rejects(verifyOnnx({ original: seq, compressed: seq, latency: false }), (err: unknown) => CompressError.is(err, 'bad-input') && /"seq" at position 1/.test(err.message) && /--inputs FILE/.test(err.message));
  const broken = path.join(dir, 'broken.onnx');
  fs.writeFileSync(broken, fs.readFileSync(path.join(dir, 'a.onnx')).subarray(0, 40));
  await assert.rejects(verifyOnnx({ original: path.join(dir, 'a.onnx'), compressed: broken, latency: false }), (err: unknown) => CompressError.is(err, 'corrupt') && err.message.includes(broken));
});

test('a model with a fixed batch size gets the rows in runs of that size; the remainder is left out, with a warning', { skip }, async (t) => {
  const dir = tempDir(t);
  const expected = runPythonJson(BUILD, [dir]) as Expected;
  const result = await verifyOnnx({ original: path.join(dir, 'fixed.onnx'), compressed: path.join(dir, 'fixed-b.onnx'), inputsFile: path.join(dir, 'inputs.json'), latency: { warmup: 0, minRuns: 2, maxRuns: 2 } });
  assert.equal(result.agreement.samples, 4);
  assert.ok(Math.abs(result.agreement.maxAbsDiff - expected.max4) < 1e-5, `${result.agreement.maxAbsDiff} vs numpy ${expected.max4}`);
  assert.equal(result.accuracy?.before, expected.accA4);
  assert.match(result.warnings.join('\n'), /batches of exactly 2 rows: the last 1 of 5 input rows were left out/);
});
