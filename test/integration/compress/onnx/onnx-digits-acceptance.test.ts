/**
 * Issue 5's acceptance on the digits example: train examples/digits/train.py, export ONNX, then
 * compress with Tunekit and measure test-set accuracy with onnxruntime-node before and after.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { compressOnnx } from '../../../../src/compress/onnx/onnx-compress';
import type { CompressionMethod } from '../../../../src/protocol/compression';
import { DEBIAN_PYTHON, missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { checkerError } from './fixtures/onnx-test-models';

const skip = missingPythonModules('torch', 'sklearn', 'onnx');
const EXAMPLE = path.resolve(import.meta.dirname, '../../../../examples/digits');

async function accuracy(model: string, x: Float32Array, y: BigInt64Array): Promise<number> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', x, [y.length, 64]) });
    const logits = out[session.outputNames[0] as string]?.data as Float32Array;
    let right = 0;
    for (let r = 0; r < y.length; r++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if ((logits[r * 10 + c] as number) > (logits[r * 10 + best] as number)) best = c;
      if (BigInt(best) === y[r]) right++;
    }
    return right / y.length;
  } finally {
    await session.release();
  }
}

describe('digits example: train, export ONNX, compress, measure accuracy', { skip }, () => {
  let dir = '';
  let model = '';
  let x = new Float32Array();
  let y = new BigInt64Array();
  let baseline = 0;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-digits-onnx-'));
    model = path.join(dir, 'digits.onnx');
    execFileSync(DEBIAN_PYTHON, [path.join(EXAMPLE, 'train.py'), '--export-onnx', model, '--epochs', '30'], { stdio: 'pipe' });
    // The held-out split train.py never trains on, as raw little-endian arrays.
    runPythonJson(
      `import sys; sys.path.insert(0, sys.argv[1])
from train import load_data
_, _, xv, yv = load_data()
xv.numpy().tofile(sys.argv[2] + "/x.bin"); yv.numpy().tofile(sys.argv[2] + "/y.bin")
print(len(yv))`,
      [EXAMPLE, dir],
    );
    const xb = fs.readFileSync(path.join(dir, 'x.bin'));
    const yb = fs.readFileSync(path.join(dir, 'y.bin'));
    x = new Float32Array(xb.buffer.slice(xb.byteOffset, xb.byteOffset + xb.length));
    y = new BigInt64Array(yb.buffer.slice(yb.byteOffset, yb.byteOffset + yb.length));
    baseline = await accuracy(model, x, y);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function compressed(name: string, method: CompressionMethod) {
    const output = path.join(dir, `${name}.onnx`);
    const result = await compressOnnx({ source: model, output, method, selection: {} });
    assert.equal(checkerError(output), undefined);
    return { output, result, accuracy: await accuracy(output, x, y) };
  }

  test('dynamic int8: >= 3.5x smaller, accuracy within 1 point', async (t) => {
    const { output, accuracy: acc } = await compressed('int8', { kind: 'quantize', scheme: 'dynamic-int8' });
    const ratio = fs.statSync(model).size / fs.statSync(output).size;
    t.diagnostic(`baseline ${baseline.toFixed(4)}, int8 ${acc.toFixed(4)}, ${fs.statSync(model).size} -> ${fs.statSync(output).size} bytes (${ratio.toFixed(2)}x)`);
    assert.ok(baseline > 0.9, `the trained model is a real classifier (${baseline})`);
    assert.ok(ratio >= 3.5, `only ${ratio.toFixed(2)}x smaller`);
    assert.ok(baseline - acc <= 0.01, `accuracy ${baseline} -> ${acc}`);
  });

  test('50% global magnitude pruning: sparsity 50% +/- 1%, accuracy within 2 points', async (t) => {
    const { result, accuracy: acc } = await compressed('pruned', { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 });
    const params = result.layers.reduce((s, l) => s + l.params, 0);
    const sparsity = result.layers.reduce((s, l) => s + l.sparsityAfter * l.params, 0) / params;
    t.diagnostic(`baseline ${baseline.toFixed(4)}, pruned ${acc.toFixed(4)}, sparsity ${sparsity.toFixed(4)}`);
    assert.ok(Math.abs(sparsity - 0.5) <= 0.01);
    assert.ok(baseline - acc <= 0.02, `accuracy ${baseline} -> ${acc}`);
  });

  test('2:4 pruning: every pruned layer at exactly 50%, the model still classifies', async (t) => {
    const { result, accuracy: acc } = await compressed('nm', { kind: 'prune', pattern: 'n:m', n: 2, m: 4 });
    t.diagnostic(`baseline ${baseline.toFixed(4)}, 2:4 ${acc.toFixed(4)}`);
    for (const layer of result.layers) assert.equal(layer.sparsityAfter, 0.5, layer.name);
    assert.ok(acc > 0.8, `2:4 accuracy ${acc}`);
  });
});
