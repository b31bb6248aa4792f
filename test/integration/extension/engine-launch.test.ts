/**
 * The engine as the extension starts it: the argv from engine-args.ts, run as a detached
 * process logging to a file (engine-process.ts). It must outlive the process that started it
 * (a window reload ends the extension host), be found again through the journal and its running
 * marker, stop on a request written to the journal, and report a bad start through its exit
 * code and log. The CLI runs from the sources (tsx) instead of dist/cli.js; everything else is
 * what the extension does.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { proposeStudyFile, studyFilePathFor, writeStudyFileOnce } from '../../../src/cli/study-file';
import { loadStudy } from '../../../src/core/study/study';
import { analyzeScript } from '../../../src/detect/analyze-script';
import { requestStopStudy, runningEngine } from '../../../src/engine/run-control';
import { isProcessRunning } from '../../../src/engine/process/process-alive';
import { defaultJournal, engineArgs, engineEnv, engineLogPath } from '../../../src/extension/engine/engine-args';
import { defaultStudyName } from '../../../src/cli/study-location';
import { logTail, startEngineProcess } from '../../../src/extension/engine/engine-process';
import { JournalCatalog } from '../../../src/extension/studies/journal-catalog';
import { runProgress } from '../../../src/extension/status/status-text';
import { REPO, waitFor } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

const TSX = import.meta.resolve('tsx');
const CLI_SOURCES = path.join(REPO, 'src', 'cli', 'main.ts');

/**
 * The engine is unreferenced (it must not keep a window's extension host alive), so awaiting
 * its exit needs something else holding this process's event loop, as the host always has.
 */
function keepAlive(t: { after(fn: () => void): void }): void {
  const timer = setInterval(() => {}, 1000);
  t.after(() => clearInterval(timer));
}

/** engineArgs with the bundled CLI swapped for the sources, run through tsx. */
function nodeArgs(args: string[]): string[] {
  assert.equal(args[0], '/ext/dist/cli.js');
  return ['--import', TSX, CLI_SOURCES, ...args.slice(1)];
}

function studyOf(workspace: string, script: string, trials: number, extra: { objective?: string } = {}) {
  const studyName = defaultStudyName(script);
  const journal = defaultJournal(workspace, studyName);
  const args = engineArgs({
    cliPath: '/ext/dist/cli.js',
    script,
    studyFile: studyFilePathFor(script),
    studyName,
    journal,
    trials,
    parallel: 1,
    gpus: 'none',
    gpusPerTrial: 1,
    sampler: 'random',
    pruner: 'none',
    python: 'python3',
    ...extra,
  });
  return { studyName, journal, logFile: engineLogPath(journal, studyName), args: nodeArgs(args) };
}

test('an engine started like the extension does outlives its starter and is found through the journal', async (t) => {
  const workspace = tempDir(t);
  const script = path.join(workspace, 'train.py');
  fs.copyFileSync(path.join(REPO, 'examples/quickstart/train.py'), script);
  // The study file as "Tune This Script" writes it: the proposal with the answers to its questions.
  const proposal = proposeStudyFile(await analyzeScript(script), { studyFile: studyFilePathFor(script), objective: 'val_loss', direction: 'minimize' });
  assert.ok(writeStudyFileOnce(studyFilePathFor(script), proposal.content));
  const { studyName, journal, logFile, args } = studyOf(workspace, script, 3);

  // The "extension host" starts the engine and exits at once, as a window reload would.
  const starter = execFileSync(process.execPath, ['--import', TSX, path.join(import.meta.dirname, 'fixtures', 'launch-engine.ts'), logFile, workspace, ...args], { encoding: 'utf8' });
  const pid = Number(starter.trim());
  assert.ok(Number.isInteger(pid) && pid > 0, `starter printed ${starter}`);
  t.after(() => {
    if (isProcessRunning(pid)) process.kill(pid, 'SIGKILL');
  });

  // A new "window" finds it: the journal appears, the study is marked running by that pid.
  const catalog = new JournalCatalog();
  await waitFor(() => (catalog.add(journal) ? true : undefined), 60_000, `the journal ${journal}`);
  const running = await waitFor(() => {
    catalog.refresh(journal);
    const s = catalog.find(journal, studyName);
    return s?.engine ? s : undefined;
  }, 60_000, 'the study to be marked running');
  assert.equal(running.engine?.pid, pid, 'the engine that runs is the one started');

  await waitFor(() => (isProcessRunning(pid) ? undefined : true), 120_000, 'the engine to finish its 3 trials');
  catalog.refresh(journal);
  const done = catalog.find(journal, studyName);
  assert.equal(done?.engine, undefined, 'its running marker is gone');
  assert.equal(done?.counts.total, 3);
  assert.equal(done?.counts.complete, 3, logTail(logFile, 40));
  assert.deepEqual(done?.objectives, ['val_loss']);
  assert.equal(done?.script, script);
  const progress = runProgress(studyName, done?.trials ?? [], running.engine?.startedAt ?? 0, done?.best?.values?.[0], 3);
  assert.deepEqual([progress.done, progress.target, progress.running], [3, 3, 0]);
  const log = fs.readFileSync(logFile, 'utf8');
  assert.match(log, /^# \S+ \S+node\S* /m, 'the log names the run');
  assert.match(log, /3 complete, 0 pruned, 0 failed/);
});

test('a stop request in the journal ends a running engine; its exit is not an error', async (t) => {
  const workspace = tempDir(t);
  const script = path.join(workspace, 'slow.py');
  fs.writeFileSync(
    script,
    ['import argparse, time', 'p = argparse.ArgumentParser()', 'p.add_argument("--x", type=float, default=0.5)', 'a = p.parse_args()', 'for step in range(600):', '    print(f"step={step} val_loss={a.x + 1 / (step + 1):.4f}", flush=True)', '    time.sleep(0.1)', ''].join('\n'),
  );
  fs.writeFileSync(studyFilePathFor(script), JSON.stringify({ version: 1, script: 'slow.py', objective: 'val_loss', space: { x: { type: 'float', low: 0, high: 1 } } }));
  keepAlive(t);
  const { studyName, journal, logFile, args } = studyOf(workspace, script, 50);
  const engine = startEngineProcess({ node: process.execPath, args, cwd: workspace, env: engineEnv(), logFile });
  t.after(() => {
    if (engine.pid !== undefined && isProcessRunning(engine.pid)) process.kill(engine.pid, 'SIGKILL');
  });
  await waitFor(() => (fs.existsSync(journal) && runningEngine(journal, studyName)?.pid === engine.pid ? true : undefined), 60_000, 'the engine to mark itself running');
  await waitFor(() => {
    const s = loadStudy({ storage: journal, studyName });
    const started = s.trials.some((tr) => tr.state === 'running' && tr.intermediateValues.size > 0);
    s.close();
    return started ? true : undefined;
  }, 60_000, 'a trial to report');

  const study = loadStudy({ storage: journal, studyName });
  requestStopStudy(study, 'vscode');
  study.close();
  const exit = await engine.exited;
  // 130 is what the launcher treats as "stopped", not as a failure to report.
  assert.equal(exit.exitCode, 130, `exit ${JSON.stringify(exit)}\n${logTail(logFile, 20)}`);
  assert.equal(runningEngine(journal, studyName), undefined);
  const after = loadStudy({ storage: journal, studyName });
  assert.ok(after.trials.length < 50, 'it stopped before running every trial');
  assert.ok(after.trials.every((tr) => tr.state !== 'running'), 'no trial is left running');
  after.close();
  assert.match(fs.readFileSync(logFile, 'utf8'), /stopped from outside this engine/);
});

test('a study file the CLI refuses makes the engine exit with its reason in the log', async (t) => {
  const workspace = tempDir(t);
  const script = path.join(workspace, 'train.py');
  fs.copyFileSync(path.join(REPO, 'examples/quickstart/train.py'), script);
  fs.writeFileSync(studyFilePathFor(script), JSON.stringify({ version: 1, objective: 'val_loss', space: { lr: { type: 'float', low: 0, high: 1, log: true } } }));
  keepAlive(t);
  const { logFile, args } = studyOf(workspace, script, 2);
  const engine = startEngineProcess({ node: process.execPath, args, cwd: workspace, env: engineEnv(), logFile });
  const exit = await engine.exited;
  assert.equal(exit.exitCode, 2);
  assert.match(logTail(logFile), /parameter "lr": a log scale needs low > 0/);
});

test('an engine that cannot be started at all says why', async (t) => {
  const dir = tempDir(t);
  keepAlive(t);
  const engine = startEngineProcess({ node: path.join(dir, 'no-such-node'), args: [], cwd: dir, env: {}, logFile: path.join(dir, 'e.log') });
  assert.equal(engine.pid, undefined);
  const exit = await engine.exited;
  assert.match(exit.startError ?? '', /ENOENT/);
});
