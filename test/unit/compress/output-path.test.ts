import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CompressError } from '../../../src/compress/compress-error';
import { defaultOutputPath, methodTag, resolveOutputPath } from '../../../src/compress/output-path';
import { tempDir } from '../../helpers/temp-dir';

test('the name says what was done', () => {
  const none = (): boolean => false;
  assert.equal(defaultOutputPath('/m/model.onnx', { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 }, none), '/m/model.pruned50.onnx');
  assert.equal(defaultOutputPath('/m/model.onnx', { kind: 'prune', pattern: 'unstructured', scope: 'layer', sparsity: 0.5 }, none), '/m/model.pruned50l.onnx');
  assert.equal(defaultOutputPath('/m/model.onnx', { kind: 'prune', pattern: 'n:m', n: 2, m: 4 }, none), '/m/model.2of4.onnx');
  assert.equal(defaultOutputPath('/m/model.onnx', { kind: 'quantize', scheme: 'dynamic-int8' }, none), '/m/model.int8.onnx');
  assert.equal(defaultOutputPath('/m/model.onnx', { kind: 'quantize', scheme: 'weight-int8' }, none), '/m/model.w8.onnx');
  assert.equal(defaultOutputPath('/m/model.onnx', { kind: 'quantize', scheme: 'fp16' }, none), '/m/model.fp16.onnx');
  assert.equal(defaultOutputPath('/m/w.safetensors', { kind: 'quantize', scheme: 'bf16' }, none), '/m/w.bf16.safetensors');
  assert.equal(methodTag({ kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.625 }), 'pruned62p5');
});

test('an existing name is skipped with -1, -2 ...', (t) => {
  const dir = tempDir(t);
  const source = path.join(dir, 'model.onnx');
  fs.writeFileSync(source, 'x');
  const method = { kind: 'quantize', scheme: 'dynamic-int8' } as const;
  fs.writeFileSync(path.join(dir, 'model.int8.onnx'), 'taken');
  assert.equal(resolveOutputPath(source, method), path.join(dir, 'model.int8-1.onnx'));
  fs.writeFileSync(path.join(dir, 'model.int8-1.onnx'), 'taken');
  assert.equal(resolveOutputPath(source, method), path.join(dir, 'model.int8-2.onnx'));
});

test("the user's --output is used as given, but never over a file or the original", (t) => {
  const dir = tempDir(t);
  const source = path.join(dir, 'model.onnx');
  fs.writeFileSync(source, 'x');
  const method = { kind: 'quantize', scheme: 'fp16' } as const;
  assert.equal(resolveOutputPath(source, method, path.join(dir, 'small.onnx')), path.join(dir, 'small.onnx'));
  fs.writeFileSync(path.join(dir, 'small.onnx'), 'mine');
  assert.throws(() => resolveOutputPath(source, method, path.join(dir, 'small.onnx')), (err: unknown) => CompressError.is(err, 'exists') && /small\.onnx already exists/.test(err.message));
  assert.throws(() => resolveOutputPath(source, method, source), (err: unknown) => CompressError.is(err, 'exists') && /original/.test(err.message));
  assert.throws(() => resolveOutputPath(source, method, path.join(dir, 'nope', 'x.onnx')), (err: unknown) => CompressError.is(err, 'bad-input') && /does not exist/.test(err.message));
  assert.equal(fs.readFileSync(path.join(dir, 'small.onnx'), 'utf8'), 'mine');
});
