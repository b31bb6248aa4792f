/**
 * The dashboard host's side of the message protocol, on real journals, without VS Code: what
 * the page gets and when (ready handshake, full state, batched deltas, after being hidden), and
 * what the page's requests do to the study (stop a trial of a running `tunekit tune`, enqueue).
 */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createStudy, loadStudy } from '../../../src/core/study/study';
import { STOP_TRIAL_ATTR } from '../../../src/engine/run-control';
import { trialFiles } from '../../../src/engine/trial-files';
import { StudyWatcher } from '../../../src/engine/watch/study-watcher';
import { DashboardSession, REQUESTED_BY } from '../../../src/extension/dashboard/dashboard-session';
import type { SessionUi } from '../../../src/extension/dashboard/dashboard-session';
import type { HostToWebview } from '../../../src/protocol/dashboard-messages';
import { parseHostMessage } from '../../../src/protocol/dashboard-messages';
import { startCli, waitFor } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

const SPACE = { x: { type: 'float', low: -1, high: 1 }, opt: { type: 'categorical', choices: ['sgd', 'adam'] } };
const WATCH_TRAIN = path.join(import.meta.dirname, '..', 'engine', 'fixtures', 'watch_train.py');

interface Harness {
  session: DashboardSession;
  watcher: StudyWatcher;
  posted: HostToWebview[];
  calls: string[];
}

function harness(t: TestContext, journal: string, studyName: string, updateIntervalMs = 50): Harness {
  const watcher = new StudyWatcher({ journal, studyName, pollMs: 100 });
  const posted: HostToWebview[] = [];
  const calls: string[] = [];
  const ui: SessionUi = {
    info: (m) => calls.push(`info: ${m}`),
    warn: (m, items) => calls.push(`warn: ${m} ${(items ?? []).join(' | ')}`),
    log: (m) => calls.push(`log: ${m}`),
    openLog: async (n) => void calls.push(`open-log ${n}`),
    applyTrial: async (n) => void calls.push(`apply ${n}`),
  };
  // Through JSON and the page's own validator, as the real page receives it.
  const session = new DashboardSession(watcher, (m) => posted.push(parseHostMessage(JSON.parse(JSON.stringify(m))) ?? { type: 'error', message: 'INVALID' }), ui, updateIntervalMs);
  t.after(() => {
    session.dispose();
    watcher.dispose();
  });
  return { session, watcher, posted, calls };
}

test('nothing before ready; then init, the metric backlog and importance; then batched deltas', async (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 's.journal');
  const study = createStudy({ space: SPACE, storage: journal, studyName: 's', sampler: 'random', seed: 2 });
  t.after(() => study.close());
  for (let i = 0; i < 8; i++) {
    const trial = study.ask();
    study.tell(trial.number, (trial.params.x as number) ** 2);
  }
  const live = study.ask();
  const metrics = trialFiles(journal, 's', live.number).metrics;
  fs.mkdirSync(path.dirname(metrics), { recursive: true });
  fs.writeFileSync(metrics, [0, 1, 2].map((s) => JSON.stringify({ step: s, metrics: { loss: 1 / (s + 1), acc: s / 3 } }) + '\n').join(''));

  const h = harness(t, journal, 's');
  h.watcher.refresh();
  assert.equal(h.posted.length, 0, 'the page is not ready: nothing posted');

  await h.session.receive({ type: 'ready' });
  assert.deepEqual(h.posted.map((m) => m.type), ['init', 'update', 'importance']);
  const init = h.posted[0] as Extract<HostToWebview, { type: 'init' }>;
  assert.equal(init.snapshot.trials.length, 9);
  const backlog = h.posted[1] as Extract<HostToWebview, { type: 'update' }>;
  assert.deepEqual(backlog.metrics.map((m) => [m.trial, m.metric, m.points.length]), [[8, 'loss', 3], [8, 'acc', 3]]);
  assert.ok(!h.posted.some((m) => m.type === 'error'), 'every message passed the page validator');

  // A burst of steps: the first goes out at once, the rest in one or two merged messages.
  h.posted.length = 0;
  for (let step = 0; step < 30; step++) {
    study.report(live.number, step, 1 / (step + 1));
    h.watcher.refresh();
  }
  await new Promise((r) => setTimeout(r, 150));
  const updates = h.posted.filter((m): m is Extract<HostToWebview, { type: 'update' }> => m.type === 'update');
  assert.ok(updates.length >= 1 && updates.length <= 3, `${updates.length} messages for 30 steps`);
  const last = updates.flatMap((u) => u.trials).filter((s) => s.number === live.number).at(-1)!;
  assert.equal(last.intermediate.length, 30, 'the latest summary has every step');
});

test('a hidden page gets nothing; when it is shown again and ready, it gets the whole study again', async (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'h.journal');
  const study = createStudy({ space: SPACE, storage: journal, studyName: 'h', sampler: 'random', seed: 1 });
  t.after(() => study.close());
  const h = harness(t, journal, 'h');
  await h.session.receive({ type: 'ready' });
  h.session.hidden();
  h.posted.length = 0;
  study.tell(study.ask().number, 1);
  h.watcher.refresh();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(h.posted.length, 0);
  await h.session.receive({ type: 'ready' });
  assert.equal(h.posted[0]?.type, 'init');
  assert.equal((h.posted[0] as Extract<HostToWebview, { type: 'init' }>).snapshot.trials.length, 1);
});

test('a page ready before the study exists gets init when it appears', async (t) => {
  const journal = path.join(tempDir(t), 'later.journal');
  const h = harness(t, journal, 'later');
  await h.session.receive({ type: 'ready' });
  assert.equal(h.posted.length, 0);
  const study = createStudy({ space: SPACE, storage: journal, studyName: 'later', sampler: 'random', seed: 1 });
  t.after(() => study.close());
  await waitFor(() => (h.posted.some((m) => m.type === 'init') ? true : undefined), 3000, 'init');
});

test('messages outside the protocol are dropped; open-log and apply go to the editor', async (t) => {
  const journal = path.join(tempDir(t), 'm.journal');
  createStudy({ space: SPACE, storage: journal, studyName: 'm', sampler: 'random' }).close();
  const h = harness(t, journal, 'm');
  for (const bad of [null, 'ready', { type: 'stop-trial', number: -1 }, { type: 'open-log', number: 1.5 }, { type: 'run-shell', cmd: 'rm -rf /' }, { type: 'enqueue-trial', params: [1] }]) {
    await h.session.receive(bad);
  }
  assert.equal(h.calls.length, 6);
  assert.ok(h.calls.every((c) => c.startsWith('log: dashboard m: dropped')), h.calls.join('\n'));
  h.calls.length = 0;
  h.watcher.refresh();
  await h.session.receive({ type: 'open-log', number: 3 });
  await h.session.receive({ type: 'apply-trial', number: 2 });
  assert.deepEqual(h.calls, ['open-log 3', 'apply 2']);
});

test('enqueue: valid values queue a trial; values outside the space queue nothing and say why', async (t) => {
  const journal = path.join(tempDir(t), 'e.journal');
  createStudy({ space: SPACE, storage: journal, studyName: 'e', sampler: 'random' }).close();
  const h = harness(t, journal, 'e');
  h.watcher.refresh();
  await h.session.receive({ type: 'enqueue-trial', params: { x: 0.5, opt: 'adam' } });
  await h.session.receive({ type: 'enqueue-trial', params: { x: 3, opt: 'rmsprop', y: 1 } });
  const trials = loadStudy({ storage: journal, studyName: 'e' }).trials;
  assert.equal(trials.length, 1);
  assert.equal(trials[0]!.state, 'waiting');
  assert.deepEqual(trials[0]!.systemAttrs.fixed_params, { x: 0.5, opt: 'adam' });
  assert.ok(h.calls.some((c) => /^info: Queued trial 0: it runs when the study is started again/.test(c)), h.calls.join('\n'));
  const warning = h.calls.find((c) => c.startsWith('warn: Trial not queued:'));
  assert.ok(warning && /x=3 is outside/.test(warning) && /opt="rmsprop"/.test(warning) && /"y" is not a parameter/.test(warning), warning);
});

test('stop-trial stops a trial of a running `tunekit tune`; a finished trial is left alone', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify({ x: { type: 'float', low: -1, high: 1 } }));
  const journal = path.join(dir, 'run.journal');
  const cli = startCli(
    ['tune', '--space', 'space.json', '--objective', 'loss', '--trials', '2', '--study', 'run', '--storage', journal, '--gpus', 'none', '--grace', '5', '--',
      'python3', WATCH_TRAIN, '--epochs', '400', '--epoch-seconds', '0.05'],
    { cwd: dir },
  );
  t.after(() => cli.child.kill('SIGKILL'));
  const h = harness(t, journal, 'run');
  await h.session.receive({ type: 'ready' });
  const steps = (n: number): number => h.watcher.snapshot()?.trials[n]?.intermediate.length ?? 0;
  await waitFor(() => (steps(0) >= 3 ? true : undefined), 20_000, 'trial 0 to report steps');

  await h.session.receive({ type: 'stop-trial', number: 0 });
  assert.equal(loadStudy({ storage: journal, studyName: 'run' }).trials[0]!.systemAttrs[STOP_TRIAL_ATTR] !== undefined, true);
  assert.ok(!h.calls.some((c) => c.startsWith('warn:')), 'an engine runs the study: no warning');
  const told = (): boolean => h.posted.some((m) => m.type === 'update' && m.trials.some((s) => s.number === 0 && s.state === 'pruned'));
  await waitFor(() => (told() ? true : undefined), 15_000, 'the page to be told trial 0 stopped');
  const stopped = loadStudy({ storage: journal, studyName: 'run' }).trials[0]!;
  assert.equal((stopped.systemAttrs[STOP_TRIAL_ATTR] as { by?: string }).by, REQUESTED_BY);
  assert.equal(stopped.userAttrs.stopped_by_user, true);

  h.calls.length = 0;
  await h.session.receive({ type: 'stop-trial', number: 0 });
  assert.deepEqual(h.calls, ['info: Trial 0 is already pruned: nothing to stop.']);
  cli.child.kill('SIGINT');
  await cli.done;
});
