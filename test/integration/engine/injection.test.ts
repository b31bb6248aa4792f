/**
 * The injected values as a real Python script sees them: argparse with the usual types, the
 * Tunekit environment, and json.loads of TUNEKIT_PARAMS. Uses the stdlib only, so any python3
 * on PATH will do.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ParamValue } from '../../../src/core/space/distributions';
import { buildParamEnv } from '../../../src/engine/injection/env-injection';
import { buildFlagArgs } from '../../../src/engine/injection/flag-injection';
import { tempDir } from '../../helpers/temp-dir';

const SCRIPT = String.raw`
import argparse, json, os, sys

def str2bool(s):
    if s.lower() in ("true", "1", "yes"): return True
    if s.lower() in ("false", "0", "no"): return False
    raise argparse.ArgumentTypeError("not a bool: " + s)

p = argparse.ArgumentParser()
p.add_argument("--lr", type=float)
p.add_argument("--weight_decay", type=float)
p.add_argument("--shift", type=float)
p.add_argument("--tiny", type=float)
p.add_argument("--batch_size", type=int)
p.add_argument("--big", type=int)
p.add_argument("--optimizer", type=str)
p.add_argument("--note", type=str)
p.add_argument("--amp", action="store_true")
p.add_argument("--compile", action="store_true")
p.add_argument("--nesterov", type=str2bool)
p.add_argument("--layers", type=json.loads)
p.add_argument("--scheduler", default=None)
a = p.parse_args()
out = {k: [type(v).__name__, v if not isinstance(v, float) else float.hex(v)] for k, v in vars(a).items()}
env = {k: v for k, v in os.environ.items() if k.startswith("TUNEKIT_")}
env["TUNEKIT_PARAMS"] = json.loads(env["TUNEKIT_PARAMS"])
print(json.dumps({"args": out, "env": env}))
`;

test('a real argparse script receives exactly the injected values and types', (t) => {
  const dir = tempDir(t);
  const script = path.join(dir, 'train.py');
  fs.writeFileSync(script, SCRIPT);
  const params: Record<string, ParamValue> = {
    lr: 0.1 + 0.2,
    weight_decay: 1e-7,
    shift: -1e-5,
    tiny: 5e-324,
    batch_size: 64,
    big: 2 ** 53 + 2,
    optimizer: 'adam w',
    note: '$HOME "quoted" \'single\' ; rm -rf /',
    amp: true,
    compile: false,
    layers: [64, 128, 64],
    scheduler: null,
  };
  // amp / compile are store_true switches; nesterov reads a value (str2bool), so it goes in value style.
  const args = [...buildFlagArgs(params, { booleans: 'switch' }), ...buildFlagArgs({ nesterov: false }, { booleans: 'value' })];
  const env = buildParamEnv(params, 'my study', 12, path.join(dir, 'control'));
  const stdout = execFileSync('python3', [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const seen = JSON.parse(stdout) as { args: Record<string, [string, unknown]>; env: Record<string, unknown> };

  const floatHex = (x: number): string => {
    const out = execFileSync('python3', ['-c', `import sys; print(float.hex(float(sys.argv[1])))`, String(x)], { encoding: 'utf8' });
    return out.trim();
  };
  // Floats compared bit for bit through float.hex: the text must round-trip exactly.
  for (const name of ['lr', 'weight_decay', 'shift', 'tiny'] as const) {
    assert.deepEqual(seen.args[name], ['float', floatHex(params[name] as number)], name);
  }
  assert.equal(seen.args.lr?.[1], '0x1.3333333333334p-2');
  assert.deepEqual(seen.args.batch_size, ['int', 64]);
  assert.deepEqual(seen.args.big, ['int', 2 ** 53 + 2]);
  assert.deepEqual(seen.args.optimizer, ['str', 'adam w']);
  assert.deepEqual(seen.args.note, ['str', params.note]);
  assert.deepEqual(seen.args.amp, ['bool', true]);
  assert.deepEqual(seen.args.compile, ['bool', false]);
  assert.deepEqual(seen.args.nesterov, ['bool', false]);
  assert.deepEqual(seen.args.layers, ['list', [64, 128, 64]]);
  assert.deepEqual(seen.args.scheduler, ['NoneType', null]);

  assert.deepEqual(seen.env.TUNEKIT_PARAMS, params);
  assert.equal(seen.env.TUNEKIT_TRIAL_NUMBER, '12');
  assert.equal(seen.env.TUNEKIT_STUDY_NAME, 'my study');
  assert.equal(seen.env.TUNEKIT_CONTROL_FILE, path.join(dir, 'control'));
  assert.equal(seen.env.TUNEKIT_PARAM_LR, '0.30000000000000004');
  assert.equal(seen.env.TUNEKIT_PARAM_WEIGHT_DECAY, '1e-7');
  assert.equal(seen.env.TUNEKIT_PARAM_BATCH_SIZE, '64');
  assert.equal(seen.env.TUNEKIT_PARAM_AMP, 'true');
  assert.equal(seen.env.TUNEKIT_PARAM_LAYERS, '[64,128,64]');
  assert.equal('TUNEKIT_PARAM_SCHEDULER' in seen.env, false);
});

test('equals style reaches argparse the same way', (t) => {
  const dir = tempDir(t);
  const script = path.join(dir, 'train.py');
  fs.writeFileSync(script, SCRIPT);
  const args = buildFlagArgs({ lr: 3e-4, batch_size: 32, shift: -2.5e-8, optimizer: '--sgd' }, { style: 'equals' });
  const seen = JSON.parse(execFileSync('python3', [script, ...args], { env: { ...process.env, ...buildParamEnv({}, 's', 0, 'c') }, encoding: 'utf8' })) as {
    args: Record<string, [string, unknown]>;
  };
  assert.deepEqual(seen.args.batch_size, ['int', 32]);
  assert.deepEqual(seen.args.optimizer, ['str', '--sgd']);
  assert.equal(seen.args.lr?.[0], 'float');
  assert.equal(seen.args.shift?.[0], 'float');
});

test('float parameters survive a Python float() round trip for many values', () => {
  const values = [0.1, 1 / 3, 2 / 3, 1e-7, 1.5e-300, 123456.789, 9.999999999999999e22, Math.PI, -Math.E, 5e-324, Number.MAX_VALUE];
  const code = 'import sys, json; print(json.dumps([repr(float(s)) for s in sys.argv[1:]]))';
  const formatted = values.map((v) => (buildFlagArgs({ x: v }, { style: 'equals' })[0] as string).slice('--x='.length));
  const reprs = JSON.parse(execFileSync('python3', ['-c', code, ...formatted], { encoding: 'utf8' })) as string[];
  reprs.forEach((repr, i) => assert.equal(Number(repr), values[i], `${formatted[i]} read back as ${repr}`));
});
