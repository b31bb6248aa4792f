/**
 * The dashboard's analysis charts (parallel coordinates, slice, contour, importance, EDF,
 * Pareto) rendered in headless Chromium: a test entry that mounts the real views is bundled
 * with esbuild, served on loopback under a strict CSP, and driven with synthetic studies.
 * Screenshots go to test-artifacts/analysis-{dark,light}.png.
 */
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { computeImportance } from '../../src/core/importance/importance';
import type { ParameterSpec } from '../../src/core/space/search-space';
import { createSearchSpace } from '../../src/core/space/search-space';
import type { TrialSummary } from '../../src/protocol/dashboard-messages';
import { makeTrial } from '../unit/core/make-trial';
import { Rng } from '../../src/core/random/rng';
import { paretoFront } from '../../src/core/study/pareto';
import { formatNumber, numericAxis, padAxis, paramAxis } from '../../webview/charts/axis-scale';
import { defaultContourParams } from '../../webview/charts/contour';
import { edfSteps } from '../../webview/charts/edf';
import { smoothGrid } from '../../webview/charts/heatmap';
import { robustRange } from '../../webview/charts/objective-colors';
import { paretoFrontIndices, paretoStaircase } from '../../webview/charts/pareto-front';
import type { BoardStats, ChangeSpec, ViewId } from './fixtures-analysis/harness';
import type { ModelSpec } from './fixtures-analysis/synthetic-study';
import { TUNING_PARAMS, paretoStudy, tradeoffStudy, tuningStudy } from './fixtures-analysis/synthetic-study';

const CHROMIUM = process.env.TUNEKIT_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const missing = fs.existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set TUNEKIT_CHROMIUM`;

// The variables VS Code's Default Dark Modern / Light Modern themes set in a webview.
const THEME_CSS = `
body { margin: 0; padding: 12px; font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); background: var(--vscode-editor-background); color: var(--vscode-editor-foreground); }
body { --vscode-font-family: system-ui, "DejaVu Sans", sans-serif; --vscode-font-size: 13px; }
body.vscode-dark { --vscode-editor-background: #1f1f1f; --vscode-editor-foreground: #cccccc; --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d;
  --vscode-panel-border: #2b2b2b; --vscode-focusBorder: #0078d4; --vscode-charts-blue: #3794ff; --vscode-charts-red: #f14c4c; --vscode-charts-green: #89d185;
  --vscode-charts-yellow: #cca700; --vscode-charts-orange: #d18616; --vscode-charts-purple: #b180d7; --vscode-charts-lines: rgba(204, 204, 204, 0.5);
  --vscode-dropdown-background: #313131; --vscode-dropdown-foreground: #cccccc; --vscode-dropdown-border: #3c3c3c; }
body.vscode-light { --vscode-editor-background: #ffffff; --vscode-editor-foreground: #3b3b3b; --vscode-foreground: #3b3b3b; --vscode-descriptionForeground: #717171;
  --vscode-panel-border: #e5e5e5; --vscode-focusBorder: #005fb8; --vscode-charts-blue: #1a85ff; --vscode-charts-red: #e51400; --vscode-charts-green: #388a34;
  --vscode-charts-yellow: #bf8803; --vscode-charts-orange: #d18616; --vscode-charts-purple: #652d90; --vscode-charts-lines: rgba(59, 59, 59, 0.5);
  --vscode-dropdown-background: #ffffff; --vscode-dropdown-foreground: #3b3b3b; --vscode-dropdown-border: #cecece; }
.board { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; margin-bottom: 24px; }
.board h2 { grid-column: 1 / -1; margin: 0; font-size: 14px; font-weight: 600; }
.cell { border: 1px solid var(--vscode-panel-border); padding: 8px; min-width: 0; }
.cell h3 { margin: 0 0 6px; font-size: 13px; font-weight: 600; }
`;

let server: http.Server;
let browser: Browser;
let baseUrl = '';
let bundleDir = '';

/** A page with the harness loaded under a CSP as strict as the dashboard's. */
async function openPage(theme: 'dark' | 'light', width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  page.on('pageerror', (err) => assert.fail(`page error: ${err.message}`));
  await page.goto(`${baseUrl}/?theme=${theme}`);
  await page.waitForFunction(() => typeof window.analysisHarness === 'object');
  return page;
}

type Times = Partial<Record<ViewId, number>>;
// Models travel as JSON text: playwright's typing of a structured argument recurses through
// JsonValue without end.
const mount = (page: Page, name: string, spec: ModelSpec, ids?: readonly ViewId[]): Promise<Times> =>
  page.evaluate(([n, json, i]) => window.analysisHarness.mount(n, JSON.parse(json) as ModelSpec, i ?? undefined), [name, JSON.stringify(spec), ids ?? null] as const);
const update = (page: Page, name: string, spec: ModelSpec, changes: ChangeSpec): Promise<Times> =>
  page.evaluate(([n, json, c]) => window.analysisHarness.update(n, JSON.parse(json) as ModelSpec, c), [name, JSON.stringify(spec), changes] as const);
const stats = (page: Page, name: string): Promise<BoardStats> => page.evaluate((n) => window.analysisHarness.stats(n), name);
const frames = (page: Page): Promise<void> => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

async function assertNoErrors(page: Page): Promise<void> {
  assert.deepEqual(await page.evaluate(() => window.analysisHarness.errors()), []);
}

/** The tuning study's space, as the host knows it, to compute importance the way the host will. */
function tuningSpace(): ReturnType<typeof createSearchSpace> {
  const specs: ParameterSpec[] = TUNING_PARAMS.map((p) => ({
    name: p.name,
    distribution:
      p.type === 'categorical'
        ? { type: 'categorical', choices: [...(p.choices ?? [])] }
        : p.type === 'int'
          ? { type: 'int', low: p.low ?? 0, high: p.high ?? 1, log: p.log, step: 1 }
          : { type: 'float', low: p.low ?? 0, high: p.high ?? 1, log: p.log, step: null },
    ...(p.name === 'momentum' ? { condition: { parent: 'optimizer', values: ['sgd'] } } : {}),
  }));
  return createSearchSpace(specs);
}

function hostImportance(trials: readonly TrialSummary[]): ModelSpec['importance'] {
  const frozen = trials.map((t) => makeTrial({ number: t.number, state: t.state, params: t.params, value: t.values }));
  const r = computeImportance(frozen, tuningSpace(), 'minimize', { seed: 1 });
  return { method: r.reason ?? r.method, values: r.values };
}

const completed = (spec: ModelSpec): TrialSummary[] => spec.trials.filter((t) => t.state === 'complete');

describe('analysis chart helpers (pure, in Node)', () => {
  test('the Pareto front agrees with the engine\'s definition on random studies, both directions', () => {
    const rng = new Rng(5);
    for (let round = 0; round < 20; round++) {
      const m = 2 + (round % 2);
      const directions = Array.from({ length: m }, (_, k) => ((round + k) % 3 === 0 ? 'maximize' : 'minimize') as 'minimize' | 'maximize');
      // Coarse values, so ties (which dominate nothing) are common.
      const values = Array.from({ length: 60 }, () => Array.from({ length: m }, () => rng.int(8)));
      const expected = paretoFront(values.map((v, number) => makeTrial({ number, value: v })), directions).map((t) => t.number);
      assert.deepEqual(paretoFrontIndices(values, directions), expected, `round ${round}`);
    }
  });

  test('the front staircase turns at (next x, previous y) in the order of the first objective', () => {
    assert.deepEqual(paretoStaircase([[4, 1], [1, 5], [2, 3]], 'minimize'), [[1, 5], [2, 5], [2, 3], [4, 3], [4, 1]]);
    assert.deepEqual(paretoStaircase([[4, 1], [5, 5]], 'maximize'), [[5, 5], [4, 5], [4, 1]]);
  });

  test('the EDF steps to the fraction of trials at or below each value, ties sharing their step', () => {
    const steps = edfSteps([{ value: 3, trial: 0 }, { value: 1, trial: 1 }, { value: 3, trial: 2 }, { value: 2, trial: 3 }]);
    assert.deepEqual(steps.map((s) => [s.x, s.y, s.trial]), [[1, 0.25, 1], [2, 0.5, 3], [3, 1, 0], [3, 1, 2]]);
  });

  test('axes: log parameters tick by decade, ints by whole numbers, choices by label', () => {
    const lr = paramAxis({ name: 'lr', type: 'float', log: true, low: 1e-5, high: 1e-1 }, [1e-3]);
    assert.equal(lr.kind, 'log');
    assert.deepEqual(lr.ticks(10).map((t) => t.label), ['1e-5', '1e-4', '0.001', '0.01', '0.1']);
    assert.equal(lr.at(1e-3), 0.5, '1e-3 is halfway between 1e-5 and 1e-1 on a log axis');
    assert.equal(lr.at(-1), null);
    const layers = paramAxis({ name: 'layers', type: 'int', log: false, low: 1, high: 4 }, [2]);
    assert.deepEqual(layers.ticks(12).map((t) => t.label), ['1', '2', '3', '4']);
    assert.deepEqual(padAxis(layers, 0.05).ticks(12).map((t) => t.label), ['1', '2', '3', '4'], 'padding keeps the whole-number ticks');
    const opt = paramAxis({ name: 'opt', type: 'categorical', log: false, choices: ['sgd', 'adam', { beta: 1 }] }, ['adam', 'lion']);
    assert.deepEqual(opt.labels, ['sgd', 'adam', '{"beta":1}', 'lion'], 'a value no longer among the choices still gets a slot');
    assert.equal(opt.at('adam'), 1.5 / 4);
    assert.equal(opt.at({ beta: 1 }), 2.5 / 4);
    assert.equal(opt.at(undefined), null);
    const flat = numericAxis('x', 'linear', [2, 2]);
    assert.ok(flat.hi > flat.lo && Math.abs((flat.at(2) ?? 0) - 0.5) < 1e-9, 'a constant parameter gets a padded axis');
    assert.deepEqual([formatNumber(0.000012), formatNumber(123456), formatNumber(0.25), formatNumber(1 / 3)], ['1.2e-5', '1.23e5', '0.25', '0.333']);
  });

  test('the contour surface follows a known function and stays blank far from any trial', () => {
    const rng = new Rng(2);
    // z = u over the left half of the plane only.
    const points = Array.from({ length: 400 }, () => {
      const u = rng.uniform(0, 0.5);
      return { u, v: rng.random(), z: u };
    });
    const grid = smoothGrid(points, 40, 40, { u: 0.03, v: 0.03 });
    const at = (u: number, v: number): number => grid.z[Math.floor(v * 40) * 40 + Math.floor(u * 40)] as number;
    assert.ok(Math.abs(at(0.25, 0.5) - 0.25) < 0.03, `middle of the data: ${at(0.25, 0.5)}`);
    assert.ok(at(0.1, 0.5) < at(0.4, 0.5), 'increases with u');
    assert.ok(Number.isNaN(at(0.95, 0.5)), 'blank where no trial is near');
  });

  test('the colour range stops at the far fences, so one diverged trial does not flatten it', () => {
    assert.deepEqual(robustRange([1, 2, 3, 4, 5]), [1, 5]);
    const [lo, hi] = robustRange([1, 2, 3, 4, 5, 6, 7, 8, 1e9]);
    assert.equal(lo, 1);
    assert.ok(hi < 30, `upper end ${hi}`);
  });

  test('the contour defaults to the two most important parameters, else the first two', () => {
    const params = [
      { name: 'a', type: 'float' as const, log: false },
      { name: 'b', type: 'float' as const, log: false },
      { name: 'c', type: 'float' as const, log: false },
    ];
    assert.deepEqual(defaultContourParams(params, { method: 'm', values: { a: 0.1, b: 0.3, c: 0.6 } }), ['c', 'b']);
    assert.deepEqual(defaultContourParams(params, null), ['a', 'b']);
    assert.deepEqual(defaultContourParams(params, { method: 'too few trials', values: {} }), ['a', 'b']);
    assert.equal(defaultContourParams(params.slice(0, 1), null), null);
  });
});

describe('analysis charts in headless Chromium', { skip: missing }, () => {
  before(async () => {
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-analysis-'));
    await build({
      entryPoints: [path.join(import.meta.dirname, 'fixtures-analysis/harness.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      outfile: path.join(bundleDir, 'harness.js'),
      logLevel: 'error',
    });
    const script = fs.readFileSync(path.join(bundleDir, 'harness.js'));
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/harness.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
        return;
      }
      if (url.pathname !== '/') {
        res.writeHead(404).end();
        return;
      }
      const nonce = crypto.randomBytes(16).toString('base64');
      const theme = url.searchParams.get('theme') === 'light' ? 'vscode-light' : 'vscode-dark';
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        // As the dashboard's webview: nothing but our nonce'd script and style.
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:`,
      });
      res.end(`<!doctype html><html><head><meta charset="utf-8"><style nonce="${nonce}">${THEME_CSS}</style></head>
<body class="${theme}"><div id="boards"></div><script nonce="${nonce}" src="/harness.js"></script></body></html>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  test('every view draws a 300-trial study, with the host-computed importance', async () => {
    const base = tuningStudy(300, { running: 3, selected: [5, 42] });
    const spec = { ...base, importance: hostImportance(base.trials) };
    const page = await openPage('dark');
    await mount(page, 'main', spec);
    const s = await stats(page, 'main');
    const done = completed(spec);

    assert.deepEqual(Object.keys(s.messages), ['pareto'], `only the Pareto view has nothing to draw: ${JSON.stringify(s.messages)}`);
    assert.match(s.messages.pareto ?? '', /only for multi-objective studies/);
    for (const id of ['parallel-coordinates', 'slice', 'contour', 'importance', 'edf'] as const) {
      assert.ok((s.ink[id] ?? 0) > 0.02, `${id} drew: ${(s.ink[id] ?? 0).toFixed(3)} of its canvas is painted`);
    }
    assert.deepEqual(s.parallel, { trials: done.length, axes: ['lr', 'dropout', 'layers', 'optimizer', 'momentum', 'val_loss'], selected: 2 });
    assert.equal(s.slice?.lr, done.length);
    assert.equal(s.slice?.momentum, done.filter((t) => t.params.momentum !== undefined).length, 'a conditional parameter has points only where it exists');
    assert.equal(s.edfSteps, done.length);
    const bars = s.importance ?? [];
    assert.deepEqual(bars.map((b) => b.name).sort(), TUNING_PARAMS.map((p) => p.name).sort());
    assert.ok(bars.every((b, i) => i === 0 || (bars[i - 1] as { value: number }).value >= b.value), 'bars are sorted');
    assert.deepEqual(bars.slice(0, 2).map((b) => b.name).sort(), ['dropout', 'lr'], `lr and dropout drive the loss: ${JSON.stringify(bars)}`);
    assert.deepEqual(s.contour?.axes, bars.slice(0, 2).map((b) => b.name), 'the contour shows the two most important parameters');
    assert.ok((s.contour?.cells ?? 0) > 64 * 64 * 0.5 && s.contour?.points === done.length, JSON.stringify(s.contour));
    await assertNoErrors(page);
    await page.close();
  });

  test('the contour follows importance until the user picks parameters', async () => {
    const page = await openPage('dark');
    const spec = tuningStudy(80, { importance: { method: 'test', values: { dropout: 0.5, optimizer: 0.3, lr: 0.1, layers: 0.06, momentum: 0.04 } } });
    await mount(page, 'c', spec, ['contour']);
    assert.deepEqual((await stats(page, 'c')).contour?.axes, ['dropout', 'optimizer']);
    const moved = { ...spec, importance: { method: 'test', values: { dropout: 0.1, optimizer: 0.05, lr: 0.25, layers: 0.55, momentum: 0.05 } } };
    await update(page, 'c', moved, { importance: true });
    assert.deepEqual((await stats(page, 'c')).contour?.axes, ['layers', 'lr']);
    await page.evaluate(() => window.analysisHarness.setContourAxes('c', 'lr', 'momentum'));
    assert.deepEqual((await stats(page, 'c')).contour?.axes, ['lr', 'momentum']);
    await update(page, 'c', spec, { importance: true });
    assert.deepEqual((await stats(page, 'c')).contour?.axes, ['lr', 'momentum'], 'a user choice stays');
    // Without importance, the first two parameters.
    await mount(page, 'c2', tuningStudy(20), ['contour']);
    assert.deepEqual((await stats(page, 'c2')).contour?.axes, ['lr', 'dropout']);
    await assertNoErrors(page);
    await page.close();
  });

  test('the Pareto view highlights exactly the non-dominated trials', async () => {
    const page = await openPage('dark');
    await mount(page, 'p', paretoStudy(), ['pareto']);
    assert.deepEqual((await stats(page, 'p')).paretoFront, [0, 1, 3, 5]);
    await mount(page, 'p', paretoStudy(['maximize', 'minimize']), ['pareto']);
    assert.deepEqual((await stats(page, 'p')).paretoFront, [3, 4]);
    const s = await stats(page, 'p');
    assert.equal(s.messages.pareto, undefined);
    assert.ok((s.ink.pareto ?? 0) > 0.02);
    await mount(page, 'single', tuningStudy(10), ['pareto']);
    assert.match((await stats(page, 'single')).messages.pareto ?? '', /only for multi-objective studies; this study has one objective/);
    await assertNoErrors(page);
    await page.close();
  });

  test('0, 1 and 2,000 trials: every view copes, and says why it is empty', async (t) => {
    const page = await openPage('dark');
    await mount(page, 'zero', tuningStudy(0));
    const zero = await stats(page, 'zero');
    for (const id of ['parallel-coordinates', 'slice', 'contour', 'importance', 'edf', 'pareto'] as const) {
      assert.ok((zero.messages[id] ?? '').length > 10, `${id} explains its emptiness: ${JSON.stringify(zero.messages)}`);
    }
    await mount(page, 'one', tuningStudy(1));
    const one = await stats(page, 'one');
    assert.equal(one.parallel?.trials, 1);
    assert.equal(one.edfSteps, 1);
    assert.equal(one.contour?.points, 1);

    const big = tuningStudy(2000, { running: 8, selected: [10, 11, 12] });
    const bigSpec = { ...big, importance: hostImportance(big.trials) };
    const mountMs = await mount(page, 'big', bigSpec);
    const s = await stats(page, 'big');
    const done = completed(bigSpec).length;
    assert.equal(s.parallel?.trials, done);
    assert.equal(s.slice?.dropout, done);
    assert.equal(s.edfSteps, done);
    assert.equal(s.contour?.points, done);
    for (const id of ['parallel-coordinates', 'slice', 'contour', 'importance', 'edf'] as const) assert.ok((s.ink[id] ?? 0) > 0.02, `${id} drew`);
    // A live update with one more completed trial redraws everything once.
    const finished = { ...bigSpec, trials: bigSpec.trials.map((tr) => (tr.number === 1995 ? { ...tr, state: 'complete' as const, values: [0.5], end: (tr.start ?? 0) + 1 } : tr)) };
    const updateMs = await update(page, 'big', finished, { trials: [1995] });
    assert.equal((await stats(page, 'big')).parallel?.trials, done + 1);
    const show = (times: Times): string => Object.entries(times).map(([id, ms]) => `${id} ${(ms ?? 0).toFixed(0)}`).join(', ');
    t.diagnostic(`2,000 trials, ms per view (headless Chromium, this machine; figures, not assertions): first render: ${show(mountMs)}; one more completed trial: ${show(updateMs)}`);
    await assertNoErrors(page);
    await page.close();
  });

  test('steps of running trials do not redraw; a completed trial or a new selection does', async () => {
    const page = await openPage('dark');
    const spec = tuningStudy(50, { running: 2 });
    await mount(page, 'live', spec, ['parallel-coordinates', 'edf']);
    const same = (): Promise<boolean> =>
      page.evaluate(() => {
        const w = window as unknown as { __token?: unknown };
        const token = window.analysisHarness.parallelRenderToken('live');
        const unchanged = w.__token === token;
        w.__token = token;
        return unchanged;
      });
    await same();
    const stepped = { ...spec, trials: spec.trials.map((tr) => (tr.number === 49 ? { ...tr, intermediate: [[0, 1], [1, 0.9]] as [number, number][] } : tr)) };
    await update(page, 'live', stepped, { trials: [49] });
    assert.equal(await same(), true, 'a running trial reporting a step does not redraw');
    await update(page, 'live', { ...stepped, selected: [3] }, { selection: true });
    assert.equal(await same(), false, 'a selection redraws');
    assert.equal((await stats(page, 'live')).parallel?.selected, 1);
    const done = { ...stepped, selected: [3], trials: stepped.trials.map((tr) => (tr.number === 49 ? { ...tr, state: 'complete' as const, values: [0.3] } : tr)) };
    await update(page, 'live', done, { trials: [49] });
    assert.equal(await same(), false, 'a completed trial redraws');
    assert.equal((await stats(page, 'live')).edfSteps, completed(done).length);
    await assertNoErrors(page);
    await page.close();
  });

  test('dark and light screenshots; switching theme repaints every chart', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const base = tuningStudy(400, { running: 2, selected: [7] });
    const spec = { ...base, importance: hostImportance(base.trials) };
    const page = await openPage('dark');
    await mount(page, 'main', spec, ['parallel-coordinates', 'importance', 'contour', 'edf', 'slice']);
    await mount(page, 'tradeoff', tradeoffStudy(150), ['pareto', 'edf']);
    await frames(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'analysis-dark.png'), fullPage: true });
    const ids: ViewId[] = ['parallel-coordinates', 'importance', 'contour', 'edf', 'slice'];
    const before = await Promise.all(ids.map((id) => page.evaluate(([n, i]) => window.analysisHarness.fingerprint(n, i), ['main', id] as const)));
    // VS Code switches theme by changing the body's class; nothing else tells the views.
    await page.evaluate(() => {
      document.body.className = 'vscode-light';
    });
    await frames(page);
    const afterSwitch = await Promise.all(ids.map((id) => page.evaluate(([n, i]) => window.analysisHarness.fingerprint(n, i), ['main', id] as const)));
    ids.forEach((id, k) => assert.notEqual(afterSwitch[k], before[k], `${id} repainted for the light theme`));
    await page.screenshot({ path: path.join(ARTIFACTS, 'analysis-light.png'), fullPage: true });
    await assertNoErrors(page);
    await page.close();
  });
});
