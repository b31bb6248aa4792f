/** The dashboard page's security properties, checked on the markup (the Chromium test checks them in a browser). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNonce, dashboardCsp, dashboardHtml } from '../../../../src/extension/dashboard/dashboard-html';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const page = (overrides: Partial<Parameters<typeof dashboardHtml>[0]> = {}): string =>
  dashboardHtml({
    cspSource: CSP_SOURCE,
    nonce: 'AbCdEfGhIjKlMnOpQrStUv==',
    styleNonce: 'StYlEnOnCe0123456789ab==',
    scriptUri: `${CSP_SOURCE}/ext/dist/webview.js`,
    styleUri: `${CSP_SOURCE}/ext/media/dashboard.css`,
    studyName: 'mnist-train',
    ...overrides,
  });

function cspOf(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'a CSP meta tag');
  return match[1]!.replace(/&#39;/g, "'");
}

test('the CSP allows nothing by default, scripts only with the nonce, styles from cspSource or with the style nonce, the rest only from cspSource', () => {
  const csp = cspOf(page());
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives['default-src'], ["'none'"]);
  assert.deepEqual(directives['script-src'], ["'nonce-AbCdEfGhIjKlMnOpQrStUv=='"]);
  assert.deepEqual(directives['style-src'], [CSP_SOURCE, "'nonce-StYlEnOnCe0123456789ab=='"]);
  assert.deepEqual(directives['img-src'], [CSP_SOURCE, 'data:']);
  assert.deepEqual(directives['font-src'], [CSP_SOURCE]);
  assert.ok(!/unsafe-(inline|eval)/.test(csp), 'no unsafe-inline or unsafe-eval');
  assert.equal(csp, dashboardCsp(CSP_SOURCE, 'AbCdEfGhIjKlMnOpQrStUv==', 'StYlEnOnCe0123456789ab=='));
  // The toolkit reads the style nonce from here; the script nonce appears only on the script tag.
  assert.match(page(), /<meta property="csp-nonce" content="StYlEnOnCe0123456789ab==">/);
  assert.equal(page().split('AbCdEfGhIjKlMnOpQrStUv==').length - 1, 2, 'script nonce: in the CSP and on the one script');
});

test('every script carries the nonce and loads from the extension; nothing inline, nothing remote', () => {
  const html = page();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs!, /\bnonce="AbCdEfGhIjKlMnOpQrStUv=="/);
    assert.match(attrs!, new RegExp(`src="${CSP_SOURCE.replace(/[.+]/g, '\\$&')}/`));
    assert.equal(body!.trim(), '', 'no inline code');
  }
  assert.ok(!/\sstyle=|<style/i.test(html), 'no inline styles');
  assert.ok(!/\son\w+=/i.test(html), 'no inline event handlers');
  const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
  assert.ok(urls.length >= 2);
  for (const url of urls) assert.ok(url.startsWith(CSP_SOURCE + '/'), `${url} is the extension's own file`);
  assert.ok(!/https?:\/\/(?!file\+\.vscode-resource)/.test(html), 'no remote URL');
});

test('the study name is escaped wherever it appears', () => {
  const html = page({ studyName: '"><script>alert(1)</script>' });
  assert.equal([...html.matchAll(/<script/g)].length, 1);
  assert.match(html, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('nonces are fresh and long; a weak or shared nonce is refused', () => {
  const a = createNonce();
  const b = createNonce();
  assert.notEqual(a, b);
  assert.ok(a.length >= 22);
  assert.doesNotThrow(() => page({ nonce: a, styleNonce: b }));
  assert.throws(() => page({ nonce: a, styleNonce: a }), /distinct/);
  assert.throws(() => page({ nonce: 'abc' }), /nonce/);
  assert.throws(() => page({ nonce: 'x"><script>alert(1)</script>' }), /nonce/);
});
