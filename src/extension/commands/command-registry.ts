/**
 * The one way commands are registered: each command is a file exporting a TunekitCommand, and
 * this wrapper gives every one the same defences. It refuses to run in an untrusted workspace
 * (the manifest already keeps the extension off there; this is the second lock), and it turns a
 * thrown error into a notification: errors the user can fix (a bad study file, an unknown study)
 * show their own message, anything else says which command failed, and both keep the cause in
 * the Tunekit log behind "Show Log".
 */
import * as vscode from 'vscode';
import { CliUsageError } from '../../cli/cli-error';
import { DistributionError } from '../../core/space/distributions';
import { JournalCorruptError, JournalLockTimeoutError } from '../../core/storage/file-journal';
import { StudyUsageError } from '../../core/study/study';
import { PythonSourceError } from '../../detect/python-parser';
import type { Settings } from '../config/settings';
import type { DashboardHost } from '../dashboard/dashboard-panel';
import type { EngineLauncher } from '../engine/engine-launcher';
import type { OutputLog } from '../log/output-log';
import type { StudyLocator } from '../studies/study-locator';
import type { ScriptsTreeProvider } from '../views/scripts-tree';
import type { StudiesTreeProvider } from '../views/studies-tree';

/** What commands work with; built once in activate(). */
export interface CommandServices {
  readonly context: vscode.ExtensionContext;
  readonly log: OutputLog;
  readonly settings: Settings;
  readonly studies: StudyLocator;
  readonly scripts: ScriptsTreeProvider;
  readonly studiesTree: StudiesTreeProvider;
  readonly launcher: EngineLauncher;
  readonly dashboard: DashboardHost;
}

export interface TunekitCommand {
  /** As in package.json's contributes.commands. */
  readonly id: string;
  /** For error messages: "Tune This Script". */
  readonly title: string;
  run(services: CommandServices, ...args: unknown[]): Promise<void>;
}

export function registerCommands(services: CommandServices, commands: readonly TunekitCommand[]): vscode.Disposable[] {
  return commands.map((command) =>
    vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showErrorMessage(`Tunekit runs training scripts, so "${command.title}" works only in a trusted workspace: trust this folder (Workspaces: Manage Workspace Trust), then try again.`);
        return;
      }
      try {
        await command.run(services, ...args);
      } catch (err) {
        if (isUserFixable(err)) services.log.showErrorWithLog(`Tunekit: ${(err as Error).message}`);
        else services.log.showErrorWithLog(`Tunekit: "${command.title}" failed: ${(err as Error)?.message ?? String(err)}`, err);
      }
    }),
  );
}

/** Errors whose message already says what, where and what to do. */
function isUserFixable(err: unknown): boolean {
  return (
    CliUsageError.is(err) ||
    DistributionError.is(err) ||
    StudyUsageError.is(err) ||
    JournalCorruptError.is(err) ||
    JournalLockTimeoutError.is(err) ||
    PythonSourceError.is(err)
  );
}
