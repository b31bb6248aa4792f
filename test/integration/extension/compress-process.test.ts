/**
 * The extension's way of running a compression (compress-process.ts) against the real
 * `tunekit quantize` CLI from the sources, on real ONNX models written by Debian's python3-onnx:
 * progress arrives stage by stage and the report names a new, smaller file beside the original,
 * which is left byte for byte as it was; a truncated model gives the CLI's own error and writes
 * nothing; a cancel kills the child's whole process group and leaves no file behind; a CLI that
 * dies without a word is reported with its stderr.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { compressCliArgs } from '../../../src/extension/compress/compress-cli-args';
import { runCompressProcess } from '../../../src/extension/compress/compress-process';
import type { CompressionProgress } from '../../../src/protocol/compression';
import { missingPythonModules, runPythonJson } from '../../helpers/debian-python';
import { REPO } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

const skip = missingPythonModules('onnx', 'numpy');
const TSX = import.meta.resolve('tsx');
const CLI = path.join(REPO, 'src', 'cli', 'main.ts');

/** An MLP in ONNX (MatMul weights, opset 13, as torch.onnx.export writes one): `width` wide, `depth` layers. */
function writeMlp(file: string, width: number, depth: number): void {
  runPythonJson(
    `import sys, json, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
width, depth = int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
nodes, inits, x = [], [], 'x'
for i in range(depth):
    inits.append(numpy_helper.from_array((rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32), f'fc{i}.weight'))
    nodes.append(helper.make_node('MatMul', [x, f'fc{i}.weight'], [f'h{i}']))
    nodes.append(helper.make_node('Relu', [f'h{i}'], [f'r{i}']))
    x = f'r{i}'
graph = helper.make_graph(nodes, 'mlp', [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', width])], [helper.make_tensor_value_info(x, TensorProto.FLOAT, ['batch', width])], inits)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)]), sys.argv[1])
print(json.dumps(True))`,
    [file, String(width), String(depth)],
  );
}

/** The CLI from the sources, as the extension runs dist/cli.js: an argv for this Node. */
function cliArgs(model: string): string[] {
  return ['--import', TSX, ...compressCliArgs({ cliPath: CLI, model, method: { kind: 'quantize', scheme: 'dynamic-int8' } })];
}

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('a quantization reports its progress stage by stage and ends with the report of a new, smaller file', { skip }, async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'model.onnx');
  writeMlp(model, 64, 3);
  const hash = sha256(model);
  const progress: CompressionProgress[] = [];
  const log: string[] = [];
  const outcome = await runCompressProcess({ node: process.execPath, args: cliArgs(model), cwd: dir, env: { NODE_OPTIONS: '' }, onProgress: (p) => progress.push(p), onLog: (l) => log.push(l) });
  assert.equal(outcome.kind, 'report', JSON.stringify(outcome).slice(0, 2000));
  const { report } = outcome as Extract<typeof outcome, { kind: 'report' }>;
  const stages = [...new Set(progress.map((p) => p.stage))];
  assert.deepEqual(stages, ['read', 'quantize', 'write', 'verify']);
  assert.equal(report.after.path, path.join(dir, 'model.int8.onnx'));
  assert.ok(fs.existsSync(report.after.path));
  assert.equal(fs.statSync(report.after.path).size, report.after.bytes);
  assert.ok(report.after.bytes * 3 < report.before.bytes, `${report.before.bytes} -> ${report.after.bytes} bytes`);
  assert.equal(report.layers.length, 3);
  assert.equal(sha256(model), hash, 'the original is unchanged');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.int8.onnx', 'model.onnx']);
  assert.deepEqual(log.filter((l) => l.startsWith('ignored')), [], 'every stdout line was the CLI JSON');
});

test("a truncated model gives the CLI's own error, naming the file, and writes nothing", { skip }, async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'model.onnx');
  writeMlp(model, 64, 3);
  const bytes = fs.readFileSync(model);
  fs.writeFileSync(model, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const outcome = await runCompressProcess({ node: process.execPath, args: cliArgs(model), cwd: dir, env: { NODE_OPTIONS: '' } });
  assert.equal(outcome.kind, 'error', JSON.stringify(outcome).slice(0, 2000));
  const error = outcome as Extract<typeof outcome, { kind: 'error' }>;
  assert.ok(['truncated', 'corrupt'].includes(error.reason), error.reason);
  assert.match(error.message, /model\.onnx/);
  assert.deepEqual(fs.readdirSync(dir), ['model.onnx']);
});

test('cancel kills the CLI and its process group, and leaves no file behind', { skip }, async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'model.onnx');
  // 8 layers of 1024 x 1024: 32 MiB of weights, seconds of work to interrupt.
  writeMlp(model, 1024, 8);
  const abort = new AbortController();
  let pid = 0;
  const stages: string[] = [];
  const outcome = await runCompressProcess({
    node: process.execPath,
    args: cliArgs(model),
    cwd: dir,
    env: { NODE_OPTIONS: '' },
    signal: abort.signal,
    onStart: (p) => (pid = p),
    onProgress: (p) => {
      stages.push(p.stage);
      abort.abort(); // at the first sign of work
    },
  });
  assert.deepEqual(outcome, { kind: 'cancelled' });
  assert.ok(stages.length > 0, 'the job had started');
  assert.ok(pid > 0);
  assert.equal(groupAlive(pid), false, 'nothing of the process group is left');
  assert.deepEqual(fs.readdirSync(dir), ['model.onnx'], 'no output and no temporary file left');
});

test('a CLI that dies without a JSON line is reported with the error line of its stderr', async (t) => {
  const dir = tempDir(t);
  const outcome = await runCompressProcess({ node: process.execPath, args: [path.join(dir, 'no-such-cli.js'), 'quantize', 'x.onnx', '--json'], cwd: dir, env: {} });
  assert.equal(outcome.kind, 'crashed');
  const crashed = outcome as Extract<typeof outcome, { kind: 'crashed' }>;
  assert.match(crashed.message, /^the tunekit CLI stopped with exit code 1 without a report: Error: Cannot find module '.*no-such-cli\.js'$/);
  assert.match(crashed.stderr, /Cannot find module/);
});
