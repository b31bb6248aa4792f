/**
 * The codec is lossless: decoding and re-encoding a model Tunekit did not change gives back the
 * same bytes, for torch exports and for models built with onnx.helper that use the fields torch
 * does not (float_data, negative attribute ints, subgraphs, doc strings, metadata).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeModel, encodeModel } from '../../../../src/compress/onnx/onnx-model';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { makeModels } from './fixtures/onnx-test-models';
import type { ModelKind } from './fixtures/onnx-test-models';

const skip = missingPythonModules('torch', 'onnx');

function roundTrip(file: string): Buffer {
  return Buffer.concat(encodeModel(decodeModel(fs.readFileSync(file), file)));
}

describe('ONNX decode -> encode is byte-identical', { skip }, () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-onnx-rt-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('torch exports: MLP, Conv net, MatMul, opset 9, Gather, external data', () => {
    const kinds: ModelKind[] = ['mlp', 'conv', 'matmul', 'opset9', 'tied', 'no-weights', 'external'];
    const models = makeModels(dir, kinds);
    for (const kind of kinds) {
      const original = fs.readFileSync(models[kind]);
      assert.ok(roundTrip(models[kind]).equals(original), `${kind} re-encodes to the same ${original.length} bytes`);
    }
  });

  test('onnx.helper models with float_data, negative ints, a subgraph, doc strings and metadata', () => {
    const file = path.join(dir, 'helper.onnx');
    runPythonJson(
      `import onnx, sys
from onnx import helper, TensorProto
w = helper.make_tensor("w", TensorProto.FLOAT, [3, 2], [1.5, -2.0, 0.0, 3.25, -0.5, 1e-8])
shape = helper.make_tensor("shape", TensorProto.INT64, [2], [-1, 2])
then_g = helper.make_graph([helper.make_node("Identity", ["y"], ["t"])], "then", [], [helper.make_tensor_value_info("t", TensorProto.FLOAT, [None, 2])])
else_g = helper.make_graph([helper.make_node("Neg", ["y"], ["e"])], "else", [], [helper.make_tensor_value_info("e", TensorProto.FLOAT, [None, 2])])
nodes = [
  helper.make_node("MatMul", ["x", "w"], ["y"], name="mm", doc_string="the projection"),
  helper.make_node("Softmax", ["y"], ["s"], axis=-1),
  helper.make_node("Reshape", ["s", "shape"], ["r"]),
  helper.make_node("If", ["cond"], ["z"], then_branch=then_g, else_branch=else_g),
  helper.make_node("Concat", ["r", "z"], ["out"], axis=-2),
]
g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3]), helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
  [helper.make_tensor_value_info("out", TensorProto.FLOAT, [None, 2])], [w, shape], doc_string="graph doc")
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="helper", doc_string="model doc")
helper.set_model_props(m, {"author": "tunekit"})
onnx.checker.check_model(m)
onnx.save(m, sys.argv[1])
print(1)`,
      [file],
    );
    const original = fs.readFileSync(file);
    assert.ok(roundTrip(file).equals(original));
    const model = decodeModel(original, file);
    const w = model.graph?.initializer.find((t) => t.name === 'w');
    assert.deepEqual(Array.from(w?.floatData ?? []), [1.5, -2, 0, 3.25, -0.5, Math.fround(1e-8)], 'float_data values decoded');
    const softmax = model.graph?.node.find((n) => n.opType === 'Softmax');
    assert.equal(softmax?.attribute[0]?.i, -1n, 'a negative int64 attribute survives');
  });
});
