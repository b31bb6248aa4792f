import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { extractConfigFiles } from '../../../src/detect/extractors/config-files';
import type { ExtractionResult } from '../../../src/detect/extractors/extractor';
import type { ExtractedParam } from '../../../src/detect/param-model';
import { moduleConstants } from '../../../src/detect/python-literal';
import { parsePython, readPythonSource } from '../../../src/detect/python-parser';
import { applyEdits } from '../../../src/detect/text-edit';
import { DEBIAN_PYTHON, missingPythonModules } from '../../helpers/debian-python';
import { tempDir } from '../../helpers/temp-dir';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'config-files');

async function extract(script: string): Promise<ExtractionResult> {
  const text = readPythonSource(script);
  const tree = await parsePython(text);
  return await extractConfigFiles({ file: script, text, tree, constants: moduleConstants(tree) });
}

/** The text apply-back would replace, read from the config file the param points at. */
function written(p: ExtractedParam): string | undefined {
  const { file, valueStart, valueEnd } = p.location;
  return valueStart === undefined ? undefined : fs.readFileSync(file, 'utf8').slice(valueStart, valueEnd);
}

function row(p: ExtractedParam, root: string): [string, string, unknown, string, number, string | undefined] {
  return [p.name, p.type, p.default, path.relative(root, p.location.file), p.location.line, written(p)];
}

/** What the script itself loads, flattened the same way (dotted keys, scalars and lists of scalars). */
function flatten(value: unknown, prefix = ''): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { [prefix]: value };
  return Object.assign({}, ...Object.entries(value).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)));
}

describe('YAML named by a --config default and read with yaml.safe_load', () => {
  const dir = path.join(FIXTURES, 'yaml-flag');
  const script = path.join(dir, 'train.py');

  test('nested keys become dotted names, located at their line with the exact value text', async () => {
    const result = await extract(script);
    assert.deepEqual(result.configFiles, [path.join(dir, 'configs', 'base.yaml')]);
    assert.deepEqual(result.problems, []);
    const yaml = 'configs/base.yaml';
    assert.deepEqual(
      result.params.map((p) => row(p, dir)),
      [
        ['seed', 'int', 7, yaml, 2, '7'],
        ['optimizer.name', 'str', 'adam', yaml, 4, '"adam"'],
        ['optimizer.lr', 'float', 1e-3, yaml, 5, '1.0e-3'],
        ['optimizer.betas', 'list', [0.9, 0.999], yaml, 6, '[0.9, 0.999]'],
        ['optimizer.weight_decay', 'float', 0, yaml, 7, '0.0'],
        ['model.hidden_sizes', 'list', [128, 64], yaml, 9, '- 128\n    - 64'],
        ['model.dropout', 'float', 0.1, yaml, 12, '0.1'],
        ['model.activation', 'str', 'relu', yaml, 13, 'relu'],
        ['model.batch_norm', 'bool', true, yaml, 14, 'yes'], // YAML 1.1, as PyYAML reads it
        ['data.batch_size', 'int', 64, yaml, 16, '64'],
        ['data.shuffle', 'bool', true, yaml, 17, 'true'],
        ['data.path', 'str', 'data/digits.csv', yaml, 18, 'data/digits.csv'],
        ['data.cache_dir', 'unknown', null, yaml, 19, undefined], // `cache_dir:` has no text to replace
        ['data.augment', 'unknown', null, yaml, 20, 'null'],
      ],
    );
    assert.ok(result.params.every((p) => p.source === 'yaml' && p.tunable));
    assert.equal(result.params.find((p) => p.name === 'optimizer.lr')!.location.column, 3);
  });

  test('the defaults are the values the script loads (real Python and PyYAML)', async (t) => {
    const missing = missingPythonModules('yaml');
    if (missing) return t.skip(missing);
    const loaded = flatten(JSON.parse(execFileSync(DEBIAN_PYTHON, [script], { cwd: dir, encoding: 'utf8' })));
    const result = await extract(script);
    assert.deepEqual(Object.fromEntries(result.params.map((p) => [p.name, p.default])), loaded);
  });

  test('rewriting a value range changes that value only and keeps comments (PyYAML reads the edit)', async (t) => {
    const missing = missingPythonModules('yaml');
    if (missing) return t.skip(missing);
    const result = await extract(script);
    const text = fs.readFileSync(path.join(dir, 'configs', 'base.yaml'), 'utf8');
    const edit = (name: string, newText: string) => {
      const p = result.params.find((q) => q.name === name)!;
      return { start: p.location.valueStart!, end: p.location.valueEnd!, newText };
    };
    const edited = applyEdits(text, [edit('optimizer.lr', '0.0003'), edit('model.hidden_sizes', '[32, 16]'), edit('optimizer.name', '"sgd"')]);
    assert.match(edited, /lr: 0\.0003 {7}# peak learning rate/);
    const work = tempDir(t);
    fs.writeFileSync(path.join(work, 'base.yaml'), edited);
    const reloaded = JSON.parse(execFileSync(DEBIAN_PYTHON, ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path.join(work, 'base.yaml')], { encoding: 'utf8' }));
    const before = flatten(JSON.parse(execFileSync(DEBIAN_PYTHON, [script], { cwd: dir, encoding: 'utf8' })));
    assert.deepEqual(flatten(reloaded), { ...before, 'optimizer.lr': 0.0003, 'model.hidden_sizes': [32, 16], 'optimizer.name': 'sgd' });
  });
});

describe('JSON found through a constant built from __file__ and read with json.load', () => {
  const dir = path.join(FIXTURES, 'json-constant');
  const script = path.join(dir, 'train.py');

  test('keys, types and exact value ranges', async () => {
    const result = await extract(script);
    assert.deepEqual(result.configFiles, [path.join(dir, 'hparams.json')]);
    assert.deepEqual(result.problems, []);
    const json = 'hparams.json';
    assert.deepEqual(
      result.params.map((p) => row(p, dir)),
      [
        ['learning_rate', 'float', 0.003, json, 2, '0.003'],
        ['epochs', 'int', 20, json, 3, '20'],
        ['scheduler.name', 'str', 'cosine', json, 4, '"cosine"'],
        ['scheduler.warmup_steps', 'int', 100, json, 4, '100'],
        ['scheduler.min_lr', 'float', 1e-6, json, 4, '1e-6'],
        ['layers', 'list', [256, 128], json, 5, '[256, 128]'],
        ['use_amp', 'bool', false, json, 6, 'false'],
        ['label', 'str', 'baseline "v2"', json, 7, '"baseline \\"v2\\""'],
        ['notes', 'unknown', null, json, 8, 'null'],
      ],
    );
    assert.ok(result.params.every((p) => p.source === 'json'));
    assert.equal(result.params.find((p) => p.name === 'scheduler.min_lr')!.location.column, 56);
  });

  test('the defaults are the values the script loads (real Python, run from another folder)', async (t) => {
    const elsewhere = tempDir(t);
    const loaded = flatten(JSON.parse(execFileSync(DEBIAN_PYTHON, [script], { cwd: elsewhere, encoding: 'utf8' })));
    const result = await extract(script);
    assert.deepEqual(Object.fromEntries(result.params.map((p) => [p.name, p.default])), loaded);
  });
});

describe('Hydra: @hydra.main(config_path="conf", config_name="config") with a defaults list', () => {
  const dir = path.join(FIXTURES, 'hydra-app');
  const script = path.join(dir, 'train.py');

  test('group options are prefixed by their group, and each key is located where its winning value is written', async () => {
    const result = await extract(script);
    assert.deepEqual(
      result.params.map((p) => row(p, dir)),
      [
        // Each group's choice, located at its option in the defaults list; switched with optimizer=NAME.
        ['optimizer', 'str', 'adam', 'conf/config.yaml', 2, 'adam'],
        // optimizer/adam.yaml says lr: 0.001, but config.yaml's _self_ comes after it and wins.
        ['optimizer.lr', 'float', 0.01, 'conf/config.yaml', 15, '0.01'],
        ['optimizer.betas', 'list', [0.9, 0.999], 'conf/optimizer/adam.yaml', 3, '[0.9, 0.999]'],
        ['optimizer.eps', 'float', 1e-8, 'conf/optimizer/adam.yaml', 4, '1e-8'],
        ['model', 'str', 'mlp', 'conf/config.yaml', 3, 'mlp'],
        // model/mlp.yaml's own defaults list: the nested group model/activation.
        ['model/activation', 'str', 'relu', 'conf/model/mlp.yaml', 2, 'relu'],
        ['model.activation.name', 'str', 'relu', 'conf/model/activation/relu.yaml', 1, 'relu'],
        ['model.activation.inplace', 'bool', true, 'conf/model/activation/relu.yaml', 2, 'true'],
        ['model.hidden', 'list', [64, 32], 'conf/model/mlp.yaml', 4, '[64, 32]'],
        ['model.dropout', 'float', 0.2, 'conf/model/mlp.yaml', 5, '0.2'],
        ['seed', 'int', 42, 'conf/config.yaml', 9, '42'],
        // experiment/quick.yaml is `# @package _global_` and listed after _self_: it wins.
        ['trainer.max_epochs', 'int', 2, 'conf/experiment/quick.yaml', 4, '2'],
        ['trainer.precision', 'int', 32, 'conf/config.yaml', 12, '32'],
        // An interpolation is computed when the config is read: listed, without a default.
        ['trainer.log_dir', 'str', undefined, 'conf/config.yaml', 13, '${hydra:runtime.output_dir}/logs'],
        ['data.batch_size', 'int', 32, 'conf/config.yaml', 17, '32'],
        ['data.path', 'unknown', undefined, 'conf/config.yaml', 18, '???'],
        ['experiment', 'str', 'quick', 'conf/config.yaml', 7, 'quick'],
      ],
    );
    const choices = (name: string) => result.params.find((p) => p.name === name)!.choices;
    assert.deepEqual([choices('optimizer'), choices('model'), choices('model/activation')], [['adam', 'sgd'], ['cnn', 'mlp'], ['gelu', 'relu']]);
    assert.ok(result.params.every((p) => p.source === 'hydra'));
    // _target_ (instantiate), the hydra: block and `optional augment: none` (absent) add nothing.
    assert.equal(
      result.params.some((p) => /_target_|^hydra|augment/.test(p.name)),
      false,
    );
  });

  test('the files read are reported, and a mandatory ??? value is a problem naming its line', async () => {
    const result = await extract(script);
    assert.deepEqual(
      result.configFiles?.map((f) => path.relative(dir, f)),
      ['conf/config.yaml', 'conf/optimizer/adam.yaml', 'conf/model/mlp.yaml', 'conf/model/activation/relu.yaml', 'conf/experiment/quick.yaml'],
    );
    assert.deepEqual(result.problems, ['conf/config.yaml:18: data.path is mandatory (???) and has no default: give it a value in the study (fixed values) or the script stops']);
  });

  test('a missing group option and a missing primary config are problems, not crashes', async (t) => {
    const work = tempDir(t);
    fs.cpSync(dir, work, { recursive: true });
    fs.rmSync(path.join(work, 'conf', 'optimizer', 'adam.yaml'));
    const withoutGroup = await extract(path.join(work, 'train.py'));
    assert.equal(withoutGroup.params.some((p) => p.name === 'optimizer.betas'), false);
    assert.ok(withoutGroup.params.some((p) => p.name === 'optimizer.lr'), 'the rest is still composed');
    assert.deepEqual(withoutGroup.problems?.[0], 'conf/optimizer/adam.yaml: does not exist (listed in conf/config.yaml:2); its keys are not listed until it is fixed');

    fs.rmSync(path.join(work, 'conf', 'config.yaml'));
    const withoutPrimary = await extract(path.join(work, 'train.py'));
    assert.deepEqual(withoutPrimary.params, []);
    assert.match(withoutPrimary.problems?.[0] ?? '', /^train\.py:6: Hydra's primary config conf\/config\.yaml does not exist/);
  });
});

describe('files that cannot be used', () => {
  test('malformed YAML and JSON, a missing relative path and a computed path each give a problem with file and line', async () => {
    const result = await extract(path.join(FIXTURES, 'broken', 'train.py'));
    assert.deepEqual(result.params, []);
    assert.deepEqual(result.configFiles, []);
    assert.deepEqual(result.problems, [
      'bad.yaml:4: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (read at train.py:8); its keys are not listed until it is fixed',
      "bad_config.json:4: not valid JSON: expected a property name in double quotes, found '}' (read at train.py:10); its keys are not listed until it is fixed",
      'train.py:11: settings/missing.yaml ("settings/missing.yaml", read by OmegaConf.load) is not in the script\'s folder; Python resolves a relative path from the folder the script is started in, which Tunekit cannot know here: start it from the script\'s folder, or build the path from __file__',
      'train.py:12: yaml.safe_load reads a config file whose path Tunekit cannot work out (sys.argv[1]); its keys are not listed: to tune them, give the path as a string, a constant or a --config default',
    ]);
  });
});

describe('how the path is found', () => {
  test('a loader helper called with a literal path, OmegaConf.load and a CONFIG_PATH constant', async (t) => {
    const dir = tempDir(t);
    fs.mkdirSync(path.join(dir, 'configs'));
    fs.writeFileSync(path.join(dir, 'configs', 'exp.yaml'), 'lr: 0.05\n');
    fs.writeFileSync(path.join(dir, 'model.yaml'), 'width: 128\nname: ${oc.env:USER}\n');
    fs.writeFileSync(path.join(dir, 'base.yml'), 'epochs: 4\n');
    const script = path.join(dir, 'train.py');
    fs.writeFileSync(
      script,
      [
        'import os, yaml',
        'from omegaconf import OmegaConf',
        'CONFIG_PATH = "base.yml"',
        'def load_config(path):',
        '    with open(path, "r") as stream:',
        '        return yaml.safe_load(stream)',
        'cfg = load_config(os.path.join("configs", "exp.yaml"))',
        'model = OmegaConf.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.yaml"))',
        '',
      ].join('\n'),
    );
    const result = await extract(script);
    assert.deepEqual(
      result.params.map((p) => [p.name, p.default, path.relative(dir, p.location.file)]),
      [
        ['lr', 0.05, 'configs/exp.yaml'],
        ['width', 128, 'model.yaml'],
        ['name', undefined, 'model.yaml'], // ${oc.env:USER} is computed when read: no default
        ['epochs', 4, 'base.yml'],
      ],
    );
    assert.deepEqual(result.problems, []);
  });

  test('json.load of a data file (not named like a config) is not read as settings', async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, 'vocab.json'), '{"the": 1, "a": 2}');
    fs.writeFileSync(path.join(dir, 'train_config.json'), '{"lr": 0.1}');
    const script = path.join(dir, 'train.py');
    fs.writeFileSync(
      script,
      ['import json', 'vocab = json.load(open("vocab.json"))', 'with open("train_config.json") as f:', '    settings = json.load(f)', 'for line in open("log.jsonl"):', '    record = json.loads(line)', ''].join('\n'),
    );
    const result = await extract(script);
    assert.deepEqual(result.params.map((p) => p.name), ['lr']);
    assert.deepEqual(result.configFiles, [path.join(dir, 'train_config.json')]);
    assert.deepEqual(result.problems, []);
  });

  test('CRLF line ends, a byte-order mark and non-ASCII text keep value ranges exact', async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, 'config.yaml'), '\ufeff# Réglages 🚀\r\nname: "café 🚀"\r\nmodel:\r\n  depth: 12 # ☕\r\n  sizes:\r\n    - 8\r\n    - 16\r\n');
    fs.writeFileSync(path.join(dir, 'params.json'), '\ufeff{\r\n  "note": "naïve 🚀",\r\n  "lr": 0.02\r\n}\r\n');
    const script = path.join(dir, 'train.py');
    fs.writeFileSync(script, 'import json, yaml\ncfg = yaml.safe_load(open("config.yaml", encoding="utf-8"))\nparams = json.load(open("params.json", encoding="utf-8-sig"))\n');
    const result = await extract(script);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.params.map((p) => [p.name, p.default, p.location.line, written(p)]),
      [
        ['name', 'café 🚀', 2, '"café 🚀"'],
        ['model.depth', 12, 4, '12'],
        ['model.sizes', [8, 16], 5, '- 8\r\n    - 16'],
        ['note', 'naïve 🚀', 2, '"naïve 🚀"'],
        ['lr', 0.02, 3, '0.02'],
      ],
    );
  });
});
