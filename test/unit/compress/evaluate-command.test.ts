import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateArgv, metricFromOutput } from '../../../src/compress/evaluate-command';

test('{model} is replaced in every argument, also inside one', () => {
  const spec = { command: ['/usr/bin/python3', 'evaluate.py', '--model', '{model}', '--out={model}.json'], metric: 'accuracy' };
  assert.deepEqual(evaluateArgv(spec, '/m/a b.onnx'), ['/usr/bin/python3', 'evaluate.py', '--model', '/m/a b.onnx', '--out=/m/a b.onnx.json']);
});

test('the metric is read the way trial metrics are, the last value winning', () => {
  assert.equal(metricFromOutput('loading\naccuracy=0.9722\n', 'accuracy'), 0.9722);
  assert.equal(metricFromOutput('{"accuracy": 0.5, "loss": 1.2}\naccuracy: 0.75\n', 'accuracy'), 0.75);
  assert.equal(metricFromOutput('epoch 3 val_acc=0.91 accuracy=0.93', 'accuracy'), 0.93);
  // A warning line's numbers are not metrics; a different name is not this metric.
  assert.equal(metricFromOutput('UserWarning: accuracy=0.1 is low\nval_accuracy=0.8', 'accuracy'), undefined);
});
