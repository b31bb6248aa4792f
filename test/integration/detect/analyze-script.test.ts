import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeScript, analyzeText, mergeParams } from '../../../src/detect/analyze-script';
import type { ExtractedParam, ParamSource } from '../../../src/detect/param-model';
import { PythonSourceError } from '../../../src/detect/python-parser';
import { TRAINING_SCRIPT_MIN_SCORE } from '../../../src/detect/script-detection';
import { tempDir } from '../../helpers/temp-dir';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const WORKSPACE = path.join(FIXTURES, 'workspace');

function byName(params: readonly ExtractedParam[]): Map<string, ExtractedParam> {
  return new Map(params.map((p) => [p.name, p]));
}

test('an argparse training script: flags, the constant behind a default, tunable or not, in source order', async () => {
  const file = path.join(WORKSPACE, 'train.py');
  const a = await analyzeScript(file);
  assert.equal(a.file, file);
  assert.ok(a.score >= TRAINING_SCRIPT_MIN_SCORE, `score ${a.score}`);
  assert.deepEqual(a.problems, []);
  assert.deepEqual(
    a.params.map((p) => p.name),
    ['HIDDEN', 'lr', 'batch-size', 'dropout', 'optimizer', 'epochs', 'seed', 'log-interval', 'data-dir', 'no-cuda'],
  );
  const p = byName(a.params);
  // `default=LR`: the flag is the parameter, LR itself is not listed, and apply-back edits LR's literal.
  const lr = p.get('lr')!;
  assert.equal(lr.source, 'argparse');
  assert.equal(lr.default, 0.001);
  assert.equal(p.has('LR'), false);
  const text = fs.readFileSync(file, 'utf8');
  assert.equal(text.slice(lr.location.valueStart!, lr.location.valueEnd!), '1e-3');
  assert.equal(p.get('HIDDEN')?.source, 'constant');
  for (const name of ['HIDDEN', 'lr', 'batch-size', 'dropout', 'optimizer']) assert.equal(p.get(name)?.tunable, true, name);
  assert.equal(p.get('epochs')?.notTunedReason, 'epochs are kept fixed unless asked');
  assert.equal(p.get('seed')?.notTunedReason, 'not tuned by default: a seed');
  for (const name of ['log-interval', 'data-dir', 'no-cuda']) {
    assert.equal(p.get(name)?.tunable, false, name);
    assert.ok(p.get(name)?.notTunedReason, `${name} says why`);
  }
});

test('other styles: click + Lightning, absl + Keras, constants + sklearn, dataclasses + Hugging Face', async () => {
  const expectations: [string, ParamSource, Record<string, boolean>][] = [
    ['lightning/train_lit.py', 'click', { lr: true, hidden: true, 'max-epochs': false, accelerator: false }],
    ['keras/train_keras.py', 'absl', { learning_rate: true, units: true, activation: true, model_dir: false }],
    ['classic/fit_sklearn.py', 'constant', { C: true, PENALTY: true, MAX_ITER: false, RANDOM_STATE: false, RESULTS_FILE: false }],
    ['hf/finetune.py', 'dataclass', { dropout: true, lora_rank: true, model_name_or_path: false }],
  ];
  for (const [rel, source, tunable] of expectations) {
    const a = await analyzeScript(path.join(WORKSPACE, rel));
    assert.ok(a.score >= TRAINING_SCRIPT_MIN_SCORE, `${rel}: score ${a.score}`);
    const p = byName(a.params);
    for (const [name, expected] of Object.entries(tunable)) {
      assert.equal(p.get(name)?.source, source, `${rel}: ${name} from ${source} (found ${JSON.stringify([...p.keys()])})`);
      assert.equal(p.get(name)?.tunable, expected, `${rel}: ${name} tunable`);
    }
  }
});

test('a script that loads a YAML config lists the file and its keys after its own parameters', async () => {
  const a = await analyzeScript(path.join(WORKSPACE, 'tools', 'train_from_yaml.py'));
  const config = path.join(WORKSPACE, 'tools', 'configs', 'train.yaml');
  assert.deepEqual(a.configFiles, [config]);
  const p = byName(a.params);
  assert.equal(p.get('optimizer.lr')?.source, 'yaml');
  assert.equal(p.get('optimizer.lr')?.location.file, config);
  assert.equal(p.get('epochs')?.tunable, false);
  assert.equal(p.get('output_dir')?.tunable, false);
});

test('a syntax error: the parts that parse still give their parameters, each broken line is reported', async () => {
  const a = await analyzeScript(path.join(FIXTURES, 'syntax_error.py'));
  assert.deepEqual(a.problems.slice(0, 2), ['syntax_error.py:10: syntax error', 'syntax_error.py:14: syntax error']);
  // --batch-size follows the unclosed bracket on line 14, which swallows the rest of the file without recovery.
  assert.deepEqual(
    a.params.map((p) => p.name),
    ['lr', 'momentum', 'batch-size'],
  );
  assert.ok(a.evidence.some((e) => e.description === 'calls loss.backward()' && e.line === 18));
  // Offsets still point into the original text, for apply-back.
  const text = fs.readFileSync(path.join(FIXTURES, 'syntax_error.py'), 'utf8');
  const bs = a.params.find((p) => p.name === 'batch-size')!;
  assert.equal(text.slice(bs.location.valueStart!, bs.location.valueEnd!), '32');
  assert.equal(bs.location.line, 15);
});

test('a missing colon is reported on its own line, not where tree-sitter begins the error', async () => {
  const text = 'import argparse\nLR = 0.1\ndef main()\n    p = argparse.ArgumentParser()\n    p.add_argument("--lr", type=float, default=LR)\n    p.add_argument("--bs", type=int, default=32)\n';
  const a = await analyzeText('/virtual/colon.py', text);
  assert.deepEqual(a.problems, ['colon.py:3: syntax error']);
  assert.deepEqual(
    a.params.map((p) => p.name),
    ['lr', 'bs'],
  );
});

test('a training script with no parameters: an analysis with none and no problem', async () => {
  const a = await analyzeScript(path.join(FIXTURES, 'no_params.py'));
  assert.ok(a.score >= TRAINING_SCRIPT_MIN_SCORE);
  assert.deepEqual(a.params, []);
  assert.deepEqual(a.problems, []);
});

test('binary, enormous and missing files are refused with the reason and the file', async (t) => {
  const dir = tempDir(t);
  const binary = path.join(dir, 'blob.py');
  fs.writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  const huge = path.join(dir, 'huge.py');
  fs.writeFileSync(huge, 'import torch\n' + 'x = 1  # padding padding padding padding padding padding padding\n'.repeat(48_000));
  assert.ok(fs.statSync(huge).size > 3_000_000);
  const cases: [string, PythonSourceError['reason'], RegExp][] = [
    [binary, 'binary', /blob\.py: binary content/],
    [huge, 'too-large', /huge\.py: 3\.\d MB is too large/],
    [path.join(dir, 'missing.py'), 'unreadable', /missing\.py: cannot read it \(ENOENT\)/],
  ];
  for (const [file, reason, message] of cases) {
    await assert.rejects(analyzeScript(file), (err: unknown) => {
      assert.ok(PythonSourceError.is(err, reason), `${file}: ${String(err)}`);
      assert.match((err as Error).message, message);
      return true;
    });
  }
});

test('an unsaved editor buffer is analysed instead of the file on disk', async () => {
  const file = path.join(WORKSPACE, 'train.py');
  const edited = fs.readFileSync(file, 'utf8').replace('"--dropout", type=float, default=0.1', '"--dropout", type=float, default=0.3');
  const a = await analyzeScript(file, { text: edited });
  assert.equal(a.params.find((p) => p.name === 'dropout')?.default, 0.3);
  const b = await analyzeText(file, edited);
  assert.deepEqual(b, a);
});

function param(name: string, source: ParamSource, line: number, extra: Partial<ExtractedParam> = {}): ExtractedParam {
  return { name, source, type: 'float', default: 0.1, location: { file: '/w/train.py', line, column: 1 }, tunable: true, ...extra };
}

test('merge: consumed constants dropped, one parameter per name with the command line winning, source order, config files last', () => {
  const merged = mergeParams(
    '/w/train.py',
    [
      { params: [param('lr', 'argparse', 20), param('dropout', 'argparse', 21), param('epochs', 'argparse', 22)], consumedConstants: ['LR'] },
      { params: [param('dropout', 'dataclass', 5), param('width', 'dataclass', 6)] },
      { params: [param('momentum', 'yaml', 2, { location: { file: '/w/conf/b.yaml', line: 2, column: 1 } }), param('beta', 'yaml', 9, { location: { file: '/w/conf/a.yaml', line: 9, column: 1 } })], configFiles: ['/w/conf/a.yaml', '/w/conf/b.yaml'] },
      { params: [param('LR', 'constant', 3), param('dropout', 'constant', 4), param('WIDTH', 'constant', 7)] },
    ],
    ['/w/conf/a.yaml', '/w/conf/b.yaml'],
  );
  assert.deepEqual(
    merged.map((p) => `${p.name}:${p.source}`),
    ['width:dataclass', 'WIDTH:constant', 'lr:argparse', 'dropout:argparse', 'epochs:argparse', 'beta:yaml', 'momentum:yaml'],
  );
  assert.equal(merged.find((p) => p.name === 'epochs')?.tunable, false);
});
