/** Live deltas coalesced to at most ten messages a second, merged without losing or repeating a point. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricPoints, TrialSummary } from '../../../../src/protocol/dashboard-messages';
import type { UpdateMessage } from '../../../../src/extension/dashboard/update-batcher';
import { UpdateBatcher, chunkMetrics } from '../../../../src/extension/dashboard/update-batcher';

const summary = (number: number, state: TrialSummary['state'], steps = 0): TrialSummary => ({
  number,
  state,
  values: null,
  params: {},
  intermediate: Array.from({ length: steps }, (_, i) => [i, 1 / (i + 1)] as const),
  start: null,
  end: null,
  gpus: [],
  host: null,
  failReason: null,
});
const points = (trial: number, metric: string, from: number, to: number): MetricPoints => ({
  trial,
  metric,
  points: Array.from({ length: to - from }, (_, i) => [from + i, from + i] as const),
});
const update = (trials: TrialSummary[], metrics: MetricPoints[], running = true): UpdateMessage => ({ type: 'update', trials, running, metrics });

test('the first delta goes out at once; a burst after it becomes one merged message', async () => {
  const posted: UpdateMessage[] = [];
  const batcher = new UpdateBatcher((m) => posted.push(m), 50);
  batcher.push(update([summary(0, 'running', 1)], [points(0, 'loss', 0, 1)]));
  assert.equal(posted.length, 1, 'no delay for a lone change');
  for (let step = 1; step < 200; step++) batcher.push(update([summary(0, 'running', step + 1)], [points(0, 'loss', step, step + 1), points(1, 'acc', step, step + 1)]));
  batcher.push(update([summary(1, 'complete')], [], false));
  assert.equal(posted.length, 1, 'the burst waits for the interval');
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(posted.length, 2, 'one message for the whole burst');
  const merged = posted[1]!;
  assert.deepEqual(merged.trials.map((t) => [t.number, t.state, t.intermediate.length]), [[0, 'running', 200], [1, 'complete', 0]], 'latest summary per trial');
  assert.equal(merged.running, false, 'the latest running flag');
  const loss = merged.metrics.find((m) => m.trial === 0 && m.metric === 'loss')!;
  assert.deepEqual(loss.points.map((p) => p[0]), Array.from({ length: 199 }, (_, i) => i + 1), 'every point once, in order');
  assert.equal(merged.metrics.find((m) => m.trial === 1)!.points.length, 199);
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(posted.length, 2, 'nothing pending, nothing posted');
  batcher.push(update([summary(2, 'running')], []));
  assert.equal(posted.length, 3, 'after a quiet spell, immediate again');
  batcher.dispose();
});

test('discard drops what is pending (the view gets the whole study instead); dispose stops everything', async () => {
  const posted: UpdateMessage[] = [];
  const batcher = new UpdateBatcher((m) => posted.push(m), 30);
  batcher.push(update([summary(0, 'running')], []));
  batcher.push(update([summary(0, 'complete')], []));
  batcher.discard();
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(posted.length, 1);
  batcher.dispose();
  batcher.push(update([summary(1, 'running')], []));
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(posted.length, 1);
});

test('chunkMetrics splits a backlog into bounded messages, a long series across several, in order', () => {
  const backlog = [points(0, 'loss', 0, 7), points(1, 'loss', 0, 2), points(2, 'acc', 0, 5)];
  const chunks = chunkMetrics(backlog, 4);
  for (const chunk of chunks) assert.ok(chunk.reduce((n, m) => n + m.points.length, 0) <= 4);
  assert.equal(chunks.length, 4);
  const rejoined = new Map<string, number[]>();
  for (const m of chunks.flat()) rejoined.set(`${m.trial}/${m.metric}`, [...(rejoined.get(`${m.trial}/${m.metric}`) ?? []), ...m.points.map((p) => p[0])]);
  assert.deepEqual([...rejoined], [['0/loss', [0, 1, 2, 3, 4, 5, 6]], ['1/loss', [0, 1]], ['2/acc', [0, 1, 2, 3, 4]]]);
  assert.deepEqual(chunkMetrics([]), []);
});
