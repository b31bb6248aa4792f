/**
 * Bad input to compressOnnx: each case must fail with the CompressError reason a caller can act
 * on, a message that says where, and no file (not even a temporary one) left behind.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CompressError } from '../../../../src/compress/compress-error';
import type { CompressErrorReason } from '../../../../src/compress/compress-error';
import { compressOnnx, compressOnnxWith } from '../../../../src/compress/onnx/onnx-compress';
import type { FormatJob } from '../../../../src/compress/format-job';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { makeModels } from './fixtures/onnx-test-models';
import type { ModelKind } from './fixtures/onnx-test-models';

const skip = missingPythonModules('torch', 'onnx');

const DYNAMIC: FormatJob['method'] = { kind: 'quantize', scheme: 'dynamic-int8' };

describe('compressOnnx refuses bad input cleanly', { skip }, () => {
  let dir = '';
  let models = {} as Record<ModelKind, string>;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-onnx-bad-'));
    models = makeModels(dir, ['mlp', 'no-weights', 'external']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs a job that must fail with `reason`; checks the folder holds exactly what it held before. */
  async function fails(source: string, reason: CompressErrorReason, pattern: RegExp, extra: Partial<FormatJob> = {}, budget?: number): Promise<CompressError> {
    const folder = path.dirname(source);
    const listing = fs.readdirSync(folder).sort();
    const job: FormatJob = { source, output: path.join(folder, 'out.onnx'), method: DYNAMIC, selection: {}, ...extra };
    const err = await (budget === undefined ? compressOnnx(job) : compressOnnxWith(job, { memoryBudgetBytes: budget })).then(
      () => assert.fail('expected a CompressError'),
      (e: unknown) => e,
    );
    assert.ok(CompressError.is(err, reason), `expected ${reason}, got ${String(err)}`);
    assert.match(err.message, pattern);
    assert.deepEqual(fs.readdirSync(folder).sort(), listing, 'nothing written, not even a temporary file');
    return err;
  }

  function write(name: string, bytes: Uint8Array | string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  }

  test('a truncated model names the byte where it breaks', async () => {
    const bytes = fs.readFileSync(models.mlp);
    const file = write('half.onnx', bytes.subarray(0, Math.floor(bytes.length / 2)));
    await fails(file, 'truncated', /half\.onnx is truncated.*at byte \d+/);
  });

  test('a model cut exactly between two fields, or whose nodes read undefined values, is refused', async () => {
    // torch writes opset_import (field 8, 4 bytes for "", 13) last: without it the rest still parses.
    const bytes = fs.readFileSync(models.mlp);
    assert.deepEqual(Array.from(bytes.subarray(-4)), [0x42, 0x02, 0x10, 13]);
    await fails(write('cut.onnx', bytes.subarray(0, bytes.length - 4)), 'corrupt', /cut\.onnx has no opset_import .* truncated/);
    const file = path.join(dir, 'dangling.onnx');
    runPythonJson(
      `import onnx, sys
from onnx import helper, TensorProto
g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"], name="proj")], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
print(1)`,
      [file],
    );
    await fails(file, 'corrupt', /node 0 \(MatMul "proj"\) reads "w", which no graph input, initializer or earlier node defines/);
  });

  test('garbage and non-ONNX protobufs are corrupt', async () => {
    await fails(write('config.onnx', '{"not": "a model"}'), 'corrupt', /config\.onnx is not a valid ONNX protobuf: .*byte 0/);
    // A valid protobuf (ir_version = 1) that carries no graph.
    await fails(write('nograph.onnx', new Uint8Array([0x08, 0x01])), 'corrupt', /no graph/);
    await fails(write('empty.onnx', new Uint8Array(0)), 'truncated', /empty/);
  });

  test('an opset outside 7..21 is refused, naming it', async () => {
    for (const version of [5, 22]) {
      const file = path.join(dir, `opset${version}.onnx`);
      runPythonJson(`import onnx, sys\nm = onnx.load(sys.argv[1])\nm.opset_import[0].version = ${version}\nonnx.save(m, sys.argv[2])\nprint(1)`, [models.mlp, file]);
      await fails(file, 'unsupported-opset', new RegExp(`opset ${version}; Tunekit supports opsets 7 to 21`));
    }
  });

  test('a model without eligible weights says what it contains', async () => {
    await fails(models['no-weights'], 'no-eligible', /no initializer is the weight of a MatMul, Gemm or Conv\. The graph has Relu x1, Constant x1, Mul x1/);
    await fails(models.mlp, 'no-eligible', /include \/ exclude patterns .* left out all 3/, { selection: { include: '^nothing$' } });
  });

  test('a float16 weight is an unsupported dtype, naming the tensor', async () => {
    const file = path.join(dir, 'half-weights.onnx');
    runPythonJson(
      `import onnx, sys, numpy as np
from onnx import helper, numpy_helper, TensorProto
w = numpy_helper.from_array(np.ones((4, 3), np.float16), "proj.weight")
g = helper.make_graph([helper.make_node("Cast", ["x"], ["xh"], to=TensorProto.FLOAT16), helper.make_node("MatMul", ["xh", "proj.weight"], ["y"])], "g",
  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])], [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [2, 3])], [w])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
print(1)`,
      [file],
    );
    await fails(file, 'unsupported-dtype', /weight "proj\.weight" of MatMul .* is float16/);
  });

  test('a model too large for the memory budget is refused before it is read', async () => {
    await fails(models.mlp, 'too-large', /needs about \d+ MB of memory/, {}, 100_000);
  });

  test('an existing output is never replaced, and the source is never the output', async () => {
    const output = write('taken.onnx', 'keep me');
    await fails(models.mlp, 'exists', /taken\.onnx already exists/, { output });
    assert.equal(fs.readFileSync(output, 'utf8'), 'keep me');
    await fails(models.mlp, 'exists', /is the source model/, { output: models.mlp });
  });

  test('external data outside the model directory is refused; a short data file is truncated', async () => {
    const sub = path.dirname(models.external);
    for (const [name, location] of [
      ['escape.onnx', '../../etc/passwd'],
      ['absolute.onnx', '/etc/passwd'],
    ] as const) {
      const file = path.join(sub, name);
      runPythonJson(
        `import onnx, sys\nm = onnx.load(sys.argv[1], load_external_data=False)\nfor t in m.graph.initializer:\n    for e in t.external_data:\n        if e.key == "location": e.value = sys.argv[3]\nonnx.save(m, sys.argv[2])\nprint(1)`,
        [models.external, file, location],
      );
      await fails(file, 'corrupt', /keeps its data at ".*", outside the model's directory/);
    }
    const short = path.join(sub, 'short.onnx');
    const data = fs.readFileSync(path.join(sub, 'external.onnx.weights'));
    fs.writeFileSync(path.join(sub, 'short.weights'), data.subarray(0, data.length - 100));
    runPythonJson(
      `import onnx, sys\nm = onnx.load(sys.argv[1], load_external_data=False)\nfor t in m.graph.initializer:\n    for e in t.external_data:\n        if e.key == "location": e.value = "short.weights"\nonnx.save(m, sys.argv[2])\nprint(1)`,
      [models.external, short],
    );
    await fails(short, 'truncated', /short\.weights is truncated: tensor ".*" .* needs bytes \d+\.\.\d+ but the file has \d+ bytes/);
  });

  test('a bad include pattern is bad input', async () => {
    await fails(models.mlp, 'bad-input', /include pattern "\(" is not a valid regular expression/, { selection: { include: '(' } });
  });

  test('an aborted job writes nothing', async () => {
    const folder = path.dirname(models.mlp);
    const listing = fs.readdirSync(folder).sort();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(compressOnnx({ source: models.mlp, output: path.join(folder, 'aborted.onnx'), method: DYNAMIC, selection: {}, signal: controller.signal }), { name: 'AbortError' });
    assert.deepEqual(fs.readdirSync(folder).sort(), listing);
  });
});
