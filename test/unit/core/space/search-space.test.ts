import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeParameters, parseSearchSpace, searchSpaceToJson } from '../../../../src/core/space/search-space';
import { DistributionError, contains } from '../../../../src/core/space/distributions';

test('parses every kind of parameter and puts parents before children', () => {
  const space = parseSearchSpace({
    momentum: { type: 'float', low: 0, high: 0.99, when: { optimizer: ['sgd'] } },
    lr: { type: 'float', low: 1e-5, high: 1e-1, log: true },
    dropout: { type: 'float', low: 0, high: 0.5, step: 0.1 },
    layers: { type: 'int', low: 1, high: 6 },
    width: { type: 'int', low: 16, high: 1024, log: true },
    block: { type: 'int', low: 2, high: 10, step: 2 },
    optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
    schedule: { type: 'categorical', choices: [null, { name: 'cosine', warmup: 100 }, [1, 2]] },
  });
  const names = space.parameters.map((p) => p.name);
  assert.ok(names.indexOf('optimizer') < names.indexOf('momentum'));
  assert.deepEqual(
    activeParameters(space, { optimizer: 'adam' }).map((p) => p.name),
    names.filter((n) => n !== 'momentum'),
  );
  assert.ok(activeParameters(space, { optimizer: 'sgd' }).some((p) => p.name === 'momentum'));
  const schedule = space.parameters.find((p) => p.name === 'schedule')!.distribution;
  assert.ok(contains(schedule, { warmup: 100, name: 'cosine' }), 'object choices compare by value');
  assert.ok(contains(space.parameters.find((p) => p.name === 'dropout')!.distribution, 0.3), 'stepped ranges hold their grid points');
  assert.deepEqual(parseSearchSpace(searchSpaceToJson(space)), space, 'the stored form parses back to the same space');
});

for (const [label, def, pattern] of [
  ['low above high', { type: 'float', low: 1, high: 0 }, /"bad": low \(1\) is greater than high \(0\)/],
  ['log with low <= 0', { type: 'float', low: 0, high: 1, log: true }, /"bad": a log scale needs low > 0/],
  ['int log with low <= 0', { type: 'int', low: 0, high: 8, log: true }, /"bad": a log scale needs low > 0/],
  ['empty choices', { type: 'categorical', choices: [] }, /"bad": a categorical parameter needs at least one choice/],
  ['unknown type', { type: 'uniform', low: 0, high: 1 }, /"bad": unknown type "uniform"/],
  ['non-integer int bounds', { type: 'int', low: 0.5, high: 3 }, /"bad": an int parameter needs integer low and high/],
  ['a typo in a key', { type: 'float', low: 0, hihg: 1 }, /"bad": unknown key "hihg"/],
  ['log with step', { type: 'float', low: 0.1, high: 1, log: true, step: 0.1 }, /"bad": log and step cannot be combined/],
  ['condition on a missing parent', { type: 'float', low: 0, high: 1, when: { ghost: [1] } }, /"bad": its condition refers to unknown parameter "ghost"/],
] as const) {
  test(`rejects ${label}, naming the parameter`, () => {
    assert.throws(() => parseSearchSpace({ ok: { type: 'int', low: 0, high: 3 }, bad: def }), (err: unknown) => DistributionError.is(err) && err.param === 'bad' && pattern.test(err.message));
  });
}

test('rejects a condition value the parent cannot take, and cycles', () => {
  assert.throws(
    () => parseSearchSpace({ opt: { type: 'categorical', choices: ['sgd'] }, m: { type: 'float', low: 0, high: 1, when: { opt: ['adam'] } } }),
    /"m": its condition value "adam" is not a possible value of "opt"/,
  );
  assert.throws(
    () =>
      parseSearchSpace({
        a: { type: 'categorical', choices: [1, 2], when: { b: [1] } },
        b: { type: 'categorical', choices: [1, 2], when: { a: [1] } },
      }),
    /conditions form a cycle/,
  );
});
