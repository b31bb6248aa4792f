import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { FrozenTrial, TrialState } from '../../../../src/core/study/trial';
import {
  countTrials,
  formatDuration,
  studyContextValue,
  studyDescription,
  trialContextValue,
  trialDescription,
  trialIcon,
  trialLabel,
  trialTooltip,
} from '../../../../src/extension/views/trial-label';

function trial(number: number, state: TrialState, extra: Partial<FrozenTrial> = {}): FrozenTrial {
  return {
    id: number,
    number,
    state,
    params: { lr: 0.001, optimizer: 'adam' },
    distributions: {},
    values: state === 'complete' ? [0.21345] : null,
    intermediateValues: new Map(),
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: new Date(1_000_000),
    datetimeComplete: state === 'running' || state === 'waiting' ? null : new Date(1_000_000 + 72_000),
    ...extra,
  };
}

test('each trial state has its own icon, and the menus in package.json match the context values', () => {
  const states: TrialState[] = ['running', 'complete', 'pruned', 'fail', 'waiting'];
  assert.deepEqual(
    states.map((s) => trialIcon(s).id),
    ['sync~spin', 'pass', 'circle-slash', 'error', 'clock'],
  );
  const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../../package.json'), 'utf8')) as {
    contributes: { menus: Record<string, { command: string; when?: string }[]> };
  };
  const when = (command: string): string => manifest.contributes.menus['view/item/context']?.find((m) => m.command === command)?.when ?? '';
  // Stop Trial is offered on running trials only; Apply Trial Parameters on complete ones only.
  assert.match(when('tunekit.stopTrial'), new RegExp(`viewItem == ${trialContextValue('running')}\\b`));
  assert.match(when('tunekit.applyTrialParameters'), new RegExp(`viewItem == ${trialContextValue('complete')}\\b`));
  assert.match(when('tunekit.stopStudy'), new RegExp(`viewItem == ${studyContextValue(true)}\\b`));
  assert.equal(studyContextValue(false), 'study');
  assert.match(studyContextValue(false), /^study/);
});

test('descriptions show the objective value and the duration', () => {
  assert.equal(trialDescription(trial(1, 'complete'), 0), '0.21345 · 1 m 12 s');
  const running = trial(2, 'running', { intermediateValues: new Map([[0, 0.9], [4, 0.31]]) });
  assert.equal(trialDescription(running, 1_000_000 + 12_500), 'step 4: 0.31 · 12 s');
  assert.equal(trialDescription(trial(3, 'running'), 1_000_000 + 500), 'starting · 500 ms');
  const pruned = trial(4, 'pruned', { intermediateValues: new Map([[2, 0.5]]) });
  assert.equal(trialDescription(pruned, 0), 'pruned at step 2: 0.5 · 1 m 12 s');
  assert.equal(trialDescription(trial(5, 'fail'), 0), 'failed · 1 m 12 s');
  assert.equal(trialDescription(trial(6, 'waiting', { datetimeStart: null }), 0), 'queued');
  assert.equal(trialLabel(trial(7, 'complete'), true), 'Trial 7 ★');
});

test('durations read at a glance', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(12_400), '12 s');
  assert.equal(formatDuration(72_000), '1 m 12 s');
  assert.equal(formatDuration(2 * 3600_000 + 3 * 60_000 + 5_000), '2 h 03 m');
});

test('the tooltip lists the parameters and the reason a trial failed, escaped for markdown', () => {
  const failed = trial(3, 'fail', { systemAttrs: { fail_reason: 'exit code 1: CUDA out of memory *boom*' } });
  const text = trialTooltip(failed, ['val_loss'], 0);
  assert.match(text, /\*\*Trial 3\*\*: failed/);
  assert.match(text, /`lr` = `0\.001`/);
  assert.match(text, /`optimizer` = `adam`/);
  assert.match(text, /\*\*Failed:\*\* exit code 1: CUDA out of memory \\\*boom\\\*/);
  const complete = trialTooltip(trial(1, 'complete', { params: { 'odd`name': 'a`b' } }), ['val_loss'], 0);
  assert.match(complete, /`val_loss` = `0\.21345`/);
  assert.match(complete, /`odd'name` = `a'b`/);
});

test('study descriptions count trials and show the best value', () => {
  const trials = [trial(0, 'complete'), trial(1, 'running'), trial(2, 'running'), trial(3, 'pruned'), trial(4, 'fail')];
  const counts = countTrials(trials);
  assert.deepEqual(counts, { total: 5, complete: 1, running: 2, pruned: 1, fail: 1, waiting: 0 });
  assert.equal(studyDescription(counts, 0.21345, true), '5 trials · best 0.21345 · 2 running');
  assert.equal(studyDescription(countTrials([trial(0, 'complete')]), undefined, false), '1 trial');
});
