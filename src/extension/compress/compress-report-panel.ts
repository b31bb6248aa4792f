/**
 * The compression report host: one `tunekit.compressReport` WebviewPanel per compressed file,
 * opened beside the editor. It builds the page (compress-report-html.ts: strict CSP with
 * nonces), lets the page load only dist/ and media/, posts the report once the page says
 * `ready`, and answers the page's two buttons for the compressed file of the report it posted
 * itself (messages name no path: compression-validate.ts). Panels come back after a window
 * reload through CompressReportSerializer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompressionReport } from '../../protocol/compression';
import { compressionMethodLabel } from '../../protocol/compression-method-label';
import type { CompressReportToWebview } from '../../protocol/compression-validate';
import { parseCompressReportFromWebview } from '../../protocol/compression-validate';
import { createNonce } from '../dashboard/dashboard-html';
import type { OutputLog } from '../log/output-log';
import { compressReportHtml } from './compress-report-html';
import { CompressReportSerializer } from './compress-report-serializer';

export const COMPRESS_REPORT_VIEW_TYPE = 'tunekit.compressReport';

export interface CompressReportHost {
  /** Shows the report beside the editor, replacing an older report of the same output file. */
  show(report: CompressionReport): void;
}

/** "model.onnx: dynamic int8". */
export function compressReportTitle(report: CompressionReport): string {
  return `${path.basename(report.before.path)}: ${compressionMethodLabel(report.method)}`;
}

export function registerCompressReports(context: vscode.ExtensionContext, log: OutputLog): CompressReportHost {
  const panels = new Map<string, CompressReportPanel>();
  const adopt = (panel: vscode.WebviewPanel, report: CompressionReport): void => {
    const key = report.after.path;
    panels.get(key)?.dispose();
    const view = new CompressReportPanel(panel, context.extensionUri, report, log);
    panels.set(key, view);
    panel.onDidDispose(() => {
      if (panels.get(key) === view) panels.delete(key);
    });
  };
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(COMPRESS_REPORT_VIEW_TYPE, new CompressReportSerializer(adopt)),
    { dispose: () => [...panels.values()].forEach((p) => p.dispose()) },
  );
  return {
    show: (report) => {
      const panel = vscode.window.createWebviewPanel(
        COMPRESS_REPORT_VIEW_TYPE,
        `Tunekit: ${compressReportTitle(report)}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: resourceRoots(context.extensionUri) },
      );
      adopt(panel, report);
    },
  };
}

/** Only the bundle and the stylesheet may be loaded by the page. */
function resourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

class CompressReportPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly report: CompressionReport,
    private readonly log: OutputLog,
  ) {
    const webview = panel.webview;
    // A restored panel keeps its old options only in part: set them again, narrowly.
    webview.options = { enableScripts: true, localResourceRoots: resourceRoots(extensionUri) };
    const icon = vscode.Uri.joinPath(extensionUri, 'media', 'tunekit.svg');
    if (fs.existsSync(icon.fsPath)) panel.iconPath = icon;
    const title = compressReportTitle(report);
    panel.title = `Tunekit: ${title}`;
    webview.html = compressReportHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      styleNonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'compress-report.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'compress-report.css')).toString(),
      title,
    });
    this.disposables.push(
      webview.onDidReceiveMessage((data: unknown) => void this.receive(data)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async receive(data: unknown): Promise<void> {
    const message = parseCompressReportFromWebview(data);
    if (!message) {
      this.log.warn(`compression report: ignored a malformed message from the webview: ${JSON.stringify(data)?.slice(0, 200)}`);
      return;
    }
    const output = vscode.Uri.file(this.report.after.path);
    try {
      switch (message.type) {
        case 'ready': {
          const reply: CompressReportToWebview = { type: 'report', report: this.report };
          await this.panel.webview.postMessage(reply);
          return;
        }
        case 'reveal-output':
          if (!fs.existsSync(output.fsPath)) {
            void vscode.window.showWarningMessage(`The compressed file ${output.fsPath} is no longer there.`);
            return;
          }
          // The Explorer shows files of the workspace only; anything else opens in the OS's file manager.
          if (vscode.workspace.getWorkspaceFolder(output)) await vscode.commands.executeCommand('revealInExplorer', output);
          else await vscode.commands.executeCommand('revealFileInOS', output);
          return;
        case 'open-folder':
          await vscode.commands.executeCommand('revealFileInOS', fs.existsSync(output.fsPath) ? output : vscode.Uri.file(path.dirname(output.fsPath)));
          return;
      }
    } catch (err) {
      this.log.showErrorWithLog(`Tunekit: the compression report could not ${message.type === 'ready' ? 'be shown' : 'open the file'}: ${(err as Error).message}`, err);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
