import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FrozenTrial, TrialState } from '../../../../src/core/study/trial';
import { runProgress, statusText, statusTooltip } from '../../../../src/extension/status/status-text';

function trial(number: number, state: TrialState, start: number | null): FrozenTrial {
  return {
    id: number,
    number,
    state,
    params: {},
    distributions: {},
    values: null,
    intermediateValues: new Map(),
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: start === null ? null : new Date(start),
    datetimeComplete: null,
  };
}

test('counts cover the trials of the running engine only, with the target when known', () => {
  const since = 1_000_000;
  const trials = [
    trial(0, 'complete', since - 60_000), // an earlier run
    trial(1, 'fail', since - 50_000),
    ...Array.from({ length: 8 }, (_, i) => trial(2 + i, 'complete', since + i * 1000)),
    trial(10, 'pruned', since + 20_000),
    trial(11, 'pruned', since + 21_000),
    trial(12, 'pruned', since + 22_000),
    trial(13, 'fail', since + 23_000),
    trial(14, 'running', since + 24_000),
    trial(15, 'running', since + 25_000),
    trial(16, 'waiting', null),
  ];
  const progress = runProgress('digits-train', trials, since, 0.21345, 30);
  assert.deepEqual(progress, { studyName: 'digits-train', done: 12, target: 30, running: 2, pruned: 3, failed: 1, best: 0.21345 });
  assert.equal(statusText(progress), '$(sync~spin) Tunekit: 12/30 · 2 running · 3 pruned · 1 failed · best 0.21345');
});

test('without a target or a best value the text says what it knows', () => {
  const progress = runProgress('s', [trial(0, 'running', 5000)], 5000, undefined);
  assert.equal(statusText(progress), '$(sync~spin) Tunekit: 0 done · 1 running');
  assert.equal(statusText(progress, 2), '$(sync~spin) Tunekit: 0 done · 1 running (+2 more)');
  assert.match(statusTooltip([progress]), /^s: 0 done · 1 running\nClick to open the dashboard$/);
});
