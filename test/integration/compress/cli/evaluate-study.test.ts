/**
 * A study file's "evaluate" command, run by `tunekit quantize --study`: the digits example's own
 * evaluate.py measures the PyTorch checkpoint before and after, and a failing command becomes a
 * warning in the report instead of a failed job.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CompressionReport } from '../../../../src/protocol/compression';
import { DEBIAN_PYTHON, missingPythonModules } from '../../../helpers/debian-python';
import { REPO, runCli } from '../../../helpers/run-cli';
import { tempDir } from '../../../helpers/temp-dir';

const skip = missingPythonModules('torch', 'sklearn');

function lastLine(stdout: string): { type: string; report?: CompressionReport; message?: string } {
  return JSON.parse(stdout.trim().split('\n').pop() as string) as { type: string; report?: CompressionReport };
}

test('evaluate.py from the study file reports accuracy before and after dynamic int8', { skip }, async (t) => {
  const dir = tempDir(t);
  execFileSync(DEBIAN_PYTHON, [path.join(REPO, 'examples/digits/train.py'), '--epochs', '20', '--hidden', '256', '--save-model', path.join(dir, 'digits.pt'), '--export-test-set', path.join(dir, 'test.safetensors')], { stdio: 'pipe' });
  fs.writeFileSync(
    path.join(dir, 'digits.tunekit.json'),
    JSON.stringify({ space: {}, python: DEBIAN_PYTHON, evaluate: { command: [DEBIAN_PYTHON, path.join(REPO, 'examples/digits/evaluate.py'), '--model', '{model}'], metric: 'accuracy' } }),
  );
  const result = await runCli(['quantize', 'digits.pt', '--study', 'digits.tunekit.json', '--inputs', 'test.safetensors', '--json'], { cwd: dir });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  const report = lastLine(result.stdout).report as CompressionReport;
  assert.equal(report.format, 'pytorch');
  assert.equal(report.accuracy?.source, 'eval-command');
  assert.equal(report.accuracy?.metric, 'accuracy');
  assert.ok((report.accuracy?.before ?? 0) >= 0.9, JSON.stringify(report.accuracy));
  assert.ok(Math.abs((report.accuracy?.before ?? 0) - (report.accuracy?.after ?? 1)) <= 0.01, JSON.stringify(report.accuracy));
  // The inputs file's labels were measured too, by the helper: kept as a note beside the study's metric.
  assert.ok(report.warnings.some((w) => /accuracy on the inputs file's labels/.test(w)), report.warnings.join('\n'));
  const progress = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; progress?: { stage: string } });
  assert.ok(progress.some((p) => p.progress?.stage === 'evaluate'));
});

test('a failing evaluation command is a warning with its stderr; the job still succeeds', { skip }, async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'm.onnx');
  execFileSync(DEBIAN_PYTHON, [path.join(REPO, 'examples/digits/train.py'), '--epochs', '1', '--export-onnx', model], { stdio: 'pipe' });
  fs.writeFileSync(path.join(dir, 'broken.tunekit.json'), JSON.stringify({ space: {}, evaluate: { command: ['python3', '-c', 'import sys; sys.stderr.write("model file unreadable\\n"); sys.exit(4)', '{model}'], metric: 'accuracy' } }));
  const result = await runCli(['quantize', 'm.onnx', '--study', 'broken.tunekit.json', '--no-verify', '--json'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  const report = lastLine(result.stdout).report as CompressionReport;
  assert.equal(report.accuracy, undefined);
  assert.ok(report.warnings.some((w) => /failed on the original checkpoint.*exited with code 4[\s\S]*model file unreadable/.test(w)), report.warnings.join('\n'));
  assert.ok(fs.existsSync(path.join(dir, 'm.int8.onnx')));
});

test('--study without an evaluate command is a usage error', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'm.onnx'), Uint8Array.from([0x08, 0x07]));
  fs.writeFileSync(path.join(dir, 'plain.tunekit.json'), JSON.stringify({ space: {} }));
  const result = await runCli(['quantize', 'm.onnx', '--study', 'plain.tunekit.json'], { cwd: dir });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /plain\.tunekit\.json has no "evaluate" command/);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['m.onnx', 'plain.tunekit.json']);
});
