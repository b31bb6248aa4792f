/**
 * The end-to-end checks of test/e2e/extension-flow.test.ts, run inside a desktop VS Code's
 * extension host through the vscode API (@vscode/test-electron loads this file's bundle and
 * calls run(); no mocha: each check throws on failure). Started by run.electron.ts, which
 * prepares the workspace and passes its facts in TUNEKIT_ELECTRON_* variables.
 *
 * What an extension host cannot do, the code-server test does in the browser: look inside the
 * dashboard webview, click the Apply confirmation (a modal dialog), reload the window. Here the
 * dashboard is checked as an open webview tab, and Apply Best Parameters by the diff preview it
 * opens: the runner checks that preview's text with the script analyser after VS Code exits.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadStudy } from '../../src/core/study/study';
import type { FrozenTrial } from '../../src/core/study/trial';
import { STOP_TRIAL_ATTR, runningEngine } from '../../src/engine/run-control';

/** What the suite hands back to the runner (TUNEKIT_ELECTRON_RESULTS). */
export interface ElectronResults {
  readonly bestTrial: number;
  readonly bestParams: Record<string, unknown>;
  /** The text Apply Best Parameters proposed for the script (its diff preview). */
  readonly proposedScript: string;
  readonly stoppedTrial: number;
  readonly checks: string[];
}

const PREVIEW_SCHEME = 'tunekit-preview';
const EXTENSION_ID = 'tunekit.tunekit';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through test/electron/run.electron.ts`);
  return value;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(250);
  }
}

export async function run(): Promise<void> {
  const workspace = env('TUNEKIT_ELECTRON_WORKSPACE');
  const studyName = env('TUNEKIT_ELECTRON_STUDY');
  const trials = Number(env('TUNEKIT_ELECTRON_TRIALS'));
  const epochs = Number(env('TUNEKIT_ELECTRON_EPOCHS'));
  const resultsFile = env('TUNEKIT_ELECTRON_RESULTS');
  const script = path.join(workspace, 'train.py');
  const journal = path.join(workspace, '.tunekit', `${studyName}.journal`);
  const checks: string[] = [];
  const ok = (what: string): void => {
    checks.push(what);
    console.log(`  ok  ${what}`);
  };
  const trialsNow = (): readonly FrozenTrial[] => {
    if (!fs.existsSync(journal)) return [];
    try {
      return loadStudy({ storage: journal, studyName }).trials;
    } catch {
      return [];
    }
  };
  const lastStep = (t: FrozenTrial): number => Math.max(-1, ...t.intermediateValues.keys());
  const finished = (t: FrozenTrial): boolean => t.state === 'complete' || t.state === 'pruned' || t.state === 'fail';
  const ref = { journal, studyName };

  // 1. The extension is there, activates, and registers every command its manifest lists.
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  assert.ok(vscode.workspace.isTrusted, 'the test workspace must be trusted (run.electron.ts passes --disable-workspace-trust)');
  await extension.activate();
  const manifest = extension.packageJSON as { contributes: { commands: { command: string }[] } };
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = manifest.contributes.commands.map((c) => c.command).filter((id) => !registered.has(id));
  assert.deepEqual(missing, [], 'commands in package.json that the extension does not register');
  ok(`activated; ${manifest.contributes.commands.length} commands registered`);

  // 2. Tune This Script on the open script: the study file exists (the runner wrote the
  // proposal), so only the trial count is asked; it starts at the tunekit.trials setting.
  const document = await vscode.workspace.openTextDocument(script);
  await vscode.window.showTextDocument(document);
  const tuning = vscode.commands.executeCommand('tunekit.tuneScript', vscode.Uri.file(script));
  await waitFor('Tune This Script to start a trial', async () => {
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    return trialsNow().length > 0 ? true : undefined;
  });
  await tuning;
  ok('Tune This Script started the study');

  // 3. The dashboard opens as a webview tab.
  await vscode.commands.executeCommand('tunekit.openDashboard', ref);
  const dashboardTab = await waitFor('the dashboard tab', () =>
    vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('tunekit.dashboard')),
  );
  ok(`dashboard open: "${dashboardTab.label}"`);

  // 4. Stop a trial mid-run: it ends pruned, with the request recorded.
  const target = await waitFor('a running trial, mid-run', () => trialsNow().find((t) => t.state === 'running' && lastStep(t) >= 1 && lastStep(t) <= epochs * 0.6)?.number);
  await vscode.commands.executeCommand('tunekit.stopTrial', { ...ref, number: target });
  const stopped = await waitFor(`trial ${target} to end`, () => trialsNow().find((t) => t.number === target && finished(t)));
  assert.equal(stopped.state, 'pruned', `trial ${target} ended ${stopped.state} after Stop Trial`);
  assert.ok(stopped.systemAttrs[STOP_TRIAL_ATTR] !== undefined, `trial ${target} carries no ${STOP_TRIAL_ATTR}`);
  ok(`trial ${target} stopped at step ${lastStep(stopped)}: pruned`);

  // 5. The study finishes; Apply Best Parameters previews the best trial's values.
  await waitFor('the study to finish', () => (runningEngine(journal, studyName) === undefined && trialsNow().length >= trials && trialsNow().every(finished) ? true : undefined), 300_000);
  const study = loadStudy({ storage: journal, studyName });
  const best = study.bestTrial;
  assert.ok(best, 'the study has no best trial');
  void vscode.commands.executeCommand('tunekit.applyBestParameters', ref);
  const preview = await waitFor('the Apply diff preview', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === PREVIEW_SCHEME));
  ok(`Apply Best Parameters previews trial ${best.number}`);

  const results: ElectronResults = { bestTrial: best.number, bestParams: { ...best.params }, proposedScript: preview.getText(), stoppedTrial: target, checks };
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
}
