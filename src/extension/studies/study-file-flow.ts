/**
 * From a script to a study file, the way "Tune This Script" and "New Study…" do it: with a
 * `<script>.tunekit.json` already there, that file is the study (only what it leaves out is
 * asked); otherwise the questions come first (objective, direction, trials: Escape at any point
 * leaves nothing behind), then the proposal from the script's analysis is written (never over
 * an existing file, src/cli/study-file.ts) and opened beside the script for review.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CliUsageError } from '../../cli/cli-error';
import { proposeStudyFile, readStudyFile, studyFilePathFor, writeStudyFileOnce } from '../../cli/study-file';
import type { StudyFile } from '../../cli/study-file';
import { analyzeText } from '../../detect/analyze-script';
import { readPythonSource } from '../../detect/python-parser';
import type { OutputLog } from '../log/output-log';
import { guessMetricNames } from './metric-names';
import { askDirection, askObjective, askTrials } from './study-questions';

export interface PreparedStudy {
  readonly script: string;
  readonly studyFile: string;
  /** Asked only when the study is about to start. */
  readonly trials?: number;
  /** Set only when the study file does not name them (they go on the engine's command line). */
  readonly objective?: string;
  readonly direction?: 'minimize' | 'maximize';
}

export interface PrepareOptions {
  readonly log: OutputLog;
  /** Ask how many trials to run (the flow ends by starting the study). */
  readonly askTrials: boolean;
  readonly defaultTrials: number;
  /** A study file other than `<script>.tunekit.json` (it must exist). */
  readonly studyFile?: string;
}

export async function prepareStudy(script: string, options: PrepareOptions): Promise<PreparedStudy | undefined> {
  const studyFile = options.studyFile ?? studyFilePathFor(script);
  if (options.studyFile !== undefined || fs.existsSync(studyFile)) return fromExistingFile(script, studyFile, options);

  const name = path.basename(script);
  const text = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === script)?.getText() ?? readPythonSource(script);
  const steps = options.askTrials ? 3 : 2;
  const objective = await askObjective(name, guessMetricNames(text), `1/${steps}`);
  if (!objective) return undefined;
  const direction = await askDirection(objective, `2/${steps}`);
  if (!direction) return undefined;
  const trials = options.askTrials ? await askTrials(options.defaultTrials, `3/${steps}`) : undefined;
  if (options.askTrials && trials === undefined) return undefined;

  const analysis = await analyzeText(script, text);
  for (const problem of analysis.problems) options.log.warn(problem);
  const proposal = proposeStudyFile(analysis, { studyFile, objective, direction });
  const tuned = Object.keys(proposal.content.space);
  if (tuned.length === 0) {
    const choice = await vscode.window.showWarningMessage(
      `Tunekit found no hyperparameter in ${name} that it can pass to the script (no argparse / click / typer / absl option, module constant or config value). Write the search space yourself in ${path.basename(studyFile)}, then run "Tunekit: Start Study".`,
      'Create Study File',
    );
    if (choice === 'Create Study File') {
      writeStudyFileOnce(studyFile, proposal.content);
      await openBeside(studyFile, false);
    }
    return undefined;
  }
  if (writeStudyFileOnce(studyFile, proposal.content)) {
    options.log.info(`wrote ${studyFile}: tunes ${tuned.join(', ')}; parameters reach ${name} as ${proposal.injectionDescription}`);
  }
  await openBeside(studyFile, true);
  return { script, studyFile, ...(trials === undefined ? {} : { trials }) };
}

async function fromExistingFile(script: string, studyFile: string, options: PrepareOptions): Promise<PreparedStudy | undefined> {
  let parsed: StudyFile;
  try {
    parsed = readStudyFile(studyFile);
  } catch (err) {
    if (!CliUsageError.is(err)) throw err;
    options.log.error(err.message);
    const choice = await vscode.window.showErrorMessage(`Tunekit: ${err.message}`, 'Open Study File');
    if (choice === 'Open Study File') await openBeside(studyFile, false);
    return undefined;
  }
  const name = path.basename(script);
  const missing = [!parsed.objective, !parsed.direction].filter(Boolean).length;
  const steps = missing + (options.askTrials ? 1 : 0);
  let step = 0;
  const next = (): string => `${++step}/${steps}`;
  let objective: string | undefined;
  let direction: 'minimize' | 'maximize' | undefined;
  if (!parsed.objective) {
    const text = fs.existsSync(script) ? readPythonSource(script) : '';
    objective = await askObjective(name, guessMetricNames(text), next());
    if (!objective) return undefined;
  }
  if (!parsed.direction) {
    direction = await askDirection(objective ?? (parsed.objective as string), next());
    if (!direction) return undefined;
  }
  const trials = options.askTrials ? await askTrials(options.defaultTrials, next()) : undefined;
  if (options.askTrials && trials === undefined) return undefined;
  await openBeside(studyFile, true);
  return { script, studyFile, ...(trials === undefined ? {} : { trials }), ...(objective ? { objective } : {}), ...(direction ? { direction } : {}) };
}

/** Beside the script, keeping the focus where the user is (the study starts meanwhile). */
async function openBeside(file: string, preserveFocus: boolean): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.Beside, preserveFocus, preview: false });
}
