/**
 * The automatic default sampler: which sampler each rule picks, that the pick is what actually
 * proposes (the same point the chosen sampler makes alone with the same seed), that it switches
 * from GP to TPE as the study grows, and that each ask says what ran.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParamValue } from '../../../../src/core/space/distributions';
import { createSearchSpace } from '../../../../src/core/space/search-space';
import { AUTO_SAMPLER_ATTR, AutoSampler, GP_MAX_TRIALS, MULTI_OBJECTIVE_CHOICE, chooseSampler } from '../../../../src/core/samplers/auto-sampler';
import { GpSampler } from '../../../../src/core/samplers/gp-sampler';
import { TpeSampler } from '../../../../src/core/samplers/tpe';
import type { FrozenTrial } from '../../../../src/core/study/trial';
import { createStudy } from '../../../../src/core/study/study';
import { makeStudy, makeTrial } from '../make-trial';
import { ask } from './ask-tell';

const float = (name: string) => ({ name, distribution: { type: 'float' as const, low: 0, high: 1, log: false, step: null } });
const SMALL = createSearchSpace([float('x'), float('y'), { name: 'n', distribution: { type: 'int', low: 1, high: 8, log: false, step: 1 } }]);

function history(n: number, directions: number = 1): FrozenTrial[] {
  return Array.from({ length: n }, (_, i) => {
    const x = (i * 0.37) % 1;
    const y = (i * 0.61) % 1;
    const value = directions === 1 ? (x - 0.3) ** 2 + (y - 0.6) ** 2 : [x, 1 - Math.sqrt(x) + y];
    return makeTrial({ number: i, params: { x, y, n: 1 + (i % 8) }, value });
  });
}

test('rules: GP for a small numeric space and budget, TPE past it, the multi-objective pick for several objectives', () => {
  assert.equal(chooseSampler(makeStudy(history(20)), SMALL).sampler, 'gp');
  assert.equal(chooseSampler(makeStudy(history(GP_MAX_TRIALS)), SMALL).sampler, 'tpe', 'past the GP cost threshold');
  assert.equal(chooseSampler(makeStudy(history(20, 2), ['minimize', 'minimize']), SMALL).sampler, MULTI_OBJECTIVE_CHOICE);
  const wide = createSearchSpace(Array.from({ length: 11 }, (_, i) => float(`x${i}`)));
  assert.equal(chooseSampler(makeStudy([]), wide).sampler, 'tpe', 'more than 10 parameters');
  const conditional = createSearchSpace([
    { name: 'opt', distribution: { type: 'categorical', choices: ['sgd', 'adam'] } },
    { ...float('momentum'), condition: { parent: 'opt', values: ['sgd'] } },
  ]);
  const decision = chooseSampler(makeStudy([]), conditional);
  assert.equal(decision.sampler, 'tpe');
  assert.match(decision.reason, /conditional/);
  const categorical = createSearchSpace([
    { name: 'a', distribution: { type: 'categorical', choices: [1, 2, 3] } },
    { name: 'b', distribution: { type: 'categorical', choices: ['p', 'q'] } },
    float('x'),
  ]);
  assert.equal(chooseSampler(makeStudy([]), categorical).sampler, 'tpe', 'mostly categorical');
  const oneChoice = createSearchSpace([float('x'), { name: 'fixed', distribution: { type: 'categorical', choices: ['only'] } }, { name: 'c', distribution: { type: 'categorical', choices: [1, 2] } }]);
  assert.equal(chooseSampler(makeStudy([]), oneChoice).sampler, 'gp', 'a one-choice parameter is not a dimension');
});

test('proposes exactly what the chosen sampler proposes with the same seed, and says so', () => {
  const trials = history(14);
  const auto = new AutoSampler({ seed: 5 });
  const proposal = ask(auto, makeStudy(trials), SMALL);
  assert.deepEqual(proposal, ask(new GpSampler({ seed: 5 }), makeStudy(trials), SMALL));
  assert.equal(auto.lastChoice?.sampler, 'gp');
  assert.deepEqual(Object.keys(auto.trialSystemAttrs()), [AUTO_SAMPLER_ATTR]);

  // The same sampler object switches to TPE once the study passes its GP limit.
  const small = new AutoSampler({ seed: 5, gpMaxTrials: 12 });
  assert.deepEqual(ask(small, makeStudy(trials), SMALL), ask(new TpeSampler({ seed: 5 }), makeStudy(trials), SMALL));
  assert.equal(small.lastChoice?.sampler, 'tpe');
  assert.match(small.lastChoice?.reason ?? '', /14 finished trials/);
});

test("is the study's default: a study created without a sampler runs 'auto' and finds a small quadratic's minimum", () => {
  const study = createStudy({ space: SMALL, seed: 3 });
  assert.equal(study.sampler.name, 'auto');
  let best = Infinity;
  for (let i = 0; i < 25; i++) {
    const t = study.ask();
    const p = t.params as Record<string, ParamValue>;
    const y = ((p.x as number) - 0.3) ** 2 + ((p.y as number) - 0.6) ** 2 + ((p.n as number) - 4) ** 2 / 100;
    study.tell(t.number, y);
    best = Math.min(best, y);
  }
  // Measured over seeds 0-4: random search 1e-2 to 6e-2, TPE 1e-3 to 2e-2, auto (GP) 4e-5 to 7e-4.
  assert.ok(best < 3e-3, `best after 25 trials: ${best}`);
  // Each trial says which sampler proposed it, and why (also enqueued ones that it completes).
  assert.deepEqual((study.trials[24]!.systemAttrs[AUTO_SAMPLER_ATTR] as { sampler: string }).sampler, 'gp');
  const queued = study.enqueue({ x: 0.5 });
  study.ask();
  assert.ok(study.trial(queued).systemAttrs[AUTO_SAMPLER_ATTR] !== undefined, 'an enqueued trial records the sampler that chose its other values');
});
