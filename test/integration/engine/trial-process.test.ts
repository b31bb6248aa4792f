/**
 * Real processes: python3 scripts (stdlib only), bash and sleep. Group-kill tests check that the
 * grandchild's pid is gone afterwards, the way a user would notice a leaked DataLoader worker.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTrialProcess } from '../../../src/engine/process/trial-process';
import type { TrialProcessOptions } from '../../../src/engine/process/trial-process';
import { isProcessRunning as isAlive } from '../../../src/engine/process/process-alive';

const execFileAsync = promisify(execFile);
const TRIAL_PROCESS_MODULE = fileURLToPath(new URL('../../../src/engine/process/trial-process.ts', import.meta.url));

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return condition();
}

/**
 * A fresh directory for one test. When the test ends, every pid written to a `*.pid*` file in it
 * is killed before the directory goes, so a failing assertion (or an orphan that escaped its
 * group on purpose) never leaks a `sleep 30`.
 */
function workDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-trial-'));
  t.after(() => {
    for (const name of fs.readdirSync(dir).filter((n) => n.includes('.pid'))) {
      const pid = Number(fs.readFileSync(path.join(dir, name), 'utf8'));
      try {
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone: the usual case.
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function setup(t: TestContext, script: string): { dir: string; options: (extra?: Partial<TrialProcessOptions>) => TrialProcessOptions } {
  const dir = workDir(t);
  fs.writeFileSync(path.join(dir, 'script.py'), script);
  return {
    dir,
    options: (extra = {}) => ({
      file: 'python3',
      args: ['-u', 'script.py'],
      cwd: dir,
      env: { PYTHONUNBUFFERED: '1', PIDFILE: path.join(dir, 'grandchild.pid') },
      stdoutPath: path.join(dir, 'logs', 'nested', 'stdout.log'),
      stderrPath: path.join(dir, 'logs', 'nested', 'stderr.log'),
      ...extra,
    }),
  };
}

describe('startTrialProcess', () => {
  test('a crashing script: exit code, stderr tail and log files', async (t) => {
    const { dir, options } = setup(
      t,
      `import sys
print("epoch 0 loss=1.0")
print("starting", file=sys.stderr)
def f():
    raise ValueError("learning rate too high: 10.0")
f()
`,
    );
    const trial = startTrialProcess(options());
    assert.equal(typeof trial.pid, 'number');
    const exit = await trial.exited;
    assert.equal(exit.exitCode, 1);
    assert.equal(exit.signal, null);
    assert.equal(exit.timedOut, false);
    assert.equal(exit.terminatedBy, undefined);
    assert.equal(exit.spawnError, undefined);
    assert.match(exit.stderrTail, /^starting\nTraceback \(most recent call last\):/);
    assert.match(exit.stderrTail, /ValueError: learning rate too high: 10\.0$/);
    assert.equal(fs.readFileSync(path.join(dir, 'logs/nested/stdout.log'), 'utf8'), 'epoch 0 loss=1.0\n');
    assert.match(fs.readFileSync(path.join(dir, 'logs/nested/stderr.log'), 'utf8'), /ValueError/);
  });

  test('a missing command resolves with spawnError instead of throwing', async (t) => {
    const { options } = setup(t, '');
    const trial = startTrialProcess(options({ file: 'tunekit-no-such-command-xyz', args: [] }));
    assert.equal(trial.pid, undefined);
    const exit = await trial.exited;
    assert.match(exit.spawnError ?? '', /^command not found: tunekit-no-such-command-xyz/);
    assert.equal(exit.exitCode, null);
    await trial.terminate('pruned', 10);
    trial.dispose();
  });

  test('a missing working directory and an unwritable log are spawn errors too', async (t) => {
    const { dir, options } = setup(t, '');
    const noCwd = await startTrialProcess(options({ cwd: path.join(dir, 'nope') })).exited;
    assert.match(noCwd.spawnError ?? '', /^working directory does not exist: .*nope/);
    fs.writeFileSync(path.join(dir, 'file'), '');
    const badLog = await startTrialProcess(options({ stdoutPath: path.join(dir, 'file', 'stdout.log') })).exited;
    assert.match(badLog.spawnError ?? '', /^cannot open the trial log .*file\/stdout\.log/);
  });

  test('a script that is not executable says so', async (t) => {
    const { dir, options } = setup(t, '');
    fs.writeFileSync(path.join(dir, 'run.sh'), 'echo hi\n', { mode: 0o644 });
    const exit = await startTrialProcess(options({ file: './run.sh', args: [] })).exited;
    assert.match(exit.spawnError ?? '', /^permission denied: \.\/run\.sh is not executable/);
  });

  test('lines reach the callbacks in order, with partial last lines, CRLF and \\r redraws', async (t) => {
    const { dir, options } = setup(
      t,
      `import sys
for i in range(2000):
    sys.stdout.write(f"step {i} loss={i}\\n")
sys.stdout.write("crlf line\\r\\n")
sys.stdout.write("\\r 10%|#\\r 50%|#####\\r100%|##########\\n")
sys.stdout.write("caf\\u00e9 \\u2603\\n")
sys.stdout.write("no newline at the end")
sys.stderr.write("err 1\\nerr 2")
`,
    );
    const out: string[] = [];
    const err: string[] = [];
    const exit = await startTrialProcess(options({ onStdoutLine: (l) => out.push(l), onStderrLine: (l) => err.push(l) })).exited;
    assert.equal(exit.exitCode, 0);
    assert.equal(out.length, 2000 + 1 + 3 + 2);
    for (let i = 0; i < 2000; i++) assert.equal(out[i], `step ${i} loss=${i}`);
    assert.deepEqual(out.slice(2000), ['crlf line', ' 10%|#', ' 50%|#####', '100%|##########', 'café ☃', 'no newline at the end']);
    assert.deepEqual(err, ['err 1', 'err 2']);
    const log = fs.readFileSync(path.join(dir, 'logs/nested/stdout.log'), 'utf8');
    assert.ok(log.endsWith('crlf line\r\n\r 10%|#\r 50%|#####\r100%|##########\ncafé ☃\nno newline at the end'), 'log is byte for byte');
  });

  test('stdout and stderr may share one log file', async (t) => {
    const { dir, options } = setup(t, 'import sys\nprint("out")\nsys.stdout.flush()\nprint("err", file=sys.stderr)\n');
    const combined = path.join(dir, 'combined.log');
    const exit = await startTrialProcess(options({ stdoutPath: combined, stderrPath: combined })).exited;
    assert.equal(exit.exitCode, 0);
    assert.equal(fs.readFileSync(combined, 'utf8').split('\n').sort().join(','), ',err,out');
  });

  test('the stderr tail keeps the last 40 lines and leaves progress redraws out', async (t) => {
    const { options } = setup(
      t,
      `import sys
# tqdm redraws its bar with \\r; tqdm.write() / logging clear it the same way before a line.
for i in range(100):
    sys.stderr.write(f"\\r  0%|\\r 50%|#####")
    sys.stderr.write(f"\\rline {i}\\n")
sys.stderr.write("\\r 99%|####\\rfinal message")
`,
    );
    const exit = await startTrialProcess(options()).exited;
    const lines = exit.stderrTail.split('\n');
    assert.equal(lines.length, 40);
    assert.equal(lines[0], 'line 61');
    assert.equal(lines.at(-1), 'final message');
    assert.ok(!exit.stderrTail.includes('%|'));
  });

  test('the stderr tail is capped at 4 KiB', async (t) => {
    const { options } = setup(t, 'import sys\nfor i in range(20):\n    sys.stderr.write(str(i) + "x" * 1000 + "\\n")\n');
    const exit = await startTrialProcess(options()).exited;
    assert.ok(exit.stderrTail.length <= 4096, `tail is ${exit.stderrTail.length} chars`);
    assert.ok(exit.stderrTail.endsWith('x'.repeat(100)));
    assert.ok(exit.stderrTail.includes('19xxx'));
  });

  test('a timeout terminates the trial and says so', async (t) => {
    const { options } = setup(t, 'import time\nprint("started", flush=True)\ntime.sleep(30)\n');
    const started = Date.now();
    const exit = await startTrialProcess(options({ timeoutMs: 300, timeoutGraceMs: 2000 })).exited;
    assert.equal(exit.timedOut, true);
    assert.equal(exit.terminatedBy, 'timeout');
    assert.equal(exit.signal, 'SIGTERM');
    assert.ok(Date.now() - started < 5000);
  });

  test('terminate reaches the grandchildren: no process of the group survives', async (t) => {
    const { dir, options } = setup(
      t,
      `import os, subprocess, time
child = subprocess.Popen(["python3", "-c", "import time\\nwhile True: time.sleep(0.1)"])
grand = subprocess.Popen(["sleep", "30"])
open(os.environ["PIDFILE"], "w").write(f"{grand.pid}")
open(os.environ["PIDFILE"] + ".2", "w").write(f"{child.pid}")
print("ready", flush=True)
time.sleep(30)
`,
    );
    const pidFile = path.join(dir, 'grandchild.pid');
    let trial: ReturnType<typeof startTrialProcess> | undefined;
    const ready = new Promise<void>((resolve) => {
      trial = startTrialProcess(options({ onStdoutLine: (line) => line === 'ready' && resolve() }));
    });
    await ready;
    const pids = [Number(fs.readFileSync(pidFile, 'utf8')), Number(fs.readFileSync(`${pidFile}.2`, 'utf8'))];
    assert.ok(pids.every(isAlive));
    await trial?.terminate('pruned', 3000);
    const exit = await trial?.exited;
    assert.equal(exit?.terminatedBy, 'pruned');
    for (const pid of pids) assert.ok(await waitUntil(() => !isAlive(pid), 2000), `grandchild ${pid} survived terminate`);
  });

  test('a child that ignores SIGTERM is SIGKILLed after the grace period', async (t) => {
    const { options } = setup(
      t,
      `import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
while True: time.sleep(0.05)
`,
    );
    let trial: ReturnType<typeof startTrialProcess> | undefined;
    await new Promise<void>((resolve) => {
      trial = startTrialProcess(options({ onStdoutLine: (line) => line === 'ready' && resolve() }));
    });
    const started = Date.now();
    await trial?.terminate('pruned', 400);
    const elapsed = Date.now() - started;
    const exit = await trial?.exited;
    assert.equal(exit?.signal, 'SIGKILL');
    assert.equal(exit?.terminatedBy, 'pruned');
    assert.ok(elapsed >= 350, `killed after ${elapsed} ms, before the grace period`);
    assert.ok(elapsed < 3000, `killed after ${elapsed} ms`);
  });

  test('a clean SIGTERM exit within the grace period keeps its exit code', async (t) => {
    const { options } = setup(
      t,
      `import signal, sys, time
def stop(*_):
    print("pruned cleanly", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
time.sleep(30)
`,
    );
    const lines: string[] = [];
    let trial: ReturnType<typeof startTrialProcess> | undefined;
    await new Promise<void>((resolve) => {
      trial = startTrialProcess(
        options({
          onStdoutLine: (line) => {
            lines.push(line);
            if (line === 'ready') resolve();
          },
        }),
      );
    });
    await trial?.terminate('pruned', 5000);
    const exit = await trial?.exited;
    assert.equal(exit?.exitCode, 0);
    assert.equal(exit?.signal, null);
    assert.deepEqual(lines, ['ready', 'pruned cleanly']);
  });

  test('leftovers of a finished trial are killed and do not hold exited open', async (t) => {
    const { dir, options } = setup(t, '');
    const pidFile = path.join(dir, 'grandchild.pid');
    const started = Date.now();
    // The background sleep inherits stdout: without the group kill the pipe would stay open 30 s.
    const exit = await startTrialProcess(options({ file: 'bash', args: ['-c', `sleep 30 & echo $! > ${pidFile}; echo done`] })).exited;
    assert.equal(exit.exitCode, 0);
    assert.ok(Date.now() - started < 1500, `exited took ${Date.now() - started} ms`);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.ok(await waitUntil(() => !isAlive(pid), 2000), 'the background sleep outlived its trial');
  });

  test('an orphan that escaped the group cannot keep exited pending', async (t) => {
    const { options } = setup(
      t,
      `import os, subprocess
p = subprocess.Popen(["sleep", "30"], start_new_session=True)
open(os.environ["PIDFILE"], "w").write(str(p.pid))
print("bye", flush=True)
`,
    );
    const started = Date.now();
    const exit = await startTrialProcess(options()).exited;
    assert.equal(exit.exitCode, 0);
    assert.ok(Date.now() - started < 5000, `exited took ${Date.now() - started} ms`);
  });

  test('a throwing callback does not break the stream', async (t) => {
    const { options } = setup(t, 'print("a")\nprint("b")\n');
    const seen: string[] = [];
    const exit = await startTrialProcess(
      options({
        onStdoutLine: (line) => {
          seen.push(line);
          if (line === 'a') throw new Error('callback bug');
        },
      }),
    ).exited;
    assert.deepEqual(seen, ['a', 'b']);
    assert.match(exit.callbackError ?? '', /callback bug/);
  });

  test('dispose kills a running trial at once', async (t) => {
    const { dir, options } = setup(t, `import os, subprocess, time
g = subprocess.Popen(["sleep", "30"])
open(os.environ["PIDFILE"], "w").write(str(g.pid))
print("ready", flush=True)
time.sleep(30)
`);
    const pidFile = path.join(dir, 'grandchild.pid');
    let trial: ReturnType<typeof startTrialProcess> | undefined;
    await new Promise<void>((resolve) => {
      trial = startTrialProcess(options({ onStdoutLine: (line) => line === 'ready' && resolve() }));
    });
    trial?.dispose();
    trial?.dispose();
    const exit = await trial?.exited;
    assert.equal(exit?.signal, 'SIGKILL');
    assert.equal(exit?.terminatedBy, 'disposed');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.ok(await waitUntil(() => !isAlive(pid), 2000));
  });

  describe('the engine process', () => {
    /** Runs a small engine script under tsx and returns how long Node took to exit. */
    async function runEngine(t: TestContext, body: string): Promise<{ ms: number; dir: string }> {
      const dir = workDir(t);
      // .mts: the temp dir has no package.json saying "type": "module", and execa is ESM-only.
      const script = path.join(dir, 'engine.mts');
      fs.writeFileSync(
        script,
        `import { startTrialProcess } from ${JSON.stringify(TRIAL_PROCESS_MODULE)};
const dir = ${JSON.stringify(dir)};
const trial = startTrialProcess({
  file: 'bash',
  args: ['-c', 'sleep 30 & echo $! > grandchild.pid; echo ready; wait'],
  cwd: dir,
  env: {},
  stdoutPath: dir + '/out.log',
  stderrPath: dir + '/err.log',
  onStdoutLine: (line) => { if (line === 'ready') ready(); },
});
function ready() {
${body}
}
`,
      );
      const started = Date.now();
      await execFileAsync(process.execPath, ['--import', 'tsx', script], { cwd: path.dirname(TRIAL_PROCESS_MODULE), timeout: 20_000 });
      return { ms: Date.now() - started, dir };
    }

    test('does not hang after dispose(), and the trial dies with it', async (t) => {
      const { ms, dir } = await runEngine(t, '  trial.dispose();');
      assert.ok(ms < 10_000, `engine took ${ms} ms to exit`);
      const pid = Number(fs.readFileSync(path.join(dir, 'grandchild.pid'), 'utf8'));
      assert.ok(await waitUntil(() => !isAlive(pid), 2000), 'the trial outlived a disposed engine');
    });

    test('process.exit() with a trial still running kills its group', async (t) => {
      const { dir } = await runEngine(t, '  process.exit(0);');
      const pid = Number(fs.readFileSync(path.join(dir, 'grandchild.pid'), 'utf8'));
      assert.ok(await waitUntil(() => !isAlive(pid), 2000), 'the trial outlived its engine');
    });
  });
});
