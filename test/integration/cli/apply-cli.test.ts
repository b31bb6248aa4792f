/**
 * `tunekit apply` against a real study journal and real files: the best trial (or --trial N)
 * written into the script and its config, a dry run that writes nothing, a second apply that
 * changes nothing, and the refusals a user meets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { APPLY_USAGE, applyCommand } from '../../../src/cli/commands/apply';
import { CliUsageError } from '../../../src/cli/cli-error';
import type { ParamValue } from '../../../src/core/space/distributions';
import { createStudy } from '../../../src/core/study/study';
import { SCRIPT_ATTR } from '../../../src/engine/study-runner';
import { tempDir } from '../../helpers/temp-dir';

const SCRIPT = `import argparse
import json

LR = 1e-3  # from the paper

parser = argparse.ArgumentParser()
parser.add_argument('--lr', type=float, default=LR)
parser.add_argument('--batch-size', type=int, default=32)
args = parser.parse_args()
cfg = json.load(open('train_config.json'))
print(json.dumps({"lr": args.lr, "batch_size": args.batch_size, "dropout": cfg["dropout"]}))
`;

const CONFIG = '{\n  "dropout": 0.1,\n  "epochs": 5\n}\n';

const SPACE = {
  lr: { type: 'float', low: 1e-5, high: 1e-1, log: true },
  'batch-size': { type: 'categorical', choices: [16, 32, 64, 128] },
  dropout: { type: 'float', low: 0, high: 0.5 },
};

interface Fixture {
  dir: string;
  script: string;
  config: string;
  journal: string;
}

/** A script, its config, and a study with trials 0 (best), 1 (worse) and 2 (failed). */
function fixture(t: TestContext, options: { recordScript?: boolean; space?: Record<string, unknown>; trials?: Record<string, ParamValue>[] } = {}): Fixture {
  const dir = tempDir(t);
  const script = path.join(dir, 'train.py');
  const config = path.join(dir, 'train_config.json');
  fs.writeFileSync(script, SCRIPT);
  fs.writeFileSync(config, CONFIG);
  const journal = path.join(dir, '.tunekit', 'demo.journal');
  fs.mkdirSync(path.dirname(journal));
  const study = createStudy({ space: options.space ?? SPACE, storage: journal, studyName: 'demo', direction: 'minimize' });
  if (options.recordScript !== false) study.setUserAttr(SCRIPT_ATTR, script);
  const trials = options.trials ?? [
    { lr: 3e-4, 'batch-size': 128, dropout: 0.25 },
    { lr: 0.01, 'batch-size': 16, dropout: 0.4 },
  ];
  trials.forEach((params, i) => {
    study.enqueue(params);
    const asked = study.ask();
    study.tell(asked.number, 0.5 + i);
  });
  const failed = study.ask();
  study.tell(failed.number, { state: 'fail', reason: 'crashed' });
  study.close();
  return { dir, script, config, journal };
}

async function apply(args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const out = { write: (s: string) => ((output += s), true) } as unknown as NodeJS.WriteStream;
  const code = await applyCommand(args, out);
  return { code, output };
}

test('--dry-run prints a unified diff of the best trial and writes nothing', async (t) => {
  const f = fixture(t);
  const { code, output } = await apply([f.journal, '--dry-run']);
  assert.equal(code, 0, output);
  assert.match(output, /^trial 0 of study demo \(value=0\.5\) -> .*train\.py$/m);
  assert.match(output, /set lr = 3e-4 {2}\(.*train\.py:4, was 1e-3\)/);
  assert.match(output, /set batch-size = 128 {2}\(.*train\.py:8, was 32\)/);
  assert.match(output, /set dropout = 0\.25 {2}\(.*train_config\.json:2, was 0\.1\)/);
  const label = f.script.replace(/^\//, '');
  assert.ok(output.includes(`--- a/${label}\n+++ b/${label}\n@@ -1,11 +1,11 @@\n import argparse\n import json\n \n-LR = 1e-3  # from the paper\n+LR = 3e-4  # from the paper\n`), output);
  assert.ok(output.includes(`-parser.add_argument('--batch-size', type=int, default=32)\n+parser.add_argument('--batch-size', type=int, default=128)\n`), output);
  assert.ok(output.includes('-  "dropout": 0.1,\n+  "dropout": 0.25,\n'), output);
  assert.match(output, /dry run: nothing written; 3 defaults would change/);
  assert.equal(fs.readFileSync(f.script, 'utf8'), SCRIPT);
  assert.equal(fs.readFileSync(f.config, 'utf8'), CONFIG);
});

test('apply writes the best trial; the script then runs with it; a second apply changes nothing', async (t) => {
  const f = fixture(t);
  fs.chmodSync(f.script, 0o754);
  const first = await apply([f.journal]);
  assert.equal(first.code, 0, first.output);
  assert.match(first.output, /wrote .*train\.py \(2 changes\)/);
  assert.match(first.output, /wrote .*train_config\.json \(1 change\)/);
  assert.equal(fs.readFileSync(f.script, 'utf8'), SCRIPT.replace('LR = 1e-3', 'LR = 3e-4').replace('default=32', 'default=128'));
  assert.equal(fs.readFileSync(f.config, 'utf8'), CONFIG.replace('0.1', '0.25'));
  assert.equal(fs.statSync(f.script).mode & 0o777, 0o754, 'the file keeps its mode');
  assert.deepEqual(fs.readdirSync(f.dir).sort(), ['.tunekit', 'train.py', 'train_config.json'], 'no temporary file left behind');

  const run = JSON.parse(execFileSync('python3', [f.script], { cwd: f.dir, encoding: 'utf8' })) as Record<string, number>;
  assert.deepEqual(run, { lr: 3e-4, batch_size: 128, dropout: 0.25 });

  const again = await apply([f.journal]);
  assert.equal(again.code, 0, again.output);
  assert.match(again.output, /already the default: lr, batch-size, dropout/);
  assert.match(again.output, /nothing to write/);
  assert.equal(fs.readFileSync(f.script, 'utf8'), SCRIPT.replace('LR = 1e-3', 'LR = 3e-4').replace('default=32', 'default=128'));
});

test('--trial N applies that trial; a trial that did not complete is refused', async (t) => {
  const f = fixture(t);
  const second = await apply([f.journal, '--trial', '1']);
  assert.equal(second.code, 0, second.output);
  assert.match(fs.readFileSync(f.script, 'utf8'), /^LR = 1e-2 {2}# from the paper$/m); // 0.01, in the old literal's scientific notation
  await assert.rejects(apply([f.journal, '--trial', '2']), (err: unknown) => CliUsageError.is(err) && /trial 2 of study demo is fail, not complete.*best is trial 0/.test(err.message));
  await assert.rejects(apply([f.journal, '--trial', '9']), (err: unknown) => CliUsageError.is(err) && /has no trial 9/.test(err.message));
  await assert.rejects(apply([f.journal, '--trial', 'best']), (err: unknown) => CliUsageError.is(err) && /takes a trial number/.test(err.message));
});

test('a study that does not record its script asks for --script', async (t) => {
  const f = fixture(t, { recordScript: false });
  await assert.rejects(apply([f.journal]), (err: unknown) => CliUsageError.is(err) && /does not record which script.*--script PATH/.test(err.message));
  const { code } = await apply([f.journal, '--script', f.script]);
  assert.equal(code, 0);
  assert.match(fs.readFileSync(f.script, 'utf8'), /default=128/);
});

test('a parameter the script does not have is reported and the exit code says so; the rest is applied', async (t) => {
  const f = fixture(t, {
    space: { ...SPACE, warmup: { type: 'float', low: 0, high: 1 } },
    trials: [{ lr: 3e-4, 'batch-size': 64, dropout: 0.1, warmup: 0.2 }],
  });
  const { code, output } = await apply([f.journal]);
  assert.equal(code, 1);
  assert.match(output, /not applied: warmup: no parameter of that name in .*train\.py, .*train_config\.json \(it has: /);
  assert.match(output, /already the default: dropout/);
  assert.match(output, /1 parameter\(s\) not applied/);
  assert.match(fs.readFileSync(f.script, 'utf8'), /default=64/);
});

test('a config file reached through a symlink is written at its target; the link stays a link', async (t) => {
  const f = fixture(t);
  const real = path.join(f.dir, 'shared-config.json');
  fs.renameSync(f.config, real);
  fs.symlinkSync(real, f.config);
  const { code, output } = await apply([f.journal]);
  assert.equal(code, 0, output);
  assert.ok(fs.lstatSync(f.config).isSymbolicLink());
  assert.equal(fs.readFileSync(real, 'utf8'), CONFIG.replace('0.1', '0.25'));
});

test('a study named with --storage, as tunekit show takes it', async (t) => {
  const f = fixture(t);
  const { code, output } = await apply(['demo', '--storage', f.journal, '--dry-run']);
  assert.equal(code, 0, output);
  assert.match(output, /trial 0 of study demo/);
});

test('usage errors: no study named, no journal, --help', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(apply([]), (err: unknown) => CliUsageError.is(err) && /name a study/.test(err.message));
  await assert.rejects(apply([path.join(dir, 'missing.journal'), '--storage', path.join(dir, 'missing.journal')]), (err: unknown) => CliUsageError.is(err) && /no study at/.test(err.message));
  const help = await apply(['--help']);
  assert.equal(help.code, 0);
  assert.equal(help.output, APPLY_USAGE + '\n');
});
