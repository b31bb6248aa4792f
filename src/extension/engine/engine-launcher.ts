/**
 * Starts and stops studies from the editor. The engine is the `tunekit` CLI bundled with the
 * extension, run by VS Code's own Node (`process.execPath`, ELECTRON_RUN_AS_NODE=1) as a
 * detached process logging to `.tunekit/<study>.engine.log` (engine-process.ts), so a window
 * reload or an extension-host crash leaves it running; the Studies view finds it again through
 * the marker it keeps beside the journal (run-control.ts runningEngine).
 *
 * A start shows progress until the engine has marked itself running, and an engine that exits
 * with an error, at once or an hour later, is reported with its log's last lines and a button to
 * the whole log. A stop is a request in the journal; an engine still running 15 s later is
 * offered to be killed.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatValue } from '../../cli/format';
import { readStudyFile } from '../../cli/study-file';
import { loadStudy } from '../../core/study/study';
import { requestStopStudy, runningEngine } from '../../engine/run-control';
import { isProcessRunning } from '../../engine/process/process-alive';
import type { Settings } from '../config/settings';
import type { OutputLog } from '../log/output-log';
import { PYTHON_EXTENSION_ID, choosePythonInterpreter } from '../python/python-interpreter';
import type { PythonExtensionHandle } from '../python/python-interpreter';
import type { StudyLocator } from '../studies/study-locator';
import type { StudyRef } from '../studies/study-ref';
import { studyKey } from '../studies/study-ref';
import { defaultJournal, engineArgs, engineEnv, engineLogPath } from './engine-args';
import { defaultStudyName } from '../../cli/study-location';
import type { EngineExit } from './engine-process';
import { logTail, startEngineProcess } from './engine-process';

/** Recorded in the journal with a stop request, so the engine's log says where it came from. */
const REQUESTED_BY = 'vscode';
/** How long a start waits for the engine to mark itself running before leaving it to the view. */
const START_WAIT_MS = 30_000;
const STOP_WAIT_MS = 15_000;
const KILL_WAIT_MS = 5_000;
const CHECK_MS = 250;
/** Exit code of `tunekit tune` stopped by a request or a signal: not an error. */
const EXIT_INTERRUPTED = 130;
const LAUNCHES_KEY = 'tunekit.launches';

export interface StartRequest {
  /** Absolute path of the script. */
  readonly script: string;
  /** Absolute path of its study file. */
  readonly studyFile: string;
  readonly trials: number;
  /** Only when the study file does not name them. */
  readonly objective?: string;
  readonly direction?: 'minimize' | 'maximize';
}

/** A run started from this workspace: how many trials it was asked for, for the status bar. */
interface Launch {
  readonly pid: number;
  readonly trials: number;
  readonly startedAt: number;
}

/** Holds no process: engines outlive the window by design, so there is nothing to dispose. */
export class EngineLauncher {
  /** Engines this window asked to be killed: their exit is not an error. */
  private readonly killed = new Set<number>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: OutputLog,
    private readonly settings: Settings,
    private readonly locator: StudyLocator,
  ) {}

  /** The study a script's runs go to: the CLI's defaults, from the script's workspace folder. */
  studyFor(script: string): StudyRef & { readonly cwd: string } {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(script));
    const cwd = folder?.uri.scheme === 'file' ? folder.uri.fsPath : path.dirname(script);
    const studyName = defaultStudyName(script);
    return { journal: defaultJournal(cwd, studyName), studyName, cwd };
  }

  /** Trials requested by the run this window started, if the engine running now is that run. */
  target(ref: StudyRef, pid: number): number | undefined {
    const launch = this.launches()[studyKey(ref)];
    return launch && launch.pid === pid ? launch.trials : undefined;
  }

  /** Starts the engine; returns the study, or undefined when it did not start. */
  async start(request: StartRequest): Promise<StudyRef | undefined> {
    const { journal, studyName, cwd } = this.studyFor(request.script);
    const ref: StudyRef = { journal, studyName };
    const already = runningEngine(journal, studyName);
    if (already) {
      const choice = await vscode.window.showInformationMessage(`Study "${studyName}" is already running (engine pid ${already.pid}).`, 'Open Dashboard', 'Stop Study');
      if (choice === 'Open Dashboard') await vscode.commands.executeCommand('tunekit.openDashboard', ref);
      if (choice === 'Stop Study') await vscode.commands.executeCommand('tunekit.stopStudy', ref);
      return undefined;
    }
    // Read here first, so a mistake in the file is reported with the key to fix, not as an exit code.
    const studyFile = readStudyFile(request.studyFile);
    const resource = vscode.Uri.file(request.script);
    const settings = this.settings.get(resource);
    const interpreter = await choosePythonInterpreter({
      configured: settings.pythonPath,
      ...(studyFile.python ? { studyFilePython: studyFile.python } : {}),
      pythonExtension: vscode.extensions.getExtension(PYTHON_EXTENSION_ID) as PythonExtensionHandle | undefined,
      resource,
      onProblem: (m) => this.log.warn(m),
    });
    const args = engineArgs({
      cliPath: this.context.asAbsolutePath(path.join('dist', 'cli.js')),
      script: request.script,
      studyFile: request.studyFile,
      studyName,
      journal,
      trials: request.trials,
      parallel: settings.parallel,
      gpus: settings.gpus,
      gpusPerTrial: settings.gpusPerTrial,
      sampler: settings.defaultSampler,
      pruner: settings.defaultPruner,
      ...(interpreter.python ? { python: interpreter.python } : {}),
      ...(request.objective ? { objective: request.objective } : {}),
      ...(request.direction ? { direction: request.direction } : {}),
    });
    const logFile = engineLogPath(journal, studyName);
    this.log.info(`starting study "${studyName}" (${request.trials} trials, Python from ${interpreter.source}: ${interpreter.python ?? studyFile.python ?? 'python3'}); engine log ${logFile}`);
    const engine = startEngineProcess({ node: process.execPath, args, cwd, env: engineEnv(), logFile });
    if (engine.pid === undefined) {
      const exit = await engine.exited;
      this.reportFailure(studyName, logFile, `could not start the engine (${exit.startError ?? 'unknown reason'})`);
      return undefined;
    }
    const pid = engine.pid;
    await this.remember(ref, { pid, trials: request.trials, startedAt: Date.now() });
    this.locator.expect(journal);
    let exited: EngineExit | undefined;
    void engine.exited.then((exit) => {
      exited = exit;
      void this.onExit(ref, pid, exit, logFile);
    });
    const started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Tunekit: starting study "${studyName}"…` },
      async () => {
        const until = Date.now() + START_WAIT_MS;
        while (Date.now() < until) {
          if (exited) return exited.exitCode === 0;
          if (runningEngine(journal, studyName)?.pid === pid) return true;
          await sleep(CHECK_MS);
        }
        return true; // still starting (a slow first import): the view and status bar take over
      },
    );
    void this.locator.refresh(journal);
    return started ? ref : undefined;
  }

  /** Asks the engine to stop through the journal; offers to kill it if it is still running 15 s later. */
  async stop(ref: StudyRef): Promise<void> {
    const engine = runningEngine(ref.journal, ref.studyName);
    if (!engine) {
      void vscode.window.showInformationMessage(`Study "${ref.studyName}" is not running on this machine.`);
      return;
    }
    const study = loadStudy({ storage: ref.journal, studyName: ref.studyName, onWarning: (m) => this.log.warn(m) });
    try {
      requestStopStudy(study, REQUESTED_BY);
    } finally {
      study.close();
    }
    this.log.info(`asked the engine of study "${ref.studyName}" (pid ${engine.pid}) to stop`);
    const stopped = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Tunekit: stopping study "${ref.studyName}" (running trials get SIGTERM, then SIGKILL)…` },
      () => waitUntil(() => !isProcessRunning(engine.pid), STOP_WAIT_MS),
    );
    void this.locator.refresh(ref.journal);
    if (stopped) return;
    const choice = await vscode.window.showWarningMessage(
      `Study "${ref.studyName}" is still running ${STOP_WAIT_MS / 1000} s after the stop request (engine pid ${engine.pid}). Its trials may be slow to exit.`,
      'Kill Engine',
      'Keep Waiting',
    );
    if (choice === 'Kill Engine') await this.kill(ref, engine.pid);
  }

  /**
   * Two SIGTERMs are the CLI's "stop now": the first stops the study, the second kills running
   * trials without their grace period. SIGKILL only if it still lives; its trials are then
   * marked failed by the next run (resume.ts).
   */
  private async kill(ref: StudyRef, pid: number): Promise<void> {
    this.killed.add(pid);
    const signal = (s: NodeJS.Signals): void => {
      try {
        process.kill(pid, s);
      } catch {
        // Already gone.
      }
    };
    signal('SIGTERM');
    await sleep(200);
    signal('SIGTERM');
    if (!(await waitUntil(() => !isProcessRunning(pid), KILL_WAIT_MS))) signal('SIGKILL');
    this.log.warn(`killed the engine of study "${ref.studyName}" (pid ${pid})`);
    void this.locator.refresh(ref.journal);
  }

  private async onExit(ref: StudyRef, pid: number, exit: EngineExit, logFile: string): Promise<void> {
    await this.locator.refresh(ref.journal);
    if (this.killed.delete(pid)) return;
    if (exit.exitCode === 0) {
      const study = this.locator.find(ref.journal, ref.studyName);
      const best = study?.best;
      const value = best?.values?.[0];
      const text =
        best && value !== undefined
          ? `Study "${ref.studyName}" finished: best ${study.objectives[0]} ${formatValue(value)} (trial ${best.number}).`
          : `Study "${ref.studyName}" finished.`;
      const choice = await vscode.window.showInformationMessage(text, 'Open Dashboard', 'Apply Best Parameters');
      if (choice === 'Open Dashboard') await vscode.commands.executeCommand('tunekit.openDashboard', ref);
      if (choice === 'Apply Best Parameters') await vscode.commands.executeCommand('tunekit.applyBestParameters', ref);
      return;
    }
    if (exit.exitCode === EXIT_INTERRUPTED || exit.signal === 'SIGTERM' || exit.signal === 'SIGINT') {
      this.log.info(`study "${ref.studyName}" stopped`);
      return;
    }
    const how = exit.exitCode !== undefined ? `exit code ${exit.exitCode}` : exit.signal ? `signal ${exit.signal}` : (exit.startError ?? 'unknown');
    this.reportFailure(ref.studyName, logFile, `the engine stopped with ${how}`);
  }

  /** What happened, the engine's last words, and buttons to its log and to the Tunekit log. */
  private reportFailure(studyName: string, logFile: string, what: string): void {
    const tail = logTail(logFile);
    const lastLine = tail.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).pop() ?? '';
    const message = `Tunekit: study "${studyName}": ${what}${lastLine ? `: ${lastLine.replace(/^tunekit: /, '')}` : ''}. See the engine log ${logFile}.`;
    this.log.error(message, tail ? `last lines of ${logFile}:\n${tail}` : undefined);
    void vscode.window.showErrorMessage(message, 'Open Engine Log', 'Show Log').then(async (choice) => {
      if (choice === 'Open Engine Log') await vscode.window.showTextDocument(vscode.Uri.file(logFile), { preview: false });
      if (choice === 'Show Log') this.log.show();
    });
  }

  private launches(): Record<string, Launch> {
    const value = this.context.workspaceState.get<unknown>(LAUNCHES_KEY);
    return typeof value === 'object' && value !== null ? (value as Record<string, Launch>) : {};
  }

  private async remember(ref: StudyRef, launch: Launch): Promise<void> {
    // One record per study: only the latest run's target matters.
    await this.context.workspaceState.update(LAUNCHES_KEY, { ...this.launches(), [studyKey(ref)]: launch });
  }

}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (done()) return true;
    await sleep(CHECK_MS);
  }
  return done();
}
