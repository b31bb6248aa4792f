/**
 * The compression report webview's entry (bundled to dist/compress-report.js). It shows the
 * report the host posts after this page says `ready`, validated first (a message is untrusted
 * until it passes parseCompressReportToWebview), and keeps it with setState() so the panel
 * comes back after a reload (the host's serializer reads it) and redraws at once when the tab
 * is shown again. Charts are redrawn in the new colours when VS Code switches theme.
 */
import type { CompressionReport } from '../../src/protocol/compression';
import { isCompressionReport, parseCompressReportToWebview } from '../../src/protocol/compression-validate';
import type { CompressReportFromWebview } from '../../src/protocol/compression-validate';
import { onThemeChange } from '../charts/chart-theme';
import { ReportCharts } from './report-charts';
import { renderReport } from './report-view';

interface VsCodeApi {
  postMessage(message: CompressReportFromWebview): void;
  getState(): unknown;
  setState(state: { report: CompressionReport }): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('report') ?? document.body;
  let charts: ReportCharts | undefined;
  let shown: CompressionReport | undefined;

  const show = (report: CompressionReport): void => {
    shown = report;
    charts?.dispose();
    const elements = renderReport(root, report, (m) => vscode.postMessage(m));
    charts = new ReportCharts(elements.layersChart, elements.comparisonCharts);
    const drawn = charts.draw(report);
    // Read by the tests: that the report was shown and how many charts were drawn.
    document.documentElement.dataset.tkReport = 'shown';
    document.documentElement.dataset.tkCharts = String(drawn);
  };

  onThemeChange(() => {
    if (shown && charts) charts.draw(shown);
  });

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = parseCompressReportToWebview(event.data);
    if (!message) {
      console.warn('Tunekit compression report: ignored a malformed message', event.data);
      return;
    }
    vscode.setState({ report: message.report });
    show(message.report);
  });

  const saved = vscode.getState() as { report?: unknown } | undefined;
  if (isCompressionReport(saved?.report)) show(saved.report);
  vscode.postMessage({ type: 'ready' });
}

start();
