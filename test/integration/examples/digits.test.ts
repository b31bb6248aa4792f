/**
 * examples/digits: a real PyTorch MLP on scikit-learn's bundled digits, run by Debian's
 * /usr/bin/python3 (torch and sklearn come from apt: `npm run setup:python`). Skipped, with the
 * reason, where those packages are missing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { parseSearchSpace } from '../../../src/core/space/search-space';
import { REPORT_PREFIX, TRIAL_ENV } from '../../../src/protocol/trial-protocol';
import type { TrialMessage } from '../../../src/protocol/trial-protocol';
import { DEBIAN_PYTHON, missingPythonModules } from '../../helpers/debian-python';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = path.join(REPO, 'examples/digits/train.py');
const ML_PYTHON = DEBIAN_PYTHON;
/** Why the torch tests skip, or undefined when they can run. */
const noTorch = missingPythonModules('torch', 'sklearn');

function canImport(python: string, modules: string): boolean {
  return spawnSync(python, ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs a command to completion; never rejects on a non-zero exit (the test asserts on it). */
function runCommand(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const seconds = (performance.now() - started) / 1000;
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr, seconds });
    });
  });
}

/** This process's environment without TUNEKIT_* variables, so runs start outside Tunekit. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TUNEKIT_')) env[k] = v;
  return { ...env, PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

function trialEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({
    PYTHONPATH: path.join(REPO, 'python'),
    [TRIAL_ENV.trialNumber]: '0',
    [TRIAL_ENV.studyName]: 'digits-test',
    [TRIAL_ENV.params]: '{}',
    ...extra,
  });
}

function messages(stdout: string): TrialMessage[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(REPORT_PREFIX))
    .map((l) => JSON.parse(l.slice(REPORT_PREFIX.length)) as TrialMessage);
}

describe('examples/digits', { timeout: 300_000 }, () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tunekit-digits-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('5 epochs with defaults, without Tunekit: plain lines and val_acc > 0.85', async (t) => {
    if (noTorch) {
      t.skip(noTorch);
      return;
    }
    const run = await runCommand(ML_PYTHON, [SCRIPT, '--epochs', '5'], cleanEnv());
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    const parsed = lines.map((line) => {
      const m = /^epoch (\d+) train_loss=(\S+) val_loss=(\S+) val_acc=(\S+)$/.exec(line);
      assert.ok(m, `not an epoch line: ${line}`);
      return { epoch: Number(m[1]), trainLoss: Number(m[2]), valLoss: Number(m[3]), valAcc: Number(m[4]) };
    });
    assert.deepEqual(parsed.map((p) => p.epoch), [1, 2, 3, 4, 5]);
    const last = parsed.at(-1)!;
    t.diagnostic(`5 epochs: val_acc ${last.valAcc}, val_loss ${last.valLoss}, ${run.seconds.toFixed(2)} s wall (incl. torch import)`);
    assert.ok(last.valAcc > 0.85, `val_acc ${last.valAcc}`);
    assert.ok(last.valLoss < parsed[0]!.valLoss);

    // --seed makes runs reproducible.
    const again = await runCommand(ML_PYTHON, [SCRIPT, '--epochs', '5'], cleanEnv());
    assert.equal(again.stdout, run.stdout);
  });

  test('under Tunekit: reports through the client, exports ONNX and a state_dict', async (t) => {
    if (noTorch) {
      t.skip(noTorch);
      return;
    }
    const onnxPath = path.join(dir, 'out', 'digits.onnx');
    const statePath = path.join(dir, 'out', 'digits.pt');
    const run = await runCommand(
      ML_PYTHON,
      [SCRIPT, '--epochs', '20', '--hidden', '64', '--export-onnx', onnxPath, '--save-state', statePath],
      trialEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    t.diagnostic(`20 epochs (hidden 64) + exports: ${run.seconds.toFixed(2)} s wall`);
    const msgs = messages(run.stdout);
    const reports = msgs.filter((m) => m.kind === 'report');
    assert.deepEqual(reports.map((m) => m.step), Array.from({ length: 20 }, (_, i) => i + 1));
    for (const r of reports) assert.deepEqual(Object.keys(r.metrics).sort(), ['train_loss', 'val_acc', 'val_loss']);
    const finalMsg = msgs.at(-1);
    assert.ok(finalMsg?.kind === 'final', 'the last message is the final one');
    assert.ok(finalMsg.metrics.val_acc! > 0.9, `final val_acc ${finalMsg.metrics.val_acc}`);
    assert.ok((await stat(statePath)).size > 0);
    assert.ok((await stat(onnxPath)).size > 0);

    await t.test('the ONNX export passes onnx.checker: input "input", dynamic batch, opset 13', async (st) => {
      const noOnnx = missingPythonModules('onnx');
      if (noOnnx) {
        st.skip(noOnnx);
        return;
      }
      const check = await runCommand(ML_PYTHON, [
        '-c',
        [
          'import json, sys, onnx',
          'm = onnx.load(sys.argv[1])',
          'onnx.checker.check_model(m, full_check=True)',
          'i = m.graph.input[0]',
          'dims = [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]',
          'print(json.dumps({"input": i.name, "dims": dims, "opset": max(o.version for o in m.opset_import)}))',
        ].join('\n'),
        onnxPath,
      ]);
      assert.equal(check.code, 0, check.stderr);
      assert.deepEqual(JSON.parse(check.stdout), { input: 'input', dims: ['batch', 64], opset: 13 });
    });
  });

  test('--save-model and --export-test-set: the whole module, the held-out split as safetensors, and evaluate.py agrees with val_acc', async (t) => {
    if (noTorch) {
      t.skip(noTorch);
      return;
    }
    const modelPath = path.join(dir, 'out', 'digits-model.pt');
    const testSet = path.join(dir, 'out', 'digits-test.safetensors');
    const statePath = path.join(dir, 'out', 'digits-state.pt');
    const run = await runCommand(
      ML_PYTHON,
      [SCRIPT, '--epochs', '10', '--hidden', '64', '--save-model', modelPath, '--save-state', statePath, '--export-test-set', testSet],
      cleanEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    const valAcc = Number(/val_acc=(\S+)$/.exec(run.stdout.trimEnd().split('\n').at(-1)!)![1]);

    // safetensors: 8-byte little-endian header length, JSON header, then the data, nothing after.
    const bytes = await readFile(testSet);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    assert.deepEqual(header.input, { dtype: 'F32', shape: [360, 64], data_offsets: [0, 360 * 64 * 4] });
    assert.deepEqual(header.labels, { dtype: 'I64', shape: [360], data_offsets: [360 * 64 * 4, 360 * 64 * 4 + 360 * 8] });
    assert.equal(bytes.length, 8 + headerLength + 360 * 64 * 4 + 360 * 8);
    assert.equal((8 + headerLength) % 8, 0, 'the data starts 8-byte aligned');
    const base = 8 + headerLength;
    const labels = Array.from({ length: 360 }, (_, i) => Number(bytes.readBigInt64LE(base + 360 * 64 * 4 + i * 8)));
    assert.deepEqual([...new Set(labels)].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const pixels = Array.from({ length: 360 * 64 }, (_, i) => bytes.readFloatLE(base + i * 4));
    assert.ok(pixels.every((v) => v >= 0 && v <= 1), 'pixels scaled to 0..1 as in training');

    const evaluate = path.join(REPO, 'examples/digits/evaluate.py');
    for (const [model, extra] of [[modelPath, []], [statePath, ['--hidden', '64']]] as const) {
      const ev = await runCommand(ML_PYTHON, [evaluate, '--model', model, ...extra], cleanEnv());
      assert.equal(ev.code, 0, ev.stderr);
      const m = /^accuracy=(\d\.\d{4})$/.exec(ev.stdout.trim());
      assert.ok(m, ev.stdout);
      assert.ok(Math.abs(Number(m[1]) - valAcc) < 1e-3, `evaluate.py ${m[1]} vs train.py val_acc ${valAcc}`);
    }
    const noHidden = await runCommand(ML_PYTHON, [evaluate, '--model', statePath], cleanEnv());
    assert.notEqual(noHidden.code, 0);
    assert.match(noHidden.stderr, /state_dict: give --hidden/);
  });

  test('stops at an epoch boundary when the engine asks it to prune', async (t) => {
    if (noTorch) {
      t.skip(noTorch);
      return;
    }
    const control = path.join(dir, 'control');
    await writeFile(control, 'prune\n');
    const run = await runCommand(ML_PYTHON, [SCRIPT, '--epochs', '20'], trialEnv({ [TRIAL_ENV.controlFile]: control }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      messages(run.stdout).map((m) => m.kind),
      ['report', 'pruned'],
    );
    assert.deepEqual(messages(run.stdout)[1], { kind: 'pruned', step: 1 });
  });

  test('without torch it says what to install and exits 2', async (t) => {
    // The PATH python3 of the project's machines has numpy only: the case a user meets first.
    const bare = process.env.TUNEKIT_TEST_PYTHON ?? 'python3';
    if (canImport(bare, 'torch, sklearn')) {
      t.skip(`${bare} has torch and sklearn, so the missing-package message cannot be shown with it`);
      return;
    }
    const run = await runCommand(bare, [SCRIPT], cleanEnv());
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr.trimEnd().split('\n').length, 1, 'a one-line error, not a traceback');
    assert.match(run.stderr, /npm run setup:python/);
  });

  test('space.json is a valid search space over flags the script accepts', async () => {
    const space = parseSearchSpace(JSON.parse(await readFile(path.join(REPO, 'examples/digits/space.json'), 'utf8')));
    const source = await readFile(SCRIPT, 'utf8');
    for (const p of space.parameters) {
      assert.ok(source.includes(`"--${p.name}"`), `train.py has no --${p.name} flag`);
    }
    assert.deepEqual(space.parameters.find((p) => p.name === 'momentum')?.condition, { parent: 'optimizer', values: ['sgd'] });
  });
});
