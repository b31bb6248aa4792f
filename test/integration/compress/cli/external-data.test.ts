/**
 * A model that keeps its weights in an external data file (as models over 2 GB must): the
 * report's sizes include the data files on both sides, and the original pair is untouched.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CompressionReport } from '../../../../src/protocol/compression';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { runCli } from '../../../helpers/run-cli';
import { tempDir } from '../../../helpers/temp-dir';

const skip = missingPythonModules('onnx', 'numpy');

test('sizes count the external data files; the original model and its data are unchanged', { skip }, async (t) => {
  const dir = tempDir(t);
  runPythonJson(
    `import json, sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
rng = np.random.default_rng(1)
W1 = rng.normal(size=(64, 256)).astype(np.float32); W2 = rng.normal(size=(256, 10)).astype(np.float32)
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 10])
nodes = [helper.make_node("MatMul", ["x", "W1"], ["h"]), helper.make_node("Relu", ["h"], ["r"]), helper.make_node("MatMul", ["r", "W2"], ["y"])]
g = helper.make_graph(nodes, "g", [x], [y], [numpy_helper.from_array(W1, "W1"), numpy_helper.from_array(W2, "W2")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]); m.ir_version = 7
onnx.save_model(m, sys.argv[1] + "/big.onnx", save_as_external_data=True, all_tensors_to_one_file=True, location="big.weights", size_threshold=0)
print(json.dumps(True))`,
    [dir],
  );
  const onnxBytes = fs.statSync(path.join(dir, 'big.onnx')).size;
  const dataBytes = fs.statSync(path.join(dir, 'big.weights')).size;
  assert.ok(dataBytes > 10 * onnxBytes, 'the weights live in the data file');
  const originalData = fs.readFileSync(path.join(dir, 'big.weights'));
  const result = await runCli(['quantize', 'big.onnx', '--json'], { cwd: dir });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  const report = (JSON.parse(result.stdout.trim().split('\n').pop() as string) as { report: CompressionReport }).report;
  assert.equal(report.before.bytes, onnxBytes + dataBytes);
  const outputFiles = fs.readdirSync(dir).filter((f) => f.startsWith('big.int8.onnx'));
  const outputBytes = outputFiles.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  assert.equal(report.after.bytes, outputBytes, `output files: ${outputFiles.join(', ')}`);
  assert.ok(report.before.bytes / report.after.bytes > 3.5, `${report.before.bytes} -> ${report.after.bytes}`);
  assert.equal(report.agreement?.top1Agreement !== undefined, true);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'big.weights')), originalData);
});
