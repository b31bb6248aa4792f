import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialSummary } from '../../../src/protocol/dashboard-messages';
import { bestSoFar, bestTrial } from '../../../webview/shell/best-trial';
import { formatDuration, formatNumber } from '../../../webview/shell/format';

const t = (number: number, value: number | null, state: TrialSummary['state'] = 'complete'): TrialSummary => ({
  number, state, values: value === null ? null : [value, -value], params: {}, intermediate: [], start: null, end: null, gpus: [], host: null, failReason: null,
});
const trials = [t(0, 0.5), t(1, 0.7), t(2, null, 'pruned'), t(3, 0.2), t(4, 0.9), t(5, 0.1, 'running')];

test('the best trial respects the direction and ignores unfinished trials', () => {
  assert.equal(bestTrial(trials, 0, 'minimize')?.number, 3);
  assert.equal(bestTrial(trials, 0, 'maximize')?.number, 4);
  assert.equal(bestTrial(trials, 1, 'maximize')?.number, 3, 'per objective');
  assert.equal(bestTrial([], 0, 'minimize'), undefined);
});

test('best so far steps only where a trial improved on the ones before', () => {
  assert.deepEqual(bestSoFar(trials, 0, 'minimize'), [{ x: 0, y: 0.5 }, { x: 3, y: 0.2 }]);
  assert.deepEqual(bestSoFar(trials, 0, 'maximize'), [{ x: 0, y: 0.5 }, { x: 1, y: 0.7 }, { x: 4, y: 0.9 }]);
});

test('numbers and durations read well', () => {
  assert.equal(formatNumber(0.123456789), '0.12346');
  assert.equal(formatNumber(0.00001234), '1.234e-5');
  assert.equal(formatNumber(64), '64');
  assert.equal(formatNumber(null), '–');
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(12_345), '12.3 s');
  assert.equal(formatDuration(245_000), '4m 05s');
  assert.equal(formatDuration(7_380_000), '2h 03m');
});
