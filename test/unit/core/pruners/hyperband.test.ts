/**
 * Hyperband's brackets: how many, how trials spread over them, and that each bracket judges
 * its trials at its own rungs against its own trials only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperbandPruner } from '../../../../src/core/pruners/hyperband';
import { PrunerError } from '../../../../src/core/pruners/pruner-error';
import type { FrozenTrial } from '../../../../src/core/study/trial';
import { completedCurve, makeStudy, runningCurve } from '../make-trial';

const STEPS = 27;
const curve = (floor: number) => Array.from({ length: STEPS }, (_, s) => floor + 9 * Math.exp(-s / 6));

test('the bracket count is floor(log_eta(max / min)) + 1, exact at powers of eta', () => {
  const p = new HyperbandPruner({ minResource: 1, reductionFactor: 3 });
  assert.equal(p.bracketCount(27), 4);
  assert.equal(p.bracketCount(26), 3);
  assert.equal(p.bracketCount(2), 1);
  assert.equal(new HyperbandPruner({ minResource: 2, reductionFactor: 2 }).bracketCount(64), 6);
});

test('trials spread over the brackets with the most aggressive bracket the most used (Algorithm 1 weights)', () => {
  const pruner = new HyperbandPruner({ minResource: 1, maxResource: STEPS, reductionFactor: 3 });
  const study = makeStudy([]);
  const counts = [0, 0, 0, 0];
  for (let n = 0; n < 4000; n++) counts[pruner.bracketOf(study, n) as number]! += 1;
  // Budgets for 4 brackets, eta 3: ceil(4*27/4)=27, ceil(4*9/3)=12, ceil(4*3/2)=6, ceil(4/1)=4 (of 49).
  const expected = [27, 12, 6, 4].map((b) => (4000 * b) / 49);
  counts.forEach((c, i) => assert.ok(Math.abs(c - (expected[i] as number)) < 0.15 * (expected[i] as number) + 20, `bracket ${i}: ${c} vs ${expected[i]}`));
});

test("'auto' maxResource waits for the first completed trial, then uses its length", () => {
  const pruner = new HyperbandPruner({ minResource: 1 });
  const bad = runningCurve(1, curve(80).slice(0, 10));
  assert.equal(pruner.shouldPrune(makeStudy([runningCurve(0, curve(1).slice(0, 20)), bad]), bad), false);
  assert.notEqual(pruner.bracketOf(makeStudy([completedCurve(0, curve(1))]), 5), undefined);
});

/** Trial numbers, from `from` on, that land in `bracket`. */
function numbersInBracket(pruner: HyperbandPruner, bracket: number, count: number, from = 0): number[] {
  const out: number[] = [];
  for (let n = from; out.length < count; n++) if (pruner.bracketOf(makeStudy([]), n) === bracket) out.push(n);
  return out;
}

/** The first step at which `values` (reported one at a time by trial `number`) is pruned. */
function prunedAt(pruner: HyperbandPruner, others: FrozenTrial[], number: number, values: number[], direction: 'minimize' | 'maximize' = 'minimize'): number | undefined {
  for (let i = 0; i < values.length; i++) {
    const trial = runningCurve(number, values.slice(0, i + 1));
    if (pruner.shouldPrune(makeStudy([...others.filter((t) => t.number !== number), trial], [direction]), trial)) return i;
  }
  return undefined;
}

test('each bracket judges at its own first rung: bracket 0 at step 1, bracket 2 not before step 9', () => {
  const pruner = new HyperbandPruner({ minResource: 1, maxResource: STEPS, reductionFactor: 3 });
  for (const bracket of [0, 2]) {
    const members = numbersInBracket(pruner, bracket, 7);
    const others = members.slice(0, 6).map((n, i) => completedCurve(n, curve(1 + i)));
    const at = prunedAt(pruner, others, members[6] as number, curve(60));
    assert.equal(at, bracket === 0 ? 1 : 9, `bracket ${bracket} pruned at ${at}`);
  }
});

test('a trial competes only with its own bracket: good trials elsewhere do not stop it', () => {
  const pruner = new HyperbandPruner({ minResource: 1, maxResource: STEPS, reductionFactor: 3 });
  const [lonely] = numbersInBracket(pruner, 1, 1);
  const elsewhere = numbersInBracket(pruner, 0, 6).map((n, i) => completedCurve(n, curve(1 + i)));
  assert.equal(prunedAt(pruner, elsewhere, lonely as number, curve(60)), undefined);
});

test("'maximize' mirrors 'minimize' inside a bracket", () => {
  const pruner = new HyperbandPruner({ minResource: 1, maxResource: STEPS, reductionFactor: 3 });
  const members = numbersInBracket(pruner, 0, 7);
  const others = members.slice(0, 6).map((n, i) => completedCurve(n, curve(1 + i).map((v) => -v)));
  assert.equal(prunedAt(pruner, others, members[6] as number, curve(60).map((v) => -v), 'maximize'), 1);
});

test('bad options are errors naming the option', () => {
  assert.throws(() => new HyperbandPruner({ reductionFactor: 1 }), (e: unknown) => PrunerError.is(e, 'invalid-option') && e.option === 'reductionFactor');
  assert.throws(() => new HyperbandPruner({ minResource: 4, maxResource: 2 }), (e: unknown) => PrunerError.is(e, 'invalid-option') && e.option === 'maxResource');
  assert.throws(() => new HyperbandPruner({ bootstrapCount: 2 }), (e: unknown) => PrunerError.is(e, 'invalid-option') && e.option === 'bootstrapCount');
});
