/**
 * The dashboard host: one `tunekit.dashboard` WebviewPanel per study. The panel is the VS Code
 * shell around a DashboardSession (the message protocol, tested without VS Code) fed by a
 * StudyWatcher: it builds the page (dashboard-html.ts: strict CSP with a nonce), restricts
 * what the page may load to dist/ and media/, and maps the session's needs to notifications,
 * the log, and the open-log and apply commands. Panels come back after a window reload
 * through DashboardSerializer.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { StudyWatcher } from '../../engine/watch/study-watcher';
import { applyTrialParameters } from '../apply/apply-parameters';
import { openTrialLog } from '../log/open-trial-log';
import type { OutputLog } from '../log/output-log';
import { createNonce, dashboardHtml } from './dashboard-html';
import { DashboardSerializer } from './dashboard-serializer';
import type { DashboardTarget } from './dashboard-state';
import { dashboardKey } from './dashboard-state';
import { DashboardSession } from './dashboard-session';

export const DASHBOARD_VIEW_TYPE = 'tunekit.dashboard';

export interface DashboardHost {
  /** Shows the study's dashboard, creating it or revealing the one already open. */
  open(journal: string, studyName: string): Promise<void>;
}

export function registerDashboard(context: vscode.ExtensionContext, log: OutputLog): DashboardHost {
  const panels = new Map<string, DashboardPanel>();
  const adopt = (panel: vscode.WebviewPanel, target: DashboardTarget): DashboardPanel => {
    const key = dashboardKey(target);
    panels.get(key)?.dispose(); // a restored duplicate: the newer panel wins
    const dashboard = new DashboardPanel(panel, context.extensionUri, target, log);
    panels.set(key, dashboard);
    panel.onDidDispose(() => {
      if (panels.get(key) === dashboard) panels.delete(key);
    });
    return dashboard;
  };
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, new DashboardSerializer((panel, target) => void adopt(panel, target))),
    { dispose: () => [...panels.values()].forEach((p) => p.dispose()) },
  );
  return {
    open: async (journal, studyName) => {
      // The dashboard writes to the journal (stop, enqueue) and applies edits: trusted folders only.
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showErrorMessage('Tunekit dashboards open only in a trusted workspace: trust this folder, then open the dashboard again.');
        return;
      }
      const target: DashboardTarget = { journal: vscode.Uri.file(journal).fsPath, studyName };
      const existing = panels.get(dashboardKey(target));
      if (existing) {
        existing.panel.reveal();
        return;
      }
      if (!fs.existsSync(target.journal)) {
        void vscode.window.showInformationMessage(`The journal ${target.journal} does not exist yet; the dashboard fills in as soon as a study writes it.`);
      }
      const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, `Tunekit: ${studyName}`, vscode.ViewColumn.Active, {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: resourceRoots(context.extensionUri),
      });
      adopt(panel, target);
    },
  };
}

/** Only the bundle and the stylesheet may be loaded by the page. */
function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

class DashboardPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    target: DashboardTarget,
    log: OutputLog,
  ) {
    const webview = panel.webview;
    // A restored panel keeps its old options only in part: set them again, narrowly.
    webview.options = { enableScripts: true, localResourceRoots: resourceRoots(extensionUri) };
    const icon = vscode.Uri.joinPath(extensionUri, 'media', 'tunekit.svg');
    if (fs.existsSync(icon.fsPath)) panel.iconPath = icon;
    panel.title = `Tunekit: ${target.studyName}`;
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      styleNonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dashboard.css')).toString(),
      studyName: target.studyName,
    });
    const { journal, studyName } = target;
    const watcher = new StudyWatcher({ journal, studyName, onWarning: (m) => log.warn(m) });
    const session = new DashboardSession(watcher, (message) => void webview.postMessage(message), {
      info: (message) => void vscode.window.showInformationMessage(message),
      warn: (message, items) => log.showWarningWithLog(message, items),
      log: (message) => log.info(message),
      openLog: (trial) => openTrialLog(journal, studyName, trial, log),
      applyTrial: (trial) => applyTrialParameters(journal, studyName, trial, log),
    });
    this.disposables.push(
      session,
      watcher,
      webview.onDidReceiveMessage((data: unknown) => {
        void session.receive(data).catch((err: unknown) => log.showErrorWithLog(`Tunekit dashboard (${studyName}): ${(err as Error).message ?? String(err)}`, err));
      }),
      panel.onDidChangeViewState(() => {
        // retainContextWhenHidden is off (a dashboard of thousands of trials is heavy to keep):
        // a hidden panel's page is gone, and the next one says `ready` when shown.
        if (!panel.visible) session.hidden();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    // The first read of a large journal takes a moment: after the panel is up, not before.
    setImmediate(() => watcher.refresh());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
