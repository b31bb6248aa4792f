/**
 * Runs suite.electron.ts in code-server's extension host instead of a desktop VS Code, for
 * machines where @vscode/test-electron cannot download one (this project's CI). A throwaway
 * harness extension, installed beside tunekit.vsix, calls the suite's run() once the window has
 * started; a headless Chromium is the window (an extension host runs only while a client is
 * connected, and quick inputs need a workbench).
 *
 *   npx tsx test/electron/run-code-server.electron.ts
 *
 * Same prerequisites as `npm test`'s e2e tests (scripts/setup-e2e.sh installs them).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { launchChromium } from '../e2e/helpers/chromium';
import { CodeServer } from '../e2e/helpers/code-server';
import { ensureE2eTools } from '../e2e/helpers/e2e-tools';
import { killProcessesMentioning } from '../e2e/helpers/stray-processes';
import { buildVsix } from '../e2e/helpers/vsix';
import { REPO } from '../helpers/run-cli';
import { checkSuiteResults, prepareSuiteFixture } from './suite-fixture';

/** The harness: activates after startup and reports the suite's outcome in a file. */
const HARNESS_MAIN = `
const fs = require('fs');
exports.activate = () => {
  const done = process.env.TUNEKIT_ELECTRON_DONE;
  require('./suite.cjs').run().then(
    () => fs.writeFileSync(done, 'ok'),
    (error) => fs.writeFileSync(done, 'FAILED: ' + ((error && error.stack) || String(error))),
  );
};
`;

async function main(): Promise<void> {
  const setup = await ensureE2eTools();
  if ('skip' in setup) throw new Error(setup.skip);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-electron-cs-'));
  let server: CodeServer | undefined;
  let passed = false;
  try {
    const fixture = await prepareSuiteFixture(root);
    const harness = path.join(root, 'harness');
    fs.mkdirSync(harness);
    await esbuild.build({
      entryPoints: [path.join(REPO, 'test', 'electron', 'suite.electron.ts')],
      outfile: path.join(harness, 'suite.cjs'),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: ['vscode'],
      logLevel: 'warning',
    });
    fs.writeFileSync(path.join(harness, 'main.cjs'), HARNESS_MAIN);
    fs.writeFileSync(path.join(harness, 'README.md'), '# Tunekit suite harness\n');
    fs.writeFileSync(
      path.join(harness, 'package.json'),
      JSON.stringify({ name: 'suite-harness', publisher: 'tunekit-tests', version: '0.0.1', engines: { vscode: '^1.90.0' }, main: './main.cjs', activationEvents: ['onStartupFinished'] }),
    );
    // code-server keeps an extensions.json registry: an extension must be installed, not copied.
    const vsce = path.join(path.dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');
    const packed = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', 'harness.vsix'], { cwd: harness, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (packed.status !== 0) throw new Error(`packaging the harness failed:\n${packed.stdout}${packed.stderr}`);

    const done = path.join(root, 'done.txt');
    // code-server's extension host inherits this environment.
    Object.assign(process.env, fixture.env, { TUNEKIT_ELECTRON_DONE: done });
    server = new CodeServer({
      tools: setup.tools,
      stateDir: path.join(root, 'code-server'),
      workspace: fixture.ws.dir,
      logFile: path.join(root, 'code-server.log'),
      userSettings: {
        // The suite asserts a trusted workspace; the browser test covers the trust flow.
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        ...fixture.settings,
      },
    });
    server.installExtension(await buildVsix());
    server.installExtension(path.join(harness, 'harness.vsix'));
    await server.start();
    const browser = await launchChromium(setup.tools.chromium);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(server.url);
      const deadline = Date.now() + 480_000;
      while (!fs.existsSync(done) && Date.now() < deadline) await page.waitForTimeout(1_000);
      await page.screenshot({ path: path.join(REPO, 'test-artifacts', 'electron-suite-code-server.png') });
    } finally {
      await browser.close();
    }
    const outcome = fs.existsSync(done) ? fs.readFileSync(done, 'utf8') : `the suite did not finish within 8 minutes (code-server log: ${path.join(root, 'code-server.log')})`;
    assert.equal(outcome, 'ok', outcome);

    const results = await checkSuiteResults(fixture);
    for (const check of results.checks) console.log(`ok  ${check}`);
    console.log(`electron suite in code-server: passed (${fixture.ws.example}); the Apply preview sets trial ${results.bestTrial}'s values`);
    passed = true;
  } finally {
    await server?.stop();
    await killProcessesMentioning(root);
    // Kept after a failure: it holds code-server's log, the journal and the trials' logs.
    if (passed) fs.rmSync(root, { recursive: true, force: true });
    else console.error(`kept for inspection: ${root}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
