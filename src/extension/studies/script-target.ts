/**
 * Which script a command is about: the URI it was invoked on (CodeLens, explorer, editor title),
 * a Training Scripts node, the Python file in the active editor, or else a pick among the
 * workspace's detected training scripts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ScriptsTreeProvider } from '../views/scripts-tree';
import { scriptDescription } from '../views/script-label';

export async function scriptFromArg(arg: unknown, scripts: ScriptsTreeProvider, placeHolder: string): Promise<string | undefined> {
  const uri = arg instanceof vscode.Uri ? arg : isNode(arg) ? arg.resourceUri : undefined;
  if (uri) return uri.scheme === 'file' ? path.resolve(uri.fsPath) : notAFile(uri);
  const active = vscode.window.activeTextEditor?.document;
  if (arg === undefined && active?.languageId === 'python' && active.uri.scheme === 'file') return path.resolve(active.uri.fsPath);
  return pickScript(scripts, placeHolder);
}

export async function pickScript(scripts: ScriptsTreeProvider, placeHolder: string): Promise<string | undefined> {
  const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Tunekit: looking for training scripts' }, () => scripts.scripts());
  if (found.length === 0) {
    void vscode.window.showInformationMessage('Tunekit found no training script in this workspace. Open the script and run "Tunekit: Tune This Script" from its editor.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((s) => ({ label: path.basename(s.file), description: vscode.workspace.asRelativePath(path.dirname(s.file)), detail: scriptDescription(s), file: s.file })),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.file;
}

function isNode(arg: unknown): arg is { readonly resourceUri: vscode.Uri } {
  return typeof arg === 'object' && arg !== null && (arg as { resourceUri?: unknown }).resourceUri instanceof vscode.Uri;
}

function notAFile(uri: vscode.Uri): undefined {
  void vscode.window.showErrorMessage(`Tunekit tunes scripts on disk; ${uri.toString()} is not a local file. Save it to the workspace first.`);
  return undefined;
}
