/**
 * The README's promises, run as written: the quickstart tunes and prints its best parameters,
 * and the digits example (Debian's torch) prunes with ASHA and Optuna agrees on the result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadStudy } from '../../../src/core/study/study';
import { DEBIAN_PYTHON, missingPythonModules, runPythonJson } from '../../helpers/debian-python';
import { REPO, runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

test('the quickstart tunes with the CLI and prints the best parameters', async (t) => {
  const dir = tempDir(t);
  const result = await runCli(
    ['tune', path.join(REPO, 'examples/quickstart/train.py'), '--objective', 'val_loss', '--trials', '16', '--parallel', '2', '--seed', '1', '--gpus', 'none'],
    { cwd: dir },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /16 complete, 0 pruned, 0 failed of 16 trials/);
  const best = /best trial (\d+): val_loss=([\d.e-]+)/.exec(result.stdout);
  assert.ok(best, result.stdout);
  assert.match(result.stdout, /best parameters: optimizer=\w+ lr=[\d.e-]+ .*batch-size=\d+ l2=/);
  const study = loadStudy({ storage: path.join(dir, '.tunekit', 'quickstart-train.journal') });
  assert.equal(study.bestTrial!.number, Number(best[1]));
  const values = study.trials.map((x) => x.values![0]!);
  assert.ok(study.bestTrial!.values![0]! < values.reduce((a, b) => a + b) / values.length, 'the best trial beats the average');

  const show = await runCli(['show', 'quickstart-train', '--json'], { cwd: dir });
  assert.equal(show.code, 0, show.stderr);
  const summary = JSON.parse(show.stdout) as { best: { number: number }[]; counts: Record<string, number>; objective: string };
  assert.equal(summary.best[0]!.number, Number(best[1]));
  assert.deepEqual(summary.counts, { complete: 16 });
  assert.equal(summary.objective, 'val_loss');
});

test('digits: 20 trials, 2 at a time, ASHA prunes some, Optuna loads the journal and agrees on the best', { skip: missingPythonModules('torch', 'sklearn', 'optuna') }, async (t) => {
  const dir = tempDir(t);
  const result = await runCli(
    ['tune', path.join(REPO, 'examples/digits/train.py'), '--python', DEBIAN_PYTHON, '--objective', 'val_loss', '--trials', '20', '--parallel', '2', '--pruner', 'asha', '--seed', '3', '--gpus', 'none'],
    { cwd: dir },
  );
  assert.equal(result.code, 0, result.stderr);
  const journal = path.join(dir, '.tunekit', 'digits-train.journal');
  const study = loadStudy({ storage: journal });
  const states = study.trials.map((x) => x.state);
  assert.equal(states.length, 20);
  assert.ok(states.includes('pruned'), `some trials pruned: ${states.join(' ')}`);
  assert.ok(states.includes('complete'));
  assert.ok(!states.includes('fail'), `no failures: ${result.stdout}`);

  const optuna = runPythonJson(
    'import json, sys, warnings, optuna\nwarnings.filterwarnings("ignore")\nfrom optuna.storages import JournalStorage, JournalFileStorage\n' +
      's = optuna.load_study(study_name="digits-train", storage=JournalStorage(JournalFileStorage(sys.argv[1])))\n' +
      'print(json.dumps({"n": len(s.trials), "best": s.best_trial.number, "value": s.best_value, "pruned": sum(t.state.name == "PRUNED" for t in s.trials)}))',
    [journal],
  ) as { n: number; best: number; value: number; pruned: number };
  assert.equal(optuna.n, 20);
  assert.equal(optuna.best, study.bestTrial!.number);
  assert.equal(optuna.value, study.bestTrial!.values![0]);
  assert.equal(optuna.pruned, states.filter((s) => s === 'pruned').length);
  assert.ok(optuna.value < 0.3, `a digits MLP reaches val_loss < 0.3 (got ${optuna.value})`);
});
