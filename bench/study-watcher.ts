/**
 * What the live dashboard's host side costs on a big study: a journal of N trials x S steps
 * written op by op as the engine writes it (one line per reported step), plus each trial's
 * metrics.jsonl with two metrics. Prints the time to the first `init` (journal replay, metrics
 * backlog, snapshot), the size of the messages a new page gets, the cost of an idle poll, and
 * how long one new step takes to come out as an `update` (fs.watch wake-up, then the read).
 *
 *   npx tsx bench/study-watcher.ts [trials] [steps]      (default 10000 x 100)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Distribution } from '../src/core/space/distributions';
import { OpCode, datetimeToOptuna, directionToOptuna, distributionToOptuna, stateToOptuna } from '../src/core/storage/optuna-format';
import { SPACE_ATTR } from '../src/core/study/study';
import { trialFiles } from '../src/engine/trial-files';
import type { WatchEvent } from '../src/engine/watch/study-watcher';
import { StudyWatcher } from '../src/engine/watch/study-watcher';
import { chunkMetrics } from '../src/extension/dashboard/update-batcher';

const TRIALS = Number(process.argv[2] ?? 10_000);
const STEPS = Number(process.argv[3] ?? 100);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-bench-watch-'));
const journal = path.join(dir, 'big.journal');
const study = 'big';

const dists: Record<string, Distribution> = {
  lr: { type: 'float', low: 1e-5, high: 1e-1, log: true, step: null },
  layers: { type: 'int', low: 1, high: 8, log: false, step: 1 },
  opt: { type: 'categorical', choices: ['sgd', 'adam', 'adamw'] },
};

function writeJournal(): void {
  const t0 = performance.now();
  const fd = fs.openSync(journal, 'w');
  const lines: string[] = [];
  const flush = (): void => {
    fs.writeSync(fd, lines.join(''));
    lines.length = 0;
  };
  const op = (o: Record<string, unknown>): void => {
    lines.push(JSON.stringify({ worker_id: 'bench', ...o }) + '\n');
    if (lines.length > 10_000) flush();
  };
  op({ op_code: OpCode.CreateStudy, study_name: study, directions: [directionToOptuna('minimize')] });
  op({
    op_code: OpCode.SetStudyUserAttr,
    study_id: 0,
    user_attr: { [SPACE_ATTR]: { lr: { type: 'float', low: 1e-5, high: 1e-1, log: true }, layers: { type: 'int', low: 1, high: 8 }, opt: { type: 'categorical', choices: ['sgd', 'adam', 'adamw'] } } },
  });
  const start = Date.now() - TRIALS * 1000;
  for (let n = 0; n < TRIALS; n++) {
    const lr = 10 ** (-5 + 4 * ((n * 7919) % 1000) / 1000);
    const layers = 1 + (n % 8);
    const opt = n % 3;
    op({
      op_code: OpCode.CreateTrial,
      study_id: 0,
      datetime_start: datetimeToOptuna(new Date(start + n * 1000)),
      state: stateToOptuna('running'),
      params: { lr, layers, opt },
      distributions: Object.fromEntries(Object.entries(dists).map(([k, d]) => [k, distributionToOptuna(d)])),
    });
    const files = trialFiles(journal, study, n);
    fs.mkdirSync(files.dir, { recursive: true });
    let metrics = '';
    let loss = 0;
    for (let s = 0; s < STEPS; s++) {
      loss = Math.abs(Math.log10(lr) + 3) + layers / 10 + 1 / (s + 1);
      op({ op_code: OpCode.SetTrialIntermediateValue, trial_id: n, step: s, intermediate_value: loss });
      metrics += JSON.stringify({ step: s, metrics: { loss, acc: 1 - loss / 10 } }) + '\n';
    }
    fs.writeFileSync(files.metrics, metrics);
    op({ op_code: OpCode.SetTrialStateValues, trial_id: n, state: stateToOptuna('complete'), values: [loss], datetime_complete: datetimeToOptuna(new Date(start + n * 1000 + 900)) });
  }
  flush();
  fs.closeSync(fd);
  const mb = fs.statSync(journal).size / 1e6;
  console.log(`generated ${TRIALS} trials x ${STEPS} steps: journal ${mb.toFixed(0)} MB, ${TRIALS} metrics files (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

async function main(): Promise<void> {
  writeJournal();
  const events: { at: number; event: WatchEvent }[] = [];
  const watcher = new StudyWatcher({ journal, studyName: study });
  watcher.onEvent((event) => events.push({ at: performance.now(), event }));

  const t0 = performance.now();
  watcher.refresh();
  const tInit = performance.now() - t0;
  const init = events.find((e) => e.event.type === 'init');
  if (!init) throw new Error('no init');
  const importance = events.find((e) => e.event.type === 'importance');
  // The metrics backlog is read in slices between turns of the event loop: how long until it is
  // all in, and the longest the loop was blocked meanwhile (what the extension host would feel).
  let longestBlock = 0;
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestBlock = Math.max(longestBlock, now - lastTick);
    lastTick = now;
  }, 1);
  const withMetrics = new Set<number>();
  let seenEvents = 0;
  while (withMetrics.size < TRIALS) {
    for (; seenEvents < events.length; seenEvents++) {
      const e = events[seenEvents]!.event;
      if (e.type === 'update') for (const m of e.metrics) withMetrics.add(m.trial);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  clearInterval(ticker);
  const tBacklog = performance.now() - t0;

  const t1 = performance.now();
  const snapshot = watcher.snapshot()!;
  const backlog = chunkMetrics(watcher.metricsBacklog());
  const tFull = performance.now() - t1;
  const initBytes = JSON.stringify({ type: 'init', snapshot }).length;
  const backlogBytes = backlog.reduce((n, metrics) => n + JSON.stringify({ type: 'update', trials: [], running: false, metrics }).length, 0);

  const idle: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    watcher.refresh();
    idle.push(performance.now() - t);
  }

  // One new trial reports one step: journal line and metrics line, as the engine writes them.
  const n = TRIALS;
  const files = trialFiles(journal, study, n);
  fs.mkdirSync(files.dir, { recursive: true });
  const before = events.length;
  const written = performance.now();
  fs.appendFileSync(files.metrics, JSON.stringify({ step: 0, metrics: { loss: 0.5 } }) + '\n');
  fs.appendFileSync(
    journal,
    JSON.stringify({ op_code: OpCode.CreateTrial, study_id: 0, worker_id: 'bench', datetime_start: datetimeToOptuna(new Date()), state: stateToOptuna('running'), intermediate_values: { 0: 0.5 } }) + '\n',
  );
  while (events.length === before) await new Promise((r) => setTimeout(r, 1));
  const tDelta = events[before]!.at - written;

  const sorted = [...idle].sort((a, b) => a - b);
  console.log(`first init (replay ${TRIALS * (STEPS + 2)} journal ops, snapshot, importance): ${(tInit / 1000).toFixed(2)} s, blocking` +
    (importance ? `; importance event at +${((importance.at - t0) / 1000).toFixed(2)} s` : ''));
  console.log(`metrics backlog (${TRIALS} files, ${TRIALS * STEPS * 2} points) all in at +${(tBacklog / 1000).toFixed(2)} s; longest event-loop block meanwhile ${longestBlock.toFixed(0)} ms`);
  console.log(`full state for a new page (snapshot + backlog in ${backlog.length} messages): ${tFull.toFixed(0)} ms; init ${(initBytes / 1e6).toFixed(1)} MB, backlog ${(backlogBytes / 1e6).toFixed(1)} MB of JSON`);
  console.log(`idle poll: median ${sorted[10]!.toFixed(2)} ms, max ${sorted[19]!.toFixed(2)} ms`);
  console.log(`one new step -> update event: ${tDelta.toFixed(0)} ms (fs.watch wake-up + read)`);
  console.log(`process memory: rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
  watcher.dispose();
  if (process.env.TUNEKIT_BENCH_KEEP) console.log(`kept ${journal}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

await main();
