/**
 * The dashboard page's Content Security Policy, enforced by a real Chromium: the nonce'd app
 * script runs; an injected inline script, a script without the nonce and a request to another
 * origin are all blocked; and the real webview bundle (chart.js, the toolkit components) runs
 * under the policy without a single violation. The page is served over HTTP with the server's
 * origin standing in for VS Code's cspSource.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { createNonce, dashboardHtml } from '../../../src/extension/dashboard/dashboard-html';
import { REPO } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

const CHROMIUM = process.env.TUNEKIT_E2E_CHROMIUM ?? '/usr/bin/chromium';
const skip = fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;

/** Serves `files` by path; counts every request, so a blocked one is seen never to arrive. */
async function serve(files: Record<string, { type: string; body: string | (() => string) }>): Promise<{ origin: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const file = files[req.url ?? ''];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type }).end(typeof file.body === 'function' ? file.body() : file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

test('Chromium enforces the policy: the nonce\'d script runs, injected scripts, styles and other origins are blocked', { skip }, async (t) => {
  const other = await serve({ '/x.png': { type: 'image/png', body: '' } });
  t.after(() => other.close());
  const nonce = createNonce();
  let html = '';
  const site = await serve({
    '/': { type: 'text/html', body: () => html },
    '/dist/webview.js': { type: 'text/javascript', body: 'window.appRan = true;' },
    '/dist/no-nonce.js': { type: 'text/javascript', body: 'window.noNonceRan = true;' },
    '/media/dashboard.css': { type: 'text/css', body: 'body { outline-color: rgb(1, 2, 3); }' },
  });
  t.after(() => site.close());
  const page = dashboardHtml({ cspSource: site.origin, nonce, styleNonce: createNonce(), scriptUri: `${site.origin}/dist/webview.js`, styleUri: `${site.origin}/media/dashboard.css`, studyName: 'csp' });
  // What an injection through a study name or a log line would try, had it got past escaping.
  html = page.replace(
    '</body>',
    `<script>window.inlineRan = true;</script><script src="/dist/no-nonce.js"></script>` +
      `<img src="${other.origin}/x.png"><div id="styled" style="color: rgb(9, 9, 9)"></div><style>#styled { background: red; }</style></body>`,
  );

  const browser = await launch();
  t.after(() => browser.close());
  const tab = await browser.newPage();
  const violations: string[] = [];
  await tab.exposeFunction('reportViolation', (v: string) => violations.push(v));
  await tab.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation: (v: string) => void }).reportViolation(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  await tab.goto(site.origin + '/');
  await tab.waitForFunction(() => (window as unknown as { appRan?: boolean }).appRan === true, undefined, { timeout: 10_000 });
  const state = await tab.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const styled = document.getElementById('styled') as HTMLElement;
    return {
      inline: w.inlineRan === true,
      noNonce: w.noNonceRan === true,
      outline: getComputedStyle(document.body).outlineColor,
      inlineStyle: getComputedStyle(styled).color,
      inlineSheet: getComputedStyle(styled).backgroundColor,
    };
  });
  assert.deepEqual(state, { inline: false, noNonce: false, outline: 'rgb(1, 2, 3)', inlineStyle: 'rgb(0, 0, 0)', inlineSheet: 'rgba(0, 0, 0, 0)' });
  assert.ok(!other.requests.includes('/x.png'), 'the image from another origin was never requested');
  assert.ok(violations.some((v) => v.startsWith('script-src')), violations.join('\n'));
  assert.ok(violations.some((v) => v.startsWith('img-src')), violations.join('\n'));
});

test('the real webview bundle runs under the policy without a violation', { skip }, async (t) => {
  const out = path.join(tempDir(t), 'webview.js');
  // Bundled here as esbuild.mjs does, so the test checks the sources, not a stale dist/.
  await esbuild.build({ entryPoints: [path.join(REPO, 'webview', 'main.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', outfile: out, logLevel: 'silent' });
  const css = path.join(REPO, 'media', 'dashboard.css');
  const nonce = createNonce();
  let html = '';
  const site = await serve({
    '/': { type: 'text/html', body: () => html },
    '/dist/webview.js': { type: 'text/javascript', body: fs.readFileSync(out, 'utf8') },
    // VS Code's API object, which only exists inside a webview: a stand-in that records posts.
    '/dist/vscode-stub.js': {
      type: 'text/javascript',
      body: 'window.posted = []; let s; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => s, setState: (v) => (s = v) });',
    },
    '/media/dashboard.css': { type: 'text/css', body: fs.existsSync(css) ? fs.readFileSync(css, 'utf8') : '' },
  });
  t.after(() => site.close());
  const stub = `<script nonce="${nonce}" src="${site.origin}/dist/vscode-stub.js"></script>`;
  html = dashboardHtml({ cspSource: site.origin, nonce, styleNonce: createNonce(), scriptUri: `${site.origin}/dist/webview.js`, styleUri: `${site.origin}/media/dashboard.css`, studyName: 'real' }).replace(
    '<script nonce',
    `${stub}<script nonce`,
  );

  const browser = await launch();
  t.after(() => browser.close());
  const tab = await browser.newPage();
  const violations: string[] = [];
  const errors: string[] = [];
  tab.on('pageerror', (err) => errors.push(err.message));
  await tab.exposeFunction('reportViolation', (v: string) => violations.push(v));
  await tab.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation: (v: string) => void }).reportViolation(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  await tab.goto(site.origin + '/');
  const now = Date.now();
  const snapshot = {
    studyName: 'real',
    journal: '/tmp/real.journal',
    directions: ['minimize'],
    objectives: ['loss'],
    params: [{ name: 'x', type: 'float', log: false, low: -1, high: 1 }],
    trials: Array.from({ length: 20 }, (_, i) => ({
      number: i,
      state: i < 18 ? 'complete' : 'running',
      values: i < 18 ? [((i % 7) - 3) ** 2 / 9] : null,
      params: { x: ((i % 7) - 3) / 3 },
      intermediate: Array.from({ length: 5 }, (_, s) => [s, 1 / (s + 1) + i / 20]),
      start: now - (20 - i) * 1000,
      end: i < 18 ? now - (19 - i) * 1000 : null,
      gpus: [],
      host: 'h',
      failReason: null,
    })),
    running: true,
  };
  await tab.evaluate((s) => {
    window.postMessage({ type: 'init', snapshot: s }, '*');
    window.postMessage({ type: 'update', trials: [], running: true, metrics: [{ trial: 18, metric: 'loss', points: [[5, 0.3]] }] }, '*');
    window.postMessage({ type: 'importance', method: 'test', values: { x: 1 } }, '*');
  }, snapshot);
  // The app says `ready` (the protocol's handshake) and draws a frame from the messages.
  await tab.waitForFunction(() => Number(document.documentElement.dataset.tkFrames ?? 0) > 0, undefined, { timeout: 10_000 });
  await tab.waitForTimeout(500); // late work: resize observers, the toolkit's deferred styles
  const posted = await tab.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
  assert.deepEqual(posted[0], { type: 'ready' });
  assert.deepEqual(errors, [], 'the app runs without errors');
  assert.deepEqual(violations, [], 'no CSP violation while the dashboard loads and draws');
});
