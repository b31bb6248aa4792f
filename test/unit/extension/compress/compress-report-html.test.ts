import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compressReportHtml } from '../../../../src/extension/compress/compress-report-html';
import { createNonce } from '../../../../src/extension/dashboard/dashboard-html';

const page = (title = 'model.onnx: dynamic int8') => ({
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: createNonce(),
  styleNonce: createNonce(),
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/compress-report.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/compress-report.css',
  title,
});

test('the page allows only its nonce\'d script and the extension\'s files, nothing remote, nothing inline', () => {
  const p = page();
  const html = compressReportHtml(p);
  const csp = (/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '').replaceAll('&#39;', "'");
  assert.equal(csp, `default-src 'none'; script-src 'nonce-${p.nonce}'; style-src ${p.cspSource} 'nonce-${p.styleNonce}'; img-src ${p.cspSource} data:; font-src ${p.cspSource}`);
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.deepEqual(scripts, [` nonce="${p.nonce}" src="${p.scriptUri}"`], 'one script: the bundle, with the nonce');
  assert.match(html, new RegExp(`<link rel="stylesheet" nonce="${p.styleNonce.replace(/[+/]/g, '\\$&')}" href="${p.styleUri.replace(/[.+]/g, '\\$&')}">`));
  assert.doesNotMatch(html, /style="/, 'no inline style');
  assert.doesNotMatch(html, /unsafe-/);
});

test('a model name is text in the page, never markup', () => {
  const html = compressReportHtml(page('"><script>alert(1)</script>.onnx: fp16'));
  assert.equal([...html.matchAll(/<script/g)].length, 1);
  assert.match(html, /<title>Tunekit: &quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;\.onnx: fp16<\/title>/);
});

test('weak or shared nonces are refused', () => {
  assert.throws(() => compressReportHtml({ ...page(), nonce: 'abc' }), /nonces must be distinct/);
  const same = createNonce();
  assert.throws(() => compressReportHtml({ ...page(), nonce: same, styleNonce: same }), /nonces must be distinct/);
});
