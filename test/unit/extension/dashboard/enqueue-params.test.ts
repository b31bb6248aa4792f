/** Parameters a user typed into the dashboard's enqueue form, checked against the study's space. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchSpace } from '../../../../src/core/space/search-space';
import { enqueueProblems } from '../../../../src/extension/dashboard/enqueue-params';

const space = parseSearchSpace({
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  layers: { type: 'int', low: 1, high: 8, step: 1 },
  dropout: { type: 'float', low: 0, high: 0.5, step: 0.1 },
  optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
  momentum: { type: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } },
});

test('values inside the space, partial or whole, pass', () => {
  assert.deepEqual(enqueueProblems(space, { lr: 0.01, layers: 3, dropout: 0.2, optimizer: 'sgd', momentum: 0.9 }), []);
  assert.deepEqual(enqueueProblems(space, { lr: 0.5 }), []);
  assert.deepEqual(enqueueProblems(space, { momentum: 0.5 }), [], 'the parent is left to the sampler');
});

test('every problem is listed, each naming the parameter and what would fit', () => {
  const problems = enqueueProblems(space, { lr: 5, layers: 2.5, dropout: 0.25, optimizer: 'rmsprop', batch: 32, momentum: 2 });
  assert.equal(problems.length, 6, problems.join('\n'));
  assert.match(problems[0]!, /^lr=5 is outside the search space: it must be a number from 0.0001 to 1$/);
  assert.match(problems[1]!, /^layers=2.5 .* an integer from 1 to 8/);
  assert.match(problems[2]!, /^dropout=0.25 .* in steps of 0.1/);
  assert.match(problems[3]!, /^optimizer="rmsprop" .* one of "sgd", "adam"/);
  assert.match(problems[4]!, /"batch" is not a parameter of this study \(its parameters: lr, layers, dropout, optimizer, momentum\)/);
});

test('a conditional parameter with a parent value that rules it out is refused', () => {
  assert.deepEqual(enqueueProblems(space, { optimizer: 'adam', momentum: 0.5 }), ['momentum only exists when optimizer is "sgd", not "adam"']);
});
