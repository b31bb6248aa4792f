import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../../../src/core/space/distributions';
import { contains } from '../../../src/core/space/distributions';
import { findParameter, parseSearchSpace } from '../../../src/core/space/search-space';
import { analyzeText } from '../../../src/detect/analyze-script';
import type { ExtractedParam } from '../../../src/detect/param-model';
import { proposeSearchSpace } from '../../../src/detect/space-proposal';

function param(name: string, type: ExtractedParam['type'], defaultValue?: JsonValue, extra: Partial<ExtractedParam> = {}): ExtractedParam {
  return {
    name,
    source: 'argparse',
    flag: `--${name}`,
    type,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    location: { file: '/w/train.py', line: 1, column: 1 },
    tunable: true,
    ...extra,
  };
}

/** What a typical PyTorch script declares (as the extractors report it). */
const REALISTIC: ExtractedParam[] = [
  param('lr', 'float', 1e-3),
  param('batch-size', 'int', 32),
  param('dropout', 'float', 0.1),
  param('epochs', 'int', 10, { tunable: false, notTunedReason: 'epochs are kept fixed unless asked' }),
  param('amp', 'bool', false, { boolStyle: 'store_true' }),
  param('nesterov', 'bool', true, { boolStyle: 'value' }),
  param('optimizer', 'str', 'adam', { choices: ['sgd', 'adam', 'adamw'] }),
  param('weight-decay', 'float', 5e-4),
  param('momentum', 'float', 0.9),
  param('hidden-size', 'int', 128),
  param('num-layers', 'int', 2),
  param('num-heads', 'int', 8),
  param('gamma', 'float', 0.99),
  param('max-grad-norm', 'float', 1.0),
  param('warmup-steps', 'int', 500),
  param('activation', 'str', 'relu'),
  param('data-dir', 'str', './data', { tunable: false, notTunedReason: 'a file or folder path' }),
  param('seed', 'int', 42, { tunable: false, notTunedReason: 'not tuned by default: a seed' }),
];

test('a realistic script gets the ranges a practitioner would pick, each with a reason', () => {
  const { space, fixed, reasons } = proposeSearchSpace(REALISTIC);
  assert.deepEqual(space.lr, { type: 'float', low: 1e-4, high: 1e-2, log: true });
  assert.match(reasons.lr ?? '', /learning rate.*log scale.*0\.001/);
  assert.deepEqual(space['batch-size'], { type: 'categorical', choices: [8, 16, 32, 64, 128] });
  assert.match(reasons['batch-size'] ?? '', /batch size: powers of two from 8 to 128/);
  assert.deepEqual(space.dropout, { type: 'float', low: 0, high: 0.5 });
  assert.deepEqual(space.amp, { type: 'categorical', choices: [false, true] });
  assert.deepEqual(space.nesterov, { type: 'categorical', choices: [true, false] }, 'the default comes first');
  assert.deepEqual(space.optimizer, { type: 'categorical', choices: ['adam', 'sgd', 'adamw'] });
  assert.deepEqual(space['weight-decay'], { type: 'float', low: 5e-5, high: 5e-3, log: true });
  assert.deepEqual(space.momentum, { type: 'float', low: 0.8, high: 0.999 });
  assert.deepEqual(space['hidden-size'], { type: 'categorical', choices: [32, 64, 128, 256, 512] });
  assert.deepEqual(space['num-layers'], { type: 'int', low: 1, high: 4 });
  assert.deepEqual(space['num-heads'], { type: 'categorical', choices: [4, 8, 16] });
  assert.deepEqual(space.gamma, { type: 'float', low: 0.9, high: 0.999 });
  assert.deepEqual(space['max-grad-norm'], { type: 'float', low: 0.5, high: 2 });
  assert.deepEqual(space['warmup-steps'], { type: 'int', low: 250, high: 1000, log: true });

  // The training length is fixed, not tuned; strings without choices keep their value.
  assert.equal(space.epochs, undefined);
  // Not hyperparameters: neither tuned nor passed, with the extractor's reason.
  for (const name of ['data-dir', 'seed']) {
    assert.equal(space[name], undefined, name);
    assert.equal(fixed[name], undefined, name);
  }
  assert.deepEqual(fixed, { epochs: 10, activation: 'relu' });
  assert.match(reasons.epochs ?? '', /kept fixed unless asked.*10/);
  assert.match(reasons['data-dir'] ?? '', /not tuned: a file or folder path/);
  assert.deepEqual(Object.keys(reasons).sort(), REALISTIC.map((p) => p.name).sort(), 'every parameter has a reason');
});

test('the proposal is a valid search space that contains the script\'s own defaults', () => {
  const { space } = proposeSearchSpace(REALISTIC);
  const parsed = parseSearchSpace(space);
  assert.equal(parsed.parameters.length, Object.keys(space).length);
  for (const p of REALISTIC) {
    const spec = findParameter(parsed, p.name);
    if (!spec || p.default === undefined) continue;
    assert.ok(contains(spec.distribution, p.default), `${p.name}: default ${JSON.stringify(p.default)} lies outside ${JSON.stringify(space[p.name])}`);
  }
});

test('dropouts above 0.5 widen to 0.9; momentum near 1 moves closer to 1', () => {
  const { space } = proposeSearchSpace([param('keep_prob', 'float', 0.8), param('attn_dropout', 'float', 0.0), param('beta2', 'float', 0.999)]);
  assert.deepEqual(space.keep_prob, { type: 'float', low: 0, high: 0.9 });
  assert.deepEqual(space.attn_dropout, { type: 'float', low: 0, high: 0.5 });
  assert.deepEqual(space.beta2, { type: 'float', low: 0.9, high: 0.9999 });
});

test('names are read by their words, whatever the source spells them', () => {
  const { space } = proposeSearchSpace([
    param('LEARNING_RATE', 'float', 3e-4, { source: 'constant' }),
    param('optimizer.lr', 'float', 0.1, { source: 'yaml' }),
    param('actor_lr', 'float', 1e-4),
    param('per_device_train_batch_size', 'int', 8, { source: 'dataclass' }),
    param('model.hiddenDim', 'int', 100, { source: 'hydra' }),
  ]);
  assert.deepEqual(space.LEARNING_RATE, { type: 'float', low: 3e-5, high: 3e-3, log: true });
  assert.deepEqual(space['optimizer.lr'], { type: 'float', low: 0.01, high: 1, log: true });
  assert.deepEqual(space.actor_lr, { type: 'float', low: 1e-5, high: 1e-3, log: true });
  assert.deepEqual(space.per_device_train_batch_size, { type: 'categorical', choices: [2, 4, 8, 16, 32] });
  assert.deepEqual(space['model.hiddenDim'], { type: 'int', low: 25, high: 400, log: true }, 'a width off the power-of-two grid gets a log int range');
});

test('learning rates are clipped to sane bounds, and a batch size off the grid stays a choice', () => {
  const { space } = proposeSearchSpace([param('lr', 'float', 0.5), param('batch_size', 'int', 100)]);
  assert.deepEqual(space.lr, { type: 'float', low: 0.05, high: 1, log: true });
  assert.deepEqual(space.batch_size, { type: 'categorical', choices: [32, 64, 100, 128, 256, 512] });
});

test('without a default, well-known kinds still get a range and the rest are left to the script', () => {
  const { space, fixed, reasons } = proposeSearchSpace([
    param('lr', 'float'),
    param('batch_size', 'int'),
    param('temperature', 'float'),
    param('epochs', 'int'),
    param('tag', 'str'),
    param('layers', 'list', [64, 64]),
    param('mystery', 'unknown'),
  ]);
  assert.deepEqual(space.lr, { type: 'float', low: 1e-5, high: 0.1, log: true });
  assert.deepEqual(space.batch_size, { type: 'categorical', choices: [8, 16, 32, 64, 128] });
  assert.deepEqual(Object.keys(space).sort(), ['batch_size', 'lr']);
  assert.deepEqual(fixed, {});
  assert.match(reasons.temperature ?? '', /no default/);
  assert.match(reasons.layers ?? '', /a list/);
  assert.match(reasons.mystery ?? '', /type could not be read/);
});

test('zero and negative defaults have no scale: kept fixed with a reason; weight decay 0 gets a log range anyway', () => {
  const { space, fixed, reasons } = proposeSearchSpace([
    param('noise', 'float', 0.0),
    param('warmup', 'int', 0),
    param('max_depth', 'int', -1),
    param('weight_decay', 'float', 0.0),
    param('shift', 'float', -2),
  ]);
  assert.deepEqual(fixed, { noise: 0, warmup: 0, max_depth: -1 });
  assert.match(reasons.max_depth ?? '', /special value/);
  assert.deepEqual(space.weight_decay, { type: 'float', low: 1e-6, high: 0.1, log: true });
  assert.match(reasons.weight_decay ?? '', /default 0 turns it off/);
  assert.deepEqual(space.shift, { type: 'float', low: -4, high: -1 });
});

test('an epochs parameter the extractor left tunable is still fixed, and a single choice is fixed', () => {
  const { space, fixed } = proposeSearchSpace([param('num_epochs', 'int', 5), param('mode', 'str', 'train', { choices: ['train'] })]);
  assert.deepEqual(space, {});
  assert.deepEqual(fixed, { num_epochs: 5, mode: 'train' });
});

test('a real argparse script, analysed by the real parser, gets its proposal', async () => {
  const analysis = await analyzeText(
    '/w/train.py',
    [
      'import argparse',
      'import torch',
      'p = argparse.ArgumentParser()',
      'p.add_argument("--lr", type=float, default=1e-3)',
      'p.add_argument("--batch-size", type=int, default=32)',
      'p.add_argument("--dropout", type=float, default=0.1)',
      'p.add_argument("--epochs", type=int, default=10)',
      'p.add_argument("--shuffle", action="store_true")',
      'args = p.parse_args()',
      '',
    ].join('\n'),
  );
  const { space, fixed } = proposeSearchSpace(analysis.params);
  assert.deepEqual(space, {
    lr: { type: 'float', low: 1e-4, high: 1e-2, log: true },
    'batch-size': { type: 'categorical', choices: [8, 16, 32, 64, 128] },
    dropout: { type: 'float', low: 0, high: 0.5 },
    shuffle: { type: 'categorical', choices: [false, true] },
  });
  assert.deepEqual(fixed, { epochs: 10 });
  parseSearchSpace(space);
});
