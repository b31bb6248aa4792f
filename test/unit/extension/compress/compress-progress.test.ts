import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompressProgressTracker } from '../../../../src/extension/compress/compress-progress';

test('the bar moves forward through the stages to 100%, and the message names the stage and its percent', () => {
  const tracker = new CompressProgressTracker('quantize');
  const steps = [
    tracker.step({ stage: 'read', done: 1, total: 1 }),
    tracker.step({ stage: 'quantize', done: 1, total: 4 }),
    tracker.step({ stage: 'quantize', done: 4, total: 4 }),
    tracker.step({ stage: 'write', done: 1, total: 1 }),
    tracker.step({ stage: 'verify', done: 5, total: 10 }),
    tracker.step({ stage: 'verify', done: 10, total: 10 }),
    tracker.step({ stage: 'evaluate', done: 1, total: 1 }),
  ];
  assert.deepEqual(steps.map((s) => s.message), [
    'Reading the checkpoint 100%',
    'Quantizing weights 25%',
    'Quantizing weights 100%',
    'Writing the compressed file 100%',
    'Running both models to compare them 50%',
    'Running both models to compare them 100%',
    "Running the study's evaluation 100%",
  ]);
  assert.ok(steps.every((s) => s.increment >= 0));
  const total = steps.reduce((sum, s) => sum + s.increment, 0);
  assert.ok(Math.abs(total - 100) < 1e-9, `the bar ends at ${total}%`);
});

test('a stage reported again with less done never moves the bar back', () => {
  const tracker = new CompressProgressTracker('prune');
  const a = tracker.step({ stage: 'prune', done: 3, total: 4 });
  const b = tracker.step({ stage: 'prune', done: 1, total: 4 });
  assert.ok(a.increment > 0);
  assert.equal(b.increment, 0);
  assert.equal(b.message, 'Pruning weights 25%');
  assert.equal(tracker.step({ stage: 'read', done: 0, total: 0 }).message, 'Reading the checkpoint');
});
