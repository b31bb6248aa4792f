/**
 * The journal watcher behind the live dashboard, against real writers: a `tunekit tune` running
 * a slow script, Optuna 3.1 itself, and journals damaged or written in pieces by hand.
 */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createStudy, loadStudy } from '../../../src/core/study/study';
import { OpCode } from '../../../src/core/storage/optuna-format';
import { trialFiles } from '../../../src/engine/trial-files';
import type { StudyWatcherOptions, UpdateEvent, WatchEvent } from '../../../src/engine/watch/study-watcher';
import { StudyWatcher } from '../../../src/engine/watch/study-watcher';
import type { StudySnapshot, TrialSummary } from '../../../src/protocol/dashboard-messages';
import { DEBIAN_PYTHON, missingPythonModules } from '../../helpers/debian-python';
import { startCli, waitFor } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const OPTUNA_WRITE = path.join(import.meta.dirname, '..', 'core', 'fixtures', 'optuna_write.py');

/** A watcher whose events are kept with the time they arrived. */
function watch(t: TestContext, options: StudyWatcherOptions): { watcher: StudyWatcher; events: { at: number; event: WatchEvent }[]; warnings: string[] } {
  const warnings: string[] = [];
  const watcher = new StudyWatcher({ onWarning: (m) => warnings.push(m), ...options });
  const events: { at: number; event: WatchEvent }[] = [];
  watcher.onEvent((event) => events.push({ at: Date.now(), event }));
  t.after(() => watcher.dispose());
  return { watcher, events, warnings };
}

const updates = (events: { event: WatchEvent }[]): UpdateEvent[] => events.flatMap((e) => (e.event.type === 'update' ? [e.event] : []));
const inits = (events: { event: WatchEvent }[]): StudySnapshot[] => events.flatMap((e) => (e.event.type === 'init' ? [e.event.snapshot] : []));

/** The study as the events tell it: the last init, then every update's summaries on top. */
function replay(events: { event: WatchEvent }[]): Map<number, TrialSummary> {
  let trials = new Map<number, TrialSummary>();
  for (const { event } of events) {
    if (event.type === 'init') trials = new Map(event.snapshot.trials.map((s) => [s.number, s]));
    if (event.type === 'update') for (const s of event.trials) trials.set(s.number, s);
  }
  return trials;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

test('a live `tunekit tune`: the journal appears later, new trials and every metric step stream in within a second', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify({ x: { type: 'float', low: -1, high: 1 } }));
  const journal = path.join(dir, 'runs', 'live.journal'); // neither the folder nor the file exist yet
  const { watcher, events } = watch(t, { journal, studyName: 'live' });
  const cli = startCli(
    ['tune', '--space', 'space.json', '--objective', 'loss', '--trials', '3', '--parallel', '2', '--study', 'live', '--storage', journal, '--gpus', 'none', '--',
      'python3', path.join(FIXTURES, 'watch_train.py'), '--epochs', '12', '--epoch-seconds', '0.15'],
    { cwd: dir },
  );
  t.after(() => cli.child.kill('SIGKILL'));
  const result = await cli.done;
  assert.equal(result.code, 0, result.stderr);
  // The last lines reach the watcher at its next read.
  await waitFor(() => (replay(events).size === 3 && [...replay(events).values()].every((s) => s.state === 'complete') && !watcher.snapshot()?.running ? true : undefined), 5000, 'the watcher to see every trial complete');

  assert.ok(inits(events).length >= 1, 'an init once the study was in the journal');
  assert.equal(inits(events)[0]!.studyName, 'live');
  const all = updates(events);
  const runningSeen = all.flatMap((u) => u.trials).filter((s) => s.state === 'running');
  assert.ok(runningSeen.length > 0, 'trials were seen while running, not only when done');
  assert.ok(all.some((u) => u.running) && !all[all.length - 1]!.running, 'running while the engine ran, then not');

  // Every step of every metric arrived exactly once, in order, as printed.
  for (let n = 0; n < 3; n++) {
    for (const metric of ['loss', 'acc']) {
      const steps = all.flatMap((u) => u.metrics.filter((m) => m.trial === n && m.metric === metric).flatMap((m) => m.points.map((p) => p[0])));
      const kept = inits(events).length > 0 ? watcher.metricsBacklog().find((m) => m.trial === n && m.metric === metric)!.points.map((p) => p[0]) : [];
      assert.deepEqual(kept, Array.from({ length: 12 }, (_, i) => i), `backlog of trial ${n} ${metric}`);
      assert.ok(steps.length > 0, `trial ${n} ${metric} streamed`);
      assert.deepEqual(steps, kept.slice(kept.length - steps.length), 'streamed steps are the tail of the file, no duplicates');
    }
    const summary = replay(events).get(n)!;
    assert.equal(summary.intermediate.length, 12, 'the objective curve is complete');
  }

  // Latency: when each streamed step arrived, against when the trial printed it.
  const latencies: number[] = [];
  for (const { at, event } of events) {
    if (event.type !== 'update') continue;
    for (const m of event.metrics) if (m.metric === 'printed_ms') for (const [, printed] of m.points) latencies.push(at - printed);
  }
  assert.ok(latencies.length >= 10, `enough streamed steps to measure (${latencies.length})`);
  const max = Math.max(...latencies);
  console.log(`watcher latency, print -> event: median ${median(latencies).toFixed(0)} ms, max ${max.toFixed(0)} ms over ${latencies.length} steps`);
  assert.ok(max < 5000, `a step reached the watcher ${max} ms after it was printed`);

  // The watcher's state is what a fresh read of the journal says.
  const fresh = loadStudy({ storage: journal, studyName: 'live' });
  assert.deepEqual(watcher.snapshot()!.trials.map((s) => [s.number, s.state, s.values]), fresh.trials.map((x) => [x.number, x.state, x.values]));
});

test('a torn last journal line is skipped with a warning, and read once its newline arrives', async (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'torn.journal');
  const study = createStudy({ space: { x: { type: 'float', low: 0, high: 1 } }, storage: journal, studyName: 'torn', sampler: 'random', seed: 1 });
  const trial = study.ask();
  study.report(trial.number, 0, 0.5);
  const line = JSON.stringify({ op_code: OpCode.SetTrialIntermediateValue, worker_id: 'test', trial_id: 0, step: 1, intermediate_value: 0.25 });
  const cut = Math.floor(line.length / 2);
  fs.appendFileSync(journal, line.slice(0, cut));
  // A metrics side file torn the same way.
  const metrics = trialFiles(journal, 'torn', trial.number).metrics;
  fs.mkdirSync(path.dirname(metrics), { recursive: true });
  const metricLine = JSON.stringify({ step: 1, metrics: { loss: 0.25, 'ü-metric': 2 } });
  const metricCut = metricLine.indexOf('ü') + 1; // in the middle of a two-byte character
  const bytes = Buffer.from(metricLine + '\n');
  const byteCut = Buffer.byteLength(metricLine.slice(0, metricCut - 1)) + 1;
  fs.writeFileSync(metrics, JSON.stringify({ step: 0, metrics: { loss: 0.5 } }) + '\n');
  fs.appendFileSync(metrics, bytes.subarray(0, byteCut));

  const { watcher, events, warnings } = watch(t, { journal, studyName: 'torn', importance: false });
  watcher.refresh();
  const snapshot = inits(events)[0];
  assert.ok(snapshot, 'the study loads despite the torn line');
  assert.deepEqual(snapshot.trials[0]!.intermediate, [[0, 0.5]]);
  assert.ok(warnings.some((w) => /incomplete last line/.test(w)), warnings.join('\n'));
  assert.deepEqual(watcher.metricsBacklog(), [{ trial: 0, metric: 'loss', points: [[0, 0.5]] }]);

  fs.appendFileSync(journal, line.slice(cut) + '\n');
  fs.appendFileSync(metrics, bytes.subarray(byteCut));
  watcher.refresh();
  const update = updates(events).at(-1);
  assert.ok(update, 'an update once the lines are whole');
  assert.deepEqual(update.trials[0]!.intermediate, [[0, 0.5], [1, 0.25]]);
  assert.deepEqual(
    update.metrics.map((m) => [m.metric, m.points]),
    [['loss', [[1, 0.25]]], ['ü-metric', [[1, 2]]]],
  );
  study.close();
});

test('one study of several in a journal; a study added later; a journal deleted and written again', async (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'shared.journal');
  const space = { x: { type: 'float', low: 0, high: 1 } };
  const a = createStudy({ space, storage: journal, studyName: 'a', sampler: 'random', seed: 1 });
  a.tell(a.ask().number, 1);
  const { watcher, events } = watch(t, { journal, studyName: 'b', importance: false });
  watcher.refresh();
  assert.equal(inits(events).length, 0, 'no study b yet');
  assert.equal(watcher.snapshot(), undefined);

  const b = createStudy({ space, storage: journal, studyName: 'b', sampler: 'random', seed: 2 });
  b.tell(b.ask().number, 2);
  watcher.refresh();
  assert.equal(inits(events).length, 1);
  assert.deepEqual(inits(events)[0]!.trials.map((s) => s.values), [[2]]);

  a.tell(a.ask().number, 3);
  watcher.refresh();
  assert.equal(updates(events).length, 0, "study a's trials are not b's news");
  b.tell(b.ask().number, 4);
  watcher.refresh();
  assert.deepEqual(updates(events).flatMap((u) => u.trials.map((s) => [s.number, s.values])), [[1, [4]]]);

  fs.rmSync(journal);
  watcher.refresh();
  assert.ok(events.some((e) => e.event.type === 'error' && /was deleted/.test(e.event.message)));
  const again = createStudy({ space, storage: journal, studyName: 'b', sampler: 'random', seed: 3 });
  again.tell(again.ask().number, 5);
  await waitFor(() => (inits(events).length === 2 ? true : undefined), 3000, 'the study to load again');
  assert.deepEqual(inits(events)[1]!.trials.map((s) => s.values), [[5]]);
  a.close();
  b.close();
  again.close();
});

test('importance is computed as trials complete and names the parameter that matters', async (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'imp.journal');
  const space = { x: { type: 'float', low: -1, high: 1 }, noise: { type: 'float', low: -1, high: 1 } };
  const study = createStudy({ space, storage: journal, studyName: 'imp', sampler: 'random', seed: 5 });
  const { watcher, events } = watch(t, { journal, studyName: 'imp', importanceIntervalMs: 0 });
  for (let i = 0; i < 30; i++) {
    const trial = study.ask();
    study.tell(trial.number, (trial.params.x as number) ** 2);
  }
  watcher.refresh();
  const importance = events.flatMap((e) => (e.event.type === 'importance' ? [e.event] : [])).at(-1);
  assert.ok(importance, 'an importance event');
  assert.ok(importance.values.x! > importance.values.noise!, JSON.stringify(importance.values));
  assert.deepEqual(watcher.importance()?.values, importance.values);
  study.close();
});

test('a study Optuna wrote loads, and trials Optuna adds while it is watched stream in', { skip: missingPythonModules('optuna') }, async (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'optuna.journal');
  execFileSync(DEBIAN_PYTHON, [OPTUNA_WRITE, journal, 'opt', '6'], { stdio: 'pipe' });
  const { watcher, events } = watch(t, { journal, studyName: 'opt', importance: false });
  watcher.refresh();
  const snapshot = inits(events)[0];
  assert.ok(snapshot);
  assert.equal(snapshot.trials.length, 7, 'six run plus one enqueued');
  const states = new Set(snapshot.trials.map((s) => s.state));
  for (const state of ['complete', 'pruned', 'fail', 'waiting'] as const) assert.ok(states.has(state), `a ${state} trial`);
  assert.deepEqual(snapshot.objectives, ['value']);
  assert.deepEqual(snapshot.directions, ['minimize']);
  assert.ok(snapshot.params.some((p) => p.name === 'momentum'), 'the conditional parameter is a column');
  assert.ok(snapshot.trials.some((s) => s.intermediate.length === 3), 'intermediate values by step');

  execFileSync(DEBIAN_PYTHON, [OPTUNA_WRITE, journal, 'opt', '3'], { stdio: 'pipe' });
  watcher.refresh();
  const trials = replay(events);
  assert.ok(trials.size >= 10, `Optuna's new trials arrived (${trials.size})`);
  assert.deepEqual([...trials.values()].map((s) => s.state), loadStudy({ storage: journal, studyName: 'opt' }).trials.map((x) => x.state));
});

test('without fs.watch (a network share), polling alone delivers a change within the poll interval', async (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'poll.journal');
  const study = createStudy({ space: { x: { type: 'float', low: 0, high: 1 } }, storage: journal, studyName: 'poll', sampler: 'random', seed: 1 });
  const { events } = watch(t, { journal, studyName: 'poll', importance: false, fsWatch: false, pollMs: 250 });
  await waitFor(() => (inits(events).length === 1 ? true : undefined), 3000, 'the first poll');
  const trial = study.ask();
  const written = Date.now();
  study.report(trial.number, 0, 0.5);
  await waitFor(() => updates(events).find((u) => u.trials.some((s) => s.intermediate.length === 1)), 3000, 'the step to arrive by polling');
  const arrived = events.find((e) => e.event.type === 'update' && e.event.trials.some((s) => s.intermediate.length === 1))!.at;
  console.log(`polling only: a step arrived ${arrived - written} ms after it was written (poll every 250 ms)`);
  study.close();
});

test('a study found with many finished trials shows at once; their metrics files stream in after, each point once', async (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'big.journal');
  const study = createStudy({ space: { x: { type: 'float', low: 0, high: 1 } }, storage: journal, studyName: 'big', sampler: 'random', seed: 1 });
  const TRIALS = 300;
  for (let n = 0; n < TRIALS; n++) {
    const trial = study.ask();
    const files = trialFiles(journal, 'big', trial.number);
    fs.mkdirSync(files.dir, { recursive: true });
    fs.writeFileSync(files.metrics, Array.from({ length: 50 }, (_, s) => JSON.stringify({ step: s, metrics: { loss: n + s / 100 } }) + '\n').join(''));
    study.tell(trial.number, n);
  }
  study.close();
  const { watcher, events } = watch(t, { journal, studyName: 'big', importance: false });
  watcher.refresh();
  assert.equal(inits(events)[0]!.trials.length, TRIALS, 'every trial in the first message');
  await waitFor(() => (watcher.metricsBacklog().length === TRIALS ? true : undefined), 10_000, 'every metrics file to be read');
  const streamed = updates(events).flatMap((u) => u.metrics);
  const byTrial = new Map<number, number>();
  for (const m of streamed) byTrial.set(m.trial, (byTrial.get(m.trial) ?? 0) + m.points.length);
  assert.equal(byTrial.size, TRIALS);
  assert.ok([...byTrial.values()].every((n) => n === 50), 'each point exactly once');
  assert.ok(watcher.metricsBacklog().every((m) => m.points.length === 50));
});
