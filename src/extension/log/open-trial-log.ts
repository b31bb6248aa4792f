/**
 * Opens a trial's stdout.log (and its stderr.log when it has something) beside the current
 * editor: the "open log" action of the dashboard and the studies view. The files are the
 * engine's side files (src/engine/trial-files.ts); VS Code reloads them as the trial writes.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { trialFiles } from '../../engine/trial-files';
import type { OutputLog } from './output-log';

export async function openTrialLog(journal: string, studyName: string, trialNumber: number, log: OutputLog): Promise<void> {
  const files = trialFiles(journal, studyName, trialNumber);
  const stdout = sizeOf(files.stdout);
  const stderr = sizeOf(files.stderr);
  if (stdout === undefined && stderr === undefined) {
    void vscode.window.showInformationMessage(
      `Trial ${trialNumber} of study "${studyName}" has no log in ${files.dir}: it has not started yet, or it was run by another tool (such as Optuna), which keeps no logs there.`,
    );
    return;
  }
  try {
    if (stdout !== undefined) await show(files.stdout, stderr === undefined || stderr === 0);
    // stderr is where a failed trial says why: shown last, so it has the focus.
    if (stderr !== undefined && (stderr > 0 || stdout === undefined)) await show(files.stderr, true);
  } catch (err) {
    log.showErrorWithLog(`Could not open the log of trial ${trialNumber} (${files.dir}): ${(err as Error).message}`, err);
  }
}

async function show(file: string, focus: boolean): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: !focus });
}

function sizeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}
