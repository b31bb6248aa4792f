/** The study's evaluation command, run for real (a small Python script) on two "checkpoints". */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { evaluateBeforeAfter, runEvaluateCommand } from '../../../src/compress/evaluate-command';
import { tempDir } from '../../helpers/temp-dir';

// The "metric" is read from the checkpoint file, so before and after differ visibly.
const SCRIPT = `import sys, pathlib
model = sys.argv[sys.argv.index('--model') + 1]
text = pathlib.Path(model).read_text()
if text == 'crash':
    sys.stderr.write('Traceback (most recent call last):\\n  File "evaluate.py"\\nRuntimeError: cannot load ' + model + '\\n')
    sys.exit(3)
print('evaluating', model)
print('accuracy=' + text)
`;

function setup(dir: string): { script: string; spec: { command: string[]; metric: string } } {
  const script = path.join(dir, 'evaluate.py');
  fs.writeFileSync(script, SCRIPT);
  // A relative script path: the command runs in the study file's folder.
  return { script, spec: { command: ['python3', 'evaluate.py', '--model', '{model}'], metric: 'accuracy' } };
}

test('the metric before and after, from the command run in the study folder', async (t) => {
  const dir = tempDir(t);
  const { spec } = setup(dir);
  fs.writeFileSync(path.join(dir, 'a.onnx'), '0.97');
  fs.writeFileSync(path.join(dir, 'b.onnx'), '0.955');
  const figures = await evaluateBeforeAfter(spec, path.join(dir, 'a.onnx'), path.join(dir, 'b.onnx'), { cwd: dir });
  assert.deepEqual(figures, { accuracy: { source: 'eval-command', metric: 'accuracy', before: 0.97, after: 0.955 }, warnings: [] });
});

test('a failing command is a warning with its stderr tail, not a crash', async (t) => {
  const dir = tempDir(t);
  const { spec } = setup(dir);
  fs.writeFileSync(path.join(dir, 'a.onnx'), '0.97');
  fs.writeFileSync(path.join(dir, 'b.onnx'), 'crash');
  const figures = await evaluateBeforeAfter(spec, path.join(dir, 'a.onnx'), path.join(dir, 'b.onnx'), { cwd: dir });
  assert.equal(figures.accuracy, undefined);
  assert.equal(figures.warnings.length, 1);
  assert.match(figures.warnings[0] as string, /failed on the compressed checkpoint: `python3 evaluate.py --model .*b\.onnx` exited with code 3/);
  assert.match(figures.warnings[0] as string, /RuntimeError: cannot load .*b\.onnx/);
});

test('no metric line, a missing program and a timeout each say so', async (t) => {
  const dir = tempDir(t);
  const { spec } = setup(dir);
  fs.writeFileSync(path.join(dir, 'a.onnx'), 'not-a-number');
  const noMetric = await runEvaluateCommand(spec, path.join(dir, 'a.onnx'), { cwd: dir });
  assert.ok(!noMetric.ok && /printed no "accuracy" line/.test(noMetric.problem));
  const missing = await runEvaluateCommand({ command: ['no-such-program-tunekit'], metric: 'accuracy' }, 'x', { cwd: dir });
  assert.ok(!missing.ok && /"no-such-program-tunekit" was not found/.test(missing.problem), JSON.stringify(missing));
  const slow = await runEvaluateCommand({ command: ['python3', '-c', 'import time; time.sleep(30)'], metric: 'accuracy' }, 'x', { cwd: dir, timeoutMs: 300 });
  assert.ok(!slow.ok && /timed out after 0.3 s/.test(slow.problem), JSON.stringify(slow));
});
