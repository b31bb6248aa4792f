import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParamInfo, TrialSummary } from '../../../src/protocol/dashboard-messages';
import { describeRange, initialInput, parseParamInput } from '../../../webview/actions/param-input';

const lr: ParamInfo = { name: 'lr', type: 'float', log: true, low: 1e-4, high: 1e-2 };
const layers: ParamInfo = { name: 'layers', type: 'int', log: false, low: 1, high: 4 };
const opt: ParamInfo = { name: 'opt', type: 'categorical', log: false, choices: ['adam', 'sgd', 3, null] };

test('floats and ints must be numbers inside the range', () => {
  assert.deepEqual(parseParamInput(lr, ' 0.001 '), { ok: true, value: 0.001 });
  assert.deepEqual(parseParamInput(lr, '1e-3'), { ok: true, value: 0.001 });
  assert.deepEqual(parseParamInput(lr, '0.0001'), { ok: true, value: 0.0001 }, 'bounds are inclusive');
  assert.match((parseParamInput(lr, '0.5') as { error: string }).error, /^lr: 0.5 is outside the search space \(number, 1e-4 – 0.01, log scale\)/);
  assert.match((parseParamInput(lr, 'fast') as { error: string }).error, /^lr: "fast" is not a number/);
  assert.match((parseParamInput(lr, '') as { error: string }).error, /^lr: enter a value/);
  assert.deepEqual(parseParamInput(layers, '3'), { ok: true, value: 3 });
  assert.match((parseParamInput(layers, '2.5') as { error: string }).error, /not an integer/);
  assert.equal(parseParamInput(layers, 'Infinity').ok, false);
});

test('categorical inputs are option indices and yield the choice itself, whatever its type', () => {
  assert.deepEqual(parseParamInput(opt, '2'), { ok: true, value: 3 });
  assert.deepEqual(parseParamInput(opt, '3'), { ok: true, value: null });
  assert.equal(parseParamInput(opt, '4').ok, false);
  assert.equal(parseParamInput(opt, 'adam').ok, false);
  assert.equal(describeRange(opt), 'one of "adam", "sgd", 3, null');
});

test('the form starts from the given trial, else the middle of the range', () => {
  const from = { params: { lr: 0.005, layers: 9, opt: 'sgd' } } as unknown as TrialSummary;
  assert.equal(initialInput(lr, from), '0.005');
  assert.equal(initialInput(layers, from), '3', 'an out-of-range value falls back to the middle');
  assert.equal(initialInput(opt, from), '1');
  assert.equal(initialInput(lr, undefined), '0.001', 'geometric middle on a log scale');
  assert.equal(initialInput(opt, undefined), '0');
});
