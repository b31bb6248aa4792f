import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compressionReportProblem,
  isCompressionReport,
  parseCompressReportFromWebview,
  parseCompressReportToWebview,
} from '../../../../src/protocol/compression-validate';
import { manyLayerPruneReport, sampleReport } from './sample-report';

/** A deep copy of the sample report with one change, made through JSON as the report travels. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case breaks the report in its own untyped way
type Untyped = Record<string, any>;
function broken(change: (r: Untyped) => void): unknown {
  const copy = JSON.parse(JSON.stringify(sampleReport())) as Untyped;
  change(copy);
  return copy;
}

test('reports the CLI writes pass, for every method and with optional parts left out', () => {
  assert.equal(compressionReportProblem(sampleReport()), undefined);
  assert.equal(compressionReportProblem(manyLayerPruneReport()), undefined);
  const minimal = broken((r) => {
    delete r.agreement;
    delete r.accuracy;
    delete r.before.latency;
    delete r.after.latency;
    r.layers = [];
    r.method = { kind: 'prune', pattern: 'n:m', n: 2, m: 4 };
  });
  assert.equal(compressionReportProblem(minimal), undefined);
  for (const scheme of ['dynamic-int8', 'weight-int8', 'fp16', 'bf16']) {
    assert.ok(isCompressionReport(broken((r) => (r.method = { kind: 'quantize', scheme }))), scheme);
  }
  // A report that went through JSON (as it does from the CLI and to the webview) still passes.
  assert.ok(isCompressionReport(JSON.parse(JSON.stringify(sampleReport()))));
});

test('each kind of malformed report is refused, and the problem names the field', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 'report', /^report: expected an object, got "report"/],
    ['null', null, /^report: expected an object, got null/],
    ['unknown format', broken((r) => (r.format = 'tflite')), /^report\.format: expected one of onnx \| safetensors \| pytorch, got "tflite"/],
    ['unknown method kind', broken((r) => (r.method = { kind: 'distill' })), /^report\.method\.kind: expected prune \| quantize/],
    ['unknown scheme', broken((r) => (r.method.scheme = 'int4')), /^report\.method\.scheme: expected one of/],
    ['sparsity over 1', broken((r) => (r.method = { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 50 })), /^report\.method\.sparsity: expected a fraction in 0\.\.1, got 50/],
    ['n:m with n >= m', broken((r) => (r.method = { kind: 'prune', pattern: 'n:m', n: 4, m: 2 })), /^report\.method: expected n < m, got 4:2/],
    ['missing after', broken((r) => delete r.after), /^report\.after: expected an object, got nothing/],
    ['bytes as a string', broken((r) => (r.before.bytes = '70412')), /^report\.before\.bytes: expected a whole number >= 0, got "70412"/],
    ['negative bytes', broken((r) => (r.after.bytes = -1)), /^report\.after\.bytes: expected a whole number >= 0, got -1/],
    ['more zeros than parameters', broken((r) => (r.after.zeros = r.after.params + 1)), /^report\.after\.zeros: 17227 zeros in 17226 parameters/],
    ['NaN latency', broken((r) => (r.after.latency.medianMs = null)), /^report\.after\.latency\.medianMs: expected a number >= 0, got null/],
    ['layers not a list', broken((r) => (r.layers = {})), /^report\.layers: expected a list, got an object/],
    ['a layer without a name', broken((r) => delete r.layers[1].name), /^report\.layers\[1\]\.name: expected a string, got nothing/],
    ['layer sparsity out of range', broken((r) => (r.layers[2].sparsityAfter = 1.5)), /^report\.layers\[2\]\.sparsityAfter: expected a fraction in 0\.\.1, got 1\.5/],
    ['a shape with a fraction', broken((r) => (r.layers[0].shape = [64, 1.5])), /^report\.layers\[0\]\.shape\[1\]: expected a whole number/],
    ['agreement from nowhere', broken((r) => (r.agreement.inputsFrom = 'web')), /^report\.agreement\.inputsFrom: expected one of file \| generated/],
    ['top-1 above 1', broken((r) => (r.agreement.top1Agreement = 99.7)), /^report\.agreement\.top1Agreement: expected a fraction/],
    ['accuracy as text', broken((r) => (r.accuracy.after = '0.95')), /^report\.accuracy\.after: expected a finite number, got "0\.95"/],
    ['warnings not strings', broken((r) => (r.warnings = [1])), /^report\.warnings\[0\]: expected a string, got 1/],
    ['no duration', broken((r) => delete r.durationMs), /^report\.durationMs: expected a number >= 0, got nothing/],
  ];
  for (const [what, value, expected] of cases) {
    const problem = compressionReportProblem(value);
    assert.ok(problem !== undefined, `${what}: accepted`);
    assert.match(problem, expected, what);
    assert.equal(isCompressionReport(value), false, what);
  }
});

test('messages to the webview carry a valid report, or are dropped', () => {
  const report = sampleReport();
  assert.deepEqual(parseCompressReportToWebview({ type: 'report', report }), { type: 'report', report });
  assert.equal(parseCompressReportToWebview({ type: 'report', report: broken((r) => (r.format = 'x')) }), undefined);
  assert.equal(parseCompressReportToWebview({ type: 'init', report }), undefined);
  assert.equal(parseCompressReportToWebview(undefined), undefined);
});

test('messages from the webview are the three known ones, and never carry a path to the host', () => {
  assert.deepEqual(parseCompressReportFromWebview({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseCompressReportFromWebview({ type: 'open-folder' }), { type: 'open-folder' });
  // A path smuggled in is not passed on: the host acts on its own report's output only.
  assert.deepEqual(parseCompressReportFromWebview({ type: 'reveal-output', path: '/etc/passwd' }), { type: 'reveal-output' });
  for (const bad of [null, 'ready', [], { type: 'run-command', command: 'rm' }, { kind: 'ready' }]) {
    assert.equal(parseCompressReportFromWebview(bad), undefined, JSON.stringify(bad));
  }
});
