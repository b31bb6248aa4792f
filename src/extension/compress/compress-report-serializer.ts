/**
 * Brings compression reports back after a window reload: VS Code recreates each
 * `tunekit.compressReport` panel with the state its webview saved (the report itself, see
 * webview/compress-report/main.ts), which is validated again here (a state is data from the
 * webview) before the panel is rebuilt around it. A state without a valid report gets a page
 * without scripts that says how to get the report again.
 */
import type * as vscode from 'vscode';
import type { CompressionReport } from '../../protocol/compression';
import { isCompressionReport } from '../../protocol/compression-validate';

export class CompressReportSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly restore: (panel: vscode.WebviewPanel, report: CompressionReport) => void) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const report = typeof state === 'object' && state !== null ? (state as { report?: unknown }).report : undefined;
    if (isCompressionReport(report)) {
      this.restore(panel, report);
      return;
    }
    panel.webview.options = { enableScripts: false, localResourceRoots: [] };
    panel.webview.html =
      '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">' +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>` +
      '<body><p>This Tunekit compression report could not be restored. Close it and run ' +
      '<b>Tunekit: Compress Checkpoint…</b> again.</p></body></html>';
  }
}
