import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialSummary } from '../../../src/protocol/dashboard-messages';
import { compileFilter, matchesState } from '../../../webview/table/trial-filter';

const t = (number: number, params: TrialSummary['params'], state: TrialSummary['state'] = 'complete', value: number | null = 0.5): TrialSummary => ({
  number, state, values: value === null ? null : [value], params, intermediate: [], start: null, end: null, gpus: [], host: null, failReason: null,
});

const trials = [
  t(0, { lr: 0.01, optimizer: 'adam', batch_size: 32 }, 'complete', 0.2),
  t(1, { lr: 0.0001, optimizer: 'sgd', batch_size: 64 }, 'pruned', null),
  t(2, { lr: 0.05, optimizer: 'adamw', batch_size: 64 }, 'complete', 0.4),
  t(3, { lr: 0.002, optimizer: 'SGD', nested: { a: 1 } }, 'fail', null),
];
const names = ['lr', 'optimizer', 'batch_size', 'nested'];
const run = (text: string): number[] => trials.filter(compileFilter(text, names, ['val_loss'])).map((x) => x.number);

test('comparisons on parameters, numeric when both sides are numbers', () => {
  assert.deepEqual(run('lr>0.005'), [0, 2]);
  assert.deepEqual(run('lr<=0.002'), [1, 3]);
  assert.deepEqual(run('lr<0.002'), [1], 'strict bounds are strict');
  assert.deepEqual(run('lr>=0.05'), [2]);
  assert.deepEqual(run('batch_size=64'), [1, 2]);
  assert.deepEqual(run('batch_size!=64'), [0, 3], 'a trial without the parameter is "not equal"');
  assert.deepEqual(run('LR>0.005 batch_size=64'), [2], 'names are case-insensitive; every word must match');
});

test('strings compare case-insensitively; ":" means contains', () => {
  assert.deepEqual(run('optimizer=sgd'), [1, 3]);
  assert.deepEqual(run('optimizer:adam'), [0, 2]);
  assert.deepEqual(run('optimizer>abc'), [], 'ordering strings matches nothing');
});

test('value, objective names, state and trial number', () => {
  assert.deepEqual(run('value<0.3'), [0]);
  assert.deepEqual(run('val_loss>=0.2'), [0, 2]);
  assert.deepEqual(run('state=pruned'), [1]);
  assert.deepEqual(run('#>=2'), [2, 3]);
});

test('plain words and unknown names match the parameters as text', () => {
  assert.deepEqual(run('adamw'), [2]);
  assert.deepEqual(run('batch_size=6'), [], 'a known name compares exactly');
  assert.deepEqual(run('momentum=0.9'), [], 'an unknown name is text, found nowhere');
  assert.deepEqual(run('"a":1'), [3]);
  assert.deepEqual(run('   '), [0, 1, 2, 3]);
});

test('state filter', () => {
  assert.equal(matchesState(trials[1] as TrialSummary, 'pruned'), true);
  assert.equal(matchesState(trials[1] as TrialSummary, 'complete'), false);
  assert.equal(matchesState(trials[1] as TrialSummary, 'all'), true);
});
