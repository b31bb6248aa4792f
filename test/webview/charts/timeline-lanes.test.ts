import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialSummary } from '../../../src/protocol/dashboard-messages';
import { layoutTimeline } from '../../../webview/charts/timeline-lanes';

const t = (number: number, start: number | null, end: number | null, patch: Partial<TrialSummary> = {}): TrialSummary => ({
  number, state: end === null ? 'running' : 'complete', values: null, params: {}, intermediate: [], start, end, gpus: [], host: null, failReason: null, ...patch,
});

test('packs CPU trials into as few worker rows as their overlaps need', () => {
  const layout = layoutTimeline([t(0, 0, 10), t(1, 2, 6), t(2, 6, 12), t(3, 10, 14), t(4, 11, 13)], 100);
  assert.deepEqual(layout.lanes, ['worker 1', 'worker 2', 'worker 3']);
  assert.deepEqual(layout.bars.map((b) => [b.trial, b.lane]), [[0, 0], [1, 1], [2, 1], [3, 0], [4, 2]]);
  assert.equal(layout.origin, 0);
});

test('one row per GPU, a multi-GPU trial in each of its rows; running trials end now', () => {
  const layout = layoutTimeline([t(0, 5, 10, { gpus: [1] }), t(1, 6, null, { gpus: [0, 1] }), t(2, null, null, { state: 'waiting' })], 50);
  assert.deepEqual(layout.lanes, ['GPU 0', 'GPU 1']);
  assert.deepEqual(layout.bars.map((b) => [b.trial, layout.lanes[b.lane], b.end]), [[0, 'GPU 1', 10], [1, 'GPU 0', 50], [1, 'GPU 1', 50]]);
  assert.equal(layout.origin, 5);
});

test('rows name the host when trials ran on several', () => {
  const layout = layoutTimeline([t(0, 0, 5, { host: 'a', gpus: [0] }), t(1, 0, 5, { host: 'b', gpus: [0] }), t(2, 0, 5, { host: 'b' })], 10);
  assert.deepEqual(layout.lanes, ['a GPU 0', 'b GPU 0', 'b worker 1']);
});

test('an empty study has no rows', () => {
  assert.deepEqual(layoutTimeline([], 10), { lanes: [], bars: [], origin: 10 });
});
