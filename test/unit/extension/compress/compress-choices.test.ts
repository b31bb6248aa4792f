import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECKPOINT_GLOB, checkpointFormatOf, methodChoices, parseSparsity } from '../../../../src/extension/compress/compress-choices';
import manifest from '../../../../package.json' with { type: 'json' };

test('checkpoints are recognised by their extension, in any case', () => {
  assert.equal(checkpointFormatOf('/a/model.onnx'), 'onnx');
  assert.equal(checkpointFormatOf('/a/MODEL.ONNX'), 'onnx');
  assert.equal(checkpointFormatOf('/a/w.safetensors'), 'safetensors');
  assert.equal(checkpointFormatOf('/a/ckpt.pt'), 'pytorch');
  assert.equal(checkpointFormatOf('/a/ckpt.pth'), 'pytorch');
  assert.equal(checkpointFormatOf('/a/model.onnx.data'), undefined);
  assert.equal(checkpointFormatOf('/a/train.py'), undefined);
  assert.equal(CHECKPOINT_GLOB, '**/*.{onnx,safetensors,pt,pth}');
});

test('the context menus offer the command on exactly the files the command accepts', () => {
  const menus = manifest.contributes.menus as Record<string, { command: string; when?: string }[]>;
  for (const menu of ['explorer/context', 'editor/title/context']) {
    const entry = menus[menu]?.find((m) => m.command === 'tunekit.compressCheckpoint');
    assert.ok(entry?.when, `${menu} has no compress entry`);
    const re = /resourceExtname =~ \/(.+)\/(i?)/.exec(entry.when);
    assert.ok(re, entry.when);
    assert.match(entry.when, /isWorkspaceTrusted/);
    const when = new RegExp(re[1]!, re[2]);
    for (const ext of ['.onnx', '.safetensors', '.pt', '.pth', '.PTH']) assert.ok(when.test(ext), `${menu} hides ${ext}`);
    for (const ext of ['.py', '.json', '.onnx.data', '.ptx', '.npz']) assert.ok(!when.test(ext), `${menu} shows ${ext}`);
  }
});

test('each format lists the schemes it supports, the recommended one first, and every pruning method', () => {
  const labels = (f: 'onnx' | 'safetensors' | 'pytorch') => methodChoices(f).map((c) => `${c.group}: ${c.label}${c.description ? ` (${c.description})` : ''}`);
  const prune = ['Prune: 50% global magnitude', 'Prune: 2:4 structured', 'Prune: Custom sparsity, global…', 'Prune: Custom sparsity, per layer…'];
  assert.deepEqual(labels('onnx'), ['Quantize: Dynamic int8 (recommended)', 'Quantize: Weight-only int8', 'Quantize: fp16', ...prune]);
  // safetensors holds no graph: nothing to quantize activations in.
  assert.deepEqual(labels('safetensors'), ['Quantize: Weight-only int8 (recommended)', 'Quantize: fp16', 'Quantize: bf16', ...prune]);
  assert.deepEqual(labels('pytorch'), ['Quantize: Dynamic int8 (recommended)', ...prune]);
});

test('a typed sparsity is read as a percentage or a fraction, and nonsense is refused with a reason', () => {
  assert.deepEqual(parseSparsity('70'), { sparsity: 0.7 });
  assert.deepEqual(parseSparsity(' 70 % '), { sparsity: 0.7 });
  assert.deepEqual(parseSparsity('0.7'), { sparsity: 0.7 });
  assert.deepEqual(parseSparsity('.25'), { sparsity: 0.25 });
  assert.deepEqual(parseSparsity('0.5%'), { sparsity: 0.005 });
  assert.deepEqual(parseSparsity('87.5'), { sparsity: 0.875 });
  for (const bad of ['', 'lots', '-10', '0', '0%', '100', '100%', '1', '150', '70%%', '7e1']) {
    const result = parseSparsity(bad);
    assert.ok('problem' in result, `${JSON.stringify(bad)} accepted as ${JSON.stringify(result)}`);
  }
  assert.match((parseSparsity('100') as { problem: string }).problem, /above 0% and below 100%/);
});
