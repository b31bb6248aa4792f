/**
 * The journal is Optuna's format, checked both ways against the real Optuna 3.1 from Debian:
 * what Tunekit writes, Optuna loads unchanged, and what Optuna writes, Tunekit loads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { createStudy, loadStudy } from '../../../src/core/study/study';
import { DEBIAN_PYTHON, missingPythonModules, runPythonJson } from '../../helpers/debian-python';
import { tempDir } from '../../helpers/temp-dir';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const skip = missingPythonModules('optuna');

interface OptunaTrial {
  number: number;
  state: string;
  params: Record<string, unknown>;
  values: number[] | null;
  intermediate: Record<string, number>;
  user_attrs: Record<string, unknown>;
}
interface OptunaDump {
  directions: string[];
  best: { number: number; value: number } | null;
  trials: OptunaTrial[];
}

function optunaDump(journal: string, name: string): OptunaDump {
  return runPythonJson(`import runpy, sys; sys.argv = ['x', *sys.argv[1:]]; runpy.run_path(${JSON.stringify(path.join(FIXTURES, 'optuna_dump.py'))}, run_name='__main__')`, [
    journal,
    name,
  ]) as OptunaDump;
}

const SPACE = {
  lr: { type: 'float', low: 1e-5, high: 0.1, log: true },
  layers: { type: 'int', low: 1, high: 8, step: 1 },
  width: { type: 'int', low: 16, high: 512, log: true },
  dropout: { type: 'float', low: 0, high: 0.5, step: 0.05 },
  optimizer: { type: 'categorical', choices: ['sgd', 'adam', 'adamw'] },
  momentum: { type: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } },
  use_bn: { type: 'categorical', choices: [true, false] },
};

test('Optuna loads a study Tunekit wrote: trials, states, params, values, intermediate values', { skip }, (t) => {
  const journal = path.join(tempDir(t), 'study.journal');
  const study = createStudy({ space: SPACE, direction: 'minimize', sampler: 'random', seed: 7, storage: journal, studyName: 'rt' });
  for (let i = 0; i < 12; i++) {
    const trial = study.ask();
    const lr = trial.params.lr as number;
    for (let step = 0; step < 4; step += 2) study.report(trial.number, step, lr * 100 + step);
    if (i === 3) study.report(trial.number, 6, NaN);
    study.setTrialAttrs(trial.number, { command: ['python3', 'train.py', `--lr=${lr}`] });
    if (i % 5 === 1) study.tell(trial.number, { state: 'pruned' });
    else if (i % 5 === 2) study.tell(trial.number, { state: 'fail', reason: 'exit code 1' });
    else if (i === 4) study.tell(trial.number, NaN);
    else study.tell(trial.number, lr * 100);
  }
  const ours = study.trials;
  const theirs = optunaDump(journal, 'rt');
  assert.deepEqual(theirs.directions, ['minimize']);
  assert.equal(theirs.trials.length, 12);
  for (const [i, o] of theirs.trials.entries()) {
    const mine = ours[i]!;
    assert.equal(o.number, mine.number);
    assert.equal(o.state, mine.state);
    assert.deepEqual(o.params, mine.params);
    assert.deepEqual(o.values, mine.values);
    assert.deepEqual(o.user_attrs, mine.userAttrs);
    const ourSteps = Object.fromEntries([...mine.intermediateValues].map(([k, v]) => [String(k), v]));
    assert.deepEqual(o.intermediate, ourSteps);
  }
  assert.ok(theirs.trials.some((x) => Number.isNaN(x.intermediate['6'])), 'a NaN intermediate value survives');
  assert.equal(theirs.trials[4]!.state, 'fail', 'a NaN objective failed the trial');
  assert.ok(theirs.trials.some((x) => x.state === 'pruned' && x.values !== null), 'pruned trials carry their last value');
  assert.equal(theirs.best!.number, study.bestTrial!.number);
  assert.equal(theirs.best!.value, study.bestTrial!.values![0]);
});

test('Tunekit loads a study Optuna wrote, continues it, and Optuna still reads the file', { skip }, (t) => {
  const journal = path.join(tempDir(t), 'optuna.journal');
  execFileSync(DEBIAN_PYTHON, [path.join(FIXTURES, 'optuna_write.py'), journal, 'from-optuna', '10'], { stdio: 'pipe' });
  const theirs = optunaDump(journal, 'from-optuna');
  const study = loadStudy({ storage: journal, studyName: 'from-optuna', sampler: 'random', seed: 1 });
  assert.equal(study.trials.length, theirs.trials.length);
  for (const [i, o] of theirs.trials.entries()) {
    const mine = study.trials[i]!;
    assert.equal(mine.state, o.state, `trial ${i} state`);
    assert.deepEqual(mine.params, o.params, `trial ${i} params`);
    assert.deepEqual(mine.values, o.values, `trial ${i} values`);
    assert.deepEqual(Object.fromEntries([...mine.intermediateValues].map(([k, v]) => [String(k), v])), o.intermediate);
    assert.deepEqual(mine.userAttrs, o.user_attrs);
  }
  const states = new Set(study.trials.map((x) => x.state));
  for (const s of ['complete', 'pruned', 'fail', 'waiting']) assert.ok(states.has(s as never), `Optuna wrote a ${s} trial`);
  assert.equal(study.bestTrial?.number, theirs.best?.number);
  assert.deepEqual(
    study.space.parameters.map((p) => p.name).sort(),
    ['layers', 'lr', 'momentum', 'optimizer'],
    'the space is inferred from the distributions Optuna recorded',
  );

  // The enqueued (waiting) trial is taken first, with the values Optuna fixed.
  const next = study.ask();
  assert.equal(next.number, theirs.trials.length - 1);
  assert.deepEqual(next.params, { lr: 0.001, layers: 3, optimizer: 'sgd', momentum: 0.5 });
  study.tell(next.number, 0.5);
  const extra = study.ask();
  study.tell(extra.number, 0.25);

  const after = optunaDump(journal, 'from-optuna');
  assert.equal(after.trials.length, theirs.trials.length + 1);
  assert.equal(after.trials[next.number]!.state, 'complete');
  assert.deepEqual(after.trials[next.number]!.params, next.params);
  assert.deepEqual(after.trials[extra.number]!.values, [0.25]);
});
