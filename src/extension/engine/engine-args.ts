/**
 * The engine's command line, built from the study file, the settings and the user's answers:
 * an argv array for VS Code's own Node running the bundled CLI (`dist/cli.js tune ...`), never a
 * shell string, so no value (a path with spaces, a metric name) is ever parsed by a shell.
 *
 * The study name and journal follow the CLI's defaults (`<folder>-<script>` in
 * `<cwd>/.tunekit/<study>.journal`), so `tunekit tune train.py` in a terminal at the workspace
 * root and "Tune This Script" in the editor add trials to the same study.
 */
import * as path from 'node:path';
import type { PrunerName, SamplerName } from '../../core/study/study';
import { defaultJournalPath } from '../../cli/study-location';

export interface EngineRequest {
  /** Absolute path of the bundled CLI (`<extension>/dist/cli.js`). */
  readonly cliPath: string;
  /** Absolute path of the script to tune. */
  readonly script: string;
  /** Absolute path of the study file (`<script>.tunekit.json`). */
  readonly studyFile: string;
  readonly studyName: string;
  /** Absolute path of the journal. */
  readonly journal: string;
  readonly trials: number;
  readonly parallel: number;
  readonly gpus: string;
  readonly gpusPerTrial: number;
  readonly sampler: SamplerName;
  readonly pruner: PrunerName;
  /** Left out: the study file's "python", else the CLI's `python3`. */
  readonly python?: string;
  /** Only when the study file does not name them. */
  readonly objective?: string;
  readonly direction?: 'minimize' | 'maximize';
}

/** Arguments for `process.execPath` (VS Code's Node with ELECTRON_RUN_AS_NODE=1). */
export function engineArgs(request: EngineRequest): string[] {
  return [
    request.cliPath,
    'tune',
    request.script,
    '--space',
    request.studyFile,
    '--study',
    request.studyName,
    '--storage',
    request.journal,
    '--trials',
    String(request.trials),
    '--parallel',
    String(request.parallel),
    '--gpus',
    request.gpus,
    '--gpus-per-trial',
    String(request.gpusPerTrial),
    '--sampler',
    request.sampler,
    '--pruner',
    request.pruner,
    ...(request.python ? ['--python', request.python] : []),
    ...(request.objective ? ['--objective', request.objective] : []),
    ...(request.direction ? ['--direction', request.direction === 'maximize' ? 'max' : 'min'] : []),
  ];
}

/**
 * The environment added to the extension host's: Electron's binary behaves as plain Node, and
 * Node's own options from the host (an inspector port, a preload) are not inherited.
 */
export function engineEnv(): Record<string, string> {
  return { ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '' };
}

/** The journal the CLI would use for `studyName` run from `cwd`. */
export function defaultJournal(cwd: string, studyName: string): string {
  return defaultJournalPath(studyName, cwd);
}

/** The engine's own stdout and stderr, beside the journal: `.tunekit/<study>.engine.log`. */
export function engineLogPath(journal: string, studyName: string): string {
  return path.join(path.dirname(journal), `${studyName.replace(/[^\w.-]+/g, '_')}.engine.log`);
}
