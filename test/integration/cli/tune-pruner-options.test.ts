/** Pruner options reach the pruner from the command line, and a wrong one is a usage error naming it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadStudy } from '../../../src/core/study/study';
import { runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

/** Reports loss = x at every step, so a threshold on the loss prunes exactly the trials with large x. */
const SCRIPT = `import argparse
p = argparse.ArgumentParser(); p.add_argument('--x', type=float); a = p.parse_args()
for step in range(5):
    print(f'step {step} loss={a.x}', flush=True)
`;

test('--pruner threshold --pruner-option upper=V stops exactly the trials whose loss leaves the band', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'train.py'), SCRIPT);
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify({ x: { type: 'float', low: 0, high: 10 } }));
  const journal = path.join(dir, 's.journal');
  const args = ['tune', 'train.py', '--space', 'space.json', '--objective', 'loss', '--trials', '8', '--seed', '1', '--storage', journal];
  const result = await runCli([...args, '--pruner', 'threshold', '--pruner-option', 'upper=5'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  const trials = loadStudy({ storage: journal }).trials;
  assert.equal(trials.length, 8);
  for (const trial of trials) {
    const x = trial.params.x as number;
    assert.equal(trial.state, x > 5 ? 'pruned' : 'complete', `x=${x}`);
  }
  assert.ok(trials.some((tr) => tr.state === 'pruned') && trials.some((tr) => tr.state === 'complete'), 'both outcomes occur with seed 1');
});

test('an option the pruner does not take, or a missing band, is a usage error (exit 2) naming it', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'train.py'), SCRIPT);
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify({ x: { type: 'float', low: 0, high: 10 } }));
  const base = ['tune', 'train.py', '--space', 'space.json', '--objective', 'loss', '--trials', '1'];
  const typo = await runCli([...base, '--pruner', 'median', '--pruner-option', 'patience=3'], { cwd: dir });
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /--pruner median: pruner "median" has no option "patience"; it takes nStartupTrials/);
  const noBand = await runCli([...base, '--pruner', 'threshold'], { cwd: dir });
  assert.equal(noBand.code, 2);
  assert.match(noBand.stderr, /threshold pruner needs lower, upper or both/);
  const malformed = await runCli([...base, '--pruner', 'patient', '--pruner-option', 'patience'], { cwd: dir });
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /--pruner-option takes KEY=VALUE/);
  assert.equal(fs.existsSync(path.join(dir, '.tunekit')), false, 'nothing was run or written');
});
