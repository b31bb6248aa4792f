/**
 * The compression report webview's page, a pure function so its security properties are unit
 * tested and the Chromium test serves exactly this page. It uses the dashboard's policy
 * (dashboard-html.ts, VS Code's webview guidance): `default-src 'none'`, scripts only with this
 * page's nonce, styles only from the extension's files or with the style nonce (the stylesheet
 * link carries it too), nothing remote, no inline script or style. chart.js draws on canvases
 * and sizes them through the CSSOM, which the policy allows.
 */
import { dashboardCsp, escapeHtml } from '../dashboard/dashboard-html';

export interface CompressReportPage {
  /** webview.cspSource. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly styleNonce: string;
  /** webview.asWebviewUri(dist/compress-report.js) as a string. */
  readonly scriptUri: string;
  /** webview.asWebviewUri(media/compress-report.css) as a string. */
  readonly styleUri: string;
  /** The panel's title: "model.onnx: dynamic int8". */
  readonly title: string;
}

export function compressReportHtml(page: CompressReportPage): string {
  const title = escapeHtml(page.title);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(dashboardCsp(page.cspSource, page.nonce, page.styleNonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${escapeHtml(page.styleNonce)}" href="${escapeHtml(page.styleUri)}">
<title>Tunekit: ${title}</title>
</head>
<body>
<main id="report" class="tk-report" aria-live="polite"><p class="tk-loading">Loading the report of ${title}…</p></main>
<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>
`;
}
