import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialSummary } from '../../../src/protocol/dashboard-messages';
import { sortTrials } from '../../../webview/table/trial-sort';

const t = (number: number, patch: Partial<TrialSummary>): TrialSummary => ({
  number, state: 'complete', values: null, params: {}, intermediate: [], start: null, end: null, gpus: [], host: null, failReason: null, ...patch,
});

const trials = [
  t(0, { values: [0.3], params: { lr: 0.1, opt: 'sgd' }, start: 0, end: 5000 }),
  t(1, { values: null, state: 'running', params: { lr: 0.01 }, start: 1000 }),
  t(2, { values: [0.1], params: { lr: 0.01, opt: 'adam' }, start: 0, end: 1000 }),
  t(3, { values: [0.3], state: 'pruned', params: { lr: 0.5, opt: 'adamw' } }),
];
const order = (key: string, descending = false, now = 10_000): number[] => sortTrials(trials, { key, descending }, now).map((x) => x.number);

test('sorts by value with missing values last in both directions and ties by number', () => {
  assert.deepEqual(order('value:0'), [2, 0, 3, 1]);
  assert.deepEqual(order('value:0', true), [0, 3, 2, 1]);
});

test('sorts by a parameter, numbers and strings, missing last', () => {
  assert.deepEqual(order('param:lr'), [1, 2, 0, 3]);
  assert.deepEqual(order('param:opt'), [2, 3, 0, 1]);
  assert.deepEqual(order('param:opt', true), [0, 3, 2, 1]);
});

test('sorts by duration, running trials counting up to now', () => {
  assert.deepEqual(order('duration'), [2, 0, 1, 3]);
  assert.deepEqual(order('duration', false, 2000), [1, 2, 0, 3]);
});

test('sorts by state and number', () => {
  assert.deepEqual(order('state'), [1, 0, 2, 3]);
  assert.deepEqual(order('number', true), [3, 2, 1, 0]);
});
