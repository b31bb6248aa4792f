/**
 * Stopping trials never leaves a process behind and never leaves the journal inconsistent:
 * pruning, Ctrl-C, and an engine killed with SIGKILL and then resumed.
 */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAIL_REASON_ATTR, loadStudy } from '../../../src/core/study/study';
import { REPORT_PREFIX } from '../../../src/protocol/trial-protocol';
import { isProcessRunning } from '../../../src/engine/process/process-alive';
import { runCli, startCli, waitFor } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

const SLOW = path.join(import.meta.dirname, 'fixtures', 'slow_train.py');

function setup(t: TestContext, space: unknown): { dir: string; record: string; journal: string } {
  const dir = tempDir(t);
  const record = path.join(dir, 'record');
  fs.mkdirSync(record);
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify(space));
  const pids = (): number[] => recordedPids(record);
  // Whatever happens in the test, leave no process behind.
  t.after(() => pids().forEach((pid) => isProcessRunning(pid) && process.kill(pid, 'SIGKILL')));
  return { dir, record, journal: path.join(dir, 'study.journal') };
}

/** The pid of every trial process and of the grandchild each one started. */
function recordedPids(record: string): number[] {
  if (!fs.existsSync(record)) return [];
  return fs
    .readdirSync(record)
    .filter((f) => f.startsWith('pids-'))
    .flatMap((f) => fs.readFileSync(path.join(record, f), 'utf8').trim().split(' ').map(Number));
}

function trialsRunningWithReports(journal: string): number {
  if (!fs.existsSync(journal)) return 0;
  return loadStudy({ storage: journal }).trials.filter((t) => t.state === 'running' && t.intermediateValues.size > 0).length;
}

const allGone = (pids: number[]): true | undefined => (pids.every((pid) => !isProcessRunning(pid)) ? true : undefined);

test('a pruned trial exits through the client and its whole process group is gone', async (t) => {
  const { dir, record, journal } = setup(t, { x: { type: 'categorical', choices: [0, 2] } });
  // Grid order: x=0 completes first; x=2 reports far worse values and ASHA stops it at rung 0.
  const result = await runCli(
    ['tune', '--space', 'space.json', '--objective', 'loss', '--trials', '2', '--sampler', 'grid', '--pruner', 'asha', '--storage', journal, '--',
      'python3', SLOW, '--epochs', '12', '--epoch-seconds', '0.1'],
    { cwd: dir, env: { RECORD_DIR: record } },
  );
  assert.equal(result.code, 0, result.stderr);
  const study = loadStudy({ storage: journal });
  assert.deepEqual(study.trials.map((x) => x.state), ['complete', 'pruned']);
  const pruned = study.trials[1]!;
  assert.ok(pruned.intermediateValues.size < 12, 'stopped before its last epoch');
  const stdout = fs.readFileSync(path.join(String(pruned.userAttrs.log_dir), 'stdout.log'), 'utf8');
  assert.ok(stdout.includes(`${REPORT_PREFIX}{"kind":"pruned"`), 'the client turned SIGTERM into a clean pruned exit');
  assert.equal(pruned.userAttrs.exit_code, 0);
  const pids = recordedPids(record);
  assert.equal(pids.length, 4);
  await waitFor(() => allGone(pids), 5000, 'the trial processes and their grandchildren to be gone');
});

test('Ctrl-C terminates running trials, marks them failed and exits 130', async (t) => {
  const { dir, record, journal } = setup(t, { x: { type: 'float', low: -2, high: 2 } });
  const cli = startCli(
    ['tune', '--space', 'space.json', '--objective', 'loss', '--trials', '6', '--parallel', '2', '--grace', '5', '--storage', journal, '--',
      'python3', SLOW, '--epochs', '300', '--epoch-seconds', '0.1'],
    { cwd: dir, env: { RECORD_DIR: record } },
  );
  await waitFor(() => (trialsRunningWithReports(journal) === 2 ? true : undefined), 20_000, 'two trials to be running');
  cli.child.kill('SIGINT');
  const result = await cli.done;
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stderr, /stopping: running trials get SIGTERM/);
  const study = loadStudy({ storage: journal });
  assert.equal(study.trials.length, 2, 'no new trial starts after Ctrl-C');
  for (const trial of study.trials) {
    assert.equal(trial.state, 'fail');
    assert.equal(trial.systemAttrs[FAIL_REASON_ATTR], 'stopped by the user before it finished');
  }
  await waitFor(() => allGone(recordedPids(record)), 5000, 'every trial process to be gone');
});

test('after the engine is killed with SIGKILL, the next run fails its orphaned trials, kills them, and re-runs them', async (t) => {
  const { dir, record, journal } = setup(t, { x: { type: 'float', low: -2, high: 2 } });
  const slowArgs = ['--', 'python3', SLOW, '--epochs', '300', '--epoch-seconds', '0.1'];
  const base = ['tune', '--space', 'space.json', '--objective', 'loss', '--storage', journal, '--parallel', '2'];
  const first = startCli([...base, '--trials', '4', ...slowArgs], { cwd: dir, env: { RECORD_DIR: record } });
  await waitFor(() => (trialsRunningWithReports(journal) === 2 ? true : undefined), 20_000, 'two trials to be running');
  first.child.kill('SIGKILL');
  await first.done;
  const orphans = recordedPids(record);
  assert.equal(orphans.length, 4);
  // Trials run in their own process groups, so what they started outlives the engine (the
  // trial itself dies at its next write to the dead engine's pipe).
  const grandchildren = orphans.filter((_, i) => i % 2 === 1);
  assert.ok(grandchildren.every(isProcessRunning), 'the grandchildren survived the engine');
  const before = loadStudy({ storage: journal }).trials;
  assert.deepEqual(before.map((x) => x.state), ['running', 'running']);

  fs.rmSync(record, { recursive: true });
  fs.mkdirSync(record);
  const second = await runCli([...base, '--trials', '2', '--requeue', '--', 'python3', SLOW, '--epochs', '3', '--epoch-seconds', '0.05'], {
    cwd: dir,
    env: { RECORD_DIR: record },
  });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /trial 0 was left running by an engine that died; marked failed, queued again as trial 2/);
  await waitFor(() => allGone(orphans), 5000, 'the orphaned trial groups to be killed');

  const after = loadStudy({ storage: journal }).trials;
  assert.deepEqual(after.map((x) => x.state), ['fail', 'fail', 'complete', 'complete']);
  assert.match(String(after[0]!.systemAttrs[FAIL_REASON_ATTR]), /the engine running it \(pid \d+\) stopped before the trial finished/);
  assert.deepEqual(after[2]!.params, before[0]!.params, 're-queued with the same parameters');
  assert.deepEqual(after[3]!.params, before[1]!.params);
});
