import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { JsonValue } from '../../../../src/core/space/distributions';
import type { ParamType } from '../../../../src/detect/param-model';
import { configScalarValue, jsonValueText, parseConfigText, valueAtDottedKey, yamlValueText } from '../../../../src/detect/apply/config-apply';

function yaml(value: JsonValue, old: string, type: ParamType): string {
  const written = yamlValueText(value, old, type);
  assert.ok('text' in written, `expected text for ${JSON.stringify(value)} over ${old}, got ${JSON.stringify(written)}`);
  return written.text;
}

function json(value: JsonValue, old: string, type: ParamType): string {
  const written = jsonValueText(value, old, type);
  assert.ok('text' in written, `expected text for ${JSON.stringify(value)} over ${old}`);
  return written.text;
}

test('YAML scalars keep their style', () => {
  assert.equal(yaml('sgd', 'adam', 'str'), 'sgd');
  assert.equal(yaml('sgd', "'adam'", 'str'), "'sgd'");
  assert.equal(yaml('sgd', '"adam"', 'str'), '"sgd"');
  assert.equal(yaml("it's", "'adam'", 'str'), "'it''s'");
  assert.equal(yaml(3e-4, '1e-3', 'float'), '3e-4');
  assert.equal(yaml(3e-4, '1.0e-3', 'float'), '3.0e-4');
  assert.equal(yaml(0.05, '0.1', 'float'), '0.05');
  assert.equal(yaml(1, '0.5', 'float'), '1.0');
  assert.equal(yaml(64, '32', 'int'), '64');
  assert.equal(yaml(255, '0x10', 'int'), '0xff');
  assert.equal(yaml(null, '~', 'unknown'), '~');
  assert.equal(yaml(null, '0.1', 'unknown'), 'null');
});

test('YAML booleans keep their spelling', () => {
  assert.equal(yaml(false, 'true', 'bool'), 'false');
  assert.equal(yaml(false, 'True', 'bool'), 'False');
  assert.equal(yaml(false, 'TRUE', 'bool'), 'FALSE');
  assert.equal(yaml(false, 'yes', 'bool'), 'no');
  assert.equal(yaml(true, 'off', 'bool'), 'on');
  assert.equal(yaml(true, 'null', 'unknown'), 'true');
});

test('YAML strings that a YAML 1.1 or 1.2 loader would read as something else are quoted', () => {
  for (const s of ['yes', 'no', 'on', 'true', 'null', '1e-3', '0.5', '2024-01-01', '1:30', '#tag', 'a: b', '', ' padded', '- item', '[x]']) {
    const written = yaml(s, 'adam', 'str');
    assert.notEqual(written, s, `${JSON.stringify(s)} must not be written plain`);
    assert.equal(parse(written), s);
    assert.equal(parse(written, { version: '1.1' }), s);
  }
  assert.equal(yaml('two\nlines', 'adam', 'str'), '"two\\nlines"');
  assert.equal(yaml('two\nlines', "'x'", 'str'), '"two\\nlines"');
});

test('a float YAML would write in exponent form gets the form PyYAML reads as a float', () => {
  // PyYAML's float pattern needs a point and a signed exponent: `1e-05` would load as a string.
  assert.equal(yaml(1e-5, '0.001', 'float'), '1.0e-5');
  assert.equal(yaml(1.5e20, '0.5', 'float'), '1.5e+20');
});

test('YAML lists and maps: flow style, reading back the same value', () => {
  assert.equal(yaml([128, 64], '[64, 64]', 'list'), '[128, 64]');
  assert.equal(yaml([128, 64], '- 64\n- 64\n', 'list'), '[128, 64]');
  assert.equal(yaml([0.5, 1], '[0.1, 0.2]', 'list'), '[0.5, 1.0]');
  const odd = ['a b', 'c,d', 'yes', '1'];
  assert.deepEqual(parse(yaml(odd, '[x]', 'list')), odd);
  assert.deepEqual(parse(yaml({ lr: 0.1, 'odd key:': [1] }, '{a: 1}', 'unknown')), { lr: 0.1, 'odd key:': [1] });
});

test('YAML forms that cannot be rewritten without losing something are refused', () => {
  assert.match((yamlValueText('x', '|\n  text\n', 'str') as { error: string }).error, /block scalar/);
  assert.match((yamlValueText(1, '&lr 0.1', 'float') as { error: string }).error, /anchor/);
  assert.match((yamlValueText([1], '- 1  # one\n- 2\n', 'list') as { error: string }).error, /comments/);
  assert.ok('error' in yamlValueText(Number.NaN, '0.1', 'float'));
});

test('JSON values keep the number notation and spacing', () => {
  assert.equal(json(3e-4, '1e-3', 'float'), '3e-4');
  assert.equal(json(0.05, '0.1', 'float'), '0.05');
  assert.equal(json(1, '0.5', 'float'), '1.0');
  assert.equal(json(1e-5, '0.001', 'float'), '1e-05');
  assert.equal(json(64, '32', 'int'), '64');
  assert.equal(json(-2, '-1', 'int'), '-2');
  assert.equal(json('sgd', '"adam"', 'str'), '"sgd"');
  assert.equal(json('say "hi"', '"adam"', 'str'), '"say \\"hi\\""');
  assert.equal(json(true, 'false', 'bool'), 'true');
  assert.equal(json(null, '0.1', 'unknown'), 'null');
  assert.equal(json([128, 64], '[64, 64]', 'list'), '[128, 64]');
  assert.equal(json([128, 64], '[64,64]', 'list'), '[128,64]');
  assert.equal(json({ a: 0.5 }, '{"b": 1}', 'unknown'), '{"a": 0.5}');
  assert.ok('error' in jsonValueText(Number.POSITIVE_INFINITY, '1.0', 'float'));
  for (const v of [3e-4, 1e-5, 1, 0.1, 123456.789, -7e22]) assert.equal(JSON.parse(json(v, '0.5', 'float')), v);
});

test('configScalarValue, parseConfigText and valueAtDottedKey', () => {
  assert.equal(configScalarValue('yaml', "'adam'"), 'adam');
  assert.equal(configScalarValue('yaml', '1e-3'), 0.001);
  assert.equal(configScalarValue('json', '"x"'), 'x');
  assert.equal(configScalarValue('json', 'nope'), undefined);
  const ok = parseConfigText('yaml', 'optimizer:\n  lr: 0.1\nlayers: [1, 2]\n');
  assert.ok('value' in ok);
  assert.equal(valueAtDottedKey(ok.value, 'optimizer.lr'), 0.1);
  assert.equal(valueAtDottedKey(ok.value, 'layers.1'), 2);
  assert.equal(valueAtDottedKey(ok.value, 'optimizer.missing'), undefined);
  assert.match((parseConfigText('yaml', 'a: [1, 2\nb: 3\n') as { error: string }).error, /line/);
  assert.ok('error' in parseConfigText('json', '{"a": 1,}'));
});

test('configScalarValue reads yes / no / on / off as booleans, as PyYAML and the config extractor do', () => {
  assert.equal(configScalarValue('yaml', 'yes'), true);
  assert.equal(configScalarValue('yaml', 'Off'), false);
  assert.equal(configScalarValue('yaml', "'yes'"), 'yes');
  assert.equal(configScalarValue('yaml', 'yEs'), 'yEs');
});
