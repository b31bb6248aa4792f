/**
 * The dashboard app in headless Chromium, served by the harness with the host's own page and
 * CSP: what a user sees after `init`, live updates, sorting / filtering / selecting, row
 * actions, the enqueue form, malformed host messages, a reload restoring the UI state, and the
 * light and dark themes (screenshots in test-artifacts/, to look at).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TrialSummary } from '../../src/protocol/dashboard-messages';
import { buildWebview, REPO } from './harness/build-webview';
import { chromiumMissing, launchChromium } from './harness/chromium';
import type { Browser } from './harness/chromium';
import { DashboardPage } from './harness/dashboard-page';
import { startHarnessServer } from './harness/harness-server';
import type { HarnessServer } from './harness/harness-server';
import { makeMetrics, makeStudy } from './harness/study-fixture';

const skip = chromiumMissing();
const ARTIFACTS = path.join(REPO, 'test-artifacts');

function running(t: TrialSummary, steps: [number, number][]): TrialSummary {
  return { ...t, state: 'running', intermediate: [...t.intermediate, ...steps] };
}

describe('dashboard webview', { skip }, () => {
  let dir: string;
  let server: HarnessServer;
  let browser: Browser;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-webview-'));
    server = await startHarnessServer(await buildWebview(dir));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<DashboardPage> {
    return DashboardPage.open(browser.context, server.url);
  }

  async function finish(d: DashboardPage): Promise<void> {
    assert.deepEqual(await d.violations(), [], 'CSP violations');
    assert.deepEqual(d.errors, [], 'errors in the page');
    await d.close();
  }

  test('posts ready, then init fills the header, the table and the charts', async () => {
    const d = await open();
    assert.deepEqual(await d.posted(), [{ type: 'ready' }]);
    assert.equal(await d.page.locator('.tk-placeholder').isVisible(), true, 'a placeholder before init');
    const { snapshot } = makeStudy({ trials: 120, steps: 30, running: 2 });
    await d.host({ type: 'init', snapshot });

    assert.equal(await d.page.locator('.tk-study-name').textContent(), 'digits-train');
    assert.match((await d.page.locator('.tk-objective').textContent()) ?? '', /val_loss ↓ minimize/);
    const complete = snapshot.trials.filter((t) => t.state === 'complete');
    assert.equal(await d.page.locator('.tk-count.tk-state-complete .tk-badge').textContent(), String(complete.length));
    const best = Math.min(...complete.map((t) => t.values?.[0] as number));
    const bestTrial = complete.find((t) => t.values?.[0] === best) as TrialSummary;
    assert.match((await d.page.locator('.tk-best').textContent()) ?? '', new RegExp(`trial #${bestTrial.number}\\)`));

    const rows = await d.rows();
    assert.deepEqual(rows.slice(0, 3).map((r) => r.number), [0, 1, 2]);
    assert.ok(rows.length > 10, 'rows fill the table');
    assert.ok(rows.length < 120, `only the rows in view exist (virtualised): ${rows.length}`);
    assert.match((await d.page.locator('.tk-table-count').textContent()) ?? '', /^120 trials/);

    const shown = snapshot.trials.filter((t) => t.state === 'complete' || (t.state === 'pruned' && t.intermediate.length > 0)).length;
    assert.equal(await d.canvasData('history', 'points'), String(shown));
    assert.ok((await d.pixelsOfColor('history', '#89d185')) > 50, 'completed trials drawn in the theme’s green');
    assert.equal(await d.canvasData('learning-curves', 'lines'), String(snapshot.trials.filter((t) => t.intermediate.length > 0).length));
    assert.equal(await d.canvasData('timeline', 'bars'), String(snapshot.trials.length));
    assert.equal(await d.canvasData('timeline', 'lanes'), 'worker 1|worker 2');
    await finish(d);
  });

  test('an update adds a trial and appends steps to the learning curves without rebuilding them', async () => {
    const d = await open();
    const f = makeStudy({ trials: 40, steps: 30, running: 2 });
    await d.host({ type: 'init', snapshot: f.snapshot });
    const lines = Number(await d.canvasData('learning-curves', 'lines'));
    const points = Number(await d.canvasData('learning-curves', 'points'));
    const rebuilds = await d.canvasData('learning-curves', 'rebuilds');

    const t39 = f.snapshot.trials[39] as TrialSummary;
    const n = t39.intermediate.length;
    const grown = running(t39, [[n, f.loss(39, n)], [n + 1, f.loss(39, n + 1)]]);
    const fresh: TrialSummary = { ...t39, number: 40, intermediate: [[0, 2.2], [1, 2.0], [2, 1.8]], start: Date.now() };
    await d.host({ type: 'update', trials: [grown, fresh], running: true, metrics: [] });

    assert.match((await d.page.locator('.tk-table-count').textContent()) ?? '', /^41 trials/);
    assert.equal(await d.canvasData('learning-curves', 'lines'), String(lines + 1));
    assert.equal(await d.canvasData('learning-curves', 'points'), String(points + 2 + 3));
    assert.equal(await d.canvasData('learning-curves', 'rebuilds'), rebuilds, 'the update appended; nothing was rebuilt');

    // Any metric the trials print: pick it in the dropdown, then it grows live as well.
    await d.host({ type: 'update', trials: [], running: true, metrics: makeMetrics([0, 1, 39], 0, 10, f.loss) });
    await d.choose(d.page.locator('.tk-card[data-view="learning-curves"] vscode-dropdown').first(), 'val_acc');
    assert.equal(await d.canvasData('learning-curves', 'lines'), '3');
    assert.equal(await d.canvasData('learning-curves', 'points'), '30');
    const afterSwitch = await d.canvasData('learning-curves', 'rebuilds');
    await d.host({ type: 'update', trials: [], running: true, metrics: makeMetrics([39], 10, 15, f.loss) });
    assert.equal(await d.canvasData('learning-curves', 'points'), '35');
    assert.equal(await d.canvasData('learning-curves', 'rebuilds'), afterSwitch);
    await finish(d);
  });

  test('sorting, filtering and selecting trials', async () => {
    const d = await open();
    const { snapshot } = makeStudy({ trials: 200, steps: 20, running: 3 });
    await d.host({ type: 'init', snapshot });
    const lrColumn = await d.columnIndex('lr');
    const lrOf = (number: number): number => snapshot.trials[number]?.params.lr as number;

    await d.page.locator('.tk-th', { hasText: /^lr$/ }).click();
    await d.nextFrames();
    let rows = await d.rows();
    const ascending = [...snapshot.trials].sort((a, b) => lrOf(a.number) - lrOf(b.number)).map((t) => t.number);
    assert.deepEqual(rows.slice(0, 10).map((r) => r.number), ascending.slice(0, 10));
    assert.equal(await d.page.locator('.tk-th', { hasText: /^lr$/ }).getAttribute('aria-sort'), 'ascending');
    assert.ok(rows[0]?.cells[lrColumn], 'the lr cell shows a value');
    // Again, from the keyboard.
    await d.page.locator('.tk-th', { hasText: /^lr$/ }).press('Enter');
    await d.nextFrames();
    rows = await d.rows();
    assert.deepEqual(rows.slice(0, 10).map((r) => r.number), [...ascending].reverse().slice(0, 10));

    await d.choose(d.page.locator('.tk-table-toolbar vscode-dropdown'), 'Pruned');
    rows = await d.rows();
    const pruned = snapshot.trials.filter((t) => t.state === 'pruned').length;
    assert.ok(rows.length > 0 && rows.every((r) => r.state === 'pruned'), 'only pruned trials');
    assert.match((await d.page.locator('.tk-table-count').textContent()) ?? '', new RegExp(`^${pruned} of 200 trials`));
    await d.choose(d.page.locator('.tk-table-toolbar vscode-dropdown'), 'All states');

    await d.page.locator('.tk-table-filter input').fill('optimizer=sgd lr>0.001');
    await d.nextFrames();
    rows = await d.rows();
    const expected = snapshot.trials.filter((t) => t.params.optimizer === 'sgd' && lrOf(t.number) > 0.001).length;
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => snapshot.trials[r.number]?.params.optimizer === 'sgd' && lrOf(r.number) > 0.001));
    assert.match((await d.page.locator('.tk-table-count').textContent()) ?? '', new RegExp(`^${expected} of 200 trials`));
    await d.page.locator('.tk-table-filter input').fill('');
    await d.page.locator('.tk-th', { hasText: /^#/ }).click();
    await d.nextFrames();

    // Click, shift-click a range, ctrl-click one out of it.
    await d.page.locator('.tk-tr[data-number="2"]').click();
    await d.page.locator('.tk-tr[data-number="6"]').click({ modifiers: ['Shift'] });
    await d.page.locator('.tk-tr[data-number="4"]').click({ modifiers: ['Control'] });
    await d.nextFrames();
    rows = await d.rows();
    assert.deepEqual(rows.filter((r) => r.selected).map((r) => r.number), [2, 3, 5, 6]);
    assert.match((await d.page.locator('.tk-table-count').textContent()) ?? '', /4 selected/);
    const withValue = [2, 3, 5, 6].filter((n) => {
      const t = snapshot.trials[n] as TrialSummary;
      return t.state === 'complete' || (t.state === 'pruned' && t.intermediate.length > 0);
    });
    assert.equal(await d.canvasData('history', 'selected'), String(withValue.length), 'the selection is highlighted in the history chart');
    // Arrow keys move a single selection.
    await d.page.keyboard.press('ArrowDown');
    await d.nextFrames();
    assert.deepEqual((await d.rows()).filter((r) => r.selected).map((r) => r.number), [5]);

    // Sorted by value, a running trial that completes with the best value moves to the top.
    await d.page.locator('.tk-th', { hasText: /^val_loss/ }).click();
    await d.nextFrames();
    const last = snapshot.trials[199] as TrialSummary;
    assert.notEqual((await d.rows())[0]?.number, 199);
    await d.host({ type: 'update', trials: [{ ...last, state: 'complete', values: [0.001], end: Date.now() }], running: true, metrics: [] });
    assert.equal((await d.rows())[0]?.number, 199);
    await finish(d);
  });

  test('hovering a learning curve names its trial, clicking it selects the trial', async () => {
    const d = await open();
    const { snapshot } = makeStudy({ trials: 60, steps: 40, running: 2 });
    await d.host({ type: 'init', snapshot });
    const box = await d.canvas('learning-curves').boundingBox();
    assert.ok(box);
    const tip = d.page.locator('.tk-card[data-view="learning-curves"] .tk-chart-tip');
    // Down the middle of the chart until the pointer is over a line.
    let y = 20;
    for (; y < box.height - 40; y += 6) {
      await d.page.mouse.move(box.x + box.width / 2, box.y + y);
      await d.nextFrames();
      if (await tip.isVisible()) break;
    }
    assert.equal(await tip.isVisible(), true, 'a tooltip over a line');
    const [, trial] = /^trial #(\d+)/.exec(await tip.innerText()) ?? [];
    assert.ok(trial, await tip.innerText());
    await d.page.mouse.click(box.x + box.width / 2, box.y + y);
    await d.nextFrames();
    assert.match((await d.page.locator('.tk-table-count').textContent()) ?? '', /· 1 selected/);
    const state = await d.page.evaluate(() => JSON.parse(sessionStorage.getItem('tunekit-state') ?? 'null'));
    assert.deepEqual(state.ui.selection, [Number(trial)]);
    await d.page.mouse.move(box.x - 20, box.y - 20);
    await d.nextFrames();
    assert.equal(await tip.isVisible(), false, 'the tooltip goes when the pointer leaves');
    await finish(d);
  });

  test('row actions post stop-trial, open-log and apply-trial', async () => {
    const d = await open();
    const { snapshot } = makeStudy({ trials: 20, steps: 10, running: 2 });
    await d.host({ type: 'init', snapshot });
    await d.clearPosted();
    const runningTrial = snapshot.trials.find((t) => t.state === 'running') as TrialSummary;
    const completeTrial = snapshot.trials.find((t) => t.state === 'complete') as TrialSummary;
    assert.equal(await d.page.locator(`.tk-tr[data-number="${completeTrial.number}"] [data-action="stop"]`).isVisible(), false, 'no stop button on a finished trial');
    await d.page.locator(`.tk-tr[data-number="${runningTrial.number}"] [data-action="stop"]`).click();
    await d.page.locator(`.tk-tr[data-number="${completeTrial.number}"] [data-action="log"]`).click();
    await d.page.locator(`.tk-tr[data-number="${completeTrial.number}"] [data-action="apply"]`).click();
    assert.deepEqual(await d.posted(), [
      { type: 'stop-trial', number: runningTrial.number },
      { type: 'open-log', number: completeTrial.number },
      { type: 'apply-trial', number: completeTrial.number },
    ]);
    await d.nextFrames();
    assert.deepEqual((await d.rows()).filter((r) => r.selected), [], 'an action does not change the selection');
    await finish(d);
  });

  test('the enqueue form checks values against the search space before posting', async () => {
    const d = await open();
    const { snapshot } = makeStudy({ trials: 10, steps: 5, running: 1 });
    await d.host({ type: 'init', snapshot });
    await d.clearPosted();
    await d.page.locator('vscode-button', { hasText: 'Enqueue trial…' }).click();
    const form = d.page.locator('.tk-enqueue');
    assert.equal(await form.isVisible(), true);
    const field = (name: string) => form.locator(`[data-param="${name}"]`);
    await field('lr').locator('input').fill('5');
    await field('batch_size').locator('input').fill('64.5');
    await form.locator('vscode-button', { hasText: 'Enqueue' }).click();
    await d.nextFrames();
    const errors = await form.locator('.tk-enqueue-error').allTextContents();
    assert.ok(errors.some((e) => /lr: 5 is outside the search space/.test(e)), JSON.stringify(errors));
    assert.ok(errors.some((e) => /batch_size: "64.5" is not an integer/.test(e)), JSON.stringify(errors));
    assert.deepEqual(await d.posted(), [], 'nothing posted while a value is invalid');

    await field('lr').locator('input').fill('0.001');
    await field('batch_size').locator('input').fill('64');
    await field('dropout').locator('input').fill('0.25');
    await field('layers').locator('input').fill('3');
    await d.choose(field('optimizer'), 'sgd');
    await form.locator('vscode-button', { hasText: 'Enqueue' }).click();
    assert.deepEqual(await d.posted(), [{ type: 'enqueue-trial', params: { lr: 0.001, batch_size: 64, dropout: 0.25, optimizer: 'sgd', layers: 3 } }]);
    assert.equal(await form.isVisible(), false, 'the form closes once posted');
    assert.match((await d.page.locator('.tk-enqueue-status').textContent()) ?? '', /Trial enqueued/);
    await finish(d);
  });

  test('malformed host messages are ignored without breaking the dashboard', async () => {
    const d = await open();
    const f = makeStudy({ trials: 10, steps: 5, running: 1 });
    await d.hostIgnored({ type: 'update', trials: [], running: true, metrics: [] }); // before init
    await d.host({ type: 'init', snapshot: f.snapshot });
    const garbage: unknown[] = [
      null,
      'init',
      42,
      [],
      { type: 'init' },
      { type: 'init', snapshot: { studyName: 3, trials: [] } },
      { type: 'init', snapshot: { studyName: 'x', trials: [], directions: 'minimize' } },
      { type: 'update' },
      { type: 'update', trials: [{ number: -1, state: 'complete', values: null, params: {}, intermediate: [] }], metrics: [] },
      { type: 'update', trials: [{ number: 1, state: 'exploded', values: null, params: {}, intermediate: [] }], metrics: [] },
      { type: 'importance', method: 'x', values: { lr: 'high' } },
      { type: 'nonsense' },
      { type: 'error' },
    ];
    for (const g of garbage) await d.hostIgnored(g);
    assert.match((await d.page.locator('.tk-table-count').textContent()) ?? '', /^10 trials/);

    // Valid messages with malformed parts: the bad parts are dropped, the rest applies.
    const t = f.snapshot.trials[9] as TrialSummary;
    const odd = { ...t, intermediate: [[0, 1.5], [1, 'x'], 'y', [2, null], [3, 1.2]], start: 'yesterday', gpus: [0, -1, 'a'] };
    await d.host({ type: 'update', trials: [odd], running: true, metrics: [{ trial: 9, metric: 'val_acc', points: [[0, 0.5], [1, Number.NaN]] }, { trial: 'nine' }, null] });
    await d.host({ type: 'update', trials: [{ ...t, number: 10, intermediate: [[0, 2]] }], running: true, metrics: [] });
    assert.match((await d.page.locator('.tk-table-count').textContent()) ?? '', /^11 trials/);
    await d.hostIgnored({ type: 'error', message: 'The journal .tunekit/x.journal could not be read: permission denied. Check the file’s permissions and reopen the dashboard.' });
    assert.match((await d.page.locator('.tk-error').textContent()) ?? '', /permission denied/);
    await d.page.locator('.tk-error vscode-button').click();
    assert.equal(await d.page.locator('.tk-error').isVisible(), false);
    await finish(d);
  });

  test('a reload restores the tab, sort, filter and selection from the saved state', async () => {
    const d = await open();
    const { snapshot } = makeStudy({ trials: 60, steps: 10, running: 2 });
    await d.host({ type: 'init', snapshot });
    await d.page.locator('.tk-th', { hasText: /^val_loss/ }).click();
    await d.page.locator('.tk-th', { hasText: /^val_loss/ }).click();
    await d.page.locator('.tk-table-filter input').fill('optimizer=adam');
    await d.nextFrames();
    await d.page.locator('.tk-tr').first().click();
    await d.page.locator('#tab-analysis').click();
    await d.nextFrames();
    const state = await d.page.evaluate(() => JSON.parse(sessionStorage.getItem('tunekit-state') ?? 'null'));
    assert.equal(state.journal, snapshot.journal, 'the host’s serializer finds the study in the saved state');
    assert.equal(state.studyName, snapshot.studyName);
    const selected = state.ui.selection as number[];
    assert.equal(selected.length, 1);

    await d.page.reload();
    await d.waitForReady();
    await d.host({ type: 'init', snapshot });
    assert.equal(await d.page.locator('vscode-panels').getAttribute('activeid'), 'tab-analysis');
    assert.equal(await d.page.locator('#view-analysis').isVisible(), true);
    await d.page.locator('#tab-overview').click();
    await d.nextFrames();
    assert.equal(await d.page.locator('.tk-th', { hasText: /^val_loss/ }).getAttribute('aria-sort'), 'descending');
    assert.equal(await d.page.locator('.tk-table-filter input').inputValue(), 'optimizer=adam');
    const rows = await d.rows();
    assert.ok(rows.every((r) => snapshot.trials[r.number]?.params.optimizer === 'adam'));
    assert.deepEqual(rows.filter((r) => r.selected).map((r) => r.number), selected);
    await finish(d);
  });

  test('follows the theme: dark, light and high-contrast screenshots', async () => {
    const d = await open();
    const f = makeStudy({ trials: 80, steps: 40, running: 2, gpus: true });
    await d.host({ type: 'init', snapshot: f.snapshot });
    await d.host({ type: 'update', trials: [], running: true, metrics: makeMetrics([0, 1, 2, 78, 79], 0, 20, f.loss) });
    await d.host({ type: 'importance', method: 'binned variance', values: { lr: 0.55, dropout: 0.2, optimizer: 0.15, batch_size: 0.06, layers: 0.04 } });
    await d.page.locator('.tk-tr[data-number="5"]').click();
    await d.page.locator('.tk-tr[data-number="7"]').click({ modifiers: ['Control'] });
    await d.nextFrames();
    assert.equal(await d.canvasData('timeline', 'lanes'), 'GPU 0|GPU 1');
    fs.mkdirSync(ARTIFACTS, { recursive: true });

    const darkGreen = '#89d185';
    const lightGreen = '#388a34';
    assert.ok((await d.pixelsOfColor('history', darkGreen)) > 50);
    assert.equal(await d.pixelsOfColor('history', lightGreen, 6), 0);
    await d.page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-dark.png'), fullPage: true });

    await d.page.evaluate(() => (window as unknown as { __setTheme(k: string): void }).__setTheme('light'));
    await d.nextFrames(3);
    assert.ok((await d.pixelsOfColor('history', lightGreen)) > 50, 'charts re-read the colours when the theme changed');
    assert.equal(await d.pixelsOfColor('history', darkGreen, 6), 0);
    await d.page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-light.png'), fullPage: true });
    await d.page.locator('#tab-analysis').click();
    await d.nextFrames(3);
    await d.page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-analysis-light.png'), fullPage: true });
    await d.page.locator('#tab-overview').click();
    await d.page.evaluate(() => (window as unknown as { __setTheme(k: string): void }).__setTheme('high-contrast'));
    await d.nextFrames(3);
    // High contrast: lines and outlines in the contrast border colour.
    assert.ok((await d.pixelsOfColor('history', '#6fc3df')) > 50, 'the grid uses the contrast border');
    await d.page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-high-contrast.png'), fullPage: true });
    await finish(d);
  });
});
