import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompressError } from '../../../../src/compress/compress-error';
import { OnnxDataType } from '../../../../src/compress/onnx/onnx-data-type';
import { intAttr } from '../../../../src/compress/onnx/onnx-graph-edit';
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor } from '../../../../src/compress/onnx/onnx-model';
import { findEligibleWeights } from '../../../../src/compress/onnx/onnx-weights';

const tensor = (name: string, dims: number[], dataType: number = OnnxDataType.FLOAT): OnnxTensor => ({ name, dims, dataType, externalData: [], unknown: [] });
const node = (opType: string, input: string[], output: string[], attribute: OnnxAttribute[] = []): OnnxNode => ({ opType, input, output, name: output[0], attribute, unknown: [] });
const graph = (nodes: OnnxNode[], inits: OnnxTensor[]): OnnxGraph => ({ node: nodes, initializer: inits, input: [], output: [], valueInfo: [], unknown: [] });

/** A transformer-ish block: embedding, LayerNorm, Gemm (torch Linear), MatMul, Conv, biases. */
const block = () =>
  graph(
    [
      node('Gather', ['emb', 'ids'], ['h0']),
      node('LayerNormalization', ['h0', 'ln.scale', 'ln.bias'], ['h1']),
      node('Gemm', ['h1', 'fc.weight', 'fc.bias'], ['h2'], [intAttr('transB', 1)]),
      node('MatMul', ['h2', 'proj'], ['h3']),
      node('MatMul', ['h3b', 'proj'], ['h4']),
      node('Conv', ['img', 'conv.weight', 'conv.bias'], ['c']),
      node('Add', ['h4', 'proj'], ['h5']),
    ],
    [tensor('emb', [100, 8]), tensor('ln.scale', [8]), tensor('ln.bias', [8]), tensor('fc.weight', [16, 8]), tensor('fc.bias', [16]), tensor('proj', [16, 4]), tensor('conv.weight', [6, 3, 3, 3]), tensor('conv.bias', [6])],
  );

test('weights of MatMul, Gemm and Conv are eligible, with their input and output axes; nothing else', () => {
  const weights = findEligibleWeights(block(), {}, 'm.onnx');
  assert.deepEqual(
    weights.map((w) => [w.name, w.op, w.inputAxis, w.outputAxis]),
    [
      ['fc.weight', 'Gemm', 1, 0],
      ['proj', 'MatMul', 0, 1],
      ['conv.weight', 'Conv', 1, 0],
    ],
  );
});

test('a weight shared by several nodes is handled once; other readers are kept in view', () => {
  const proj = findEligibleWeights(block(), {}, 'm.onnx').find((w) => w.name === 'proj');
  assert.equal(proj?.uses.length, 2, 'both MatMuls');
  assert.deepEqual(
    proj?.otherUses.map((u) => u.node.opType),
    ['Add'],
  );
});

test('Gemm without transB stores [K, N]: the input axis is 0', () => {
  const g = graph([node('Gemm', ['x', 'w'], ['y'])], [tensor('w', [8, 16])]);
  const [w] = findEligibleWeights(g, {}, 'm.onnx');
  assert.deepEqual([w?.inputAxis, w?.outputAxis], [0, 1]);
});

test('embeddings only when asked; include / exclude filter by name', () => {
  assert.ok(findEligibleWeights(block(), { embeddings: true }, 'm.onnx').some((w) => w.name === 'emb' && w.op === 'Gather'));
  assert.deepEqual(
    findEligibleWeights(block(), { include: 'weight$' }, 'm.onnx').map((w) => w.name),
    ['fc.weight', 'conv.weight'],
  );
  assert.deepEqual(
    findEligibleWeights(block(), { exclude: '^conv' }, 'm.onnx').map((w) => w.name),
    ['fc.weight', 'proj'],
  );
});

test('no eligible weight: the error lists the ops and initializers', () => {
  const g = graph([node('Add', ['x', 'b'], ['y'])], [tensor('b', [4])]);
  assert.throws(
    () => findEligibleWeights(g, {}, 'tiny.onnx'),
    (e) => CompressError.is(e, 'no-eligible') && /tiny\.onnx: .*Add x1, and 1 initializer\(s\): b \[4\] float32/.test(e.message),
  );
});

test('a non-float32 weight is refused by name', () => {
  const g = graph([node('MatMul', ['x', 'w'], ['y'])], [tensor('w', [4, 4], OnnxDataType.DOUBLE)]);
  assert.throws(
    () => findEligibleWeights(g, {}, 'm.onnx'),
    (e) => CompressError.is(e, 'unsupported-dtype') && /"w" .* is float64/.test(e.message),
  );
});

test('nodes of another domain are never touched', () => {
  const g = graph([{ ...node('MatMul', ['x', 'w'], ['y']), domain: 'com.microsoft' }, node('MatMul', ['x', 'v'], ['z'])], [tensor('w', [4, 4]), tensor('v', [4, 4])]);
  assert.deepEqual(
    findEligibleWeights(g, {}, 'm.onnx').map((w) => w.name),
    ['v'],
  );
});
