/**
 * Per-channel int8 quantization checked value for value against numpy doing the same float32
 * arithmetic the ONNX spec gives for QuantizeLinear (x / scale, round half to even, saturate).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { quantizeInt8PerChannel } from '../../../../src/compress/tensor/int8-quantize';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { tempDir } from '../../../helpers/temp-dir';

const skip = missingPythonModules('numpy');

const NUMPY_QUANTIZE = `
import sys, json, numpy as np
w = np.fromfile(sys.argv[1], dtype=np.float32).reshape(int(sys.argv[2]), -1)
scale = (np.abs(w).max(axis=1) / np.float32(127)).astype(np.float32)
scale[scale == 0] = 1
q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
q.tofile(sys.argv[3]); scale.tofile(sys.argv[4])
print(json.dumps({"shape": list(w.shape)}))
`;

test('per-channel int8 matches numpy float32 arithmetic exactly, ties included', { skip }, (t) => {
  const dir = tempDir(t);
  const rows = 64;
  const cols = 300;
  let s = 99;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  const data = Float32Array.from({ length: rows * cols }, () => (next() - 0.5) * 2 * 10 ** (next() * 4 - 3));
  // Rows whose values sit exactly on half steps (scale 1): ties must go to even.
  for (let c = 0; c < cols; c++) data[c] = c === 0 ? 127 : (c % 254) - 126.5;
  data.fill(0, cols, 2 * cols); // an all-zero row
  fs.writeFileSync(path.join(dir, 'w.f32'), data);
  runPythonJson(NUMPY_QUANTIZE, [path.join(dir, 'w.f32'), String(rows), path.join(dir, 'q.i8'), path.join(dir, 's.f32')]);
  const ours = quantizeInt8PerChannel(data, [rows, cols], 0, 'w');
  const theirsQ = new Int8Array(new Uint8Array(fs.readFileSync(path.join(dir, 'q.i8'))).buffer);
  const theirsS = new Float32Array(new Uint8Array(fs.readFileSync(path.join(dir, 's.f32'))).buffer);
  assert.deepEqual([...ours.scales], [...theirsS]);
  const mismatch = ours.values.findIndex((q, i) => q !== theirsQ[i]);
  assert.equal(mismatch, -1, `element ${mismatch}: ours ${ours.values[mismatch]}, numpy ${theirsQ[mismatch]} for ${data[mismatch]}`);
});
