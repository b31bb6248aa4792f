/**
 * The dashboard in headless Chromium with large generated studies: time to first render (the
 * host's `init` posted -> the first frame with every panel of the open tab drawn, presented)
 * and the cost of a live update (an `update` carrying 20 running trials' new steps and metrics
 * -> its frame presented; and the JavaScript time of that frame alone), medians of several
 * runs; also how long the Analysis tab takes to draw the first time it is shown.
 *
 *   npx tsx bench/dashboard-render.ts [runs]
 *
 * Chromium runs with --disable-gpu (software rendering), as in CI; a desktop VS Code with GPU
 * rasterisation is faster.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { TrialSummary } from '../src/protocol/dashboard-messages';
import { buildWebview } from '../test/webview/harness/build-webview';
import { chromiumMissing, launchChromium } from '../test/webview/harness/chromium';
import { DashboardPage } from '../test/webview/harness/dashboard-page';
import { startHarnessServer } from '../test/webview/harness/harness-server';
import { makeMetrics, makeStudy } from '../test/webview/harness/study-fixture';

const RUNS = Number(process.argv[2] ?? 5);
const UPDATES = 15;
const RUNNING = 20;

interface Case {
  readonly trials: number;
  readonly steps: number;
}
const CASES: readonly Case[] = [
  { trials: 10_000, steps: 100 },
  { trials: 1_000, steps: 1_000 },
];

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

// Page-side timing: post a message, wait for the dashboard's frame counter to move, then one
// more animation frame (the drawn frame has been presented by then). Strings, not functions,
// because tsx names inner functions with a helper the page lacks.
const TIMED_POST = `(message) => new Promise((resolve) => {
  const before = Number(document.documentElement.dataset.tkFrames ?? 0);
  const t0 = performance.now();
  window.postMessage(message === '__init' ? { type: 'init', snapshot: window.__snapshot } : message, '*');
  const check = () => {
    if (Number(document.documentElement.dataset.tkFrames ?? 0) > before) requestAnimationFrame(() => resolve({ ms: performance.now() - t0, frameMs: Number(document.documentElement.dataset.tkFrameMs), views: document.documentElement.dataset.tkViewMs }));
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})`;

const TIMED_TAB = `() => new Promise((resolve) => {
  const t0 = performance.now();
  document.querySelector('#tab-analysis').click();
  requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0))));
})`;

async function timedPost(page: Page, message: unknown): Promise<{ ms: number; frameMs: number; views: string }> {
  return page.evaluate(`(${TIMED_POST})(${JSON.stringify(message)})`);
}

function liveUpdate(trials: TrialSummary[], loss: (trial: number, step: number) => number, round: number): unknown {
  const changed: TrialSummary[] = [];
  const first = trials.length - RUNNING;
  for (let n = first; n < trials.length; n++) {
    const t = trials[n] as TrialSummary;
    const step = t.intermediate.length;
    const next: TrialSummary = { ...t, intermediate: [...t.intermediate, [step, loss(n, step)]] };
    trials[n] = next;
    changed.push(next);
  }
  const numbers = changed.map((t) => t.number);
  const step = (changed[0] as TrialSummary).intermediate.length - 1;
  return { type: 'update', trials: changed, running: true, metrics: makeMetrics(numbers, step, step + 1, loss), round };
}

async function main(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-bench-webview-'));
  const server = await startHarnessServer(await buildWebview(dir));
  const browser = await launchChromium({ width: 1400, height: 1000 });
  console.log(`dashboard render, headless Chromium (software rendering), ${os.cpus().length} cores, median of ${RUNS} runs (${UPDATES} updates each)`);
  console.log('first render: init posted -> first frame with the Overview tab drawn (history, learning curves, timeline, importance, trials table)');
  console.log(`live update: an update with ${RUNNING} running trials' next step (+ 2 metrics each) -> its frame presented; JS = the frame's script time\n`);
  const rows: string[][] = [];
  const breakdown: string[] = [];
  try {
    for (const c of CASES) {
      const f = makeStudy({ trials: c.trials, steps: c.steps, running: RUNNING, gpus: true });
      const json = JSON.stringify(f.snapshot);
      const first: number[] = [];
      const firstJs: number[] = [];
      const update: number[] = [];
      const updateJs: number[] = [];
      const analysis: number[] = [];
      let views = '';
      for (let run = 0; run < RUNS; run++) {
        const d = await DashboardPage.open(browser.context, server.url);
        await d.page.evaluate((s) => {
          (window as unknown as { __snapshot: unknown }).__snapshot = JSON.parse(s);
        }, json);
        const init = await timedPost(d.page, '__init');
        first.push(init.ms);
        firstJs.push(init.frameMs);
        views = init.views;
        const trials = [...f.snapshot.trials];
        for (let u = 0; u < UPDATES; u++) {
          const r = await timedPost(d.page, liveUpdate(trials, f.loss, u));
          update.push(r.ms);
          updateJs.push(r.frameMs);
        }
        analysis.push(await d.page.evaluate<number>(`(${TIMED_TAB})()`));
        if (d.errors.length > 0) throw new Error(`errors in the page: ${d.errors.join('\n')}`);
        await d.close();
      }
      const points = c.trials * c.steps;
      rows.push([
        `${c.trials.toLocaleString('en')} trials x ${c.steps.toLocaleString('en')} steps (${(json.length / 1e6).toFixed(0)} MB init)`,
        median(first).toFixed(0),
        median(firstJs).toFixed(0),
        median(update).toFixed(1),
        median(updateJs).toFixed(1),
        median(analysis).toFixed(0),
      ]);
      breakdown.push(`${c.trials} x ${c.steps}: ${Object.entries(JSON.parse(views) as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      console.error(`  done: ${c.trials} x ${c.steps} (${points.toLocaleString('en')} points)`);
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const header = ['study', 'first render ms', '(JS ms)', 'live update ms', '(JS ms)', 'Analysis tab ms'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: readonly string[]): string => r.map((x, i) => (i === 0 ? x.padEnd(widths[i] as number) : x.padStart(widths[i] as number))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log('\nJS ms per view in the first frame (last run):');
  for (const b of breakdown) console.log(`  ${b}`);
}

await main();
