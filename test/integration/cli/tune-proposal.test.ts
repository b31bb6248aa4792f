/**
 * `tunekit tune SCRIPT` with no space file: the script is analysed, a study file is proposed and
 * written beside it, and the study tunes exactly the proposed parameters, injected the way the
 * script reads them. Real CLI process, real Python (stdlib scripts on python3).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadStudy } from '../../../src/core/study/study';
import { runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

/** Records what each trial received, then prints a loss the sampler can work with. */
const ARGPARSE_SCRIPT = `import argparse, json, os
p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--batch-size", type=int, default=32)
p.add_argument("--dropout", type=float, default=0.1)
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--shuffle", action="store_true")
p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
p.add_argument("--out-dir", default="runs")
a = p.parse_args()
with open(os.path.join(os.environ["RECORD_DIR"], "seen-%s.json" % os.environ["TUNEKIT_TRIAL_NUMBER"]), "w") as f:
    json.dump(vars(a), f)
for epoch in range(a.epochs):
    print(f"epoch {epoch} loss={abs(a.lr - 0.004) * 100 + a.dropout + a.batch_size / 1000 + 1 / (epoch + 1):.6f}")
`;

function seenFiles(dir: string): Record<string, unknown>[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('seen-'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>);
}

test('tune SCRIPT without a space file proposes one, writes SCRIPT.tunekit.json, and tunes the proposed parameters', async (t) => {
  const dir = tempDir(t);
  const record = path.join(dir, 'record');
  fs.mkdirSync(record);
  fs.writeFileSync(path.join(dir, 'train.py'), ARGPARSE_SCRIPT);
  const journal = path.join(dir, 'runs.journal');
  const env = { RECORD_DIR: record };
  const result = await runCli(['tune', 'train.py', '--objective', 'loss', '--trials', '4', '--seed', '3', '--storage', journal], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  const studyFile = path.join(dir, 'train.py.tunekit.json');
  assert.match(result.stdout, /proposed a search space from train\.py: lr, batch-size, dropout, shuffle, optimizer; fixed: epochs/);
  assert.ok(result.stdout.includes(`wrote ${studyFile}`), result.stdout);

  const written = JSON.parse(fs.readFileSync(studyFile, 'utf8')) as {
    version: number;
    script: string;
    objective: string;
    injection: { mode: string; params: Record<string, { flag: string; bool?: string }> };
    space: Record<string, { type: string }>;
    fixed: Record<string, unknown>;
    reasons: Record<string, string>;
  };
  assert.equal(written.version, 1);
  assert.equal(written.script, 'train.py');
  assert.equal(written.objective, 'loss');
  assert.equal(written.injection.mode, 'flags');
  assert.deepEqual(written.injection.params.shuffle, { flag: '--shuffle', bool: 'store_true' });
  assert.deepEqual(Object.keys(written.space), ['lr', 'batch-size', 'dropout', 'shuffle', 'optimizer']);
  assert.deepEqual(written.fixed, { epochs: 3 });
  assert.match(written.reasons['out-dir'] ?? '', /not tuned: a file or folder path/);

  const study = loadStudy({ storage: journal });
  assert.equal(study.userAttrs['tunekit:script'], path.join(dir, 'train.py'));
  assert.equal(study.trials.length, 4);
  for (const trial of study.trials) {
    assert.equal(trial.state, 'complete', JSON.stringify(trial));
    assert.deepEqual(Object.keys(trial.params).sort(), Object.keys(written.space).sort());
  }
  // Each trial ran with its sampled values and the fixed epochs, as the script parsed them.
  const seen = seenFiles(record);
  assert.equal(seen.length, 4);
  const byLr = new Map(study.trials.map((tr) => [tr.params.lr, tr.params]));
  for (const s of seen) {
    const params = byLr.get(s.lr as number);
    assert.ok(params, `a trial with lr=${String(s.lr)}`);
    assert.equal(s.batch_size, params['batch-size']);
    assert.equal(s.optimizer, params.optimizer);
    assert.equal(s.shuffle, params.shuffle, 'the store_true switch is passed or left out');
    assert.equal(s.epochs, 3);
    assert.equal(s.out_dir, 'runs', 'a parameter not tuned keeps the script default');
  }
});

test('a rerun uses the edited study file as it is, never overwriting it', async (t) => {
  const dir = tempDir(t);
  const record = path.join(dir, 'record');
  fs.mkdirSync(record);
  fs.writeFileSync(path.join(dir, 'train.py'), ARGPARSE_SCRIPT);
  const studyFile = path.join(dir, 'train.py.tunekit.json');
  const mine = {
    version: 1,
    script: 'train.py',
    objective: 'loss',
    injection: { mode: 'flags', params: { 'batch-size': { flag: '--batch-size' } } },
    space: { lr: { type: 'float', low: 0.5, high: 0.6 } },
    fixed: { epochs: 1, 'batch-size': 7 },
  };
  const text = JSON.stringify(mine, null, 4);
  fs.writeFileSync(studyFile, text);
  const result = await runCli(['tune', 'train.py', '--trials', '2', '--storage', path.join(dir, 'j.journal')], { cwd: dir, env: { RECORD_DIR: record } });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stdout.includes(`study file ${studyFile}`), result.stdout);
  assert.doesNotMatch(result.stdout, /proposed a search space/);
  assert.equal(fs.readFileSync(studyFile, 'utf8'), text);
  for (const s of seenFiles(record)) {
    assert.ok((s.lr as number) >= 0.5 && (s.lr as number) <= 0.6, `lr ${String(s.lr)} from the edited range`);
    assert.equal(s.epochs, 1);
    assert.equal(s.batch_size, 7);
  }
});

test('a script with module constants is tuned through the globals shim', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(
    path.join(dir, 'train.py'),
    [
      'import json, os',
      'LEARNING_RATE = 0.01',
      'HIDDEN = 64',
      'EPOCHS = 2',
      'DATA_DIR = "./data"',
      'with open(os.path.join(os.path.dirname(__file__), "seen-%s.json" % os.environ["TUNEKIT_TRIAL_NUMBER"]), "w") as f:',
      '    json.dump({"lr": LEARNING_RATE, "hidden": HIDDEN, "epochs": EPOCHS, "lr_type": type(LEARNING_RATE).__name__}, f)',
      'for epoch in range(EPOCHS):',
      '    print(f"epoch {epoch} loss={abs(LEARNING_RATE - 0.02) + HIDDEN / 1e4:.6f}")',
      '',
    ].join('\n'),
  );
  const journal = path.join(dir, 'j.journal');
  const result = await runCli(['tune', 'train.py', '--objective', 'loss', '--trials', '3', '--storage', journal], { cwd: dir });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /parameters reach the script as module-level constants/);
  const written = JSON.parse(fs.readFileSync(path.join(dir, 'train.py.tunekit.json'), 'utf8')) as { injection: unknown; space: Record<string, unknown>; fixed: unknown };
  assert.deepEqual(written.injection, { mode: 'globals' });
  assert.deepEqual(Object.keys(written.space), ['LEARNING_RATE', 'HIDDEN']);
  assert.deepEqual(written.fixed, { EPOCHS: 2 });
  const study = loadStudy({ storage: journal });
  const seen = seenFiles(dir);
  assert.equal(seen.length, 3);
  for (const trial of study.trials) {
    assert.equal(trial.state, 'complete');
    const s = seen.find((x) => x.lr === trial.params.LEARNING_RATE);
    assert.ok(s, `trial ${trial.number} ran with its own LEARNING_RATE`);
    assert.deepEqual([s.hidden, s.epochs, s.lr_type], [trial.params.HIDDEN, 2, 'float']);
  }
});

test('a script reading a JSON config gets a per-trial copy; the original is untouched', async (t) => {
  const dir = tempDir(t);
  const config = '{\n  "lr": 0.05,\n  "momentum": 0.9,\n  "steps": 2\n}\n';
  fs.writeFileSync(path.join(dir, 'params.json'), config);
  fs.writeFileSync(
    path.join(dir, 'train.py'),
    [
      'import json',
      'cfg = json.load(open("params.json"))',
      'for step in range(cfg["steps"]):',
      '    print(f"step {step} loss={abs(cfg[\'lr\'] - 0.1) + (1 - cfg[\'momentum\']):.6f}")',
      '',
    ].join('\n'),
  );
  const journal = path.join(dir, 'j.journal');
  const result = await runCli(['tune', 'train.py', '--objective', 'loss', '--trials', '2', '--storage', journal], { cwd: dir });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const written = JSON.parse(fs.readFileSync(path.join(dir, 'train.py.tunekit.json'), 'utf8')) as { injection: unknown; space: Record<string, unknown> };
  assert.deepEqual(written.injection, { mode: 'config', file: 'params.json', format: 'json' });
  assert.deepEqual(Object.keys(written.space), ['lr', 'momentum']);
  const study = loadStudy({ storage: journal });
  for (const trial of study.trials) {
    assert.equal(trial.state, 'complete');
    const copy = JSON.parse(fs.readFileSync(path.join(`${journal}.trials`, study.name, `trial-000${trial.number}`, 'params.json'), 'utf8')) as Record<string, number>;
    assert.deepEqual(copy, { lr: trial.params.lr, momentum: trial.params.momentum, steps: 2 });
    assert.equal(trial.values?.[0], Number((Math.abs((trial.params.lr as number) - 0.1) + (1 - (trial.params.momentum as number))).toFixed(6)));
  }
  assert.equal(fs.readFileSync(path.join(dir, 'params.json'), 'utf8'), config);
});

test('without an objective the proposal is still written, and the error says where to add one', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'train.py'), ARGPARSE_SCRIPT);
  const result = await runCli(['tune', 'train.py'], { cwd: dir });
  assert.equal(result.code, 2);
  const studyFile = path.join(dir, 'train.py.tunekit.json');
  assert.ok(fs.existsSync(studyFile));
  assert.ok(result.stderr.includes(`--objective METRIC (as the script prints it, e.g. val_loss), or set "objective" in ${studyFile}`), result.stderr);
});

test('a study file with a mistake is refused naming the file and the key', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'train.py'), ARGPARSE_SCRIPT);
  const cases: [unknown, RegExp][] = [
    [{ version: 2, space: {} }, /train\.py\.tunekit\.json: "version" is 2; this Tunekit reads version 1/],
    [{ space: {}, injection: { mode: 'magic' } }, /"injection\.mode" must be one of flags, env, globals, config, hydra; got "magic"/],
    [{ space: {}, injection: { mode: 'flags', params: { lr: { flag: 'lr' } } } }, /"injection\.params\.lr\.flag" must be the option as the script declares it/],
    [{ space: { lr: { type: 'float', low: 0.1, high: 1 } }, fixed: { lr: 0.5 } }, /"fixed\.lr" is also in "space"/],
    [{ space: {}, objectiv: 'loss' }, /"objectiv" is not a study file key/],
    [{ space: {}, injection: { mode: 'config', file: 'cfg.txt' } }, /"injection\.format" must be "yaml" or "json" \(the file name cfg\.txt does not say which\)/],
    [{ space: { x: { type: 'float', low: 1, high: 0 } } }, /"space": parameter "x": low \(1\) is greater than high \(0\)/],
  ];
  for (const [content, pattern] of cases) {
    fs.writeFileSync(path.join(dir, 'train.py.tunekit.json'), JSON.stringify(content));
    const r = await runCli(['tune', 'train.py', '--objective', 'loss'], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, pattern);
  }
  // A globals study naming a constant the script lacks fails before any trial runs.
  fs.writeFileSync(path.join(dir, 'train.py.tunekit.json'), JSON.stringify({ space: { LR: { type: 'float', low: 0.1, high: 1 } }, injection: { mode: 'globals' } }));
  const r = await runCli(['tune', 'train.py', '--objective', 'loss', '--storage', path.join(dir, 'j.journal')], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot pass the parameters to the script: cannot set LR in .*train\.py/);
  assert.ok(!fs.existsSync(path.join(dir, 'j.journal')), 'no study was created');
});
