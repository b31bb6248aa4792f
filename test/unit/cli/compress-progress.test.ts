import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompressProgress, progressLine } from '../../../src/cli/compress-progress';
import { formatCompressionReport } from '../../../src/cli/compress-report-table';
import type { CompressionReport } from '../../../src/protocol/compression';

function sink(columns = 80): { stream: NodeJS.WritableStream & { columns: number }; text: () => string } {
  let text = '';
  const stream = { columns, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream & { columns: number };
  return { stream, text: () => text };
}

test('the bar: stage, fill, percent, and the step count', () => {
  assert.equal(progressLine({ stage: 'quantize', done: 3, total: 6 }), `quantizing  [${'█'.repeat(12)}${'░'.repeat(12)}]  50%  3/6`);
  assert.equal(progressLine({ stage: 'verify', done: 5, total: 5 }), `verifying   [${'█'.repeat(24)}] 100%  5/5`);
  assert.equal(progressLine({ stage: 'write', done: 1, total: 1 }), `writing     [${'█'.repeat(24)}] 100%`);
  assert.equal(progressLine({ stage: 'read', done: 0, total: 0 }), `reading     [${'░'.repeat(24)}]   0%`);
});

test('on a TTY one line is redrawn in place and cleared at the end', () => {
  const out = sink(30);
  const progress = new CompressProgress(out.stream, 'tty');
  progress.handle({ stage: 'prune', done: 1, total: 4 });
  progress.handle({ stage: 'prune', done: 2, total: 4 });
  progress.finish();
  const parts = out.text().split('\r\x1b[2K');
  assert.equal(parts.length, 4);
  assert.ok(parts.slice(1, 3).every((p) => p.length === 29 && p.startsWith('pruning')), JSON.stringify(parts));
  assert.equal(parts[3], '');
  assert.ok(!out.text().includes('\n'));
});

test('piped: one line per stage; --json: one JSON object per event', () => {
  const plain = sink();
  const p = new CompressProgress(plain.stream, 'plain');
  for (const done of [0, 1, 2]) p.handle({ stage: 'quantize', done, total: 2 });
  p.handle({ stage: 'write', done: 1, total: 1 });
  assert.equal(plain.text(), 'quantizing...\nwriting...\n');
  const json = sink();
  new CompressProgress(json.stream, 'json').handle({ stage: 'verify', done: 1, total: 5 });
  assert.deepEqual(JSON.parse(json.text()), { type: 'progress', progress: { stage: 'verify', done: 1, total: 5 } });
});

test('the report table shows before / after / change, and the metric of an evaluation command', () => {
  const report: CompressionReport = {
    format: 'onnx',
    method: { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 },
    before: { path: '/m/model.onnx', bytes: 4 * 1024 * 1024, params: 1000, zeros: 0, latency: { medianMs: 2, p90Ms: 3, runs: 20 } },
    after: { path: '/m/model.pruned50.onnx', bytes: 4 * 1024 * 1024, params: 1000, zeros: 500, latency: { medianMs: 1, p90Ms: 1.5, runs: 20 } },
    layers: [{ name: 'fc1.weight', op: 'MatMul', shape: [10, 100], params: 1000, sparsityBefore: 0, sparsityAfter: 0.5, dtypeBefore: 'float32', dtypeAfter: 'float32' }],
    agreement: { samples: 32, inputsFrom: 'generated', maxAbsDiff: 0.25, meanAbsDiff: 0.0123456, top1Agreement: 0.96875 },
    accuracy: { source: 'eval-command', metric: 'val_loss', before: 0.31, after: 0.35 },
    warnings: ['something to know'],
    durationMs: 1234,
  };
  const text = formatCompressionReport(report);
  assert.match(text, /^50% global magnitude pruning of onnx checkpoint \/m\/model\.onnx$/m);
  assert.match(text, /^file size\s+4\.0 MiB\s+4\.0 MiB\s+same size$/m);
  assert.match(text, /^sparsity\s+0\.0%\s+50\.0%\s+\+50\.0 pts$/m);
  assert.match(text, /^ {2}of the 1 pruned tensors\s+0\.0%\s+50\.0%\s+\+50\.0 pts$/m);
  assert.match(text, /^latency \(median of 20\)\s+2\.00 ms\s+1\.00 ms\s+2\.00x speed$/m);
  assert.match(text, /^top-1 agreement\s+96\.9%$/m);
  // Not an accuracy: shown as numbers, not percentages.
  assert.match(text, /^val_loss \(evaluate command\)\s+0\.31\s+0\.35\s+\+0\.04$/m);
  assert.match(text, /^fc1\.weight\s+MatMul\s+\[10, 100\]\s+0\.0% -> 50\.0%\s+float32$/m);
  assert.match(text, /^warning: something to know$/m);
});
