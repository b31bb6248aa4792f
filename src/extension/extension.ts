/**
 * The VS Code side, a thin shell for now: its commands run the same `tunekit` CLI a user runs in
 * a terminal, in a VS Code terminal, so the engine lives in its own process (DESIGN.md) and a
 * study survives a window reload. The dashboard and views come with the extension work.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const cli = context.asAbsolutePath(path.join('bin', 'tunekit.js'));
  context.subscriptions.push(
    vscode.commands.registerCommand('tunekit.tuneScript', (uri?: vscode.Uri) => tuneScript(cli, uri)),
    vscode.commands.registerCommand('tunekit.showStudy', () => showStudy(cli)),
  );
}

export function deactivate(): void {}

/** Runs the CLI with VS Code's own Node, with an argv array: no shell ever parses a value. */
function runInTerminal(cli: string, name: string, args: string[], cwd: string): void {
  const terminal = vscode.window.createTerminal({
    name,
    cwd,
    shellPath: process.execPath,
    shellArgs: [cli, ...args],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  terminal.show();
}

function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showErrorMessage('Tunekit runs training scripts, so it only works in a trusted workspace.');
  return false;
}

async function tuneScript(cli: string, uri: vscode.Uri | undefined): Promise<void> {
  if (!requireTrust()) return;
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file' || !target.fsPath.endsWith('.py')) {
    void vscode.window.showErrorMessage('Open a Python training script to tune it.');
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(target.fsPath);
  const objective = await vscode.window.showInputBox({ prompt: 'Metric to optimize, as the script prints it', value: 'val_loss' });
  if (!objective) return;
  const direction = await vscode.window.showQuickPick(['min', 'max'], { placeHolder: `Minimize or maximize ${objective}?` });
  if (!direction) return;
  runInTerminal(cli, `Tunekit: ${path.basename(target.fsPath)}`, ['tune', target.fsPath, '--objective', objective, '--direction', direction], folder);
}

async function showStudy(cli: string): Promise<void> {
  if (!requireTrust()) return;
  const journals = await vscode.workspace.findFiles('**/.tunekit/*.journal', '**/node_modules/**', 200);
  if (journals.length === 0) {
    void vscode.window.showInformationMessage('No Tunekit studies in this workspace yet. Run "Tunekit: Tune This Script" first.');
    return;
  }
  const pick = await vscode.window.showQuickPick(
    journals.map((j) => ({ label: path.basename(j.fsPath, '.journal'), description: vscode.workspace.asRelativePath(j), uri: j })),
    { placeHolder: 'Study to show' },
  );
  if (!pick) return;
  runInTerminal(cli, `Tunekit: ${pick.label}`, ['show', pick.uri.fsPath], path.dirname(pick.uri.fsPath));
}
