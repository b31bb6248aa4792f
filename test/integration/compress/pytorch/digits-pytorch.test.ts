/**
 * Issue 5's PyTorch acceptance on the digits example: a real model trained by
 * examples/digits/train.py (Debian's torch 1.13), compressed through the Python helper, judged by
 * examples/digits/evaluate.py (the study's evaluation command) and by torch itself.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { compressPytorchDetailed, verifyPytorch } from '../../../../src/compress/pytorch/pytorch-compress';
import type { CompressionMethod, CompressionProgress } from '../../../../src/protocol/compression';
import { DEBIAN_PYTHON, missingPythonModules, runPythonJson } from '../../../helpers/debian-python';

const REPO = path.resolve(import.meta.dirname, '../../../..');
const TRAIN = path.join(REPO, 'examples/digits/train.py');
const EVALUATE = path.join(REPO, 'examples/digits/evaluate.py');
const skip = missingPythonModules('torch', 'sklearn');

function evaluate(model: string): number {
  const out = execFileSync(DEBIAN_PYTHON, [EVALUATE, '--model', model], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const m = /^accuracy=(\d\.\d+)$/m.exec(out);
  assert.ok(m, `evaluate.py printed no accuracy line: ${out}`);
  return Number(m[1]);
}

describe('digits, PyTorch checkpoint (hidden 256, 20 epochs)', { skip, timeout: 600_000 }, () => {
  let dir = '';
  let model = '';
  let testSet = '';
  let accuracyBefore = 0;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-digits-pt-'));
    model = path.join(dir, 'digits-model.pt');
    testSet = path.join(dir, 'digits-test.safetensors');
    execFileSync(DEBIAN_PYTHON, [TRAIN, '--epochs', '20', '--hidden', '256', '--save-model', model, '--export-test-set', testSet], { stdio: 'ignore' });
    accuracyBefore = evaluate(model);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function compress(name: string, method: CompressionMethod) {
    const output = path.join(dir, name);
    const progress: CompressionProgress[] = [];
    const originalBytes = fs.readFileSync(model);
    const result = await compressPytorchDetailed({ source: model, output, method, selection: {}, python: DEBIAN_PYTHON, onProgress: (p) => progress.push(p) });
    assert.deepEqual(fs.readFileSync(model), originalBytes, 'the original checkpoint is never modified');
    assert.equal(result.bytes, fs.statSync(output).size);
    assert.deepEqual(progress.at(-1), { stage: 'write', done: 1, total: 1 });
    return { output, result };
  }

  test('dynamic int8: at least 3.5x smaller, evaluate.py accepts it, accuracy drops at most 1 point', async (t) => {
    const { output, result } = await compress('digits-int8.pt', { kind: 'quantize', scheme: 'dynamic-int8' });
    const ratio = fs.statSync(model).size / fs.statSync(output).size;
    const accuracyAfter = evaluate(output);
    t.diagnostic(`${fs.statSync(model).size} -> ${fs.statSync(output).size} bytes (${ratio.toFixed(2)}x); accuracy ${accuracyBefore} -> ${accuracyAfter}`);
    assert.equal(result.checkpoint.kind, 'module');
    assert.deepEqual(
      result.layers.map((l) => [l.name, l.op, l.dtypeBefore, l.dtypeAfter]),
      [
        ['0.weight', 'Linear', 'float32', 'qint8'],
        ['3.weight', 'Linear', 'float32', 'qint8'],
        ['6.weight', 'Linear', 'float32', 'qint8'],
      ],
    );
    assert.ok(ratio >= 3.5, `only ${ratio.toFixed(2)}x smaller`);
    // The reported int8 sparsity is that of the weights torch stored.
    const stored = runPythonJson(
      'import json, sys, torch\nm = torch.load(sys.argv[1])\nprint(json.dumps([float((m[i].weight().int_repr() == 0).double().mean()) for i in (0, 3, 6)]))',
      [output],
    ) as number[];
    assert.deepEqual(stored, result.layers.map((l) => l.sparsityAfter));
    assert.ok(accuracyBefore - accuracyAfter <= 0.01, `accuracy ${accuracyBefore} -> ${accuracyAfter}`);

    // The same comparison from Tunekit's side: both models on the exported held-out split.
    const verified = await verifyPytorch({ original: model, compressed: output, inputs: { kind: 'safetensors', path: testSet, input: 'input', labels: 'labels' }, runs: 10, python: DEBIAN_PYTHON });
    t.diagnostic(`verify: ${JSON.stringify(verified.agreement)}; latency ${verified.latencyBefore.medianMs.toFixed(3)} -> ${verified.latencyAfter.medianMs.toFixed(3)} ms`);
    assert.equal(verified.agreement.samples, 360);
    assert.equal(verified.agreement.inputsFrom, 'file');
    assert.ok(verified.agreement.maxAbsDiff > 0, 'int8 weights change the logits a little');
    assert.ok(verified.agreement.top1Agreement! >= 0.98);
    assert.ok(Math.abs(verified.accuracy!.before - accuracyBefore) < 1e-3, 'the helper measures the same accuracy as evaluate.py');
    assert.ok(Math.abs(verified.accuracy!.after - accuracyAfter) < 1e-3);
  });

  test('50% global magnitude pruning: sparsity 50% +/- 1% over the eligible weights, accuracy within 2 points', async (t) => {
    const { output, result } = await compress('digits-pruned50.pt', { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 });
    const params = result.layers.reduce((s, l) => s + l.params, 0);
    const zeros = result.layers.reduce((s, l) => s + l.sparsityAfter * l.params, 0);
    const accuracyAfter = evaluate(output);
    t.diagnostic(`sparsity ${(zeros / params).toFixed(4)} over ${params} weights; per layer ${result.layers.map((l) => l.sparsityAfter.toFixed(3)).join(', ')}; accuracy ${accuracyBefore} -> ${accuracyAfter}`);
    assert.deepEqual(result.layers.map((l) => l.name), ['0.weight', '3.weight', '6.weight'], 'weights only: never the biases');
    assert.ok(Math.abs(zeros / params - 0.5) <= 0.01, `sparsity ${zeros / params}`);
    assert.equal(result.after.zeros - result.before.zeros, Math.round(zeros));
    assert.ok(accuracyBefore - accuracyAfter <= 0.02, `accuracy ${accuracyBefore} -> ${accuracyAfter}`);
    // Made permanent: a plain module, no weight_orig / weight_mask left behind, zeros really on disk.
    const onDisk = runPythonJson(
      [
        'import json, sys, torch',
        'm = torch.load(sys.argv[1])',
        'keys = list(m.state_dict().keys())',
        'w = [p for n, p in m.named_parameters() if n.endswith("weight")]',
        'print(json.dumps({"keys": keys, "zeros": sum(int((p == 0).sum()) for p in w), "hooks": sum(len(x._forward_pre_hooks) for x in m.modules())}))',
      ].join('\n'),
      [output],
    ) as { keys: string[]; zeros: number; hooks: number };
    assert.deepEqual(onDisk.keys, ['0.weight', '0.bias', '3.weight', '3.bias', '6.weight', '6.bias']);
    assert.equal(onDisk.zeros, Math.round(zeros));
    assert.equal(onDisk.hooks, 0);
  });

  test('2:4 pruning: exactly 2 zeros in every 4 along the input dimension of every pruned weight (checked by torch)', async (t) => {
    const { output, result } = await compress('digits-2of4.pt', { kind: 'prune', pattern: 'n:m', n: 2, m: 4 });
    for (const l of result.layers) assert.equal(l.sparsityAfter, 0.5, l.name);
    const groups = runPythonJson(
      [
        'import json, sys, torch',
        'm = torch.load(sys.argv[1])',
        'out = {}',
        'for name, mod in m.named_modules():',
        '    if isinstance(mod, torch.nn.Linear):',
        '        z = (mod.weight == 0).reshape(mod.weight.shape[0], -1, 4).sum(-1)',
        '        out[name] = [int(z.min()), int(z.max()), z.numel()]',
        'print(json.dumps(out))',
      ].join('\n'),
      [output],
    ) as Record<string, [number, number, number]>;
    t.diagnostic(`zeros per group of 4 (min, max, groups): ${JSON.stringify(groups)}; accuracy ${accuracyBefore} -> ${evaluate(output)}`);
    assert.deepEqual(groups, { '0': [2, 2, 256 * 16], '3': [2, 2, 128 * 64], '6': [2, 2, 10 * 32] });
  });
});
