/**
 * Brings dashboards back after a window reload: VS Code recreates each `tunekit.dashboard`
 * panel and passes the state its webview saved; the study it names is opened again in that
 * panel (see dashboard-state.ts). A state that names no study (an older version, a webview that
 * closed before it got its first data) gets a page that says how to reopen the dashboard.
 */
import type * as vscode from 'vscode';
import type { DashboardTarget } from './dashboard-state';
import { parseDashboardState } from './dashboard-state';

export class DashboardSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly restore: (panel: vscode.WebviewPanel, target: DashboardTarget) => void) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const target = parseDashboardState(state);
    if (target) {
      this.restore(panel, target);
      return;
    }
    // No scripts on this page: nothing to run, nothing to allow.
    panel.webview.options = { enableScripts: false, localResourceRoots: [] };
    panel.webview.html =
      '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">' +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>` +
      '<body><p>This Tunekit dashboard could not be restored: it did not record its study. ' +
      'Close it and run <b>Tunekit: Open Dashboard</b>.</p></body></html>';
  }
}
