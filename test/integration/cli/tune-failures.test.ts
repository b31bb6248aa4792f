/**
 * Every way a trial can go wrong ends as a failed trial with a reason the user can act on, and
 * the study goes on: crashes, NaN objectives, missing metrics, garbage output, timeouts,
 * commands that do not exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadStudy, FAIL_REASON_ATTR } from '../../../src/core/study/study';
import { runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

const MODES = path.join(import.meta.dirname, 'fixtures', 'modes.py');

test('failed, NaN, silent, garbage and hung trials are recorded with reasons; the study finishes', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(
    path.join(dir, 'space.json'),
    JSON.stringify({ mode: { type: 'categorical', choices: ['ok', 'garbage', 'crash', 'nan', 'silent', 'hang'] }, x: { type: 'float', low: 0.5, high: 0.5 } }),
  );
  const journal = path.join(dir, 'modes.journal');
  const result = await runCli(
    ['tune', MODES, '--space', path.join(dir, 'space.json'), '--objective', 'loss', '--sampler', 'grid', '--trials', '6', '--parallel', '3', '--timeout', '3', '--grace', '1', '--storage', journal],
    { cwd: dir },
  );
  assert.equal(result.code, 0, result.stderr);
  const study = loadStudy({ storage: journal });
  const byMode = new Map(study.trials.map((tr) => [tr.params.mode, tr]));
  assert.equal(byMode.size, 6, 'the grid ran each mode once');

  const ok = byMode.get('ok')!;
  assert.equal(ok.state, 'complete');
  assert.equal(ok.values![0], 0.583333, 'the last printed value, as printed');
  assert.deepEqual([...ok.intermediateValues.keys()], [0, 1, 2]);

  const garbage = byMode.get('garbage')!;
  assert.equal(garbage.state, 'complete', 'garbage lines are skipped, real metric lines still count');
  assert.deepEqual(garbage.values, [1.25]);

  const reason = (mode: string): string => String(byMode.get(mode)!.systemAttrs[FAIL_REASON_ATTR]);
  assert.equal(byMode.get('crash')!.state, 'fail');
  assert.match(reason('crash'), /exited with code 1: ValueError: CUDA out of memory \(simulated\)/);
  assert.match(String(byMode.get('crash')!.userAttrs.stderr_tail), /Traceback[\s\S]*ValueError/);
  assert.equal(byMode.get('crash')!.userAttrs.exit_code, 1);
  assert.match(reason('nan'), /objective "loss" was NaN at step 1/);
  assert.match(reason('silent'), /objective "loss" was never reported; metrics seen: accuracy/);
  assert.match(reason('hang'), /timed out after 3 s/);
  assert.match(result.stdout, /1 complete|2 complete/);
  assert.match(result.stdout, /best parameters: mode=(ok|garbage)/);

  const logDir = String(byMode.get('crash')!.userAttrs.log_dir);
  assert.match(fs.readFileSync(path.join(logDir, 'stderr.log'), 'utf8'), /ValueError/);
  assert.match(fs.readFileSync(path.join(logDir, 'stdout.log'), 'utf8'), /epoch 0 loss=1.0/);
});

test('a command that does not exist fails every trial with a clear reason and exit code 1', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify({ x: { type: 'float', low: 0, high: 1 } }));
  const result = await runCli(['tune', '--space', 'space.json', '--objective', 'loss', '--trials', '2', '--', './no-such-train.sh'], { cwd: dir });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /trial 0 fail.*no-such-train\.sh/);
  assert.match(result.stderr, /no trial completed/);
});

test('bad command lines and bad space files are refused with a message saying what to fix', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'train.py'), 'print("loss=1")\n');
  fs.writeFileSync(path.join(dir, 'broken.json'), '{ "lr": { "type": "float", "low": 1, "high": 0 } }');
  fs.writeFileSync(path.join(dir, 'notjson.json'), '{ lr: 1');
  const cases: [string[], RegExp][] = [
    [['tune', 'train.py', '--objective', 'loss'], /no search space: pass --space FILE \(.*space\.json does not exist\)/],
    [['tune', 'train.py', '--space', 'broken.json', '--objective', 'loss'], /broken\.json: parameter "lr": low \(1\) is greater than high \(0\)/],
    [['tune', 'train.py', '--space', 'notjson.json', '--objective', 'loss'], /notjson\.json is not valid JSON/],
    [['tune', 'missing.py', '--space', 'broken.json'], /script not found: missing\.py/],
    [['tune', 'train.py', '--space', 'broken.json', '--trials', 'zero'], /--trials needs an integer, got "zero"/],
    [['tune', 'train.py', '--sampler', 'bayes'], /--sampler must be one of/],
    [['show', 'nothing-here'], /no study at .*nothing-here\.journal/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(args, { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for a usage error');
  }
});
