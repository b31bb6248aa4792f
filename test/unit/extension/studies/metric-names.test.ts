import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { guessDirection, guessMetricNames } from '../../../../src/extension/studies/metric-names';

const REPO = path.resolve(import.meta.dirname, '../../../..');
const names = (text: string): string[] => guessMetricNames(text).map((g) => g.name);

test('the digits example reports through tunekit.report: validation metrics come first', () => {
  const text = fs.readFileSync(path.join(REPO, 'examples/digits/train.py'), 'utf8');
  const guesses = guessMetricNames(text);
  assert.deepEqual(guesses.map((g) => g.name), ['val_loss', 'val_acc', 'train_loss']);
  assert.equal(guesses[0]?.source, 'tunekit.report');
});

test('the quickstart prints plain key=value lines', () => {
  const text = fs.readFileSync(path.join(REPO, 'examples/quickstart/train.py'), 'utf8');
  assert.equal(names(text)[0], 'val_loss');
});

test('f-strings, %-formatting and colons are read; counters and timers are not objectives', () => {
  const text = [
    'print(f"epoch={epoch} step={step} loss={loss:.4f} time={t:.1f}s")',
    "print('valid_rmse=%.5f' % rmse)",
    'print("test_acc: {:.3f}".format(acc))',
    'print(f"lr={lr:.2e}")',
    'x = dict(a=1)  # code, not a printed label',
  ].join('\n');
  assert.deepEqual(names(text), ['valid_rmse', 'loss', 'test_acc']);
});

test('keras fit offers the names keras logs', () => {
  assert.deepEqual(names('import tensorflow as tf\nmodel.fit(x, y, validation_split=0.1)\n'), ['val_loss', 'val_accuracy', 'loss', 'accuracy']);
  assert.deepEqual(names('import numpy\nprint("hello")\n'), []);
});

test('directions follow the metric name', () => {
  for (const m of ['val_loss', 'valid_rmse', 'ppl', 'wer', 'train_error']) assert.equal(guessDirection(m), 'minimize', m);
  for (const m of ['val_acc', 'val_accuracy', 'f1', 'val_auc', 'acc1', 'mean_reward']) assert.equal(guessDirection(m), 'maximize', m);
  assert.equal(guessDirection('something'), 'minimize');
});
