/**
 * Trials run the script as saved on disk, so unsaved edits in its editor would silently not be
 * tuned: ask before starting. Returns false when the user backed out.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

export async function saveBeforeRun(script: string): Promise<boolean> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === script);
  if (!document?.isDirty) return true;
  const choice = await vscode.window.showWarningMessage(
    `${path.basename(script)} has unsaved changes; trials run the file as saved on disk.`,
    { modal: true },
    'Save and Start',
    'Start Without Saving',
  );
  if (choice === 'Save and Start') return document.save();
  return choice === 'Start Without Saving';
}
