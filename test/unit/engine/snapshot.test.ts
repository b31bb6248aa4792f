/** Journal records in the dashboard's shapes: what the webview's validator accepts and shows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchSpace } from '../../../src/core/space/search-space';
import { FAIL_REASON_ATTR } from '../../../src/core/study/study';
import type { FrozenTrial } from '../../../src/core/study/trial';
import { parseHostMessage } from '../../../src/protocol/dashboard-messages';
import { OBJECTIVE_ATTR } from '../../../src/engine/study-runner';
import { objectiveNames, paramInfos, studySnapshot, trialSummary } from '../../../src/engine/watch/snapshot';
import { makeTrial } from '../core/make-trial';

function withAttrs(trial: FrozenTrial, userAttrs: FrozenTrial['userAttrs'], systemAttrs: FrozenTrial['systemAttrs'] = {}): FrozenTrial {
  return { ...trial, userAttrs, systemAttrs };
}

test('a trial summary carries state, values, params, the curve in step order, times, GPUs and host', () => {
  const trial = withAttrs(
    {
      ...makeTrial({ number: 3, value: 0.25, params: { lr: 0.01, opt: 'adam' }, curve: new Map([[4, 0.3], [0, 0.9], [2, 0.5]]) }),
      datetimeStart: new Date(1_700_000_000_000),
      datetimeComplete: new Date(1_700_000_005_000),
    },
    { gpus: [1, 'x', 3, -1], host: 'box-a' },
  );
  assert.deepEqual(trialSummary(trial), {
    number: 3,
    state: 'complete',
    values: [0.25],
    params: { lr: 0.01, opt: 'adam' },
    intermediate: [[0, 0.9], [2, 0.5], [4, 0.3]],
    start: 1_700_000_000_000,
    end: 1_700_000_005_000,
    gpus: [1, 3],
    host: 'box-a',
    failReason: null,
  });
});

test('values JSON cannot carry are left out, so the webview never drops a message over them', () => {
  const inf = makeTrial({ number: 0, value: Infinity, curve: { 0: 1, 1: NaN, 2: -Infinity, 3: 0.5 } });
  const summary = trialSummary(inf);
  assert.equal(summary.values, null);
  assert.deepEqual(summary.intermediate, [[0, 1], [3, 0.5]]);
  // Through JSON, as postMessage carries it, the message still validates.
  const message = JSON.parse(JSON.stringify({ type: 'update', trials: [summary], running: false, metrics: [] }));
  assert.ok(parseHostMessage(message));
});

test('a failed trial says why; a running one has no end and no values', () => {
  const failed = withAttrs(makeTrial({ number: 1, state: 'fail' }), {}, { [FAIL_REASON_ATTR]: 'exited with code 1: boom' });
  assert.equal(trialSummary(failed).failReason, 'exited with code 1: boom');
  assert.equal(trialSummary(failed).state, 'fail');
  const running = { ...makeTrial({ number: 2, state: 'running', value: null, curve: [3, 2] }), datetimeComplete: null };
  const s = trialSummary(running);
  assert.equal(s.state, 'running');
  assert.equal(s.values, null);
  assert.equal(s.end, null);
  assert.deepEqual(s.intermediate, [[0, 3], [1, 2]]);
});

test('parameters: the declared space in order, then parameters only trials used (an Optuna study)', () => {
  const space = parseSearchSpace({
    lr: { type: 'float', low: 1e-4, high: 1, log: true },
    layers: { type: 'int', low: 1, high: 4 },
    opt: { type: 'categorical', choices: ['sgd', 'adam'] },
  });
  const extra = makeTrial({ number: 0, distributions: { lr: { type: 'float', low: 1e-4, high: 1, log: true, step: null }, momentum: { type: 'float', low: 0, high: 0.9, log: false, step: 0.1 } } });
  assert.deepEqual(paramInfos(space, [extra]), [
    { name: 'lr', type: 'float', log: true, low: 1e-4, high: 1 },
    { name: 'layers', type: 'int', log: false, low: 1, high: 4 },
    { name: 'opt', type: 'categorical', log: false, choices: ['sgd', 'adam'] },
    { name: 'momentum', type: 'float', log: false, low: 0, high: 0.9 },
  ]);
});

test('objective names: Tunekit\'s attribute, else Optuna\'s metric names, else generic ones', () => {
  assert.deepEqual(objectiveNames(['minimize'], { [OBJECTIVE_ATTR]: 'val_loss' }, {}), ['val_loss']);
  assert.deepEqual(objectiveNames(['minimize', 'maximize'], {}, { 'study:metric_names': ['loss', 'acc'] }), ['loss', 'acc']);
  assert.deepEqual(objectiveNames(['minimize', 'maximize'], { [OBJECTIVE_ATTR]: 'loss' }, {}), ['objective 0', 'objective 1']);
  assert.deepEqual(objectiveNames(['maximize'], {}, {}), ['value']);
});

test('a study snapshot passes the webview\'s own validator after a JSON round trip', () => {
  const space = parseSearchSpace({ x: { type: 'float', low: -1, high: 1 } });
  const snapshot = studySnapshot({
    journal: '/tmp/s.journal',
    studyName: 's',
    directions: ['minimize'],
    userAttrs: { [OBJECTIVE_ATTR]: 'loss' },
    systemAttrs: {},
    space,
    trials: [makeTrial({ number: 0, value: 1, params: { x: 0.5 } }), makeTrial({ number: 1, state: 'waiting', value: null })],
    running: true,
  });
  assert.equal(snapshot.trials.length, 2);
  assert.deepEqual(snapshot.objectives, ['loss']);
  const parsed = parseHostMessage(JSON.parse(JSON.stringify({ type: 'init', snapshot })));
  assert.equal(parsed?.type, 'init');
});
