import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonValue } from '../../../src/core/space/distributions';
import { classifyTunable, looksLikePath, NOT_TUNED } from '../../../src/detect/not-tuned';
import type { ExtractedParam, ParamSource } from '../../../src/detect/param-model';

function param(name: string, defaultValue?: JsonValue, extra: Partial<ExtractedParam> = {}): ExtractedParam {
  const type = typeof defaultValue === 'number' ? (Number.isInteger(defaultValue) ? 'int' : 'float') : typeof defaultValue === 'boolean' ? 'bool' : typeof defaultValue === 'string' ? 'str' : 'unknown';
  return { name, source: 'argparse' as ParamSource, type, default: defaultValue, location: { file: '/w/train.py', line: 1, column: 1 }, tunable: true, ...extra };
}

function reasonFor(name: string, defaultValue?: JsonValue, extra: Partial<ExtractedParam> = {}): string | undefined {
  const p = classifyTunable(param(name, defaultValue, extra));
  assert.equal(p.tunable, p.notTunedReason === undefined, `${name}: tunable and reason disagree`);
  return p.notTunedReason;
}

test('hyperparameters stay tunable', () => {
  for (const [name, value] of [
    ['lr', 0.001],
    ['learning-rate', 0.01],
    ['LEARNING_RATE', 3e-4],
    ['batch-size', 64],
    ['batch_size', 32],
    ['dropout', 0.1],
    ['weight_decay', 0.0],
    ['momentum', 0.9],
    ['hidden', 128],
    ['hidden_dim', 256],
    ['output_dim', 10],
    ['num_layers', 4],
    ['n_estimators', 100],
    ['max_depth', 6],
    ['gamma', 0.7],
    ['warmup_steps', 500],
    ['gradient_accumulation_steps', 4],
    ['optimizer', 'adam'],
    ['activation', 'relu'],
    ['use_bn', true],
    ['optimizer.lr', 0.1],
    ['model.dropout', 0.2],
    ['data.batch_size', 32],
    ['hidden_nodes', 64],
    ['lora_rank', 8],
    ['per_device_train_batch_size', 8],
  ] as [string, JsonValue][]) {
    assert.equal(reasonFor(name, value), undefined, `${name} should be tunable`);
  }
});

test('paths, by name or by a default that looks like one', () => {
  for (const [name, value] of [
    ['data-dir', 'data'],
    ['output_dir', 'out'],
    ['log_dir', 'runs'],
    ['logdir', 'runs'],
    ['checkpoint', 'model.pt'],
    ['ckpt_path', null],
    ['train_file', null],
    ['data_root', '/data'],
    ['output', 'results'],
    ['outDir', 'x'],
    ['paths.data_dir', '/data'],
    ['model_name_or_path', 'bert-base-uncased'],
    ['init', './weights/init.pth'],
    ['vocab', 'vocab.txt'],
    ['where', '~/runs'],
    ['pretrained', 'resnet50'],
  ] as [string, JsonValue][]) {
    assert.equal(reasonFor(name, value), NOT_TUNED.path, name);
  }
  assert.equal(reasonFor('mirror', 'https://example.org/data.tgz'), NOT_TUNED.url);
  // A string with choices is a categorical, whatever its values look like.
  assert.equal(reasonFor('layout', 'a/b', { choices: ['a/b', 'c/d'] }), undefined);
});

test('logging, printing and evaluation cadence', () => {
  for (const name of ['log_interval', 'log-interval', 'print_freq', 'verbose', 'wandb', 'wandb_project', 'use_wandb', 'save_model', 'save-model', 'save_steps', 'report_to', 'run_name', 'logging.level']) {
    assert.equal(reasonFor(name, 1), NOT_TUNED.logging, name);
  }
  for (const name of ['eval_every', 'eval_interval', 'val_check_interval', 'checkpoint_every', 'eval_steps']) {
    assert.equal(reasonFor(name, 100), NOT_TUNED.evaluation, name);
  }
  assert.equal(reasonFor('test-batch-size', 1000), NOT_TUNED.evalBatch);
  assert.equal(reasonFor('per_device_eval_batch_size', 8), NOT_TUNED.evalBatch);
});

test('device, workers and distributed settings', () => {
  for (const name of ['device', 'cuda', 'no-cuda', 'no_mps', 'gpu', 'gpus', 'num_workers', 'workers', 'n_jobs', 'fp16', 'bf16', 'amp', 'pin_memory']) {
    assert.equal(reasonFor(name, 0), NOT_TUNED.device, name);
  }
  for (const name of ['world_size', 'local_rank', 'rank', 'distributed', 'dist_url', 'dist-backend', 'ddp']) {
    assert.equal(reasonFor(name, 0), NOT_TUNED.distributed, name);
  }
});

test('run switches, seeds and the training length', () => {
  for (const name of ['dry-run', 'dry_run', 'resume', 'debug', 'fast_dev_run', 'do_train']) assert.equal(reasonFor(name, false), NOT_TUNED.run, name);
  for (const name of ['seed', 'random_state', 'random-seed', 'data_seed']) assert.equal(reasonFor(name, 42), 'not tuned by default: a seed', name);
  for (const name of ['epochs', 'num_epochs', 'n_epochs', 'max_epochs', 'num_train_epochs', 'EPOCHS', 'trainer.max_epochs']) {
    assert.equal(reasonFor(name, 10), 'epochs are kept fixed unless asked', name);
  }
  for (const name of ['max_steps', 'max_iter', 'num_iterations']) assert.equal(reasonFor(name, 1000), NOT_TUNED.steps, name);
});

test('config sections: hydra, paths, logger', () => {
  assert.equal(reasonFor('hydra.job.chdir', true), NOT_TUNED.hydra);
  assert.equal(reasonFor('paths.root', '.'), NOT_TUNED.path);
  assert.equal(reasonFor('logger.project', 'x'), NOT_TUNED.logging);
});

test('an extractor decision is kept, with its own reason', () => {
  const p = classifyTunable(param('lr', 0.1, { tunable: false, notTunedReason: 'read from os.environ' }));
  assert.equal(p.tunable, false);
  assert.equal(p.notTunedReason, 'read from os.environ');
});

test('everything else on the parameter is unchanged', () => {
  const original = param('epochs', 10, { flag: '--epochs', help: 'number of epochs', location: { file: '/w/train.py', line: 7, column: 5, valueStart: 100, valueEnd: 102 } });
  const classified = classifyTunable(original);
  assert.deepEqual({ ...classified, tunable: true, notTunedReason: undefined }, { ...original, notTunedReason: undefined });
  assert.equal(original.tunable, true, 'the input is not mutated');
});

test('looksLikePath', () => {
  for (const v of ['./data', '../x', '/tmp/x', '~/runs', 'runs/exp1', 'C:\\data', 'model.pt', 'config.yaml']) assert.ok(looksLikePath(v), v);
  for (const v of ['relu', 'adam', '1e-3', 'cosine', 'bert-base-uncased', 'see the notes.txt', '']) assert.ok(!looksLikePath(v), v);
});
