/**
 * Issue 5's acceptance for ONNX, through the real `tunekit` CLI: the digits example is trained
 * and exported with Debian's torch, then quantized and pruned; the results are checked by the
 * real onnx.checker and onnx.numpy_helper, and run by onnxruntime inside the CLI.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { CompressionReport } from '../../../../src/protocol/compression';
import { compressionReportProblem } from '../../../../src/protocol/compression-validate';
import { DEBIAN_PYTHON, missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { REPO, runCli } from '../../../helpers/run-cli';

const skip = missingPythonModules('torch', 'sklearn', 'onnx');
let dir = '';
let model = '';
let testSet = '';

before(() => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-onnx-acceptance-'));
  model = path.join(dir, 'model.onnx');
  testSet = path.join(dir, 'test.safetensors');
  execFileSync(DEBIAN_PYTHON, [path.join(REPO, 'examples/digits/train.py'), '--epochs', '20', '--hidden', '256', '--export-onnx', model, '--export-test-set', testSet], { stdio: 'pipe' });
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with --json and returns the report line's report, failing with its output otherwise. */
async function compressJson(args: string[]): Promise<CompressionReport> {
  const result = await runCli([...args, '--json'], { cwd: dir });
  assert.equal(result.code, 0, `tunekit ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; report?: CompressionReport });
  const last = lines[lines.length - 1];
  assert.equal(last?.type, 'report');
  assert.equal(compressionReportProblem(last.report), undefined);
  return last.report as CompressionReport;
}

function onnxChecker(file: string): { ok: boolean; error?: string } {
  return runPythonJson(
    `import json, sys, onnx
try:
    onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)
    print(json.dumps({"ok": True}))
except Exception as e:
    print(json.dumps({"ok": False, "error": str(e)[:500]}))`,
    [file],
  ) as { ok: boolean; error?: string };
}

/** Zero fraction over the named initializers, as numpy counts it. */
function zeroFraction(file: string, names: string[]): number {
  return runPythonJson(
    `import json, sys, onnx
from onnx import numpy_helper
names = set(json.loads(sys.argv[2]))
m = onnx.load(sys.argv[1])
zeros = total = 0
for t in m.graph.initializer:
    if t.name in names:
        a = numpy_helper.to_array(t)
        zeros += int((a == 0).sum()); total += a.size
print(json.dumps(zeros / total))`,
    [file, JSON.stringify(names)],
  ) as number;
}

test('quantize dynamic-int8: >= 3.5x smaller, onnx.checker accepts it, accuracy drops <= 1 point', { skip }, async () => {
  const report = await compressJson(['quantize', 'model.onnx', '--inputs', 'test.safetensors']);
  const output = path.join(dir, 'model.int8.onnx');
  assert.equal(report.after.path, output);
  const ratio = fs.statSync(model).size / fs.statSync(output).size;
  assert.ok(ratio >= 3.5, `only ${ratio.toFixed(2)}x smaller`);
  assert.equal(report.before.bytes, fs.statSync(model).size);
  assert.equal(report.after.bytes, fs.statSync(output).size);
  const checked = onnxChecker(output);
  assert.ok(checked.ok, `onnx.checker refused ${output}: ${checked.error}`);
  // onnxruntime ran both (in the CLI) on the 360 held-out rows, labels included.
  assert.equal(report.agreement?.inputsFrom, 'file');
  assert.equal(report.agreement?.samples, 360);
  assert.ok((report.agreement?.top1Agreement ?? 0) >= 0.97, JSON.stringify(report.agreement));
  assert.equal(report.accuracy?.source, 'labels');
  const acc = report.accuracy!;
  assert.ok(acc.before >= 0.9, `the trained model is poor: ${acc.before}`);
  assert.ok(acc.before - acc.after <= 0.01, `accuracy fell from ${acc.before} to ${acc.after}`);
  assert.ok(report.before.latency && report.after.latency && report.after.latency.runs >= 5);
  assert.deepEqual(report.layers.map((l) => l.dtypeAfter), ['int8', 'int8', 'int8']);
});

test('prune 50% global: reported sparsity 50% +/- 1% (numpy agrees), accuracy within 2 points', { skip }, async () => {
  const report = await compressJson(['prune', 'model.onnx', '--sparsity', '0.5', '--inputs', 'test.safetensors']);
  const output = path.join(dir, 'model.pruned50.onnx');
  const params = report.layers.reduce((n, l) => n + l.params, 0);
  const reported = report.layers.reduce((n, l) => n + l.sparsityAfter * l.params, 0) / params;
  assert.ok(Math.abs(reported - 0.5) <= 0.01, `reported sparsity ${reported}`);
  const actual = zeroFraction(output, report.layers.map((l) => l.name));
  assert.ok(Math.abs(actual - reported) < 1e-6, `the file has ${actual} zeros, the report says ${reported}`);
  assert.ok(onnxChecker(output).ok);
  const acc = report.accuracy!;
  assert.ok(Math.abs(acc.before - acc.after) <= 0.02, `accuracy went from ${acc.before} to ${acc.after}`);
  assert.equal(fs.statSync(model).size, report.before.bytes, 'the original is untouched');
});

test('prune 2:4: exactly 2 zeros in every 4 along the input dimension of every pruned weight', { skip }, async () => {
  const report = await compressJson(['prune', 'model.onnx', '--pattern', '2:4']);
  const output = path.join(dir, 'model.2of4.onnx');
  assert.ok(report.layers.length >= 3);
  const groups = runPythonJson(
    `import json, sys, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
names = set(json.loads(sys.argv[2]))
inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
result = {}
for node in m.graph.node:
    if node.op_type not in ("Gemm", "MatMul") or node.input[1] not in names:
        continue
    w = inits[node.input[1]]
    trans_b = any(a.name == "transB" and a.i == 1 for a in node.attribute)
    # The input dimension: K of [N, K] for Gemm with transB, else K of [K, N].
    rows = w if (node.op_type == "Gemm" and trans_b) else w.T
    g = (rows.reshape(rows.shape[0], -1, 4) == 0).sum(axis=2)
    result[node.input[1]] = {"groups": int(g.size), "zerosPerGroup": sorted(set(int(x) for x in g.flatten()))}
print(json.dumps(result))`,
    [output, JSON.stringify(report.layers.map((l) => l.name))],
  ) as Record<string, { groups: number; zerosPerGroup: number[] }>;
  assert.equal(Object.keys(groups).length, report.layers.length);
  for (const [name, g] of Object.entries(groups)) assert.deepEqual(g.zerosPerGroup, [2], `${name}: zeros per group of 4 were ${g.zerosPerGroup.join(', ')}`);
  assert.ok(onnxChecker(output).ok);
  assert.equal(report.agreement?.inputsFrom, 'generated');
  assert.equal(report.agreement?.samples, 32);
});

test('a truncated .onnx: exit 1, a message naming the file, no output left behind', { skip }, async () => {
  const broken = path.join(dir, 'broken.onnx');
  const bytes = fs.readFileSync(model);
  fs.writeFileSync(broken, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const listing = fs.readdirSync(dir).sort();
  const human = await runCli(['quantize', 'broken.onnx'], { cwd: dir });
  assert.equal(human.code, 1, human.stderr);
  assert.match(human.stderr, /^tunekit: .*broken\.onnx.*byte \d+/m);
  assert.doesNotMatch(human.stderr, /\n\s+at /, 'no stack trace');
  const machine = await runCli(['quantize', 'broken.onnx', '--json'], { cwd: dir });
  assert.equal(machine.code, 1);
  const last = JSON.parse(machine.stdout.trim().split('\n').pop() as string) as { type: string; reason: string; message: string };
  assert.equal(last.type, 'error');
  assert.ok(['truncated', 'corrupt'].includes(last.reason), last.reason);
  assert.match(last.message, /broken\.onnx/);
  assert.deepEqual(fs.readdirSync(dir).sort(), listing, 'no output and no temporary file was left');
  fs.rmSync(broken);
});

test('the human report: the before / after table and the per-layer table', { skip }, async () => {
  const result = await runCli(['quantize', 'model.onnx', '--scheme', 'fp16', '--inputs', 'test.safetensors'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  // stderr is a pipe here, so progress comes as one plain line per stage.
  assert.match(result.stderr, /^reading\.\.\.\nquantizing\.\.\.\nwriting\.\.\.\nverifying\.\.\.\n$/);
  for (const row of ['file size', 'parameters', 'sparsity', 'latency (median', 'max |output diff|', 'top-1 agreement', 'accuracy (labels)']) assert.ok(result.stdout.includes(row), `no "${row}" row in:\n${result.stdout}`);
  assert.match(result.stdout, /file size\s+199 KiB\s+\d+(\.\d)? KiB\s+1\.9\dx smaller/);
  assert.match(result.stdout, /0\.weight\s+Gemm\s+\[256, 64\]\s+0\.0% -> 0\.0%\s+float32 -> float16/);
});

test('usage errors exit 2 (with --json, as an error line too)', { skip }, async () => {
  const bad = await runCli(['prune', 'model.onnx', '--sparsity', '1.5'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--sparsity takes a fraction/);
  const json = await runCli(['quantize', 'model.onnx', '--scheme', 'int4', '--json'], { cwd: dir });
  assert.equal(json.code, 2);
  assert.deepEqual(JSON.parse(json.stdout.trim()), { type: 'error', reason: 'usage', message: '--scheme is one of dynamic-int8, weight-int8, fp16, bf16; not "int4"' });
  const unknown = await runCli(['prune', 'model.onnx', '--sparsty', '0.3', '--json'], { cwd: dir });
  assert.equal(unknown.code, 2);
  assert.equal((JSON.parse(unknown.stdout.trim()) as { reason: string }).reason, 'usage');
  assert.match(unknown.stdout, /--sparsty/);
  const taken = await runCli(['quantize', 'model.onnx', '--output', 'model.onnx'], { cwd: dir });
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /tunekit: --output model\.onnx is the original checkpoint/);
});
