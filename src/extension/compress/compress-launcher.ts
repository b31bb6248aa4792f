/**
 * Runs one compression from the editor: the bundled CLI as a child of VS Code's own Node
 * (`process.execPath` with the engine's environment, engine-args.ts engineEnv), under a
 * cancellable progress notification that names the stage and its percentage. Cancel kills the
 * child's process group; the CLI writes atomically, so nothing is left half-written. The CLI's
 * error message (which says what, where and what to do) becomes the notification, with its
 * stderr in the log behind "Show Log"; a report opens the report panel beside the editor.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompressionReport } from '../../protocol/compression';
import { compressionMethodLabel } from '../../protocol/compression-method-label';
import { engineEnv } from '../engine/engine-args';
import type { OutputLog } from '../log/output-log';
import type { CompressCliRequest } from './compress-cli-args';
import { compressCliArgs } from './compress-cli-args';
import { runCompressProcess } from './compress-process';
import { CompressProgressTracker } from './compress-progress';

/** Runs the CLI for `request` (its cliPath set by the caller); returns the report, or undefined when it failed or was cancelled (already told to the user). */
export async function launchCompression(request: CompressCliRequest, log: OutputLog): Promise<CompressionReport | undefined> {
  const args = compressCliArgs(request);
  const name = path.basename(request.model);
  const label = compressionMethodLabel(request.method);
  log.info(`compressing ${request.model} (${label}): ${[process.execPath, ...args].map((a) => JSON.stringify(a)).join(' ')}`);
  const tracker = new CompressProgressTracker(request.method.kind);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tunekit: ${name}, ${label}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        return await runCompressProcess({
          node: process.execPath,
          args,
          cwd: path.dirname(request.model),
          env: engineEnv(),
          signal: abort.signal,
          onProgress: (p) => {
            const step = tracker.step(p);
            progress.report({ message: step.message, increment: step.increment });
          },
          onStart: (pid) => log.info(`the CLI runs as pid ${pid}`),
          onLog: (line) => log.info(line),
        });
      } finally {
        subscription.dispose();
      }
    },
  );
  switch (outcome.kind) {
    case 'report':
      log.info(`compressed ${request.model} into ${outcome.report.after.path}: ${outcome.report.before.bytes} -> ${outcome.report.after.bytes} bytes`);
      for (const warning of outcome.report.warnings) log.warn(`${name}: ${warning}`);
      return outcome.report;
    case 'cancelled':
      log.info(`compression of ${request.model} cancelled`);
      void vscode.window.showInformationMessage(`Tunekit: compression of ${name} cancelled; nothing was written.`);
      return undefined;
    case 'error':
      if (outcome.reason === 'torch-missing') {
        // The fix is a setting: offer it rather than only the log.
        log.error(`Tunekit: ${name}: ${outcome.message}`);
        void vscode.window.showErrorMessage(`Tunekit: ${name}: ${outcome.message}`, 'Set Python Interpreter', 'Show Log').then(async (choice) => {
          if (choice === 'Set Python Interpreter') await vscode.commands.executeCommand('workbench.action.openSettings', 'tunekit.pythonPath');
          if (choice === 'Show Log') log.show();
        });
        return undefined;
      }
      log.showErrorWithLog(`Tunekit: ${name}: ${outcome.message}`, outcome.stderr ? new Error(`the CLI's stderr:\n${outcome.stderr}`) : undefined);
      return undefined;
    case 'crashed':
      log.showErrorWithLog(`Tunekit: compressing ${name} failed: ${outcome.message}`, outcome.stderr ? new Error(`the CLI's stderr:\n${outcome.stderr}`) : undefined);
      return undefined;
  }
}
