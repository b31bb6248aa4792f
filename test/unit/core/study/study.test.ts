import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { createStudy, loadStudy } from '../../../../src/core/study/study';
import { tempDir } from '../../../helpers/temp-dir';
import { FAIL_REASON_ATTR } from '../../../../src/core/study/study';

const SPACE = {
  x: { type: 'float', low: -10, high: 10 },
  kind: { type: 'categorical', choices: ['a', 'b'] },
  y: { type: 'int', low: 0, high: 5, when: { kind: ['b'] } },
};

test('the README example: ask, tell, best trial', () => {
  const study = createStudy({ space: SPACE, direction: 'minimize', seed: 1, sampler: 'random' });
  for (let i = 0; i < 30; i++) {
    const t = study.ask();
    study.tell(t.number, (t.params.x as number) ** 2);
  }
  assert.equal(study.trials.length, 30);
  const best = study.bestTrial!;
  assert.equal(best.values![0], Math.min(...study.trials.map((t) => t.values![0]!)));
  for (const t of study.trials) assert.equal('y' in t.params, t.params.kind === 'b', 'y exists exactly when kind is b');
});

test('the same seed gives the same trials', () => {
  const run = (): unknown[] => {
    const study = createStudy({ space: SPACE, seed: 42, sampler: 'tpe' });
    for (let i = 0; i < 15; i++) {
      const t = study.ask();
      study.tell(t.number, (t.params.x as number) ** 2);
    }
    return study.trials.map((t) => t.params);
  };
  assert.deepEqual(run(), run());
});

test('NaN, infinite or missing values fail the trial with a reason instead of crashing', () => {
  const study = createStudy({ space: SPACE, seed: 1, sampler: 'random' });
  const a = study.tell(study.ask().number, NaN);
  const b = study.tell(study.ask().number, Infinity);
  const c = study.tell(study.ask().number, []);
  assert.deepEqual([a.state, b.state, c.state], ['fail', 'fail', 'fail']);
  assert.equal(a.systemAttrs[FAIL_REASON_ATTR], 'objective value is NaN');
  assert.equal(c.systemAttrs[FAIL_REASON_ATTR], 'expected 1 objective value(s), got 0');
  assert.equal(study.bestTrial, undefined);
});

test('maximize picks the largest value; telling a finished trial is refused', () => {
  const study = createStudy({ space: SPACE, direction: 'maximize', seed: 3, sampler: 'random' });
  const values = [3, 9, 1];
  for (const v of values) study.tell(study.ask().number, v);
  assert.equal(study.bestTrial!.values![0], 9);
  assert.throws(() => study.tell(0, 4), /trial 0 is complete, not running/);
});

test('pruned trials keep their last intermediate value; enqueued trials come first', () => {
  const study = createStudy({ space: SPACE, seed: 5, sampler: 'random' });
  const queued = study.enqueue({ x: 1.5, kind: 'b', y: 4 });
  const t = study.ask();
  assert.equal(t.number, queued);
  assert.deepEqual(t.params, { x: 1.5, kind: 'b', y: 4 });
  study.report(t.number, 0, 5);
  study.report(t.number, 3, 2.5);
  assert.deepEqual(study.tell(t.number, { state: 'pruned' }).values, [2.5]);
  assert.throws(() => study.enqueue({ x: 99 }), /"x": 99 is outside the search space/);
});

test('multi-objective studies give the Pareto front', () => {
  const study = createStudy({ space: SPACE, directions: ['minimize', 'maximize'], sampler: 'random', seed: 2 });
  for (const v of [[1, 1], [2, 3], [0, 0], [3, 2], [1, 0.5]]) study.tell(study.ask().number, v);
  assert.deepEqual(
    study.bestTrials.map((t) => t.values),
    [[1, 1], [2, 3], [0, 0]],
  );
});

test('a trial read earlier never changes under the reader when another writer adds steps', (t) => {
  const journal = path.join(tempDir(t), 'study.journal');
  const reader = createStudy({ space: SPACE, seed: 1, sampler: 'random', storage: journal, studyName: 's' });
  const writer = loadStudy({ storage: journal, studyName: 's', sampler: 'random' });
  const trial = writer.ask();
  writer.report(trial.number, 0, 1);
  reader.sync();
  const before = reader.trial(trial.number);
  // Read by the reader in one batch: an attribute (which copies the trial), then more steps.
  writer.setTrialAttrs(trial.number, { note: 'y' });
  writer.report(trial.number, 1, 2);
  writer.report(trial.number, 2, 3);
  reader.sync();
  assert.deepEqual([...before.intermediateValues], [[0, 1]], 'the object handed out kept its steps');
  assert.deepEqual([...reader.trial(trial.number).intermediateValues], [[0, 1], [1, 2], [2, 3]]);
});
