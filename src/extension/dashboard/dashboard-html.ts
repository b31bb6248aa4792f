/**
 * The dashboard webview's page, built as a pure function so its security properties are unit
 * tested (test/unit/extension/dashboard/dashboard-html.test.ts), following VS Code's webview
 * guidance: `default-src 'none'`, scripts only with this page's nonce, styles, images and fonts
 * only from the extension's own files (`cspSource`), nothing remote, no inline script or style.
 * chart.js and the toolkit components draw through the CSSOM and constructable stylesheets,
 * which this policy allows without 'unsafe-inline'. The one <style> element the toolkit makes
 * (FAST's focus-visible probe) takes its nonce from `<meta property="csp-nonce">`, so styles
 * also accept a nonce: a separate one, so the script nonce is never in the page as text.
 */
import { randomBytes } from 'node:crypto';

export interface DashboardPage {
  /** webview.cspSource. */
  readonly cspSource: string;
  /** For <script> elements. */
  readonly nonce: string;
  /** For <style> elements the page's own code creates (published in a csp-nonce meta tag). */
  readonly styleNonce: string;
  /** webview.asWebviewUri(dist/webview.js) as a string: the app, toolkit and chart.js bundled. */
  readonly scriptUri: string;
  /** webview.asWebviewUri(media/dashboard.css) as a string. */
  readonly styleUri: string;
  /** Shown in the page title and while the app loads. */
  readonly studyName: string;
}

/** 128 bits from the system's CSPRNG, base64 (valid in a CSP nonce source). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function dashboardCsp(cspSource: string, nonce: string, styleNonce: string): string {
  // A weak or shared nonce would let injected markup run or style the page: refuse to build it.
  const strong = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
  if (!strong.test(nonce) || !strong.test(styleNonce) || nonce === styleNonce) {
    throw new Error('webview page: the script and style nonces must be distinct, each at least 16 base64 characters');
  }
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${styleNonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function dashboardHtml(page: DashboardPage): string {
  const name = escapeHtml(page.studyName);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(dashboardCsp(page.cspSource, page.nonce, page.styleNonce))}">
<meta property="csp-nonce" content="${escapeHtml(page.styleNonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
<title>Tunekit: ${name}</title>
</head>
<body>
<div id="app" data-study="${name}"><p class="loading">Loading study ${name}…</p></div>
<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>
`;
}

/** For text and attribute values alike (double-quoted attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
