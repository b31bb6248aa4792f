import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { CompressError } from '../../../../src/compress/compress-error';
import { externalRef } from '../../../../src/compress/onnx/onnx-external-data';
import { GraphEditor } from '../../../../src/compress/onnx/onnx-graph-edit';
import { decodeModel, encodeModel } from '../../../../src/compress/onnx/onnx-model';
import type { OnnxModel, OnnxTensor } from '../../../../src/compress/onnx/onnx-model';
import { defaultOpset, raiseOpset } from '../../../../src/compress/onnx/onnx-opset';
import { WireWriter } from '../../../../src/compress/onnx/protobuf-wire';

const join = (chunks: Uint8Array[]) => Buffer.concat(chunks);

test('fields the codec does not model survive, in field-number order', () => {
  // ModelProto: ir_version 1, producer_name 2 (unmodelled), graph 7, opset_import 8, metadata 14 (unmodelled).
  const w = new WireWriter()
    .varintField(1, 8)
    .stringField(2, 'someone')
    .messageField(7, (g) => g.stringField(2, 'main').stringField(10, 'graph doc'))
    .messageField(8, (o) => o.stringField(1, '').varintField(2, 17))
    .messageField(14, (e) => e.stringField(1, 'k').stringField(2, 'v'));
  const bytes = w.toBytes();
  const model = decodeModel(bytes, 'm.onnx');
  assert.equal(model.irVersion, 8);
  assert.equal(model.graph?.name, 'main');
  assert.deepEqual(
    model.unknown.map((u) => u.field),
    [2, 14],
  );
  assert.ok(join(encodeModel(model)).equals(Buffer.from(bytes)));
  // A change re-encodes only what changed.
  model.opsetImport[0]!.version = 18;
  const again = decodeModel(join(encodeModel(model)), 'm.onnx');
  assert.equal(again.opsetImport[0]?.version, 18);
  assert.deepEqual(
    again.unknown.map((u) => Buffer.from(u.bytes)),
    model.unknown.map((u) => Buffer.from(u.bytes)),
  );
});

test('external data locations must stay inside the model directory', () => {
  const t = (location: string): OnnxTensor => ({ name: 'w', dims: [2], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: location, unknown: [] }, { key: 'offset', value: '64', unknown: [] }], unknown: [] });
  const ref = externalRef(t('weights/w.bin'), '/models/m.onnx');
  assert.deepEqual([ref.file, ref.offset, ref.length], [path.resolve('/models/weights/w.bin'), 64, undefined]);
  for (const bad of ['../w.bin', '/etc/passwd', 'a/../../w.bin', '.']) {
    assert.throws(() => externalRef(t(bad), '/models/m.onnx'), (e) => CompressError.is(e, 'corrupt') && e.message.includes('outside the model'), bad);
  }
  const badOffset: OnnxTensor = { ...t('w.bin'), externalData: [{ key: 'location', value: 'w.bin', unknown: [] }, { key: 'offset', value: '-5', unknown: [] }] };
  assert.throws(() => externalRef(badOffset, '/models/m.onnx'), (e) => CompressError.is(e, 'corrupt') && /offset="-5"/.test(e.message));
});

const modelWith = (version: number, ops: string[]): OnnxModel => ({
  irVersion: 4,
  opsetImport: [{ domain: '', version, unknown: [] }],
  graph: { node: ops.map((op) => ({ opType: op, input: [], output: [], attribute: [], unknown: [] })), initializer: [], input: [], output: [], valueInfo: [], unknown: [] },
  unknown: [],
});

test('opsets 7..21 are accepted; raising refuses operators that changed meaning', () => {
  assert.equal(defaultOpset(modelWith(13, []), 'm'), 13);
  assert.throws(() => defaultOpset(modelWith(6, []), 'm'), (e) => CompressError.is(e, 'unsupported-opset') && /opset 6/.test(e.message));
  const safe = modelWith(9, ['Gemm', 'Relu']);
  assert.match(raiseOpset(safe, 11, 'DynamicQuantizeLinear', 'm') ?? '', /from 9 to 11/);
  assert.equal(safe.opsetImport[0]?.version, 11);
  assert.equal(safe.irVersion, 6, 'the IR version follows the opset');
  assert.equal(raiseOpset(safe, 11, 'x', 'm'), undefined, 'nothing to do');
  const unsafe = modelWith(9, ['Gemm', 'Slice', 'Softmax']);
  assert.throws(() => raiseOpset(unsafe, 13, 'DequantizeLinear', 'm'), (e) => CompressError.is(e, 'unsupported-opset') && /Slice, Softmax/.test(e.message));
  assert.equal(unsafe.opsetImport[0]?.version, 9, 'unchanged after a refusal');
});

test('fresh names never collide with values, nodes or initializers', () => {
  const model = modelWith(13, []);
  const graph = model.graph!;
  graph.node.push({ opType: 'MatMul', name: 'w_quantized', input: ['x', 'w'], output: ['w_scale'], attribute: [], unknown: [] });
  const edit = new GraphEditor(model);
  assert.equal(edit.fresh('w_quantized'), 'w_quantized_1');
  assert.equal(edit.fresh('w_scale'), 'w_scale_1');
  assert.equal(edit.fresh('w_scale'), 'w_scale_2');
  assert.equal(edit.fresh('new'), 'new');
});
