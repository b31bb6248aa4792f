import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedCoordinates, decodeValue, encodeValue, gpDimensions, snapCoordinate } from '../../../../../src/core/samplers/gp/search-space-encoding';
import { createSearchSpace } from '../../../../../src/core/space/search-space';

const SPACE = createSearchSpace([
  { name: 'lr', distribution: { type: 'float', low: 1e-4, high: 1, log: true, step: null } },
  { name: 'units', distribution: { type: 'int', low: 1, high: 1024, log: true, step: 1 } },
  { name: 'batch', distribution: { type: 'int', low: 16, high: 128, log: false, step: 16 } },
  { name: 'dropout', distribution: { type: 'float', low: 0, high: 0.5, log: false, step: 0.1 } },
  { name: 'act', distribution: { type: 'categorical', choices: ['relu', { name: 'gelu' }, null] } },
  { name: 'fixed', distribution: { type: 'int', low: 3, high: 3, log: false, step: 1 } },
  { name: 'momentum', distribution: { type: 'float', low: 0, high: 1, log: false, step: null }, condition: { parent: 'act', values: ['relu'] } },
]);

const dim = (name: string) => {
  const found = gpDimensions(SPACE).find((d) => d.spec.name === name);
  assert.ok(found, name);
  return found;
};

test('models the unconditional parameters that can vary, and leaves conditional and one-value ones out', () => {
  assert.deepEqual(gpDimensions(SPACE).map((d) => `${d.spec.name}:${d.kind}`), ['lr:continuous', 'units:discrete', 'batch:discrete', 'dropout:discrete', 'act:categorical']);
});

test('log ranges are uniform in log space: the geometric middle encodes to 0.5', () => {
  assert.ok(Math.abs((encodeValue(dim('lr'), 1e-2) as number) - 0.5) < 1e-12);
  assert.equal(decodeValue(dim('lr'), 0), 1e-4);
  assert.equal(decodeValue(dim('lr'), 1), 1);
  assert.equal(decodeValue(dim('lr'), 7), 1, 'out-of-box coordinates clip into the range');
});

test('every grid point owns an equal share of [0, 1] and decodes back to itself', () => {
  const batch = dim('batch');
  const coords = allowedCoordinates(batch, 64) as Float64Array;
  assert.equal(coords.length, 8);
  for (let k = 0; k < 8; k++) {
    assert.ok(Math.abs((coords[k] as number) - (k + 0.5) / 8) < 1e-12, 'grid points at the centres of equal cells');
    assert.equal(decodeValue(batch, coords[k] as number), 16 + 16 * k);
  }
  assert.equal(decodeValue(batch, 0), 16);
  assert.equal(decodeValue(batch, 0.999), 128);
  assert.equal(decodeValue(dim('dropout'), 0.5), 0.3, 'stepped floats come back without rounding noise');
  const units = dim('units');
  for (const u of [0, 0.13, 0.5, 0.77, 1]) {
    const v = decodeValue(units, u) as number;
    assert.ok(Number.isInteger(v) && v >= 1 && v <= 1024, `units ${v}`);
    assert.equal(snapCoordinate(units, u), encodeValue(units, v));
  }
});

test('categorical coordinates are choice indices, object choices included; unknown values do not encode', () => {
  const act = dim('act');
  assert.equal(encodeValue(act, { name: 'gelu' }), 1);
  assert.deepEqual(decodeValue(act, 1.2), { name: 'gelu' });
  assert.equal(encodeValue(act, 'swish'), undefined);
  assert.equal(encodeValue(dim('lr'), 2), undefined, 'a value outside the (edited) range is left out of the model');
  assert.equal(encodeValue(dim('lr'), undefined), undefined);
});
