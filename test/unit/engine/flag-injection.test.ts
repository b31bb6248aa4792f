import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildFlagArgs } from '../../../src/engine/injection/flag-injection';
import { InjectionError } from '../../../src/engine/injection/injection-error';
import { buildParamEnv, paramEnvName } from '../../../src/engine/injection/env-injection';
import { formatParamValue } from '../../../src/engine/injection/param-format';

describe('formatParamValue', () => {
  test('numbers use the shortest text that round-trips', () => {
    assert.equal(formatParamValue(0.1), '0.1');
    assert.equal(formatParamValue(3e-4), '0.0003');
    assert.equal(formatParamValue(1e-7), '1e-7');
    assert.equal(formatParamValue(0.1 + 0.2), '0.30000000000000004');
    assert.equal(formatParamValue(1 / 3), '0.3333333333333333');
    assert.equal(Number(formatParamValue(1 / 3)), 1 / 3);
  });

  test('integers print without a decimal point, even huge ones', () => {
    assert.equal(formatParamValue(64), '64');
    assert.equal(formatParamValue(-3), '-3');
    assert.equal(formatParamValue(2 ** 53), '9007199254740992');
    assert.equal(formatParamValue(1e21), '1000000000000000000000');
  });

  test("non-finite values and -0 use Python's spelling", () => {
    assert.equal(formatParamValue(NaN), 'nan');
    assert.equal(formatParamValue(Infinity), 'inf');
    assert.equal(formatParamValue(-Infinity), '-inf');
    assert.equal(formatParamValue(-0), '-0');
  });

  test('booleans, strings, lists and objects', () => {
    assert.equal(formatParamValue(true), 'true');
    assert.equal(formatParamValue(false), 'false');
    assert.equal(formatParamValue('adam w $HOME "q"'), 'adam w $HOME "q"');
    assert.equal(formatParamValue([64, 128, 64]), '[64,128,64]');
    assert.equal(formatParamValue({ a: 1, b: [true, null] }), '{"a":1,"b":[true,null]}');
  });
});

describe('buildFlagArgs', () => {
  const params = { lr: 0.001, batch_size: 64, optimizer: 'adam', amp: true, layers: [64, 32] };

  test('space style (default) gives two argv entries per flag', () => {
    assert.deepEqual(buildFlagArgs(params), ['--lr', '0.001', '--batch_size', '64', '--optimizer', 'adam', '--amp', 'true', '--layers', '[64,32]']);
  });

  test('equals style and a single-dash prefix', () => {
    assert.deepEqual(buildFlagArgs(params, { style: 'equals', prefix: '-' }), ['-lr=0.001', '-batch_size=64', '-optimizer=adam', '-amp=true', '-layers=[64,32]']);
  });

  test('switch booleans: a bare flag when true, nothing when false', () => {
    assert.deepEqual(buildFlagArgs({ amp: true, compile: false, lr: 0.1 }, { booleans: 'switch' }), ['--amp', '--lr', '0.1']);
    assert.deepEqual(buildFlagArgs({ compile: false }, { booleans: 'value' }), ['--compile', 'false']);
  });

  test('a value starting with "-" is joined with "=" so argparse does not take it for an option', () => {
    assert.deepEqual(buildFlagArgs({ shift: -1e-5, bias: -0.5, name: '--weird' }), ['--shift=-0.00001', '--bias=-0.5', '--name=--weird']);
  });

  test('null leaves the flag out, so the script default applies', () => {
    assert.deepEqual(buildFlagArgs({ scheduler: null, lr: 0.1 }), ['--lr', '0.1']);
  });

  test('names keep their underscores; a name with its own dashes is used verbatim', () => {
    assert.deepEqual(buildFlagArgs({ learning_rate: 0.1, '--weight-decay': 0.01, '-x': 1 }), ['--learning_rate', '0.1', '--weight-decay', '0.01', '-x', '1']);
  });

  test('an empty string value is passed as an empty argument', () => {
    assert.deepEqual(buildFlagArgs({ tag: '' }), ['--tag', '']);
  });

  test('impossible names and values are refused with a typed error naming the parameter', () => {
    for (const name of ['', 'a=b', 'has space', '--']) {
      assert.throws(
        () => buildFlagArgs({ [name]: 1 }),
        (err: unknown) => InjectionError.is(err) && err.param === name && /cannot be passed as a command-line flag/.test(err.message),
      );
    }
    assert.throws(() => buildFlagArgs({ tag: 'a\0b' }), (err: unknown) => InjectionError.is(err) && /NUL/.test(err.message));
  });
});

describe('buildParamEnv', () => {
  test('sets the protocol variables and one variable per parameter', () => {
    const env = buildParamEnv({ lr: 0.001, 'batch-size': 64, 'model.depth': 3, amp: false, layers: [1, 2], scheduler: null }, 'mnist', 7, '/tmp/ctl');
    assert.deepEqual(env, {
      TUNEKIT_PARAMS: '{"lr":0.001,"batch-size":64,"model.depth":3,"amp":false,"layers":[1,2],"scheduler":null}',
      TUNEKIT_TRIAL_NUMBER: '7',
      TUNEKIT_STUDY_NAME: 'mnist',
      TUNEKIT_CONTROL_FILE: '/tmp/ctl',
      TUNEKIT_PARAM_LR: '0.001',
      TUNEKIT_PARAM_BATCH_SIZE: '64',
      TUNEKIT_PARAM_MODEL_DEPTH: '3',
      TUNEKIT_PARAM_AMP: 'false',
      TUNEKIT_PARAM_LAYERS: '[1,2]',
    });
  });

  test('non-finite values reach TUNEKIT_PARAMS as Python json tokens', () => {
    assert.equal(buildParamEnv({ x: NaN, y: -Infinity }, 's', 0, 'c').TUNEKIT_PARAMS, '{"x":NaN,"y":-Infinity}');
  });

  test('two names folding onto one variable are refused', () => {
    assert.throws(
      () => buildParamEnv({ 'learning-rate': 0.1, learning_rate: 0.2 }, 's', 0, 'c'),
      (err: unknown) => InjectionError.is(err) && /"learning-rate" and "learning_rate" both map to .*TUNEKIT_PARAM_LEARNING_RATE/.test(err.message),
    );
  });

  test('paramEnvName upper-cases and replaces non-alphanumerics', () => {
    assert.equal(paramEnvName('optimizer.lr'), 'TUNEKIT_PARAM_OPTIMIZER_LR');
    assert.equal(paramEnvName('dropout2'), 'TUNEKIT_PARAM_DROPOUT2');
  });
});
