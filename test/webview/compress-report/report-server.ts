/**
 * Serves the compression report webview the way VS Code does, for Chromium tests: the host's
 * own page and CSP (compress-report-html.ts, with this server's origin as cspSource),
 * media/compress-report.css, and the report bundle built from the sources, plus what VS Code
 * adds to every webview: acquireVsCodeApi() (postMessage recorded in window.__posted,
 * get/setState kept in sessionStorage so a reload gets the state back, as a webview reload
 * does) and the theme's --vscode-* variables (test/webview/harness/themes.ts). CSP violations
 * are recorded in window.__cspViolations.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { createNonce } from '../../../src/extension/dashboard/dashboard-html';
import { compressReportHtml } from '../../../src/extension/compress/compress-report-html';
import { REPO } from '../harness/build-webview';
import { THEMES } from '../harness/themes';
import type { ThemeKind } from '../harness/themes';

/** Bundles webview/compress-report/main.ts as esbuild.mjs does for dist/compress-report.js. */
export async function buildReportBundle(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'compress-report.js');
  await esbuild.build({ entryPoints: [path.join(REPO, 'webview', 'compress-report', 'main.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', outfile, logLevel: 'error' });
  return outfile;
}

function vscodeStandIn(theme: ThemeKind): string {
  return `(() => {
  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));
  const vars = ${JSON.stringify(THEMES[theme])};
  for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
  document.body.classList.add('vscode-${theme}');
  window.acquireVsCodeApi = () => Object.freeze({
    postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
    getState: () => { const s = sessionStorage.getItem('state'); return s === null ? undefined : JSON.parse(s); },
    setState: (s) => { sessionStorage.setItem('state', JSON.stringify(s)); return s; },
  });
})();`;
}

export interface ReportServer {
  readonly url: string;
  /** The page's script nonce, the last one served. */
  close(): Promise<void>;
}

export async function startReportServer(bundle: string, theme: ThemeKind = 'dark'): Promise<ReportServer> {
  const css = path.join(REPO, 'media', 'compress-report.css');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = (type: string, body: string | Buffer): void => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') {
      const nonce = createNonce();
      const html = compressReportHtml({ cspSource: origin, nonce, styleNonce: createNonce(), scriptUri: `${origin}/compress-report.js`, styleUri: `${origin}/compress-report.css`, title: 'model.onnx: dynamic int8' });
      send('text/html; charset=utf-8', html.replace('<body>', `<body>\n<script nonce="${nonce}">${vscodeStandIn(theme)}</script>`));
    } else if (url.pathname === '/compress-report.js') send('text/javascript; charset=utf-8', fs.readFileSync(bundle));
    else if (url.pathname === '/compress-report.css') send('text/css; charset=utf-8', fs.readFileSync(css));
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
