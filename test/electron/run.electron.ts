/**
 * Runs suite.electron.ts in a desktop VS Code with @vscode/test-electron, where one can be
 * downloaded and shown (a desktop, or `xvfb-run -a` on a Linux server):
 *
 *   npx tsx test/electron/run.electron.ts            # latest stable VS Code
 *   TUNEKIT_VSCODE_VERSION=1.90.0 npx tsx test/electron/run.electron.ts
 *
 * It downloads VS Code into .vscode-test/ (from update.code.visualstudio.com, which this
 * project's CI machines cannot reach: that is why it is not part of `npm test`, whose
 * code-server tests cover the same flow, and more, in a browser). Exit status 0 when every
 * check passes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { killProcessesMentioning } from '../e2e/helpers/stray-processes';
import { REPO } from '../helpers/run-cli';
import { checkSuiteResults, prepareSuiteFixture } from './suite-fixture';

async function main(): Promise<void> {
  // The extension as VS Code loads it (dist/), and the suite bundled for its extension host.
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const suite = path.join(REPO, 'out', 'electron', 'suite.cjs');
  await esbuild.build({
    entryPoints: [path.join(REPO, 'test', 'electron', 'suite.electron.ts')],
    outfile: suite,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-electron-'));
  let passed = false;
  try {
    const fixture = await prepareSuiteFixture(root);
    const userDataDir = path.join(root, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({
        'security.workspace.trust.enabled': false,
        // A native modal (Apply's confirmation) would block the test instance's window.
        'window.dialogStyle': 'custom',
        'workbench.startupEditor': 'none',
        ...fixture.settings,
      }),
    );
    await runTests({
      version: process.env.TUNEKIT_VSCODE_VERSION ?? 'stable',
      extensionDevelopmentPath: REPO,
      extensionTestsPath: suite,
      launchArgs: [fixture.ws.dir, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', userDataDir],
      extensionTestsEnv: fixture.env,
    });
    const results = await checkSuiteResults(fixture);
    for (const check of results.checks) console.log(`ok  ${check}`);
    console.log(`electron suite: passed (${fixture.ws.example}); the Apply preview sets trial ${results.bestTrial}'s values`);
    passed = true;
  } finally {
    // The engine runs detached from VS Code by design; end whatever the run left in its folder.
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
