/**
 * Tunekit in VS Code. activate() only creates and registers things: the Training Scripts scan
 * starts when its view is first shown, CodeLens analysis when a Python file opens, journal
 * discovery when the Studies view, a command or a Python file needs it; one deferred look for
 * journals lets the status bar show a study still running from before a window reload. The
 * engine runs as its own process (engine/engine-launcher.ts), so deactivate() stops nothing.
 */
import * as vscode from 'vscode';
import { applyBestParametersCommand } from './commands/apply-best-parameters';
import { applyTrialParametersCommand } from './commands/apply-trial-parameters';
import { compressCheckpointCommand } from './commands/compress-checkpoint';
import type { CommandServices } from './commands/command-registry';
import { registerCommands } from './commands/command-registry';
import { enqueueTrialCommand } from './commands/enqueue-trial';
import { newStudyCommand } from './commands/new-study';
import { openDashboardCommand } from './commands/open-dashboard';
import { openJournalCommand } from './commands/open-journal';
import { openTrialLogCommand } from './commands/open-trial-log';
import { refreshCommand } from './commands/refresh';
import { startStudyCommand } from './commands/start-study';
import { stopStudyCommand } from './commands/stop-study';
import { stopTrialCommand } from './commands/stop-trial';
import { tuneScriptCommand } from './commands/tune-script';
import { TuneCodeLensProvider } from './codelens/tune-codelens';
import { registerCompressReports } from './compress/compress-report-panel';
import { Settings } from './config/settings';
import { registerDashboard } from './dashboard/dashboard-panel';
import { EngineLauncher } from './engine/engine-launcher';
import { OutputLog } from './log/output-log';
import { StudyStatusBar } from './status/study-status-bar';
import { StudyLocator } from './studies/study-locator';
import { SCRIPTS_VIEW_ID, ScriptsTreeProvider } from './views/scripts-tree';
import { STUDIES_VIEW_ID, StudiesTreeProvider } from './views/studies-tree';

/** Long enough not to compete with the window's own startup work. */
const DEFERRED_DISCOVERY_MS = 3000;

export function activate(context: vscode.ExtensionContext): void {
  const log = new OutputLog();
  const settings = new Settings();
  const studies = new StudyLocator(context, log);
  const launcher = new EngineLauncher(context, log, settings, studies);
  const dashboard = registerDashboard(context, log);
  const compressReports = registerCompressReports(context, log);

  const scripts = new ScriptsTreeProvider(log);
  const scriptsView = vscode.window.createTreeView(SCRIPTS_VIEW_ID, { treeDataProvider: scripts, showCollapseAll: true });
  scripts.attach(scriptsView);
  const studiesTree = new StudiesTreeProvider(studies);
  const studiesView = vscode.window.createTreeView(STUDIES_VIEW_ID, { treeDataProvider: studiesTree, showCollapseAll: true });
  studiesTree.attach(studiesView);

  const codeLens = new TuneCodeLensProvider(studies, log);
  const statusBar = new StudyStatusBar(studies, launcher);

  const services: CommandServices = { context, log, settings, studies, scripts, studiesTree, launcher, dashboard };
  context.subscriptions.push(
    log,
    settings,
    studies,
    scripts,
    scriptsView,
    studiesTree,
    studiesView,
    codeLens,
    vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, codeLens),
    statusBar,
    ...registerCommands(services, [
      tuneScriptCommand,
      newStudyCommand,
      startStudyCommand,
      stopStudyCommand,
      stopTrialCommand,
      openDashboardCommand,
      applyBestParametersCommand,
      applyTrialParametersCommand,
      openTrialLogCommand,
      openJournalCommand,
      enqueueTrialCommand,
      refreshCommand,
      compressCheckpointCommand(compressReports),
    ]),
  );

  const deferred = setTimeout(() => void studies.start(), DEFERRED_DISCOVERY_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(deferred) });
}

export function deactivate(): void {}
