/**
 * The compression report webview in headless Chromium, under the host's real page and CSP:
 * it says `ready`, draws the report the host posts (summary figures, charts with pixels on
 * them, the per-layer table) without a single CSP violation or page error, ignores a malformed
 * message, sends the two button messages, turns the layer chart horizontal for many layers,
 * and comes back from its saved state after a reload. Screenshots go to test-artifacts/.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { CompressionReport } from '../../../src/protocol/compression';
import { manyLayerPruneReport, sampleReport } from '../../unit/extension/compress/sample-report';
import { REPO } from '../harness/build-webview';
import { chromiumMissing, launchChromium } from '../harness/chromium';
import type { Browser } from '../harness/chromium';
import { buildReportBundle, startReportServer } from './report-server';
import type { ReportServer } from './report-server';

const skip = chromiumMissing();
const ARTIFACTS = path.join(REPO, 'test-artifacts');

interface PageState {
  posted: unknown[];
  violations: string[];
}

async function pageState(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const w = window as unknown as { __posted: unknown[]; __cspViolations: string[] };
    return { posted: w.__posted, violations: w.__cspViolations };
  });
}

async function post(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

/** Canvases with at least one painted pixel: a chart that was really drawn. */
async function paintedCanvases(page: Page): Promise<number> {
  return page.evaluate(() =>
    [...document.querySelectorAll('canvas')].filter((c) => {
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
      if (!data || c.width === 0) return false;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
      return false;
    }).length,
  );
}

async function summary(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll<HTMLTableRowElement>('.tk-summary tbody tr')].map((tr) => [tr.dataset.row ?? '', [...tr.cells].slice(1).map((c) => c.textContent ?? '')])),
  );
}

describe('compression report webview', { skip }, () => {
  let dir: string;
  let server: ReportServer;
  let browser: Browser;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-report-'));
    server = await startReportServer(await buildReportBundle(dir));
    browser = await launchChromium({ width: 1200, height: 900 });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(server.url);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    return { page, errors };
  }

  test('draws the posted report under the real CSP: figures, four charts, the layer table, no violation', async () => {
    const { page, errors } = await open();
    const report = sampleReport();
    assert.deepEqual((await pageState(page)).posted, [{ type: 'ready' }], 'the handshake comes first, alone');
    await post(page, { type: 'report', report });
    await page.waitForFunction(() => document.documentElement.dataset.tkReport === 'shown');
    await page.waitForTimeout(200); // resize observers redraw once
    // Layer sparsity + size + latency + accuracy.
    assert.equal(await page.evaluate(() => document.documentElement.dataset.tkCharts), '4');
    assert.equal(await paintedCanvases(page), 4, 'every chart has pixels on it');
    assert.equal(await page.locator('h1').textContent(), 'model.onnx: dynamic int8');
    const rows = await summary(page);
    assert.deepEqual(rows['File size'], ['68.8 KiB', '18.9 KiB', '3.64x smaller']);
    assert.deepEqual(rows['Sparsity (exact zeros)'], ['0.0%', '1.2%', '+1.23 pt']);
    assert.deepEqual(rows['Latency (median of 50 runs)'], ['84 µs', '61 µs', '1.38x faster']);
    assert.deepEqual(rows['accuracy (labels of the inputs file)'], ['0.9611', '0.9583', '−0.28 pt']);
    assert.match(await page.locator('.tk-agreement').textContent() ?? '', /360 samples from the inputs file: max \|diff\| 0\.0421, mean \|diff\| 0\.0033, same top-1 class on 99\.7%/);
    assert.deepEqual(await page.locator('.tk-layers tbody tr td:first-child').allTextContents(), ['fc1.weight', 'fc2.weight', 'fc3.weight']);
    assert.equal(await page.locator('.tk-layers tbody tr').first().locator('td').last().textContent(), 'float32 → int8');
    await page.screenshot({ path: path.join(ARTIFACTS, 'compress-report-dark.png'), fullPage: true });
    const state = await pageState(page);
    assert.deepEqual(state.violations, [], 'no CSP violation while the report loads and draws');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the buttons ask the host to reveal the file and open its folder; a malformed message changes nothing', async () => {
    const { page, errors } = await open();
    await post(page, { type: 'report', report: sampleReport() });
    await page.waitForFunction(() => document.documentElement.dataset.tkReport === 'shown');
    await page.getByRole('button', { name: 'Reveal Compressed File' }).click();
    await page.getByRole('button', { name: 'Open Containing Folder' }).click();
    assert.deepEqual((await pageState(page)).posted, [{ type: 'ready' }, { type: 'reveal-output' }, { type: 'open-folder' }]);

    const bad = JSON.parse(JSON.stringify(sampleReport({ format: 'onnx' }))) as Record<string, unknown>;
    (bad.after as Record<string, unknown>).bytes = 'a lot';
    (bad.before as Record<string, unknown>).path = '/x/malformed.onnx';
    const shownBefore = await page.locator('h1').textContent();
    await post(page, { type: 'report', report: bad });
    // Give the page the chance to draw it, then check it did not.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    assert.equal(await page.locator('h1').textContent(), shownBefore, 'the malformed report was not drawn');
    await post(page, { type: 'report', report: { ...sampleReport(), before: { ...sampleReport().before, path: '/x/<img src=x onerror=alert(1)>.onnx' } } });
    await page.waitForFunction(() => document.querySelector('h1')?.textContent?.includes('<img'));
    // The name was shown as text, never parsed as markup.
    assert.equal(await page.locator('h1 img').count(), 0);
    assert.equal((await summary(page))['File size']?.[1], '18.9 KiB', 'the malformed report was not drawn');
    assert.deepEqual((await pageState(page)).violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('many layers: the sparsity chart turns horizontal and tall enough for every name; warnings are listed', async () => {
    const { page, errors } = await open();
    const report: CompressionReport = manyLayerPruneReport(30);
    await post(page, { type: 'report', report });
    await page.waitForFunction(() => document.documentElement.dataset.tkReport === 'shown');
    // No latency or accuracy in this report: layers + size.
    assert.equal(await page.evaluate(() => document.documentElement.dataset.tkCharts), '2');
    const box = await page.locator('.tk-chart-layers').boundingBox();
    assert.ok(box && box.height >= 30 * 22, `layer chart ${box?.height}px tall for 30 layers`);
    assert.ok(box.height > box.width * 0.5, 'taller than a vertical bar chart would be');
    assert.equal(await page.locator('h1').textContent(), 'model.onnx: 50% global magnitude pruning');
    assert.deepEqual((await summary(page))['Sparsity (exact zeros)'], ['0.0%', '50.0%', '+50 pt']);
    assert.match(await page.locator('.tk-warnings').textContent() ?? '', /tok_embed\.weight/);
    assert.equal(await page.locator('.tk-layers tbody tr').count(), 30);
    await page.screenshot({ path: path.join(ARTIFACTS, 'compress-report-many-layers.png'), fullPage: true });
    assert.deepEqual((await pageState(page)).violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('after a reload the report comes back from the saved state before the host posts again', async () => {
    const { page, errors } = await open();
    await post(page, { type: 'report', report: sampleReport() });
    await page.waitForFunction(() => document.documentElement.dataset.tkReport === 'shown');
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.tkReport === 'shown');
    assert.equal(await page.locator('h1').textContent(), 'model.onnx: dynamic int8');
    assert.equal(await paintedCanvases(page), 4);
    assert.deepEqual((await pageState(page)).posted, [{ type: 'ready' }]);
    assert.deepEqual((await pageState(page)).violations, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
