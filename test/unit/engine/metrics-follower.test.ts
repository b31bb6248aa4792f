/** Following a trial's metrics.jsonl as the engine appends to it, torn reads and bad lines included. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MetricsFollower } from '../../../src/engine/watch/metrics-follower';
import { tempDir } from '../../helpers/temp-dir';

const line = (step: number, metrics: Record<string, unknown>): string => JSON.stringify({ step, metrics }) + '\n';

test('a missing file reads as nothing yet; appended lines are read once, in order', (t) => {
  const file = path.join(tempDir(t), 'metrics.jsonl');
  const follower = new MetricsFollower(file);
  assert.equal(follower.readNew().points.size, 0);
  fs.writeFileSync(file, line(0, { loss: 1, acc: 0.5 }) + line(1, { loss: 0.5 }));
  assert.deepEqual([...follower.readNew().points], [['loss', [[0, 1], [1, 0.5]]], ['acc', [[0, 0.5]]]]);
  assert.equal(follower.readNew().points.size, 0, 'nothing new');
  fs.appendFileSync(file, line(2, { loss: 0.25 }));
  assert.deepEqual([...follower.readNew().points], [['loss', [[2, 0.25]]]]);
});

test('a line cut mid-write waits for its newline; a cut inside a UTF-8 character decodes whole', (t) => {
  const file = path.join(tempDir(t), 'metrics.jsonl');
  const follower = new MetricsFollower(file);
  const bytes = Buffer.from(line(0, { 'σ-loss': 0.5 }));
  const cut = bytes.indexOf(0xcf) + 1; // between σ's two bytes
  fs.writeFileSync(file, bytes.subarray(0, cut));
  assert.equal(follower.readNew().points.size, 0);
  fs.appendFileSync(file, bytes.subarray(cut, bytes.length - 1));
  assert.equal(follower.readNew().points.size, 0, 'still no newline');
  fs.appendFileSync(file, '\n');
  assert.deepEqual([...follower.readNew().points], [['σ-loss', [[0, 0.5]]]]);
});

test('malformed lines are counted and skipped; NaN and infinite values are left out', (t) => {
  const file = path.join(tempDir(t), 'metrics.jsonl');
  fs.writeFileSync(
    file,
    'not json\n' + '[1,2]\n' + line(-1, { loss: 1 }) + line(1.5, { loss: 1 }) + JSON.stringify({ step: 2, metrics: [1] }) + '\n' + line(3, { loss: 'NaN', acc: 'Infinity', f1: 0.7, name: 'x' }) + '\n',
  );
  const read = new MetricsFollower(file).readNew();
  assert.equal(read.skipped, 5);
  assert.deepEqual([...read.points], [['f1', [[3, 0.7]]]]);
});

test('a file replaced by a shorter one is read again from the start', (t) => {
  const file = path.join(tempDir(t), 'metrics.jsonl');
  const follower = new MetricsFollower(file);
  fs.writeFileSync(file, line(0, { loss: 1 }) + line(1, { loss: 0.9 }));
  follower.readNew();
  fs.writeFileSync(file, line(0, { loss: 2 }));
  assert.deepEqual([...follower.readNew().points], [['loss', [[0, 2]]]]);
});
