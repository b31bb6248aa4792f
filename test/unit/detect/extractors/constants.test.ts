import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { extractConstants } from '../../../../src/detect/extractors/constants';
import type { ExtractionResult } from '../../../../src/detect/extractors/extractor';
import type { ExtractedParam } from '../../../../src/detect/param-model';
import { moduleConstants } from '../../../../src/detect/python-literal';
import { parsePython } from '../../../../src/detect/python-parser';
import { DEBIAN_PYTHON } from '../../../helpers/debian-python';
import { tempDir } from '../../../helpers/temp-dir';

async function extract(text: string, file = '/project/train.py'): Promise<ExtractionResult> {
  const tree = await parsePython(text);
  return extractConstants({ file, text, tree, constants: moduleConstants(tree) });
}

function byName(result: ExtractionResult): Map<string, ExtractedParam> {
  return new Map(result.params.map((p) => [p.name, p]));
}

/** The literal text apply-back would replace. */
function written(text: string, p: ExtractedParam): string {
  assert.ok(p.location.valueStart !== undefined && p.location.valueEnd !== undefined, `${p.name} has a value range`);
  return text.slice(p.location.valueStart, p.location.valueEnd);
}

describe('extractConstants', () => {
  const script = [
    'import os', // 1
    'from typing import Literal, Optional', // 2
    '# Größe des Modells: constants below are read by the training loop', // 3
    'LR = 1e-3  # peak learning rate', // 4
    'BATCH_SIZE: int = 64', // 5
    'N_EMBD = 384', // 6
    'DROPOUT: float = 0', // 7
    'BETAS = (0.9, 0.95)', // 8
    'USE_AMP = True', // 9
    'OPTIMIZER: Literal["adam", "sgd"] = "adam"', // 10
    'RUN_NAME = "naïve-run"', // 11
    'DATA_DIR = "data/"', // 12
    'WARMUP_STEPS: Optional[int] = None', // 13
    'MAX_ITERS = 10 * 1000', // 14
    'WEIGHT_DECAY = -1e-1 * -1', // 15
    '__version__ = "1.0"', // 16
    '_PRIVATE = 3', // 17
    'DEVICE = torch.device("cpu")', // 18
    'MAPPING = {"a": 1}', // 19
    'SCALED_LR = LR * 2', // 20
    'A, B = 1, 2', // 21
    'C = D = 5', // 22
    'learning_rate = 0.1', // 23
    'def train():', // 24
    '    INNER = 1', // 25
    'class Config:', // 26
    '    CLASS_LEVEL = 2', // 27
    'if __name__ == "__main__":', // 28
    '    MAIN_ONLY = 1', // 29
    '',
  ].join('\n');

  test('UPPER_CASE and annotated module constants, with types, defaults, lines and exact value ranges', async () => {
    const result = await extract(script);
    const params = byName(result);
    assert.deepEqual(
      [...params.keys()],
      ['LR', 'BATCH_SIZE', 'N_EMBD', 'DROPOUT', 'BETAS', 'USE_AMP', 'OPTIMIZER', 'RUN_NAME', 'DATA_DIR', 'WARMUP_STEPS', 'MAX_ITERS', 'WEIGHT_DECAY', 'MAPPING'],
    );
    const expect: Record<string, [ExtractedParam['type'], unknown, number, string]> = {
      LR: ['float', 1e-3, 4, '1e-3'],
      BATCH_SIZE: ['int', 64, 5, '64'],
      N_EMBD: ['int', 384, 6, '384'],
      DROPOUT: ['float', 0, 7, '0'], // the annotation says float though the literal is an int
      BETAS: ['list', [0.9, 0.95], 8, '(0.9, 0.95)'],
      USE_AMP: ['bool', true, 9, 'True'],
      OPTIMIZER: ['str', 'adam', 10, '"adam"'],
      RUN_NAME: ['str', 'naïve-run', 11, '"naïve-run"'],
      DATA_DIR: ['str', 'data/', 12, '"data/"'], // paths are listed; the classifier decides they are not tuned
      WARMUP_STEPS: ['int', null, 13, 'None'],
      MAX_ITERS: ['int', 10000, 14, '10 * 1000'],
      WEIGHT_DECAY: ['float', 0.1, 15, '-1e-1 * -1'],
      MAPPING: ['unknown', { a: 1 }, 19, '{"a": 1}'], // a dict the script does not pass on as parameters: one value
    };
    for (const [name, [type, value, line, text]] of Object.entries(expect)) {
      const p = params.get(name)!;
      assert.equal(p.source, 'constant', name);
      assert.equal(p.type, type, name);
      assert.deepEqual(p.default, value, name);
      assert.equal(p.location.line, line, name);
      assert.equal(p.location.column, 1, name);
      assert.equal(p.location.file, '/project/train.py');
      assert.equal(written(script, p), text, name);
      assert.equal(p.defaultText, text, name);
      assert.equal(p.tunable, true);
    }
    assert.deepEqual(params.get('OPTIMIZER')!.choices, ['adam', 'sgd']);
    assert.equal(params.get('LR')!.help, 'peak learning rate');
    assert.deepEqual(result.problems, []);
  });

  test('without a configurator, lower-case globals are not hyperparameters', async () => {
    const params = byName(await extract(script));
    assert.equal(params.has('learning_rate'), false);
  });

  test('a constant set twice: the last top-level assignment is its default, and the user is told', async () => {
    const text = ['EPOCHS = 10', 'LR = 0.1', 'EPOCHS = 20', 'STEPS = 100', 'STEPS = STEPS * 2', 'WIDTH = 64', 'WIDTH += 32', ''].join('\n');
    const result = await extract(text);
    const params = byName(result);
    const epochs = params.get('EPOCHS')!;
    assert.equal(epochs.default, 20);
    assert.equal(epochs.location.line, 3);
    assert.equal(written(text, epochs), '20');
    assert.equal(params.has('STEPS'), false, 'the value the script runs with is computed');
    assert.equal(params.has('WIDTH'), false, 'augmented after its literal');
    assert.deepEqual(result.problems, [
      'train.py:3: EPOCHS is set 2 times at the top level (lines 1, 3); the last one (line 3) is the value the script runs with, so Tunekit reads and rewrites that one',
      'train.py:5: STEPS is set 2 times at the top level (lines 4, 5) and the last one is not a plain value, so it is not offered for tuning',
      'train.py:7: WIDTH is set 2 times at the top level (lines 6, 7) and the last one is not a plain value, so it is not offered for tuning',
    ]);
  });

  test('a params dict handed to a library is listed entry by entry; a grid or a lookup table is one value', async () => {
    const text = [
      'import xgboost as xgb', // 1
      'SEED = 0', // 2
      'PARAMS = {', // 3
      '    "max_depth": 6,', // 4
      '    "eta": 0.1,', // 5
      '    "objective": "binary:logistic",', // 6
      '    "tree": {"grow_policy": "lossguide"},', // 7
      '    "seed": SEED,', // 8
      '}', // 9
      'BASE = {"boosting_type": "gbdt", "num_leaves": 31}', // 10
      'GRID = {"C": [0.1, 1, 10], "gamma": ["scale", 0.1]}', // 11
      'LABELS = {"cat": 0, "dog": 1}', // 12
      'booster = xgb.train(dict(PARAMS, seed=1), dtrain)', // 13
      'model = LGBMRegressor(**BASE)', // 14
      'search = GridSearchCV(model, GRID)', // 15
      'y = LABELS["cat"]', // 16
      '',
    ].join('\n');
    const result = await extract(text);
    assert.deepEqual(
      result.params.map((p) => [p.name, p.type, p.default, p.location.line, written(text, p)]),
      [
        ['SEED', 'int', 0, 2, '0'],
        ['PARAMS.max_depth', 'int', 6, 4, '6'],
        ['PARAMS.eta', 'float', 0.1, 5, '0.1'],
        ['PARAMS.objective', 'str', 'binary:logistic', 6, '"binary:logistic"'],
        ['PARAMS.tree.grow_policy', 'str', 'lossguide', 7, '"lossguide"'],
        ['BASE.boosting_type', 'str', 'gbdt', 10, '"gbdt"'],
        ['BASE.num_leaves', 'int', 31, 10, '31'],
        ['GRID', 'unknown', { C: [0.1, 1, 10], gamma: ['scale', 0.1] }, 11, '{"C": [0.1, 1, 10], "gamma": ["scale", 0.1]}'],
        ['LABELS', 'unknown', { cat: 0, dog: 1 }, 12, '{"cat": 0, "dog": 1}'],
      ],
    );
    assert.equal(result.params.find((p) => p.name === 'BASE.num_leaves')!.location.column, 34);
  });

  test('an empty or syntax-broken file gives no params and does not throw', async () => {
    assert.deepEqual((await extract('')).params, []);
    const broken = await extract('LR = 0.1\ndef broken(:\n    pass\nEPOCHS = 3\n');
    assert.deepEqual(
      broken.params.map((p) => [p.name, p.default]),
      [
        ['LR', 0.1],
        ['EPOCHS', 3],
      ],
    );
  });
});

describe('nanoGPT-style globals with exec(open("configurator.py").read())', () => {
  // The settings block of nanoGPT's train.py, trimmed, and its configurator.py logic.
  const train = [
    'import json, sys', // 1
    "out_dir = 'out'", // 2
    'eval_interval = 2000', // 3
    'batch_size = 12 # if gradient_accumulation_steps > 1, this is the micro-batch size', // 4
    'gradient_accumulation_steps = 5 * 8 # used to simulate larger batch sizes', // 5
    'n_layer = 12', // 6
    'dropout = 0.0 # for pretraining 0 is good, for finetuning try 0.1+', // 7
    'learning_rate = 6e-4 # max learning rate', // 8
    'decay_lr = True', // 9
    "dtype = 'bfloat16' if len(sys.argv) > 99 else 'float16'", // 10
    'BLOCK_SIZE = 1024', // 11
    "config_keys = [k for k,v in globals().items() if not k.startswith('_') and isinstance(v, (int, float, bool, str))]", // 12
    "exec(open('configurator.py').read()) # overrides from command line or config file", // 13
    'config = {k: globals()[k] for k in config_keys}', // 14
    'master_process = True', // 15
    'tokens_per_iter = gradient_accumulation_steps * batch_size', // 16
    'print(json.dumps(config))', // 17
    '',
  ].join('\n');
  const configurator = [
    'import sys',
    'from ast import literal_eval',
    'for arg in sys.argv[1:]:',
    "    key, val = arg.split('=')",
    '    key = key[2:]',
    '    assert key in globals(), f"Unknown config key: {key}"',
    '    attempt = literal_eval(val)',
    '    assert type(attempt) == type(globals()[key])',
    '    globals()[key] = attempt',
    '',
  ].join('\n');

  test('the lower-case globals before the exec are listed, with their comments as help', async () => {
    const result = await extract(train);
    assert.deepEqual(
      result.params.map((p) => [p.name, p.type, p.default, p.location.line]),
      [
        ['out_dir', 'str', 'out', 2],
        ['eval_interval', 'int', 2000, 3],
        ['batch_size', 'int', 12, 4],
        ['gradient_accumulation_steps', 'int', 40, 5],
        ['n_layer', 'int', 12, 6],
        ['dropout', 'float', 0, 7],
        ['learning_rate', 'float', 6e-4, 8],
        ['decay_lr', 'bool', true, 9],
        ['BLOCK_SIZE', 'int', 1024, 11],
      ],
    );
    const byNameMap = byName(result);
    assert.equal(byNameMap.get('learning_rate')!.help, 'max learning rate');
    assert.equal(written(train, byNameMap.get('gradient_accumulation_steps')!), '5 * 8');
    assert.equal(byNameMap.has('master_process'), false, 'set after the configurator ran: not a setting');
  });

  test('they are exactly the keys the configurator lets the command line override (real Python)', async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, 'train.py'), train);
    fs.writeFileSync(path.join(dir, 'configurator.py'), configurator);
    const out = execFileSync(DEBIAN_PYTHON, ['train.py', '--batch_size=32', '--learning_rate=0.001'], { cwd: dir, encoding: 'utf8' });
    const config = JSON.parse(out.trim()) as Record<string, unknown>;
    assert.equal(config.batch_size, 32, 'the configurator applied the override');
    const extracted = (await extract(train)).params.map((p) => p.name);
    const keys = Object.keys(config);
    // dtype is a conditional expression (no literal to show or rewrite); BLOCK_SIZE is listed as an UPPER_CASE constant.
    assert.deepEqual(keys.filter((k) => !extracted.includes(k)), ['dtype']);
    assert.deepEqual(extracted.filter((k) => !keys.includes(k)), []);
  });
});
