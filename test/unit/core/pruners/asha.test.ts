import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AshaPruner, isPromotable } from '../../../../src/core/pruners/asha';
import { PrunerError } from '../../../../src/core/pruners/pruner-error';
import type { Direction, FrozenTrial, TrialState } from '../../../../src/core/study/trial';
import { makeStudy, makeTrial, runningCurve } from '../make-trial';

/** minResource 1, reductionFactor 4: rungs end at steps 1, 4, 16, 64. */
const pruner = new AshaPruner({ minResource: 1 });

/** Other trials that reported `value` at every step 0..last. */
function reached(values: readonly number[], last = 1, state: TrialState = 'running', firstNumber = 0): FrozenTrial[] {
  return values.map((v, i) => makeTrial({ number: firstNumber + i, state, curve: new Array<number>(last + 1).fill(v), value: state === 'complete' ? v : null }));
}

function judge(p: AshaPruner, others: readonly FrozenTrial[], curve: readonly number[] | Map<number, number>, direction: Direction = 'minimize'): boolean {
  const trial = runningCurve(999, curve);
  return p.shouldPrune(makeStudy([...others, trial], [direction]), trial);
}

test('at a rung, a trial goes on only if it is in the best 1/reductionFactor of those that reached it', () => {
  const seven = reached([1, 2, 3, 4, 5, 6, 7]);
  // 8 competitors: the best 8 / 4 = 2 go on.
  assert.equal(judge(pruner, seven, [9, 1.5]), false, 'second best of 8: promoted');
  assert.equal(judge(pruner, seven, [9, 2.5]), true, 'third best of 8: pruned');
  // 12 competitors: the best 3 go on.
  assert.equal(judge(pruner, reached([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), [9, 2.5]), false, 'third best of 12: promoted');
});

test('while fewer than reductionFactor trials reached a rung, only a new best goes on (Optuna)', () => {
  const two = reached([3, 5]);
  assert.equal(judge(pruner, two, [9, 2]), false);
  assert.equal(judge(pruner, two, [9, 4]), true);
  assert.equal(judge(pruner, [], [9, 100]), false, 'the first trial at a rung always goes on');
});

test('running trials compete too: nobody waits for a rung to fill (asynchronous SHA)', () => {
  const running = reached([1, 2, 3, 4, 5, 6, 7], 1, 'running');
  const finished = reached([1, 2, 3, 4, 5, 6, 7], 1, 'complete');
  assert.equal(judge(pruner, running, [9, 2.5]), judge(pruner, finished, [9, 2.5]));
  assert.equal(judge(pruner, running, [9, 2.5]), true);
});

test('judges only when a rung is reached; a promotion is final', () => {
  const seven = reached([1, 2, 3, 4, 5, 6, 7], 4);
  assert.equal(judge(pruner, seven, [100]), false, 'step 0 is before the first rung (step 1)');
  assert.equal(judge(pruner, seven, [100, 1]), false, 'best at step 1: promoted');
  assert.equal(judge(pruner, seven, [100, 1, 100, 100]), false, 'steps 2 and 3 lie between rungs');
  const overtaken = [...seven, ...reached([0.1, 0.2, 0.3, 0.4], 3, 'running', 20)];
  assert.equal(judge(pruner, overtaken, [100, 1, 100, 100]), false, 'better trials arriving later do not undo the promotion');
  assert.equal(judge(pruner, seven, [100, 1, 100, 100, 100]), true, 'step 4 is the next rung, and 100 loses there');
});

test("another trial's rung value is the one it reported at its first step at or past the rung", () => {
  // They reported only at steps 0 and 3: their rung-0 (step 1) value is the step-3 one.
  const others = [1, 1.5, 3, 4, 5, 6, 7].map((v, i) => makeTrial({ number: i, state: 'running', curve: { 0: 100, 3: v } }));
  assert.equal(judge(pruner, others, [9, 2]), true, '2 is third of 8 against the step-3 values');
  assert.equal(judge(pruner, others, [9, 1.2]), false);
});

test('one report that crosses several rungs must win each of them', () => {
  // Others reported at steps 1 and 4: good at rung 0, strong at rung 1.
  const others = [1, 2, 3, 4, 5, 6, 7].map((v, i) => makeTrial({ number: i, state: 'running', curve: { 1: v + 10, 4: v } }));
  const jump = (value: number): Map<number, number> => new Map([[0, 50], [5, value]]);
  assert.equal(judge(pruner, others, jump(1.5)), false, 'best at rung 0 (11..17) and second at rung 1 (1..7)');
  assert.equal(judge(pruner, others, jump(2.5)), true, 'wins rung 0 but is third at rung 1');
});

test("minResource 'auto' waits for the first completed trial and takes its last step / 100", () => {
  const auto = new AshaPruner();
  assert.equal(judge(auto, reached([1, 2, 3, 4, 5, 6, 7]), [100, 100]), false, 'no completed trial: no rungs yet');
  // Completed trial with 400 steps: minResource 3, rungs at 3, 12, 48.
  const first = makeTrial({ number: 0, state: 'complete', curve: new Array<number>(400).fill(1), value: 1, completedAt: 10 });
  const others = [first, ...reached([2, 3, 4, 5, 6, 7], 20, 'running', 1)];
  assert.equal(judge(auto, others, [100, 100, 100]), false, 'step 2 is before the first rung');
  assert.equal(judge(auto, others, [100, 100, 100, 100]), true, 'step 3 is the first rung');
  // A later-completing trial does not move the rungs: the earliest completion decides.
  const later = makeTrial({ number: 50, state: 'complete', curve: new Array<number>(100).fill(1), value: 1, completedAt: 20 });
  assert.equal(judge(auto, [...others, later], [100, 100]), false);
  const earlier = makeTrial({ number: 51, state: 'complete', curve: new Array<number>(100).fill(1), value: 1, completedAt: 5 });
  assert.equal(judge(auto, [...others, earlier], [100, 100]), true, 'a 100-step first trial puts the first rung at step 1');
});

test('minEarlyStoppingRate skips the first rungs', () => {
  const skip1 = new AshaPruner({ minResource: 1, minEarlyStoppingRate: 1 });
  const seven = reached([1, 2, 3, 4, 5, 6, 7], 4);
  assert.equal(judge(skip1, seven, [100, 100]), false, 'step 1 is no longer a rung');
  assert.equal(judge(skip1, seven, [100, 100, 100, 100, 100]), true, 'step 4 is the first rung');
});

test("'maximize' keeps the highest values", () => {
  const seven = reached([1, 2, 3, 4, 5, 6, 7]);
  assert.equal(judge(pruner, seven, [0, 6.5], 'maximize'), false);
  assert.equal(judge(pruner, seven, [0, 5.5], 'maximize'), true);
});

test('NaN is pruned when it reaches a rung, and does not count as a competitor', () => {
  const seven = reached([1, 2, 3, 4, 5, 6, 7], 4);
  assert.equal(judge(pruner, seven, [1, 1, NaN]), false, 'step 2 is between rungs (as in Optuna)');
  assert.equal(judge(pruner, seven, [1, 1, NaN, NaN, NaN]), true);
  const diverged = reached([NaN, NaN, NaN, NaN, NaN, NaN], 1, 'pruned', 10);
  assert.equal(judge(pruner, [...reached([3]), ...diverged], [9, 4]), true, 'only the trial at 3 competes, and 4 is not a new best');
});

test('bootstrapCount stops trials at a rung until more than that many have reached it (Optuna)', () => {
  const boot = new AshaPruner({ minResource: 1, bootstrapCount: 2 });
  assert.equal(judge(boot, reached([5]), [9, 1]), true, '2 at the rung, even the best stops');
  assert.equal(judge(boot, reached([5, 6]), [9, 1]), false, '3 at the rung: normal promotion');
});

test('isPromotable follows Optuna _is_trial_promotable_to_next_rung', () => {
  assert.equal(isPromotable(2, [2, 1, 3, 4], 4, false), false, 'n=4: only the best goes on');
  assert.equal(isPromotable(1, [2, 1, 3, 4], 4, false), true);
  assert.equal(isPromotable(4, [2, 1, 3, 4], 4, true), true);
  assert.equal(isPromotable(2, [2, 1, 3, 4], 2, false), true, 'reductionFactor 2: the best half');
});

test('invalid options are errors naming the option', () => {
  const bad: [ConstructorParameters<typeof AshaPruner>[0], string][] = [
    [{ minResource: 0 }, 'minResource'],
    [{ reductionFactor: 1 }, 'reductionFactor'],
    [{ minEarlyStoppingRate: -1 }, 'minEarlyStoppingRate'],
    [{ bootstrapCount: 1 }, 'bootstrapCount'],
  ];
  for (const [options, option] of bad) {
    assert.throws(() => new AshaPruner(options), (err: unknown) => PrunerError.is(err, 'invalid-option') && err.option === option, option);
  }
});
