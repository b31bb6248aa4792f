/**
 * The decisions behind "Apply best / trial parameters" in VS Code, with the real parser: which
 * trial, which script, the edits per file against the editor's (possibly unsaved) text, the
 * refusals, and positions as VS Code counts them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { ParamValue } from '../../../../src/core/space/distributions';
import { createStudy } from '../../../../src/core/study/study';
import type { Study } from '../../../../src/core/study/study';
import { applyEdits } from '../../../../src/detect/text-edit';
import { SCRIPT_ATTR } from '../../../../src/engine/study-runner';
import {
  ApplyTrialError,
  changeLines,
  confirmQuestion,
  offsetToPosition,
  pickTrial,
  planTrialApply,
  recordedScript,
} from '../../../../src/extension/apply/trial-apply-plan';
import { tempDir } from '../../../helpers/temp-dir';

const SCRIPT = `import argparse
import json

LR = 1e-3  # from the paper

parser = argparse.ArgumentParser()
parser.add_argument('--lr', type=float, default=LR)
parser.add_argument('--batch-size', type=int, default=32)
parser.add_argument('--dropout', type=float, default=0.05 * 2)
args = parser.parse_args()
cfg = json.load(open('train_config.json'))
`;
const CONFIG = '{\n  "epochs": 5,\n  "width": 64\n}\n';
const SPACE = {
  lr: { type: 'float', low: 1e-5, high: 1e-1, log: true },
  'batch-size': { type: 'categorical', choices: [16, 32, 64, 128] },
  dropout: { type: 'float', low: 0, high: 0.5 },
  width: { type: 'int', low: 16, high: 256 },
};

function fixture(t: TestContext, values: number[] = [0.5, 0.2], record = true): { dir: string; script: string; config: string; study: Study } {
  const dir = tempDir(t);
  const script = path.join(dir, 'train.py');
  const config = path.join(dir, 'train_config.json');
  fs.writeFileSync(script, SCRIPT);
  fs.writeFileSync(config, CONFIG);
  const study = createStudy({ space: SPACE, storage: path.join(dir, 's.journal'), studyName: 's', sampler: 'random', seed: 1 });
  if (record) study.setUserAttr(SCRIPT_ATTR, script);
  const params: Record<string, ParamValue>[] = [
    { lr: 3e-4, 'batch-size': 128, dropout: 0.3, width: 128 },
    { lr: 1e-3, 'batch-size': 32, dropout: 0.1, width: 64 },
  ];
  values.forEach((v, i) => {
    study.enqueue(params[i % 2]!);
    const trial = study.ask();
    study.tell(trial.number, v);
  });
  t.after(() => study.close());
  return { dir, script, config, study };
}

const display = (dir: string) => (file: string) => path.relative(dir, file);

test('the best trial, or a complete trial by number; anything else is refused with a reason', (t) => {
  const { study } = fixture(t);
  assert.equal(pickTrial(study, 'best').number, 1);
  assert.equal(pickTrial(study, 0).number, 0);
  assert.throws(() => pickTrial(study, 7), (e: unknown) => ApplyTrialError.is(e) && /has no trial 7 \(it has 2/.test(e.message));
  const running = study.ask();
  assert.throws(() => pickTrial(study, running.number), /is running, not complete/);
});

test('a study with no complete trial, or several objectives, has no "best" to apply', (t) => {
  const { study } = fixture(t, []);
  assert.throws(() => pickTrial(study, 'best'), /no complete trial yet/);
  const multi = createStudy({ space: SPACE, directions: ['minimize', 'maximize'], storage: path.join(tempDir(t), 'm.journal'), sampler: 'random' });
  multi.tell(multi.ask().number, [1, 2]);
  assert.throws(() => pickTrial(multi, 'best'), /2 objectives, so no single best trial: apply one of the Pareto-optimal trials \(0\)/);
  multi.close();
});

test('the recorded script, when it still exists', (t) => {
  const { study, script } = fixture(t);
  assert.equal(recordedScript(study), script);
  fs.rmSync(script);
  assert.equal(recordedScript(study), undefined);
  const { study: unrecorded } = fixture(t, [1], false);
  assert.equal(recordedScript(unrecorded), undefined);
});

test('edits per file against the editor text, unsaved changes kept; an expression default is refused', async (t) => {
  const { dir, script, config, study } = fixture(t);
  // The editor holds an unsaved comment at the top: the plan must be against that text.
  const buffer = '# unsaved note\n' + SCRIPT;
  const readFile = (file: string): string => (file === script ? buffer : fs.readFileSync(file, 'utf8'));
  const plan = await planTrialApply(script, pickTrial(study, 0).params, { readFile, displayPath: display(dir) });
  assert.deepEqual(plan.files.map((f) => path.basename(f.file)).sort(), ['train.py', 'train_config.json']);
  const py = plan.files.find((f) => f.file === script)!;
  assert.equal(py.before, buffer);
  assert.equal(py.after, applyEdits(buffer, py.edits));
  assert.match(py.after, /^# unsaved note\n/);
  assert.match(py.after, /^LR = 3e-4 {2}# from the paper$/m, 'number style kept');
  assert.match(py.after, /default=128\)/);
  assert.match(py.after, /default=0\.05 \* 2\)/, 'the expression is left alone');
  const json = plan.files.find((f) => f.file === config)!;
  assert.equal(json.after, '{\n  "epochs": 5,\n  "width": 128\n}\n');
  assert.equal(plan.changeCount, 3);
  assert.deepEqual(plan.refused.map((r) => r.name), ['dropout']);
  assert.match(plan.refused[0]!.reason, /0\.05 \* 2.*train\.py:\d+/);
  assert.equal(confirmQuestion(plan, display(dir)), 'Apply 3 changes to train.py and train_config.json?');
  assert.ok(changeLines(plan, display(dir)).some((l) => /^batch-size: 32 → 128 {2}\(train\.py:9\)$/.test(l)), changeLines(plan, display(dir)).join('\n'));
});

test('a trial whose values are already the defaults plans nothing', async (t) => {
  const { dir, script, study } = fixture(t);
  const plan = await planTrialApply(script, { lr: 1e-3, 'batch-size': 32, width: 64 }, { readFile: (f) => fs.readFileSync(f, 'utf8'), displayPath: display(dir) });
  assert.equal(plan.files.length, 0);
  assert.equal(plan.changeCount, 0);
  assert.deepEqual([...plan.unchanged].sort(), ['batch-size', 'lr', 'width']);
  void study;
});

test('offsets become VS Code positions, with \\n, \\r\\n and lone \\r line breaks and UTF-16 characters', () => {
  const text = 'a\r\nbé\ncd\re😀f';
  assert.deepEqual(offsetToPosition(text, 0), { line: 0, character: 0 });
  assert.deepEqual(offsetToPosition(text, 1), { line: 0, character: 1 }, 'before the \\r\\n');
  assert.deepEqual(offsetToPosition(text, 3), { line: 1, character: 0 });
  assert.deepEqual(offsetToPosition(text, 5), { line: 1, character: 2 });
  assert.deepEqual(offsetToPosition(text, 9), { line: 3, character: 0 }, 'after the lone \\r');
  assert.deepEqual(offsetToPosition(text, text.indexOf('f')), { line: 3, character: 3 }, 'the emoji is two UTF-16 units');
  assert.deepEqual(offsetToPosition(text, text.length), { line: 3, character: 4 });
});
