/**
 * The acceptance flow of the VS Code extension (issue 4), in a real VS Code: code-server
 * installed from npm, driven in headless Chromium through the keyboard and mouse as a user does.
 *
 * A workspace holding a copy of examples/digits (or examples/quickstart where Debian's Python
 * lacks torch / scikit-learn) opens in Restricted Mode; the test trusts it through the Workspace
 * Trust editor, runs "Tunekit: Tune This Script" from the command palette answering its quick
 * picks, sees trials in the Tunekit view, opens the dashboard and sees its table and charts fill
 * while trials run, stops a trial from the dashboard (the journal records it pruned), saves
 * screenshots of the dashboard in the light and dark themes, applies the best parameters
 * (train.py's defaults become the best trial's values) and reloads the window to find the
 * dashboard restored.
 *
 * Steps share one workbench and run in order; a step after a failed one is skipped with the
 * reason, and a failing step leaves a screenshot in test-artifacts/e2e/ named after it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import type { Browser, Frame } from 'playwright-core';
import type { JsonValue } from '../../src/core/space/distributions';
import { loadStudy } from '../../src/core/study/study';
import type { Study } from '../../src/core/study/study';
import type { FrozenTrial } from '../../src/core/study/trial';
import { analyzeScript } from '../../src/detect/analyze-script';
import { STOP_TRIAL_ATTR, runningEngine } from '../../src/engine/run-control';
import { REPO } from '../helpers/run-cli';
import { launchChromium } from './helpers/chromium';
import { CodeServer } from './helpers/code-server';
import { ensureE2eTools } from './helpers/e2e-tools';
import type { E2eTools } from './helpers/e2e-tools';
import { prepareExampleWorkspace } from './helpers/example-workspace';
import type { ExampleWorkspace } from './helpers/example-workspace';
import { killProcessesMentioning } from './helpers/stray-processes';
import { buildVsix } from './helpers/vsix';
import { LONG_WAIT_MS, Workbench } from './helpers/workbench';
import type { QuickInputRule } from './helpers/workbench';

const ARTIFACTS = path.join(REPO, 'test-artifacts');
const STEP_ARTIFACTS = path.join(ARTIFACTS, 'e2e');
/** Trials the study runs, two at a time: enough to watch the charts fill and to stop one. */
const TRIALS = 8;
const PARALLEL = 2;
/** workbench.colorTheme ids; "Preferences: Color Theme" lists them without "Default ". */
const LIGHT = 'Default Light Modern';
const DARK = 'Default Dark Modern';
/** The dashboard's page marks its root with the study's name (src/extension/dashboard/dashboard-html.ts). */
const DASHBOARD_ROOT = '#app[data-study]';
const TRIAL_ROW = '.tk-tr[data-number]:not([hidden])';

interface Session {
  readonly tools: E2eTools;
  readonly root: string;
  readonly ws: ExampleWorkspace;
  readonly studyName: string;
  readonly journal: string;
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly wb: Workbench;
  /** The trial stopped from the dashboard. */
  stoppedTrial?: number;
  /** Console messages of any frame reporting a Content Security Policy violation. */
  readonly cspViolations: string[];
}

let session: Session | undefined;
/** Undone in reverse order after the steps, whatever the before hook got to. */
const teardown: (() => Promise<void>)[] = [];
let skipReason: string | undefined;
/** The first failed step: later steps depend on it and are skipped. */
let brokenAt: string | undefined;

/** Runs one step of the flow; on failure saves a screenshot and marks the flow broken. */
function step(name: string, body: (s: Session, t: TestContext) => Promise<void>): void {
  test(name, { timeout: 240_000 }, async (t) => {
    if (skipReason) return t.skip(skipReason);
    if (brokenAt) return t.skip(`an earlier step failed: "${brokenAt}"`);
    const s = session;
    assert.ok(s, 'the session did not start (see the before hook)');
    try {
      await body(s, t);
    } catch (error) {
      brokenAt = name;
      const shot = await s.wb.screenshot(`failure-${name.replace(/[^\w]+/g, '-').slice(0, 60)}`).catch(() => 'none (the page is gone)');
      (error as Error).message += `\n  screenshot: ${path.relative(REPO, shot)}\n  code-server log: ${path.join(s.root, 'code-server.log')}`;
      throw error;
    }
  });
}

function readStudy(s: Session): Study | undefined {
  if (!fs.existsSync(s.journal)) return undefined;
  try {
    return loadStudy({ storage: s.journal, studyName: s.studyName });
  } catch {
    return undefined; // created but the study's first line is not there yet
  }
}

function trialsOf(s: Session): readonly FrozenTrial[] {
  return readStudy(s)?.trials ?? [];
}

const finished = (t: FrozenTrial): boolean => t.state === 'complete' || t.state === 'pruned' || t.state === 'fail';

/** Quick picks "Tune This Script" may show, and how a user answers them here. */
function tuneAnswers(ws: ExampleWorkspace): QuickInputRule[] {
  return [
    { prompt: /objective|metric/i, pick: new RegExp(`^${ws.objective}$`), type: ws.objective },
    { prompt: /direction|minimi[sz]e|maximi[sz]e/i, pick: /minimi[sz]e|^min$/i },
    { prompt: /sampler/i, pick: /^tpe/i },
    { prompt: /pruner/i, pick: /^none/i },
    { prompt: /how many trials|number of trials|^trials/i, type: String(TRIALS) },
    { prompt: /parallel|at once|at a time/i, type: String(PARALLEL) },
    { prompt: /interpreter|python/i, pick: new RegExp(escapeRegExp(ws.python)), type: ws.python },
  ];
}

describe('Tunekit in a real VS Code (code-server + headless Chromium)', { timeout: 900_000 }, () => {
  before(async () => {
    const setup = await ensureE2eTools();
    if ('skip' in setup) {
      skipReason = setup.skip;
      return;
    }
    const vsix = await buildVsix();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-e2e-'));
    teardown.push(async () => {
      // The engine runs detached from VS Code by design: end it and its trials, and anything
      // else started in the test's folder. The folder stays after a failure, for its logs.
      await killProcessesMentioning(root);
      if (!brokenAt) fs.rmSync(root, { recursive: true, force: true });
    });
    const wsDir = path.join(root, 'workspace');
    fs.mkdirSync(wsDir);
    const ws = prepareExampleWorkspace(wsDir);
    // The CLI's default study name: <folder>-<script> (src/extension/engine/engine-args.ts).
    const studyName = `${path.basename(wsDir)}-train`;
    const settings: Record<string, unknown> = {
      'workbench.colorTheme': LIGHT,
      // Workspace trust stays on (the extension must not run in Restricted Mode): the flow
      // trusts the folder through the Workspace Trust editor, as a user does.
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'tunekit.pythonPath': ws.python,
      'tunekit.trials': TRIALS,
      'tunekit.parallel': PARALLEL,
      'tunekit.gpus': 'none',
      'tunekit.defaultSampler': 'tpe',
      // No automatic pruning: the only pruned trial is the one the test stops.
      'tunekit.defaultPruner': 'none',
    };
    const server = new CodeServer({ tools: setup.tools, stateDir: path.join(root, 'code-server'), workspace: wsDir, userSettings: settings, logFile: path.join(root, 'code-server.log') });
    server.installExtension(vsix);
    teardown.push(() => server.stop());
    await server.start();
    const browser = await launchChromium(setup.tools.chromium);
    teardown.push(() => browser.close().catch(() => undefined));
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    const wb = new Workbench(page, STEP_ARTIFACTS);
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text())) cspViolations.push(`${message.location().url}: ${message.text()}`);
    });
    session = { tools: setup.tools, root, ws, studyName, journal: path.join(wsDir, '.tunekit', `${studyName}.journal`), server, browser, wb, cspViolations };
    await wb.open(server.url).catch((error: Error) => {
      brokenAt = 'opening the workbench';
      error.message += `\n  code-server log: ${path.join(root, 'code-server.log')}`;
      throw error;
    });
  });

  after(async () => {
    for (const undo of teardown.reverse()) await undo();
  });

  step('the workspace opens in Restricted Mode, where Tunekit does nothing, and is trusted from the Workspace Trust editor', async (s, t) => {
    const { wb } = s;
    const page = wb.page;
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ timeout: LONG_WAIT_MS });
    await wb.openFile('train.py');
    // In an untrusted workspace the extension is not even loaded (capabilities.untrustedWorkspaces).
    const commands = await wb.paletteLabels('Tunekit:');
    assert.deepEqual(commands, [], `Restricted Mode must hide every Tunekit command; the palette lists: ${commands.join(', ')}`);
    assert.ok(!fs.existsSync(path.join(s.ws.dir, '.tunekit')), 'something wrote .tunekit/ in an untrusted workspace');

    await wb.runCommand('Workspaces: Manage Workspace Trust');
    await page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first().click();
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ state: 'detached', timeout: LONG_WAIT_MS });
    await wb.closeActiveEditor();
    t.diagnostic(`workspace: ${s.ws.example} (${s.ws.python}, ${s.ws.epochs} epochs per trial)`);
  });

  step('"Tunekit: Tune This Script" from the command palette writes the study file and starts trials', async (s, t) => {
    const { wb } = s;
    await wb.openFile('train.py');
    await wb.runCommand('Tunekit: Tune This Script');
    const answered = await wb.answerQuickInputs(tuneAnswers(s.ws), async () => trialsOf(s).length > 0, 'Tune This Script to start a trial');
    t.diagnostic(`quick inputs answered: ${answered.join(' / ') || 'none'}`);

    const studyFile = path.join(s.ws.dir, 'train.py.tunekit.json');
    assert.ok(fs.existsSync(studyFile), `no study file ${path.relative(s.ws.dir, studyFile)} next to the script`);
    const file = JSON.parse(fs.readFileSync(studyFile, 'utf8')) as { space?: Record<string, unknown>; objective?: string; fixed?: Record<string, JsonValue> };
    assert.equal(file.objective, s.ws.objective);
    assert.ok(file.space && Object.keys(file.space).includes('lr'), `the proposed space lacks lr: ${JSON.stringify(file.space)}`);
    assert.equal(file.fixed?.epochs, s.ws.epochs, 'epochs stays fixed at the script default');
  });

  step('trials appear in the Tunekit view', async (s) => {
    const { wb } = s;
    await wb.showViewContainer('Tunekit');
    const studies = wb.viewPane('Studies');
    await studies.waitFor({ timeout: LONG_WAIT_MS });
    const studyRow = wb.treeRow('Studies', s.studyName);
    await studyRow.waitFor({ timeout: LONG_WAIT_MS }).catch(async () => {
      throw new Error(`timed out waiting for the Studies view to list ${s.studyName}; it shows: ${JSON.stringify(await wb.treeRowLabels('Studies'))}`);
    });
    await wb.waitUntil(`the study ${s.studyName} to expand in the Studies view`, async () => {
      if ((await studyRow.getAttribute('aria-expanded')) === 'true') return true;
      await studyRow.click();
      await wb.page.waitForTimeout(500);
      return undefined;
    });
    await wb.waitUntil('the Tunekit view to list a trial', async () => ((await studies.locator('.monaco-list-row', { hasText: /Trial \d+/ }).count()) > 0 ? true : undefined));
  });

  step('the dashboard opens and its table and charts fill while trials run', async (s, t) => {
    const { wb } = s;
    await wb.runCommand('Tunekit: Open Dashboard');
    await wb.answerQuickInputs([{ prompt: /study/i, pick: new RegExp(escapeRegExp(s.studyName)) }], async () => (await wb.findWebviewFrame(DASHBOARD_ROOT)) !== undefined, 'the dashboard to open');
    const frame = await dashboardFrame(s);
    const first = await wb.waitUntil('the dashboard to show a trial row and a drawn chart', async () => {
      const snap = await dashboardSnapshot(frame);
      return snap.rows > 0 && snap.paintedCanvases > 0 ? snap : undefined;
    });
    // The page's own policy: nothing but its nonce'd scripts and the extension's files, and
    // nothing it does is refused by it.
    const policy = await frame.evaluate(() => ({
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
      // VS Code adds an inline script of its own (the acquireVsCodeApi glue); the page's are files.
      scripts: [...document.scripts].filter((x) => x.src !== '').map((x) => ({ nonce: x.nonce !== '', src: x.src })),
    }));
    assert.match(policy.csp, /^default-src 'none'/, `the dashboard's Content-Security-Policy: ${policy.csp}`);
    assert.ok(policy.scripts.length > 0 && policy.scripts.every((x) => x.nonce), `a dashboard script without a nonce: ${JSON.stringify(policy.scripts)}`);
    const studyAtFirst = trialsOf(s).filter(finished).length;
    t.diagnostic(`first look: ${JSON.stringify(first)}; finished trials in the journal: ${studyAtFirst}`);
    const engineRunning = (): boolean => runningEngine(s.journal, s.studyName) !== undefined;
    assert.ok(engineRunning(), 'the study finished before the dashboard showed anything: trials are too short to watch');
    // Live: while the engine still runs, more trials finish and the drawings change, without a reload.
    const later = await wb.waitUntil('the dashboard to show more finished trials and changed charts while the study runs', async () => {
      const snap = await dashboardSnapshot(frame);
      return snap.finishedRows > first.finishedRows && snap.canvasHash !== first.canvasHash ? snap : undefined;
    });
    t.diagnostic(`later: ${JSON.stringify(later)}; engine still running: ${engineRunning()}`);
    assert.deepEqual(s.cspViolations, [], 'Content Security Policy violations while the dashboard ran');
  });

  step('a trial stopped from the dashboard ends pruned in the journal', async (s, t) => {
    const { wb } = s;
    const frame = await dashboardFrame(s);
    // Trials are seconds long: stop one that has reported some epochs but has many left (so it
    // is stopped mid-run), and retry with another if it ends on its own before the click lands.
    for (let attempt = 1; ; attempt++) {
      const target = await wb.waitUntil('a running trial, mid-run, in the dashboard', async () => {
        const midRun = trialsOf(s).filter((x) => x.state === 'running' && lastStepOf(x) >= 1 && lastStepOf(x) <= s.ws.epochs * 0.6);
        const rows = frame.locator(`.tk-tr[data-state="running"]:not([hidden])`);
        const shown = (await rows.evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.number)))) as number[];
        return midRun.map((x) => x.number).find((n) => shown.includes(n));
      }, 180_000);
      await frame.locator(`.tk-tr[data-number="${target}"] [data-action="stop"]`).click();
      // The host may confirm before stopping.
      await wb.clickDialogButton(/stop/i, /^Stop/, 2_000).catch(() => undefined);
      const ended = await wb.waitUntil(`trial ${target} to end after Stop`, async () => trialsOf(s).find((x) => x.number === target && finished(x)));
      if (ended.state === 'pruned') {
        assert.ok(ended.systemAttrs[STOP_TRIAL_ATTR] !== undefined, `trial ${target} is pruned but carries no ${STOP_TRIAL_ATTR}`);
        s.stoppedTrial = target;
        t.diagnostic(`trial ${target} stopped at step ${lastStepOf(ended)} (attempt ${attempt})`);
        break;
      }
      assert.ok(attempt < 3, `trial ${target} ended ${ended.state}, not pruned, after its Stop button was clicked (3 tries)`);
    }
    await frame.locator(`.tk-tr[data-number="${s.stoppedTrial}"][data-state="pruned"]`).waitFor({ timeout: LONG_WAIT_MS });
  });

  step('screenshots of the dashboard in the light and dark themes', async (s, t) => {
    const { wb } = s;
    await wb.waitUntil('the study to finish', async () => (runningEngine(s.journal, s.studyName) === undefined && trialsOf(s).length >= TRIALS && trialsOf(s).every(finished) ? true : undefined), 180_000);
    // The dashboard alone on screen: no study file beside it, no side bar, no panel.
    await wb.focusEditor(`Tunekit: ${s.studyName}`);
    await wb.runCommand('View: Close Editors in Other Groups');
    await wb.hideSideBarAndPanel();
    await wb.runCommand('Notifications: Clear All Notifications');
    for (const [theme, kind, file] of [
      [LIGHT, 'vscode-light', 'e2e-dashboard-light.png'],
      [DARK, 'vscode-dark', 'e2e-dashboard-dark.png'],
    ] as const) {
      await wb.setColorTheme(theme.replace(/^Default /, ''));
      const frame = await dashboardFrame(s);
      await frame.locator(`body.${kind}`).waitFor({ timeout: LONG_WAIT_MS });
      await wb.waitUntil('every trial in the dashboard table', async () => ((await dashboardSnapshot(frame)).finishedRows >= TRIALS ? true : undefined));
      await frame.evaluate(() => window.scrollTo(0, 0));
      // chart.js redraws on the theme's colours after the body class changes.
      await wb.page.waitForTimeout(1_000);
      const shot = path.join(ARTIFACTS, file);
      await wb.page.screenshot({ path: shot });
      t.diagnostic(`${theme}: ${path.relative(REPO, shot)}`);
    }
  });

  step('Apply Best Parameters writes the best trial\'s values into train.py', async (s, t) => {
    const { wb } = s;
    const study = readStudy(s);
    assert.ok(study, 'the journal is gone');
    const best = study.bestTrial;
    assert.ok(best, 'the study has no best trial');
    await wb.runCommand('Tunekit: Apply Best Parameters');
    await wb.answerQuickInputs(
      [{ prompt: /study/i, pick: new RegExp(escapeRegExp(s.studyName)) }],
      async () => (await wb.dialogVisible(/apply|parameters|train\.py/i)) || (await wb.editorIsDirty('train.py')) || fs.readFileSync(s.ws.script, 'utf8') !== s.ws.originalText,
      'Apply Best Parameters to ask for confirmation or edit train.py',
    );
    if (await wb.dialogVisible(/apply|parameters|train\.py/i)) await wb.clickDialogButton(/apply|parameters|train\.py/i, /^Apply/);
    // The edit is a WorkspaceEdit (undoable): it lands in the editor; saving writes the file.
    await wb.waitUntil('train.py to be edited', async () => ((await wb.editorIsDirty('train.py')) || fs.readFileSync(s.ws.script, 'utf8') !== s.ws.originalText ? true : undefined));
    if (await wb.editorIsDirty('train.py')) {
      await wb.focusEditor('train.py');
      await wb.page.keyboard.press('Control+S');
      await wb.waitUntil('train.py to be saved', async () => ((await wb.editorIsDirty('train.py')) ? undefined : true));
    }
    // Read back until the saved file holds the values: a read during the editor's save can see a
    // file that is being rewritten (it differs from the original, yet has no parameters yet).
    const readBack = async (): Promise<{ defaults: Map<string, JsonValue | undefined>; mismatches: string[] }> => {
      const text = fs.readFileSync(s.ws.script, 'utf8');
      const analysis = await analyzeScript(s.ws.script, { text });
      const defaults = new Map(analysis.params.map((p) => [p.name, p.default]));
      const mismatches = Object.entries(best.params)
        .filter(([name, value]) => !sameValue(defaults.get(name), value as JsonValue))
        .map(([name, value]) => `${name}: best ${JSON.stringify(value)}, train.py default ${JSON.stringify(defaults.get(name))}`);
      return { defaults, mismatches };
    };
    await wb.waitUntil('train.py on disk to hold the best parameters', async () => ((await readBack()).mismatches.length === 0 ? true : undefined)).catch(() => undefined);
    const { defaults, mismatches } = await readBack();
    assert.deepEqual(mismatches, [], `train.py's defaults are not trial ${best.number}'s parameters`);
    assert.equal(defaults.get('epochs'), s.ws.epochs, 'a parameter that was not tuned (epochs) changed');
    t.diagnostic(`trial ${best.number} (${s.ws.objective} ${best.values?.[0]}) applied: ${JSON.stringify(best.params)}`);
  });

  step('after "Developer: Reload Window" the dashboard is restored', async (s, t) => {
    const { wb } = s;
    // The dashboard is on screen when the window reloads, and its tab is still there after.
    const title = `Tunekit: ${s.studyName}`;
    await wb.focusEditor(title);
    await wb.runCommand('Developer: Reload Window');
    await wb.page.waitForLoadState('load');
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: LONG_WAIT_MS });
    await wb.tab(title, '.active').first().waitFor({ timeout: LONG_WAIT_MS }).catch(async () => {
      throw new Error(`after the reload the active editor is not the dashboard "${title}"; the tabs are: ${JSON.stringify(await wb.tabLabels())}`);
    });
    const frame = await wb.waitForWebviewFrame(DASHBOARD_ROOT, 'the dashboard to come back after the reload (WebviewPanelSerializer)');
    const snap = await wb.waitUntil('the restored dashboard to show every trial', async () => {
      const x = await dashboardSnapshot(frame);
      return x.rows >= TRIALS && x.paintedCanvases > 0 ? x : undefined;
    });
    if (s.stoppedTrial !== undefined) await frame.locator(`.tk-tr[data-number="${s.stoppedTrial}"][data-state="pruned"]`).waitFor({ timeout: LONG_WAIT_MS });
    t.diagnostic(`restored: ${JSON.stringify(snap)}`);
    assert.deepEqual(s.cspViolations, [], 'Content Security Policy violations during the flow');
  });
});

async function dashboardFrame(s: Session): Promise<Frame> {
  return s.wb.waitForWebviewFrame(DASHBOARD_ROOT, `the Tunekit dashboard webview (${DASHBOARD_ROOT}) of ${s.studyName}`);
}

interface DashboardSnapshot {
  rows: number;
  finishedRows: number;
  canvases: number;
  /** Canvases with at least a few hundred non-transparent pixels. */
  paintedCanvases: number;
  /** Changes when any visible canvas's drawing changes. */
  canvasHash: number;
}

/** What the dashboard shows now: table rows by state, and how much its canvases have drawn. */
async function dashboardSnapshot(frame: Frame): Promise<DashboardSnapshot> {
  return frame.evaluate((rowSelector) => {
    const rows = [...document.querySelectorAll<HTMLElement>(rowSelector)];
    const finishedRows = rows.filter((r) => ['complete', 'pruned', 'fail'].includes(r.dataset.state ?? '')).length;
    let paintedCanvases = 0;
    let canvasHash = 0;
    const canvases = [...document.querySelectorAll('canvas')].filter((c) => c.width > 0 && c.height > 0 && c.getClientRects().length > 0);
    for (const canvas of canvases) {
      const ctx = canvas.getContext('2d');
      if (!ctx) continue;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) {
        if (data[i] !== 0) {
          painted++;
          canvasHash = (canvasHash * 31 + data[i - 3]! + data[i - 2]! * 7 + data[i - 1]! * 13 + i) % 2_147_483_647;
        }
      }
      if (painted > 300) paintedCanvases++;
    }
    return { rows: rows.length, finishedRows, canvases: canvases.length, paintedCanvases, canvasHash };
  }, TRIAL_ROW);
}

function lastStepOf(trial: FrozenTrial): number {
  return Math.max(-1, ...trial.intermediateValues.keys());
}

/** Equal as Python would read them: numbers within float formatting, the rest exactly. */
function sameValue(written: JsonValue | undefined, best: JsonValue): boolean {
  if (typeof written === 'number' && typeof best === 'number') return Math.abs(written - best) <= 1e-9 * Math.max(1, Math.abs(best));
  return JSON.stringify(written) === JSON.stringify(best);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
