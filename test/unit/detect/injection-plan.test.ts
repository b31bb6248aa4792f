import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { JsonValue } from '../../../src/core/space/distributions';
import { analyzeScript, analyzeText } from '../../../src/detect/analyze-script';
import { injectableParams, planInjection } from '../../../src/detect/injection-plan';
import type { ExtractedParam, ParamSource } from '../../../src/detect/param-model';
import { tempDir } from '../../helpers/temp-dir';

function param(name: string, source: ParamSource, defaultValue: JsonValue, extra: Partial<ExtractedParam> = {}): ExtractedParam {
  const type = typeof defaultValue === 'number' ? (Number.isInteger(defaultValue) ? 'int' : 'float') : typeof defaultValue === 'boolean' ? 'bool' : 'str';
  return { name, source, type, default: defaultValue, location: { file: '/w/train.py', line: 1, column: 1 }, tunable: true, ...extra };
}

test('argparse: flags with the switch style of each boolean', async () => {
  const analysis = await analyzeText(
    '/w/train.py',
    [
      'import argparse, torch',
      'p = argparse.ArgumentParser()',
      'p.add_argument("--learning-rate", type=float, default=0.01)',
      'p.add_argument("--bn", action=argparse.BooleanOptionalAction, default=True)',
      'p.add_argument("--shuffle", action="store_true")',
      'p.add_argument("--no-augment", action="store_false", dest="augment")',
      'p.add_argument("--nesterov", type=lambda s: s == "True", default=False)',
      'a = p.parse_args()',
      '',
    ].join('\n'),
  );
  assert.deepEqual(planInjection(analysis.params, analysis), {
    mode: 'flags',
    style: 'space',
    params: {
      'learning-rate': { flag: '--learning-rate' },
      bn: { flag: '--bn', bool: 'paired-flags' },
      shuffle: { flag: '--shuffle', bool: 'store_true' },
      'no-augment': { flag: '--no-augment', bool: 'store_false' },
      nesterov: { flag: '--nesterov', bool: 'value' },
    },
  });
});

test('absl: --name=value, booleans switched with --name / --noname', async () => {
  const analysis = await analyzeText(
    '/w/train.py',
    [
      'from absl import app, flags',
      'import torch',
      'flags.DEFINE_float("lr", 0.01, "learning rate")',
      'flags.DEFINE_boolean("use_bn", True, "batch norm")',
      'FLAGS = flags.FLAGS',
      'def main(argv): pass',
      'if __name__ == "__main__": app.run(main)',
      '',
    ].join('\n'),
  );
  assert.deepEqual(planInjection(analysis.params, analysis), {
    mode: 'flags',
    style: 'equals',
    params: { lr: { flag: '--lr' }, use_bn: { flag: '--use_bn', bool: 'absl' } },
  });
});

test('click and typer: paired --x/--no-x switches, a custom off switch as store_false', async () => {
  const analysis = await analyzeText(
    '/w/train.py',
    [
      'import click, torch',
      '@click.command()',
      '@click.option("--lr", type=float, default=0.01)',
      '@click.option("--shuffle/--no-shuffle", default=False)',
      '@click.option("--fast/--slow", default=True)',
      'def main(lr, shuffle, fast): pass',
      'if __name__ == "__main__": main()',
      '',
    ].join('\n'),
  );
  const spec = planInjection(analysis.params, analysis);
  assert.equal(spec.mode, 'flags');
  assert.deepEqual(spec.mode === 'flags' ? spec.params : undefined, {
    lr: { flag: '--lr' },
    shuffle: { flag: '--shuffle', bool: 'paired-flags' },
    fast: { flag: '--slow', bool: 'store_false' },
  });
  // typer bools are --x/--no-x by default, even when an extractor leaves the style out.
  const typer = planInjection([param('amp', 'typer', false, { flag: '--amp' })], { configFiles: [] });
  assert.deepEqual(typer, { mode: 'flags', style: 'space', params: { amp: { flag: '--amp', bool: 'paired-flags' } } });
});

test('HfArgumentParser dataclasses are flags with value booleans; a dataclass nobody parses is not', () => {
  const hf = [param('learning_rate', 'dataclass', 5e-5, { flag: '--learning_rate' }), param('fp16', 'dataclass', false, { flag: '--fp16', boolStyle: 'value' })];
  assert.deepEqual(planInjection(hf, { configFiles: [] }), {
    mode: 'flags',
    style: 'space',
    params: { learning_rate: { flag: '--learning_rate' }, fp16: { flag: '--fp16', bool: 'value' } },
  });
  const plain = [param('lr', 'dataclass', 0.1), param('LR', 'constant', 0.1)];
  assert.deepEqual(planInjection(plain, { configFiles: [] }), { mode: 'globals' });
});

test('module constants: the globals shim', async () => {
  const analysis = await analyzeText('/w/train.py', 'import torch\nLR = 1e-3\nBATCH_SIZE = 64\nEPOCHS = 3\n');
  const spec = planInjection(analysis.params, analysis);
  assert.deepEqual(spec, { mode: 'globals' });
  assert.deepEqual(injectableParams(spec, analysis.params).map((p) => p.name), ['LR', 'BATCH_SIZE', 'EPOCHS']);
});

test('config files: the file holding most tunable keys, its format from the source', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'config.yaml'), '# run settings\noptimizer:\n  lr: 0.001\n  momentum: 0.9\nbatch_size: 32\n');
  fs.writeFileSync(
    path.join(dir, 'train.py'),
    'import argparse, yaml, torch\np = argparse.ArgumentParser()\np.add_argument("--config", default="config.yaml")\np.add_argument("--seed", type=int, default=0)\na = p.parse_args()\ncfg = yaml.safe_load(open(a.config))\n',
  );
  const analysis = await analyzeScript(path.join(dir, 'train.py'));
  const spec = planInjection(analysis.params, analysis);
  assert.deepEqual(spec, { mode: 'config', file: path.join(dir, 'config.yaml'), format: 'yaml' });
  assert.deepEqual(injectableParams(spec, analysis.params).map((p) => p.name), ['optimizer.lr', 'optimizer.momentum', 'batch_size']);

  const json = [param('lr', 'json', 0.1, { location: { file: '/w/params.json', line: 1, column: 1 } })];
  assert.deepEqual(planInjection(json, { configFiles: ['/w/params.json'] }), { mode: 'config', file: '/w/params.json', format: 'json' });
});

test('Hydra keys: key=value overrides', () => {
  const params = [param('optimizer.lr', 'hydra', 0.01), param('model.depth', 'hydra', 4)];
  const spec = planInjection(params, { configFiles: ['/w/conf/config.yaml'] });
  assert.deepEqual(spec, { mode: 'hydra' });
  assert.equal(injectableParams(spec, params).length, 2);
});

test('mixed sources: the mode reaching the most tunable parameters wins, ties go to flags', () => {
  const flags = [param('lr', 'argparse', 0.1, { flag: '--lr' }), param('out', 'argparse', 'runs', { flag: '--out', tunable: false })];
  const constants = [param('HIDDEN', 'constant', 128), param('DEPTH', 'constant', 2)];
  assert.deepEqual(planInjection([...flags, ...constants], { configFiles: [] }), { mode: 'globals' });
  const tie = [...flags, param('HIDDEN', 'constant', 128)];
  const spec = planInjection(tie, { configFiles: [] });
  assert.equal(spec.mode, 'flags');
  assert.deepEqual(injectableParams(spec, tie).map((p) => p.name), ['lr', 'out'], 'the constant is not reachable by flags');
  assert.deepEqual(planInjection([], { configFiles: [] }), { mode: 'flags' });
  assert.deepEqual(injectableParams({ mode: 'env' }, tie), []);
});
