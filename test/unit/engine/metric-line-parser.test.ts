import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TrialMessage } from '../../../src/protocol/trial-protocol';
import { REPORT_PREFIX } from '../../../src/protocol/trial-protocol';
import { MAX_LINE_CHARS, MAX_METRICS_PER_LINE, parseMetricLine } from '../../../src/engine/metrics/metric-line-parser';

const report = (step: number | null, metrics: Record<string, number>): TrialMessage => ({ kind: 'report', step, metrics });

/** Lines as real frameworks print them, with what a user would expect Tunekit to read. */
const CORPUS: ReadonlyArray<readonly [string, string, TrialMessage | null]> = [
  // Hand-written prints, the zero-code-change case.
  ['key=value and key: value', 'epoch 3 loss=0.21 val_acc: 0.93', report(3, { loss: 0.21, val_acc: 0.93 })],
  ['bracketed epoch, comma list', '[epoch 2] train_loss=0.5, val_loss=0.6', report(2, { train_loss: 0.5, val_loss: 0.6 })],
  ['print("loss", x)', 'loss 0.5', report(null, { loss: 0.5 })],
  ['print("epoch", e, "loss", l)', 'epoch 4 loss 0.125', report(4, { loss: 0.125 })],
  ['pipe-separated bare pairs', 'step 100 | loss 2.31 | lr 3e-4', report(100, { loss: 2.31, lr: 3e-4 })],
  ['scientific and negative values', 'step=7 lr=1e-3 delta=-0.5 tiny=2.5E-10', report(7, { lr: 1e-3, delta: -0.5, tiny: 2.5e-10 })],
  ['non-finite values', 'epoch 1 loss=nan grad=inf margin=-inf other=NaN', report(1, { loss: NaN, grad: Infinity, margin: -Infinity, other: NaN })],
  ['percent unit', 'epoch 2 acc: 93.5%', report(2, { acc: 93.5 })],
  ['step wins over epoch', 'epoch 2 step 340 loss=0.3', report(340, { loss: 0.3 })],
  ['epoch=N form', 'epoch=3 loss=0.2', report(3, { loss: 0.2 })],
  ['slash names', 'train/loss=0.4 val/loss=0.5', report(null, { 'train/loss': 0.4, 'val/loss': 0.5 })],
  ['bare print of a tensor', "loss: tensor(0.2100, device='cuda:0', grad_fn=<NllLossBackward0>)", report(null, { loss: 0.21 })],
  ['numpy 2 scalar repr', "{'loss': np.float64(0.25), 'epoch': 3}", report(3, { loss: 0.25 })],
  ['words not followed by numbers are ignored', 'Validation done: accuracy = 0.91 (best so far)', report(null, { accuracy: 0.91 })],
  ['ANSI colours', '\x1b[32mepoch 5\x1b[0m loss=\x1b[1m0.11\x1b[0m', report(5, { loss: 0.11 })],
  ['CRLF ending', 'epoch 1 loss=0.5\r\n', report(1, { loss: 0.5 })],

  // PyTorch examples/mnist.
  ['pytorch mnist train', 'Train Epoch: 1 [640/60000 (1%)]\tLoss: 1.624541', report(1, { Loss: 1.624541 })],
  ['pytorch mnist test', 'Test set: Average loss: 0.0339, Accuracy: 9889/10000 (99%)', report(null, { loss: 0.0339 })],

  // Keras.
  ['keras simplified', 'Epoch 3/10 - loss: 0.2100 - accuracy: 0.9300', report(3, { loss: 0.21, accuracy: 0.93 })],
  ['keras epoch header alone', 'Epoch 3/10', null],
  [
    'keras 2 finished bar',
    '1875/1875 [==============================] - 3s 2ms/step - loss: 0.2100 - accuracy: 0.9300 - val_loss: 0.1500 - val_accuracy: 0.9550',
    report(null, { loss: 0.21, accuracy: 0.93, val_loss: 0.15, val_accuracy: 0.955 }),
  ],
  ['keras 3 finished bar', '1875/1875 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.9300 - loss: 0.2100', report(null, { accuracy: 0.93, loss: 0.21 })],
  ['keras verbose=2', '1875/1875 - 3s - loss: 0.2100 - accuracy: 0.9300 - 3s/epoch - 2ms/step', report(null, { loss: 0.21, accuracy: 0.93 })],
  ['keras unfinished bar', '  32/1875 [>.............................] - ETA: 5s - loss: 1.2000', null],
  ['keras 3 unfinished bar', ' 512/1875 ━━━━━━━━━━━━━━━━━━━━ 1s 1ms/step - accuracy: 0.8512 - loss: 0.5123', null],

  // Hugging Face Trainer prints Python dict reprs; a fractional epoch is progress, not a step.
  [
    'hf trainer train log',
    "{'loss': 0.6931, 'grad_norm': 1.2345, 'learning_rate': 4.8e-05, 'epoch': 0.04}",
    report(null, { loss: 0.6931, grad_norm: 1.2345, learning_rate: 4.8e-5 }),
  ],
  ['hf trainer eval log', "{'eval_loss': 0.5, 'eval_accuracy': 0.9, 'eval_runtime': 1.2, 'epoch': 1.0}", report(1, { eval_loss: 0.5, eval_accuracy: 0.9, eval_runtime: 1.2 })],

  // Lightning, tqdm: running averages inside redrawn bars.
  ['lightning bar', 'Epoch 1:  45%|████▌     | 45/100 [00:02<00:00, 20.1it/s, v_num=0, train_loss=0.512]', null],
  ['tqdm bar', '100%|██████████| 469/469 [00:08<00:00, 55.83it/s]', null],
  ['tqdm slow bar', ' 10%|█         | 1/10 [00:03<00:27,  3.02s/it, loss=2.1]', null],
  ['bar redrawn with \\r, last frame counts', ' 50%|█████     | 5/10\repoch 1 loss=0.4', report(1, { loss: 0.4 })],

  // Logging prefixes: timestamps are not metrics, WARNING/ERROR records are not reports.
  ['logging asctime', '2024-05-01 12:30:01,123 - INFO - epoch 3 loss=0.21', report(3, { loss: 0.21 })],
  ['logging basicConfig', 'INFO:root:epoch 3 loss=0.21', report(3, { loss: 0.21 })],
  ['loguru', '2024-05-01 12:30:01.123 | INFO     | __main__:train:42 - epoch 3 loss=0.21', report(3, { loss: 0.21 })],
  ['bare time', '[12:30:01] step 10 loss=0.9', report(10, { loss: 0.9 })],
  ['timestamp only', '12:30:01 starting', null],
  ['time value is not a number', 'elapsed: 12:30:01', null],
  ['warning record', '2024-05-01 12:30:01,123 - WARNING - loss=nan detected, skipping batch', null],
  ['error record', '[ERROR] step 3 loss=1e9', null],

  // XGBoost / LightGBM / scikit-learn.
  ['xgboost round', '[10]\tvalidation_0-rmse:0.51234\tvalidation_1-rmse:0.61234', report(10, { 'validation_0-rmse': 0.51234, 'validation_1-rmse': 0.61234 })],
  ['sklearn MLP verbose', 'Iteration 12, loss = 0.30258509', report(12, { loss: 0.30258509 })],
  ['fairseq-style', '| epoch 001 | loss 2.31 | ppl 4.96 | wps 10234 | lr 0.0005', report(1, { loss: 2.31, ppl: 4.96, wps: 10234, lr: 0.0005 })],

  // JSON lines.
  ['json line', '{"epoch": 3, "loss": 0.21}', report(3, { loss: 0.21 })],
  ['json step beats epoch', '{"epoch": 3, "step": 300, "loss": 0.2, "acc": 0.9}', report(300, { loss: 0.2, acc: 0.9 })],
  ['json global_step', '{"global_step": 12, "loss": 1.5}', report(12, { loss: 1.5 })],
  ['json with Python NaN token', '{"iteration": 4, "loss": NaN, "gap": -Infinity}', report(4, { loss: NaN, gap: -Infinity })],
  ['json non-numeric fields ignored', '{"loss": 0.5, "tag": "run-1", "ok": true, "nested": {"a": 1}, "list": [1]}', report(null, { loss: 0.5 })],
  ['json only counters', '{"epoch": 3, "step": 10}', null],
  ['json array', '[1, 2, 3]', null],
  ['json inherited names are ordinary metrics', '{"constructor": 1, "toString": 2}', report(null, { constructor: 1, toString: 2 })],

  // Things that must stay silent.
  ['prose with a number', 'Using 4 workers for data loading', null],
  ['dataset size prose', 'Loaded 60000 training images', null],
  ['traceback head', 'Traceback (most recent call last):', null],
  ['traceback frame', '  File "/home/u/train.py", line 42, in <module>', null],
  ['exception', 'RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 7.79 GiB total capacity)', null],
  ['qualified exception', 'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB', null],
  ['python warning', "/usr/lib/python3/site-packages/torch/utils/data.py:554: UserWarning: This DataLoader will create 8 worker processes", null],
  ['argparse namespace', 'Namespace(lr=0.001, batch_size=64, epochs=10)', null],
  ['ratio is not a value', 'Accuracy: 9889/10000', null],
  ['version is not a value', 'torch version: 2.1.0', null],
  ['date is not a value', 'date: 2024-05-01', null],
  ['unit glued to number', 'took 3.2s', null],
  ['empty', '', null],
  ['whitespace', '   \t  ', null],
  ['binary garbage', '\x00\x01\x02PK\x03\x04loss=0.5', null],
  ['replacement characters from invalid UTF-8', 'loss=0.5 \ufffd\ufffd', null],
  ['separator line', '==================================================', null],
];

describe('parseMetricLine corpus', () => {
  for (const [name, line, expected] of CORPUS) {
    test(name, () => {
      assert.deepEqual(parseMetricLine(line), expected, `line: ${JSON.stringify(line)}`);
    });
  }
});

describe('REPORT_PREFIX lines from the Python client', () => {
  const line = (payload: string): string => REPORT_PREFIX + payload;

  test('report with step and metrics', () => {
    assert.deepEqual(parseMetricLine(line('{"kind":"report","step":3,"metrics":{"loss":0.21,"acc":0.93}}')), report(3, { loss: 0.21, acc: 0.93 }));
  });

  test('the client encodes non-finite values as "nan" / "inf" / "-inf" strings', () => {
    assert.deepEqual(
      parseMetricLine(line('{"kind":"report","step":4,"metrics":{"loss":"nan","a":"inf","b":"-inf"}}')),
      report(4, { loss: NaN, a: Infinity, b: -Infinity }),
    );
  });

  test("json.dumps' bare NaN / Infinity tokens are accepted too", () => {
    assert.deepEqual(parseMetricLine(line('{"kind":"report","step":1,"metrics":{"loss":NaN,"b":-Infinity}}')), report(1, { loss: NaN, b: -Infinity }));
  });

  test('a report without a step, a final and a pruned message', () => {
    assert.deepEqual(parseMetricLine(line('{"kind":"report","metrics":{"loss":1}}')), report(null, { loss: 1 }));
    assert.deepEqual(parseMetricLine(line('{"kind":"final","metrics":{"loss":0.19}}')), { kind: 'final', metrics: { loss: 0.19 } });
    assert.deepEqual(parseMetricLine(line('{"kind":"pruned","step":3}')), { kind: 'pruned', step: 3 });
    assert.deepEqual(parseMetricLine(line('{"kind":"pruned"}')), { kind: 'pruned', step: null });
  });

  test('an integral float step (3.0 from Python) is step 3; unknown fields are ignored', () => {
    assert.deepEqual(parseMetricLine(line('{"kind":"report","step":3.0,"metrics":{"loss":1},"extra":"x"}')), report(3, { loss: 1 }));
  });

  test('leading whitespace and colour codes before the prefix still count', () => {
    assert.deepEqual(parseMetricLine(`  \x1b[0m${line('{"kind":"final","metrics":{"x":1}}')}`), { kind: 'final', metrics: { x: 1 } });
  });

  const malformed: ReadonlyArray<readonly [string, string]> = [
    ['truncated JSON', '{"kind":"report","step":3,"metrics":{"loss":0.2'],
    ['not JSON', 'loss=0.5'],
    ['an array', '[1,2]'],
    ['unknown kind', '{"kind":"reprot","metrics":{"loss":1}}'],
    ['missing kind', '{"metrics":{"loss":1}}'],
    ['missing metrics', '{"kind":"report","step":1}'],
    ['empty metrics', '{"kind":"final","metrics":{}}'],
    ['metrics as a list', '{"kind":"report","metrics":[1,2]}'],
    ['a string value', '{"kind":"report","metrics":{"loss":"0.5"}}'],
    ['a boolean value', '{"kind":"report","metrics":{"ok":true}}'],
    ['a null value', '{"kind":"report","metrics":{"loss":null}}'],
    ['a nested value', '{"kind":"report","metrics":{"loss":{"v":1}}}'],
    ['negative step', '{"kind":"report","step":-1,"metrics":{"loss":1}}'],
    ['fractional step', '{"kind":"report","step":1.5,"metrics":{"loss":1}}'],
    ['string step', '{"kind":"report","step":"3","metrics":{"loss":1}}'],
    ['empty metric name', '{"kind":"report","metrics":{"":1}}'],
    ['__proto__ metric name', '{"kind":"report","metrics":{"__proto__":1}}'],
    ['pruned with a bad step', '{"kind":"pruned","step":"x"}'],
  ];
  for (const [name, payload] of malformed) {
    test(`malformed: ${name} -> null`, () => {
      assert.equal(parseMetricLine(line(payload)), null);
    });
  }

  test('a line claiming the prefix is never reread as text', () => {
    // Without the space it is not the prefix, but it is still ours: no text fallback.
    assert.equal(parseMetricLine('@@tunekit{"kind":"report","metrics":{"loss":1}}'), null);
    assert.equal(parseMetricLine('@@tunekit loss=0.5'), null);
  });
});

describe('limits', () => {
  test('lines over the cap are ignored', () => {
    const long = `loss=0.5 ${'x'.repeat(MAX_LINE_CHARS)}`;
    assert.equal(parseMetricLine(long), null);
  });

  test('at most MAX_METRICS_PER_LINE metrics are kept from one line', () => {
    const parts = Array.from({ length: MAX_METRICS_PER_LINE + 50 }, (_, i) => `m${i}=${i}`);
    const message = parseMetricLine(parts.join(' '));
    assert.ok(message !== null && message.kind === 'report');
    assert.equal(Object.keys(message.metrics).length, MAX_METRICS_PER_LINE);
    assert.equal(message.metrics.m0, 0);
  });

  test('a long adversarial line is parsed quickly', () => {
    const lines = [
      'a'.repeat(MAX_LINE_CHARS - 10),
      `${'a '.repeat(MAX_LINE_CHARS / 2 - 10)}`,
      `${'a:'.repeat(MAX_LINE_CHARS / 2 - 10)}`,
      `${'1'.repeat(MAX_LINE_CHARS - 10)}`,
      `${'{'.repeat(MAX_LINE_CHARS / 2 - 10)}${'}'.repeat(MAX_LINE_CHARS / 2 - 10)}`,
      `loss${' '.repeat(MAX_LINE_CHARS - 20)}x`,
    ];
    const started = performance.now();
    for (const l of lines) parseMetricLine(l);
    assert.ok(performance.now() - started < 1000, 'parsing six 64 KiB lines took over a second');
  });

  test('never throws, whatever it is given', () => {
    const inputs: unknown[] = [undefined, null, 42, {}, [], '\u0000', '{"a":', '@@tunekit ', '@@tunekit {"kind":"report","metrics":{"a":1e999}}'];
    for (const input of inputs) assert.doesNotThrow(() => parseMetricLine(input as string));
  });
});
