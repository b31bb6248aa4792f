/**
 * A loopback HTTP server that serves the dashboard the way VS Code's webview does: the host's
 * own page and CSP (src/extension/dashboard/dashboard-html.ts, with this server's origin as
 * cspSource), media/dashboard.css, the bundled dashboard, and VS Code's theme variables set on
 * <html> through the CSSOM with the theme class on <body>. A small script stands in for
 * acquireVsCodeApi(): postMessage records into window.__posted, getState / setState keep the
 * state in sessionStorage so a page reload gets it back, as a webview reload does. CSP
 * violations are recorded in window.__cspViolations.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { createNonce, dashboardHtml } from '../../../src/extension/dashboard/dashboard-html';
import { REPO } from './build-webview';
import { THEMES } from './themes';
import type { ThemeKind } from './themes';

export interface HarnessServer {
  /** The dashboard page; `?theme=light` (or `high-contrast`) starts in that theme. */
  readonly url: string;
  close(): Promise<void>;
}

function harnessScript(theme: ThemeKind): string {
  return `(() => {
  const THEMES = ${JSON.stringify(THEMES)};
  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber, sample: e.sample || '' }));
  // As VS Code does: theme variables on <html> through the CSSOM, the theme kind on <body>.
  window.__setTheme = (kind) => {
    const root = document.documentElement;
    for (const name of Array.from(root.style)) if (name.startsWith('--vscode-')) root.style.removeProperty(name);
    for (const [k, v] of Object.entries(THEMES[kind])) root.style.setProperty(k, v);
    const cls = 'vscode-' + kind;
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
    document.body.classList.add(cls);
    document.body.dataset.vscodeThemeKind = cls;
  };
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
      getState: () => { const s = sessionStorage.getItem('tunekit-state'); return s === null ? undefined : JSON.parse(s); },
      setState: (s) => { sessionStorage.setItem('tunekit-state', JSON.stringify(s)); return s; },
    });
  };
  window.__setTheme(THEMES[new URLSearchParams(location.search).get('theme')] ? new URLSearchParams(location.search).get('theme') : ${JSON.stringify(theme)});
})();`;
}

/**
 * The host's own page (dashboardHtml: its CSP, nonce and markup), with the stand-in for what
 * VS Code adds to every webview (acquireVsCodeApi, the theme) first in <body>.
 */
function page(origin: string, theme: ThemeKind): string {
  const nonce = createNonce();
  const html = dashboardHtml({ cspSource: origin, nonce, styleNonce: createNonce(), scriptUri: `${origin}/webview.js`, styleUri: `${origin}/dashboard.css`, studyName: 'harness' });
  if (!html.includes('<body>')) throw new Error('harness: dashboardHtml() has no <body> to put the VS Code API stand-in in');
  return html.replace('<body>', `<body>\n<script nonce="${nonce}">${harnessScript(theme)}</script>`);
}

/** Serves `bundle` (a built webview.js) with media/dashboard.css on 127.0.0.1, a random port. */
export async function startHarnessServer(bundle: string, theme: ThemeKind = 'dark'): Promise<HarnessServer> {
  const css = path.join(REPO, 'media', 'dashboard.css');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = (type: string, body: string | Buffer): void => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') send('text/html; charset=utf-8', page(origin, theme));
    else if (url.pathname === '/webview.js') send('text/javascript; charset=utf-8', fs.readFileSync(bundle));
    else if (url.pathname === '/dashboard.css') send('text/css; charset=utf-8', fs.readFileSync(css));
    else if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
