import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrialMessage } from '../../../src/protocol/trial-protocol';
import { MetricTracker } from '../../../src/engine/metrics/metric-tracker';
import { parseMetricLine } from '../../../src/engine/metrics/metric-line-parser';

const report = (step: number | null, metrics: Record<string, number>): TrialMessage => ({ kind: 'report', step, metrics });

function feed(tracker: MetricTracker, lines: readonly string[]): void {
  for (const line of lines) {
    const message = parseMetricLine(line);
    if (message !== null) tracker.record(message);
  }
}

describe('MetricTracker', () => {
  test('last vs best for a minimized objective', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    feed(tracker, ['epoch 0 loss=0.9', 'epoch 1 loss=0.4', 'epoch 2 loss=0.6']);
    assert.deepEqual(tracker.finalValue('last', 'minimize'), { kind: 'value', objective: 'loss', value: 0.6, step: 2, source: 'last' });
    assert.deepEqual(tracker.finalValue('best', 'minimize'), { kind: 'value', objective: 'loss', value: 0.4, step: 1, source: 'best' });
  });

  test('best follows the direction when maximizing', () => {
    const tracker = new MetricTracker({ objective: 'val_acc' });
    feed(tracker, ['epoch 0 val_acc: 0.80', 'epoch 1 val_acc: 0.93', 'epoch 2 val_acc: 0.91']);
    const best = tracker.finalValue('best', 'maximize');
    assert.equal(best.kind, 'value');
    assert.equal(best.kind === 'value' && best.value, 0.93);
    assert.equal(best.kind === 'value' && best.step, 1);
  });

  test('an explicit final report wins over the series in both modes', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    tracker.record(report(0, { loss: 0.1 }));
    tracker.record(report(1, { loss: 0.5 }));
    tracker.record({ kind: 'final', metrics: { loss: 0.3 } });
    for (const mode of ['last', 'best'] as const) {
      assert.deepEqual(tracker.finalValue(mode, 'minimize'), { kind: 'value', objective: 'loss', value: 0.3, step: null, source: 'final' });
    }
    assert.deepEqual(tracker.finalMetrics(), { loss: 0.3 });
  });

  test('a final report without the objective leaves the series in charge', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    tracker.record(report(0, { loss: 0.2 }));
    tracker.record({ kind: 'final', metrics: { test_acc: 0.9 } });
    assert.equal(tracker.finalValue('last', 'minimize').kind, 'value');
  });

  test('NaN as the last value fails with the step in the reason', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    feed(tracker, ['step 0 loss=0.9', 'step 1 loss=0.5', 'step 2 loss=0.4', 'step 3 loss=0.7', 'step 4 loss=nan']);
    const outcome = tracker.finalValue('last', 'minimize');
    assert.equal(outcome.kind, 'non-finite');
    assert.equal(outcome.kind === 'non-finite' && outcome.reason, 'objective "loss" was NaN at step 4');
  });

  test('best skips NaN and infinities, and fails only when no value was finite', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    tracker.record(report(0, { loss: 0.9 }));
    tracker.record(report(1, { loss: -Infinity }));
    tracker.record(report(2, { loss: NaN }));
    assert.deepEqual(tracker.finalValue('best', 'minimize'), { kind: 'value', objective: 'loss', value: 0.9, step: 0, source: 'best' });

    const diverged = new MetricTracker({ objective: 'loss' });
    diverged.record(report(0, { loss: Infinity }));
    diverged.record(report(1, { loss: NaN }));
    const outcome = diverged.finalValue('best', 'minimize');
    assert.equal(outcome.kind, 'non-finite');
    assert.match(outcome.kind === 'non-finite' ? outcome.reason : '', /^objective "loss" never had a finite value \(it was NaN at step 1\)$/);
  });

  test('infinite objective values are reported as inf / -inf', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    tracker.record(report(7, { loss: Infinity }));
    const last = tracker.finalValue('last', 'minimize');
    assert.equal(last.kind === 'non-finite' && last.reason, 'objective "loss" was inf at step 7');
    tracker.record({ kind: 'final', metrics: { loss: -Infinity } });
    const final = tracker.finalValue('last', 'minimize');
    assert.equal(final.kind === 'non-finite' && final.reason, 'objective "loss" was -inf in the final report');
  });

  test('a missing objective lists the metrics that were seen', () => {
    const tracker = new MetricTracker({ objective: 'val_acc' });
    feed(tracker, ['epoch 0 loss=0.5 acc=0.8', 'epoch 1 loss=0.4 acc=0.85']);
    const outcome = tracker.finalValue('last', 'maximize');
    assert.equal(outcome.kind, 'missing');
    assert.equal(outcome.kind === 'missing' && outcome.reason, 'objective "val_acc" was never reported; metrics seen: loss, acc');
    assert.deepEqual(outcome.kind === 'missing' && outcome.metricsSeen, ['loss', 'acc']);
  });

  test('with no metrics at all the reason says how to report one', () => {
    const outcome = new MetricTracker({ objective: 'loss' }).finalValue('last', 'minimize');
    assert.equal(outcome.kind, 'missing');
    assert.match(outcome.kind === 'missing' ? outcome.reason : '', /^objective "loss" was never reported; no metrics were seen/);
  });

  test('names are case-sensitive, and a near miss is pointed out', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    feed(tracker, ['Train Epoch: 1 [640/60000 (1%)]\tLoss: 1.62']);
    const outcome = tracker.finalValue('last', 'minimize');
    assert.equal(outcome.kind, 'missing');
    assert.match(outcome.kind === 'missing' ? outcome.reason : '', /did you mean "Loss"\?/);
  });

  test('steps are numbered 0, 1, 2 per objective report when lines carry none', () => {
    const tracker = new MetricTracker({ objective: 'val_loss' });
    const results = [
      tracker.record(report(null, { train_loss: 0.9 })),
      tracker.record(report(null, { val_loss: 1.0 })),
      tracker.record(report(null, { train_loss: 0.7 })),
      tracker.record(report(null, { val_loss: 0.8 })),
      tracker.record(report(null, { val_loss: 0.6, train_loss: 0.5 })),
    ];
    assert.deepEqual(
      results.map((r) => r.step),
      [0, 0, 1, 1, 2],
    );
    assert.deepEqual(results[1]?.objective, { step: 0, value: 1.0 });
    assert.equal(results[0]?.objective, null);
    assert.deepEqual([...tracker.objectiveSeries()], [[0, 1.0], [1, 0.8], [2, 0.6]]);
    assert.deepEqual([...(tracker.series('train_loss') ?? [])], [[0, 0.9], [1, 0.7], [2, 0.5]]);
  });

  test('automatic steps continue after explicit ones', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    tracker.record(report(5, { loss: 1 }));
    assert.deepEqual(tracker.record(report(null, { loss: 0.5 })).objective, { step: 6, value: 0.5 });
  });

  test('a repeated step keeps the last value (per-batch running averages)', () => {
    const tracker = new MetricTracker({ objective: 'Loss' });
    feed(tracker, [
      'Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.30',
      'Train Epoch: 1 [640/60000 (1%)]\tLoss: 1.62',
      'Train Epoch: 2 [0/60000 (0%)]\tLoss: 0.40',
      'Train Epoch: 2 [640/60000 (1%)]\tLoss: 0.35',
    ]);
    assert.deepEqual([...tracker.objectiveSeries()], [[1, 1.62], [2, 0.35]]);
  });

  test('a pruned message is recorded', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    assert.equal(tracker.prunedAt, null);
    const result = tracker.record({ kind: 'pruned', step: 3 });
    assert.equal(result.pruned, true);
    assert.deepEqual(tracker.prunedAt, { step: 3 });
  });

  test('finalValue can be asked for another metric (multi-objective)', () => {
    const tracker = new MetricTracker({ objective: 'loss' });
    tracker.record(report(0, { loss: 0.5, latency_ms: 12 }));
    tracker.record(report(1, { loss: 0.4, latency_ms: 10 }));
    const latency = tracker.finalValue('best', 'minimize', 'latency_ms');
    assert.equal(latency.kind === 'value' && latency.value, 10);
  });

  test('series and metric-name caps bound memory; last and best still track', () => {
    const tracker = new MetricTracker({ objective: 'loss', maxPointsPerSeries: 10, maxSeries: 2 });
    for (let step = 0; step < 100; step++) tracker.record(report(step, { loss: 100 - step, acc: step, extra: step }));
    assert.equal(tracker.series('loss')?.size, 10);
    assert.equal(tracker.series('extra'), undefined);
    assert.deepEqual(tracker.metricNames(), ['loss', 'acc']);
    assert.deepEqual(tracker.finalValue('last', 'minimize'), { kind: 'value', objective: 'loss', value: 1, step: 99, source: 'last' });
    assert.deepEqual(tracker.finalValue('best', 'minimize'), { kind: 'value', objective: 'loss', value: 1, step: 99, source: 'best' });
  });

  test('an empty objective name is refused', () => {
    assert.throws(() => new MetricTracker({ objective: '' }), /objective metric name/);
  });
});
