/**
 * "Open Optuna Journal…": any journal file (Tunekit's, or one Optuna's JournalFileStorage wrote)
 * joins the Studies view, remembered for this workspace, and its dashboard opens.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TunekitCommand } from './command-registry';

export const openJournalCommand: TunekitCommand = {
  id: 'tunekit.openJournal',
  title: 'Open Optuna Journal',
  async run(services, arg) {
    const uri =
      arg instanceof vscode.Uri
        ? arg
        : (
            await vscode.window.showOpenDialog({
              title: 'Open an Optuna or Tunekit journal',
              openLabel: 'Open Journal',
              canSelectMany: false,
              filters: { 'Journal files': ['journal', 'log'], 'All files': ['*'] },
            })
          )?.[0];
    if (!uri) return;
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(`Tunekit reads journals from local files; ${uri.toString()} is not one.`);
      return;
    }
    const entry = await services.studies.open(uri.fsPath);
    if (!entry) {
      void vscode.window.showErrorMessage(`${uri.fsPath} does not exist or is not a file.`);
      return;
    }
    if (entry.problem) {
      services.log.showErrorWithLog(`Tunekit: ${entry.problem}`);
      return;
    }
    const name = path.basename(uri.fsPath);
    if (entry.studies.length === 0) {
      void vscode.window.showInformationMessage(`${name} holds no study yet; it is listed in the Studies view and shows its studies as they are created.`);
      return;
    }
    const study =
      entry.studies.length === 1
        ? entry.studies[0]
        : (await vscode.window.showQuickPick(entry.studies.map((s) => ({ label: s.name, description: `${s.counts.total} trials`, study: s })), { placeHolder: `${name} holds ${entry.studies.length} studies: which one?` }))?.study;
    if (study) await services.dashboard.open(entry.journal, study.name);
  },
};
