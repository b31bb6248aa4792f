/**
 * The helper's stdout is untrusted (it runs with the user's interpreter and their model code):
 * lines are accepted only when they match the protocol exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HELPER_PREFIX,
  HelperProtocolError,
  parseHelperLine,
  validateCompressResult,
  validateRunResult,
} from '../../../../src/compress/pytorch/torch-helper-messages';

const line = (o: unknown): string => HELPER_PREFIX + JSON.stringify(o);

const layer = { name: '0.weight', op: 'Linear', shape: [4, 8], params: 32, sparsityBefore: 0, sparsityAfter: 0.5, dtypeBefore: 'float32', dtypeAfter: 'float32' };
const compressResult = {
  kind: 'result',
  op: 'prune',
  checkpoint: { kind: 'module', container: null, className: 'Sequential' },
  layers: [layer],
  before: { params: 36, zeros: 0 },
  after: { params: 36, zeros: 16 },
  warnings: [],
  output: '/tmp/x.pt',
  bytes: 1234,
};

test('lines without the prefix are a model\'s own output and ignored; the trial prefix is not ours', () => {
  assert.equal(parseHelperLine('epoch 1 loss=0.3'), undefined);
  assert.equal(parseHelperLine('@@tunekit {"kind":"report","step":1,"metrics":{}}'), undefined);
});

test('progress, error and result lines parse; an unknown stage, reason or kind is a protocol error', () => {
  assert.deepEqual(parseHelperLine(line({ kind: 'progress', stage: 'prune', done: 2, total: 3 })), { kind: 'progress', progress: { stage: 'prune', done: 2, total: 3 } });
  assert.deepEqual(parseHelperLine(line({ kind: 'error', reason: 'corrupt', message: 'bad', detail: 'Traceback' })), {
    kind: 'error',
    reason: 'corrupt',
    message: 'bad',
    detail: 'Traceback',
  });
  assert.throws(() => parseHelperLine(line({ kind: 'progress', stage: 'dance', done: 0, total: 1 })), HelperProtocolError);
  assert.throws(() => parseHelperLine(line({ kind: 'progress', stage: 'read', done: 2, total: 1 })), /done/);
  assert.throws(() => parseHelperLine(line({ kind: 'error', reason: 'sad', message: 'x' })), /reason/);
  assert.throws(() => parseHelperLine(line({ kind: 'hello' })), /unknown kind/);
  assert.throws(() => parseHelperLine(HELPER_PREFIX + '{"kind":'), /not JSON/);
});

test('a compress result is accepted only with well-formed layers and counts', () => {
  const parsed = parseHelperLine(line(compressResult));
  assert.ok(parsed?.kind === 'result');
  const result = validateCompressResult(parsed.result, 'prune');
  assert.deepEqual(result.layers, [layer]);
  assert.deepEqual(result.after, { params: 36, zeros: 16 });
  assert.throws(() => validateCompressResult(parsed.result, 'quantize'), /op is not quantize/);
  assert.throws(() => validateCompressResult({ ...compressResult, layers: [{ ...layer, sparsityAfter: 1.5 }] }, 'prune'), /layers\[0\]\.sparsityAfter/);
  assert.throws(() => validateCompressResult({ ...compressResult, after: { params: 36, zeros: 40 } }, 'prune'), /after\.zeros/);
  assert.throws(() => validateCompressResult({ ...compressResult, checkpoint: { kind: 'keras', container: null, className: null } }, 'prune'), /checkpoint\.kind/);
});

test('a run result: NaN (sent as null by the helper) is refused, optional figures stay optional', () => {
  const run = {
    op: 'run',
    samples: 8,
    inputsFrom: 'generated',
    outputShape: [8, 10],
    maxAbsDiff: 0.01,
    meanAbsDiff: 0.001,
    top1Agreement: null,
    accuracy: null,
    latencyBefore: { medianMs: 1, p90Ms: 2, runs: 5 },
    latencyAfter: { medianMs: 0.5, p90Ms: 1, runs: 5 },
    threads: 1,
    warnings: [],
  };
  assert.equal(validateRunResult(run).top1Agreement, null);
  assert.deepEqual(validateRunResult({ ...run, accuracy: { before: 0.97, after: 0.96 } }).accuracy, { before: 0.97, after: 0.96 });
  assert.throws(() => validateRunResult({ ...run, maxAbsDiff: null }), /maxAbsDiff/);
  assert.throws(() => validateRunResult({ ...run, latencyAfter: { medianMs: 1, p90Ms: 1, runs: 0 } }), /latencyAfter\.runs/);
});
