/**
 * The Python client (python/tunekit) against the trial protocol, with a real interpreter: the
 * lines it prints, the parameters it reads, and how it turns a prune request or SIGTERM into a
 * clean exit. Uses `python3` from PATH; the client is stdlib only.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { REPORT_PREFIX, TRIAL_ENV } from '../../../src/protocol/trial-protocol';
import type { TrialMessage } from '../../../src/protocol/trial-protocol';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? 'python3';

interface PythonRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface PythonProcess {
  readonly pid: number;
  /** Resolves with the first stdout line that satisfies the predicate. */
  waitForLine(predicate: (line: string) => boolean): Promise<string>;
  readonly done: Promise<PythonRun>;
}

/** The environment of a trial, minus whatever TUNEKIT_* variables this test process has. */
function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TUNEKIT_')) env[k] = v;
  return { ...env, PYTHONPATH: path.join(REPO, 'python'), PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

function trialEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return baseEnv({ [TRIAL_ENV.trialNumber]: '7', [TRIAL_ENV.studyName]: 'client-test', ...extra });
}

/** Starts `python3 -c code` in its own process group, as the engine starts a trial. */
function startPython(code: string, env: NodeJS.ProcessEnv): PythonProcess {
  const child = spawn(PYTHON, ['-c', code], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { predicate: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      for (const w of [...waiters]) {
        if (w.predicate(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<PythonRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  if (child.pid === undefined) throw new Error(`could not start ${PYTHON}`);
  return {
    pid: child.pid,
    done,
    waitForLine: (predicate) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ predicate, resolve });
        // A process that exits without printing the line fails the test instead of hanging it.
        done.then(
          (run) => reject(new Error(`python exited (${run.code}) before the expected line.\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`)),
          reject,
        );
      }),
  };
}

function runPython(code: string, env: NodeJS.ProcessEnv): Promise<PythonRun> {
  return startPython(code, env).done;
}

function lines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.length > 0);
}

/** The protocol messages in stdout, parsed; other lines are skipped. */
function messages(stdout: string): TrialMessage[] {
  return lines(stdout)
    .filter((l) => l.startsWith(REPORT_PREFIX))
    .map((l) => JSON.parse(l.slice(REPORT_PREFIX.length)) as TrialMessage);
}

function py(...source: string[]): string {
  return source.join('\n');
}

describe('tunekit Python client', { timeout: 60_000 }, () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tunekit-client-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('report() and final() print one compact JSON line each, with the reserved prefix', async () => {
    const run = await runPython(
      py(
        'import tunekit',
        'tunekit.report(3, loss=0.21, acc=1, bad=float("nan"), up=float("inf"), down=float("-inf"))',
        'tunekit.report(loss=0.5)',
        'tunekit.final(loss=0.19)',
      ),
      trialEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lines(run.stdout), [
      `${REPORT_PREFIX}{"kind":"report","step":3,"metrics":{"loss":0.21,"acc":1.0,"bad":"nan","up":"inf","down":"-inf"}}`,
      `${REPORT_PREFIX}{"kind":"report","step":null,"metrics":{"loss":0.5}}`,
      `${REPORT_PREFIX}{"kind":"final","metrics":{"loss":0.19}}`,
    ]);
    // Every line is strict JSON (no bare NaN / Infinity tokens) of the protocol's shape.
    assert.deepEqual(messages(run.stdout), [
      { kind: 'report', step: 3, metrics: { loss: 0.21, acc: 1, bad: 'nan', up: 'inf', down: '-inf' } },
      { kind: 'report', step: null, metrics: { loss: 0.5 } },
      { kind: 'final', metrics: { loss: 0.19 } },
    ]);
  });

  test('numpy scalars are converted to plain numbers', async (t) => {
    const probe = await runPython('import numpy', baseEnv({}));
    if (probe.code !== 0) {
      t.skip(`numpy is not installed for ${PYTHON}`);
      return;
    }
    const run = await runPython(
      py('import numpy as np, tunekit', 'tunekit.report(np.int64(2), loss=np.float32(0.5), n=np.int32(4), v=np.array(0.25))'),
      trialEnv(),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(messages(run.stdout), [{ kind: 'report', step: 2, metrics: { loss: 0.5, n: 4, v: 0.25 } }]);
  });

  test('a metric that is not a number raises TypeError naming the metric', async () => {
    const run = await runPython(py('import tunekit', 'tunekit.report(1, loss=0.3, accuracy="0.9")'), trialEnv());
    assert.equal(run.code, 1);
    assert.match(run.stderr, /TypeError: tunekit: metric 'accuracy' must be a number, got str/);
    assert.equal(messages(run.stdout).length, 0, 'nothing is reported when one metric is invalid');

    const bool = await runPython(py('import tunekit', 'tunekit.final(converged=True)'), trialEnv());
    assert.equal(bool.code, 1);
    assert.match(bool.stderr, /TypeError: tunekit: metric 'converged' must be a number, got a bool/);
  });

  test('params() and param() read TUNEKIT_PARAMS', async () => {
    const params = { lr: 0.003, 'batch-size': 64, optimizer: 'adam', nested: { a: [1, 2] } };
    const run = await runPython(
      py(
        'import json, tunekit',
        'print(json.dumps([tunekit.params(), tunekit.param("lr"), tunekit.param("batch_size"),',
        '                  tunekit.param("missing"), tunekit.param("missing", 5), tunekit.is_trial(),',
        '                  tunekit.trial_number(), tunekit.study_name()]))',
      ),
      trialEnv({ [TRIAL_ENV.params]: JSON.stringify(params) }),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [params, 0.003, 64, null, 5, true, 7, 'client-test']);
  });

  test('should_prune() turns true once the engine writes "prune" into the control file', async () => {
    const control = path.join(dir, 'control-should-prune');
    const proc = startPython(
      py(
        'import time, tunekit',
        'print("before", tunekit.should_prune(), flush=True)',
        'deadline = time.time() + 20',
        'while not tunekit.should_prune() and time.time() < deadline:',
        '    time.sleep(0.01)',
        'print("after", tunekit.should_prune(), flush=True)',
      ),
      trialEnv({ [TRIAL_ENV.controlFile]: control }),
    );
    await proc.waitForLine((l) => l.startsWith('before'));
    // An empty or unrelated control file is not a prune request.
    await writeFile(control, '');
    await new Promise((r) => setTimeout(r, 100));
    await writeFile(control, 'prune\n');
    const run = await proc.done;
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lines(run.stdout), ['before False', 'after True']);
  });

  test('SIGTERM during training prints "pruned" with the last step, runs finally, and exits 0', async () => {
    const proc = startPython(
      py(
        'import time, tunekit',
        'try:',
        '    for step in range(10000):',
        '        tunekit.report(step, loss=1.0 / (step + 1))',
        '        if step == 2:',
        '            print("ready", flush=True)',
        '        time.sleep(0.02)',
        'finally:',
        '    print("finally ran", flush=True)',
      ),
      trialEnv(),
    );
    await proc.waitForLine((l) => l === 'ready');
    // The engine signals the trial's whole process group.
    process.kill(-proc.pid, 'SIGTERM');
    const run = await proc.done;
    assert.equal(run.signal, null);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const all = lines(run.stdout);
    const msgs = messages(run.stdout);
    const reports = msgs.filter((m) => m.kind === 'report');
    const pruned = msgs.filter((m) => m.kind === 'pruned');
    assert.equal(pruned.length, 1);
    assert.deepEqual(pruned[0], { kind: 'pruned', step: reports.at(-1)?.step });
    assert.ok(reports.length >= 3);
    assert.equal(all.at(-1), 'finally ran', 'finally runs after the pruned line');
  });

  test('SIGTERM to the process group: a forked child does not report the trial as pruned', async () => {
    const proc = startPython(
      py(
        'import os, time, tunekit',
        'tunekit.report(0, loss=1.0)',
        'child = os.fork()',
        'if child == 0:',
        '    print("child ready", flush=True)',
        '    time.sleep(30)',
        '    os._exit(0)',
        'try:',
        '    time.sleep(30)',
        'finally:',
        '    os.waitpid(child, 0)',
        '    print("child gone", flush=True)',
      ),
      trialEnv(),
    );
    // Only once the child runs Python code: CPython drops signals that arrive inside fork().
    await proc.waitForLine((l) => l === 'child ready');
    process.kill(-proc.pid, 'SIGTERM');
    const run = await proc.done;
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      messages(run.stdout).filter((m) => m.kind === 'pruned'),
      [{ kind: 'pruned', step: 0 }],
    );
    assert.equal(lines(run.stdout).at(-1), 'child gone');
  });

  test('an uncaught TrialPruned is a clean pruned exit, not a failure', async () => {
    const control = path.join(dir, 'control-trial-pruned');
    await writeFile(control, 'prune');
    const run = await runPython(
      py(
        'import atexit, tunekit',
        'atexit.register(lambda: print("atexit ran", flush=True))',
        'try:',
        '    for epoch in range(1, 100):',
        '        tunekit.report(epoch, val_loss=0.5)',
        '        if tunekit.should_prune():',
        '            raise tunekit.TrialPruned()',
        'finally:',
        '    print("finally ran", flush=True)',
      ),
      trialEnv({ [TRIAL_ENV.controlFile]: control }),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', 'no traceback');
    assert.deepEqual(lines(run.stdout), [
      `${REPORT_PREFIX}{"kind":"report","step":1,"metrics":{"val_loss":0.5}}`,
      'finally ran',
      `${REPORT_PREFIX}{"kind":"pruned","step":1}`,
      'atexit ran',
    ]);
  });

  test("a script's own SIGTERM handler is kept", async () => {
    const proc = startPython(
      py(
        'import signal, sys, time',
        'def on_term(signum, frame):',
        '    print("own handler", flush=True)',
        '    sys.exit(3)',
        'signal.signal(signal.SIGTERM, on_term)',
        'import tunekit',
        'tunekit.report(0, loss=1.0)',
        'print("ready", flush=True)',
        'time.sleep(30)',
      ),
      trialEnv(),
    );
    await proc.waitForLine((l) => l === 'ready');
    process.kill(-proc.pid, 'SIGTERM');
    const run = await proc.done;
    assert.equal(run.code, 3);
    assert.ok(lines(run.stdout).includes('own handler'));
    assert.equal(messages(run.stdout).filter((m) => m.kind === 'pruned').length, 0);
  });

  test('outside Tunekit: no handlers installed, plain readable lines, empty params', async () => {
    const run = await runPython(
      py(
        'import signal, sys',
        'hook = sys.excepthook',
        'import tunekit',
        'print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, sys.excepthook is hook)',
        'print(tunekit.is_trial(), tunekit.params(), tunekit.param("lr", 0.1), tunekit.should_prune())',
        'tunekit.report(2, loss=0.25, acc=float("nan"))',
        'tunekit.report(loss=0.5)',
        'tunekit.final(loss=0.125)',
      ),
      baseEnv({}),
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lines(run.stdout), [
      'True True',
      'False {} 0.1 False',
      'step=2 loss=0.25 acc=nan',
      'loss=0.5',
      'final loss=0.125',
    ]);

    // And SIGTERM keeps its default meaning: the process dies of the signal.
    const proc = startPython(py('import time, tunekit', 'print("ready", flush=True)', 'time.sleep(30)'), baseEnv({}));
    await proc.waitForLine((l) => l === 'ready');
    process.kill(-proc.pid, 'SIGTERM');
    const killed = await proc.done;
    assert.equal(killed.signal, 'SIGTERM');
    assert.ok(!killed.stdout.includes(REPORT_PREFIX));
  });
});
