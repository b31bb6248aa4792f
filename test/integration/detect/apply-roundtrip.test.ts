/**
 * Apply-back end to end on real files: the real analysis finds the defaults, the plan rewrites
 * them, the analysis of the edited files finds the new values, nothing outside the rewritten
 * literals moved, and Python itself (argparse, PyYAML, json) reads the new values with their
 * types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { JsonValue } from '../../../src/core/space/distributions';
import { jsonEquals } from '../../../src/core/space/distributions';
import { analyzeScript } from '../../../src/detect/analyze-script';
import type { ApplyPlan } from '../../../src/detect/apply/plan-apply';
import { planApply } from '../../../src/detect/apply/plan-apply';
import type { ExtractedParam } from '../../../src/detect/param-model';
import { applyEdits } from '../../../src/detect/text-edit';
import { DEBIAN_PYTHON, missingPythonModules } from '../../helpers/debian-python';
import { tempDir } from '../../helpers/temp-dir';

const SCRIPT = `"""Round-trip fixture: argparse defaults, a YAML config and a JSON config."""
import argparse
import json

LR = 1e-3  # from the paper


def main():
    parser = argparse.ArgumentParser(description="apply-back fixture")
    parser.add_argument("--lr", type=float, default=LR, help="learning rate")
    parser.add_argument('--weight-decay', type=float, default=5e-4)  # L2 penalty
    parser.add_argument('--batch-size', type=int, default=1_024)
    parser.add_argument('--optimizer', type=str, default='adam', choices=['adam', 'sgd', 'adamw'])
    parser.add_argument('--dropout', type=float, default=0.1)
    parser.add_argument('--amp', action='store_true', default=False)
    parser.add_argument('--warmup', type=float, default=2 * 0.05)
    args = parser.parse_args()
    import yaml  # after parse_args, so --help runs on a Python without PyYAML

    with open('config.yaml') as f:
        cfg = yaml.safe_load(f)
    model_cfg = json.load(open('model_config.json'))
    print(json.dumps({"args": vars(args), "config": cfg, "model": model_cfg}))


if __name__ == '__main__':
    main()
`;

const CONFIG_YAML = `# Training config: these comments must survive apply-back.
optimizer:
  name: 'adam'      # quoted on purpose
  momentum: 0.9
schedule:
  warmup_steps: 500   # steps, not epochs
  min_lr: 1.0e-06
layers: [256, 128]
use_ema: yes
label: "baseline"
`;

const MODEL_JSON = `{
  "hidden": 128,
  "activation": "relu",
  "dropout_p": 0.25,
  "residual": false,
  "widths": [64, 64]
}
`;

/** What a tuned trial might hand back, with the text each literal must become. */
const TRIAL: Record<string, { value: JsonValue; written: string }> = {
  lr: { value: 3e-4, written: '3e-4' },
  'weight-decay': { value: 1e-5, written: '1e-5' },
  'batch-size': { value: 2048, written: '2_048' },
  optimizer: { value: 'sgd', written: "'sgd'" },
  dropout: { value: 0.05, written: '0.05' },
  amp: { value: true, written: 'True' },
  'optimizer.name': { value: 'adamw', written: "'adamw'" },
  'optimizer.momentum': { value: 0.95, written: '0.95' },
  'schedule.warmup_steps': { value: 1000, written: '1000' },
  'schedule.min_lr': { value: 1e-7, written: '1.0e-07' },
  layers: { value: [512, 256], written: '[512, 256]' },
  use_ema: { value: false, written: 'no' },
  label: { value: 'tuned run', written: '"tuned run"' },
  hidden: { value: 256, written: '256' },
  activation: { value: 'gelu', written: '"gelu"' },
  dropout_p: { value: 0.3, written: '0.3' },
  residual: { value: true, written: 'true' },
  widths: { value: [128, 32], written: '[128, 32]' },
};

const values = (): Record<string, JsonValue> => Object.fromEntries(Object.entries(TRIAL).map(([k, v]) => [k, v.value]));

function fixture(t: TestContext): { dir: string; script: string; files: string[] } {
  const dir = tempDir(t);
  const script = path.join(dir, 'train.py');
  fs.writeFileSync(script, SCRIPT);
  fs.writeFileSync(path.join(dir, 'config.yaml'), CONFIG_YAML);
  fs.writeFileSync(path.join(dir, 'model_config.json'), MODEL_JSON);
  return { dir, script, files: [script, path.join(dir, 'config.yaml'), path.join(dir, 'model_config.json')] };
}

function write(plan: ApplyPlan): void {
  for (const [file, edits] of plan.edits) fs.writeFileSync(file, applyEdits(plan.texts.get(file) as string, edits));
}

function byName(params: readonly ExtractedParam[]): Map<string, ExtractedParam> {
  return new Map(params.map((p) => [p.name, p]));
}

test('applied values are the new defaults, in the style of the old ones, and nothing else moved', async (t) => {
  const { script, files } = fixture(t);
  const before = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
  const analysis = await analyzeScript(script);
  const found = byName(analysis.params);
  for (const name of Object.keys(TRIAL)) assert.ok(found.has(name), `the analysis should find ${name}; it found ${[...found.keys()].join(', ')}`);

  const plan = planApply(analysis, values());
  assert.deepEqual(plan.refused, []);
  assert.deepEqual(plan.unchanged, []);
  assert.deepEqual(
    Object.fromEntries(plan.changes.map((c) => [c.name, c.newText])),
    Object.fromEntries(Object.entries(TRIAL).map(([k, v]) => [k, v.written])),
  );
  write(plan);

  // Every line is as it was, except the changed lines, which differ only inside the literal:
  // same prefix (key, `default=`), same suffix (comments, closing parentheses).
  for (const file of files) {
    const oldLines = (before.get(file) as string).split('\n');
    const newLines = fs.readFileSync(file, 'utf8').split('\n');
    assert.equal(newLines.length, oldLines.length, file);
    const changed = new Map(plan.changes.filter((c) => c.file === file).map((c) => [c.line, c]));
    oldLines.forEach((oldLine, i) => {
      const change = changed.get(i + 1);
      const newLine = newLines[i] as string;
      if (!change) return assert.equal(newLine, oldLine, `${path.basename(file)}:${i + 1} must not change`);
      const at = oldLine.indexOf(change.oldText);
      assert.ok(at >= 0);
      assert.equal(newLine.slice(0, at), oldLine.slice(0, at), `${path.basename(file)}:${i + 1} prefix`);
      assert.equal(newLine.slice(at + change.newText.length), oldLine.slice(at + change.oldText.length), `${path.basename(file)}:${i + 1} suffix`);
    });
  }
  assert.match(fs.readFileSync(script, 'utf8'), /^LR = 3e-4 {2}# from the paper$/m);
  assert.match(fs.readFileSync(files[1] as string, 'utf8'), /^ {2}name: 'adamw' {6}# quoted on purpose$/m);

  // The analysis of the edited files reads the new values as defaults, with the same types.
  const again = await analyzeScript(script);
  const refound = byName(again.params);
  for (const [name, { value }] of Object.entries(TRIAL)) {
    const p = refound.get(name);
    assert.ok(p && p.default !== undefined && jsonEquals(p.default, value), `${name}: default ${JSON.stringify(p?.default)}, applied ${JSON.stringify(value)}`);
    assert.equal(p.type, found.get(name)?.type, `${name} keeps its type`);
  }

  // Applying the same trial again changes nothing.
  const second = planApply(again, values());
  assert.equal(second.edits.size, 0);
  assert.deepEqual(second.refused, []);
  assert.deepEqual(second.unchanged.sort(), Object.keys(TRIAL).sort());
});

test('the edited script still runs: --help with python3, and Python reads every value with its type', async (t) => {
  const { dir, script } = fixture(t);
  const plan = planApply(await analyzeScript(script), values());
  write(plan);
  const help = execFileSync('python3', [script, '--help'], { cwd: dir, encoding: 'utf8' });
  assert.match(help, /--weight-decay WEIGHT_DECAY/);

  const missing = missingPythonModules('yaml');
  if (missing) return t.skip(missing);
  const out = JSON.parse(execFileSync(DEBIAN_PYTHON, [script], { cwd: dir, encoding: 'utf8' })) as {
    args: Record<string, JsonValue>;
    config: Record<string, Record<string, JsonValue> & JsonValue>;
    model: Record<string, JsonValue>;
  };
  assert.deepEqual(out.args, { lr: 3e-4, weight_decay: 1e-5, batch_size: 2048, optimizer: 'sgd', dropout: 0.05, amp: true, warmup: 0.1 });
  // PyYAML's own reading: 1.0e-07 a float (not a string), `no` a boolean, the quoted label a string.
  assert.deepEqual(out.config, {
    optimizer: { name: 'adamw', momentum: 0.95 },
    schedule: { warmup_steps: 1000, min_lr: 1e-7 },
    layers: [512, 256],
    use_ema: false,
    label: 'tuned run',
  });
  assert.deepEqual(out.model, { hidden: 256, activation: 'gelu', dropout_p: 0.3, residual: true, widths: [128, 32] });
  const types = execFileSync(
    DEBIAN_PYTHON,
    ['-c', 'import yaml, json; c = yaml.safe_load(open("config.yaml")); m = json.load(open("model_config.json")); print(type(c["schedule"]["min_lr"]).__name__, type(c["schedule"]["warmup_steps"]).__name__, type(m["dropout_p"]).__name__, type(m["hidden"]).__name__)'],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.equal(types.trim(), 'float int float int');
});

test('refusals: an expression default, a value of the wrong type, a value outside the choices, an unknown parameter', async (t) => {
  const { script, files } = fixture(t);
  const before = files.map((f) => fs.readFileSync(f, 'utf8'));
  const plan = planApply(await analyzeScript(script), { warmup: 0.2, 'batch-size': 'big', optimizer: 'rmsprop', momentum2: 0.9, hidden: 1.5 });
  const reasons = Object.fromEntries(plan.refused.map((r) => [r.name, r.reason]));
  assert.match(reasons.warmup as string, /^warmup=0\.2: its default `2 \* 0\.05` at .*train\.py:16 is not a literal Tunekit can rewrite; set it by hand$/);
  assert.match(reasons['batch-size'] as string, /^batch-size="big": a string does not fit an int parameter \(.*train\.py:12\)$/);
  assert.match(reasons.optimizer as string, /^optimizer="rmsprop": not one of the script's choices \("adam", "sgd", "adamw"\) \(.*train\.py:13\)$/);
  assert.match(reasons.momentum2 as string, /^momentum2: no parameter of that name in /);
  assert.match(reasons.hidden as string, /^hidden=1\.5: a float does not fit an int parameter \(.*model_config\.json:2\)$/);
  assert.equal(plan.edits.size, 0);
  write(plan);
  assert.deepEqual(
    files.map((f) => fs.readFileSync(f, 'utf8')),
    before,
  );
});

const OTHER_SOURCES = `import click
from dataclasses import dataclass, field

EPOCHS = 10
HIDDEN = (64, 64)
SCHEDULE = "cosine"


@dataclass
class Config:
    lr: float = 0.01  # base rate
    name: str = "run"
    use_bn: bool = True
    layers: list = field(default_factory=lambda: [1, 2])


@click.command()
@click.option('--momentum', default=0.9, type=float, show_default=True)
@click.option("--seed-count", default=3)
def main(momentum, seed_count):
    for epoch in range(EPOCHS):
        loss.backward()
        optimizer.step()


if __name__ == "__main__":
    main()
`;

test('module constants, dataclass fields and click options round-trip too', async (t) => {
  const script = path.join(tempDir(t), 'train.py');
  fs.writeFileSync(script, OTHER_SOURCES);
  const applied: Record<string, JsonValue> = { EPOCHS: 20, HIDDEN: [128, 32], SCHEDULE: 'linear', lr: 0.005, name: 'tuned', use_bn: false, layers: [3], momentum: 0.95, 'seed-count': 5 };
  const plan = planApply(await analyzeScript(script), applied);
  assert.deepEqual(plan.refused, []);
  write(plan);
  const text = fs.readFileSync(script, 'utf8');
  assert.equal(
    text,
    OTHER_SOURCES.replace('EPOCHS = 10', 'EPOCHS = 20')
      .replace('HIDDEN = (64, 64)', 'HIDDEN = (128, 32)')
      .replace('SCHEDULE = "cosine"', 'SCHEDULE = "linear"')
      .replace('lr: float = 0.01', 'lr: float = 0.005')
      .replace('name: str = "run"', 'name: str = "tuned"')
      .replace('use_bn: bool = True', 'use_bn: bool = False')
      .replace('lambda: [1, 2]', 'lambda: [3]')
      .replace('default=0.9', 'default=0.95')
      .replace('default=3', 'default=5'),
  );
  const refound = byName((await analyzeScript(script)).params);
  for (const [name, value] of Object.entries(applied)) assert.deepEqual(refound.get(name)?.default, value, name);
  // Python compiles it (click need not be installed for that).
  execFileSync('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', script]);
});

test('Hydra: a key of the primary config and a key of a config group file are written where they are defined', async (t) => {
  const dir = tempDir(t);
  const script = path.join(dir, 'train.py');
  fs.writeFileSync(script, 'import hydra\n\n\n@hydra.main(config_path="conf", config_name="config", version_base=None)\ndef main(cfg):\n    loss.backward()\n');
  fs.mkdirSync(path.join(dir, 'conf', 'optimizer'), { recursive: true });
  const primary = path.join(dir, 'conf', 'config.yaml');
  const group = path.join(dir, 'conf', 'optimizer', 'adam.yaml');
  fs.writeFileSync(primary, 'defaults:\n  - optimizer: adam\n  - _self_\n\nepochs: 10  # passes\nbatch_size: 32\n');
  fs.writeFileSync(group, '# Adam\nlr: 1e-3\nbetas: [0.9, 0.999]\n');
  const applied = { 'optimizer.lr': 3e-4, 'optimizer.betas': [0.8, 0.99], epochs: 20 };
  const plan = planApply(await analyzeScript(script), applied);
  assert.deepEqual(plan.refused, []);
  write(plan);
  assert.equal(fs.readFileSync(primary, 'utf8'), 'defaults:\n  - optimizer: adam\n  - _self_\n\nepochs: 20  # passes\nbatch_size: 32\n');
  assert.equal(fs.readFileSync(group, 'utf8'), '# Adam\nlr: 3e-4\nbetas: [0.8, 0.99]\n');
  const refound = byName((await analyzeScript(script)).params);
  for (const [name, value] of Object.entries(applied)) assert.deepEqual(refound.get(name)?.default, value, name);
});
