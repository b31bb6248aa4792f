/**
 * "Tunekit: Compress Checkpoint…": prune or quantize an exported model and show what it cost.
 * One command with one method pick (quantize and prune rows together, the recommended one
 * first) rather than two commands, so the usual case from the Explorer's or the editor tab's
 * context menu is a right-click and Enter, then Enter again to verify on generated inputs.
 * From the palette it compresses the checkpoint open in the editor, or asks for one.
 *
 * The work runs in the bundled CLI's own process (compress-launcher.ts); the Python
 * interpreter for PyTorch checkpoints comes from where the engine gets it
 * (python-interpreter.ts: tunekit.pythonPath, then the Python extension's), and a study file
 * beside or above the model is passed so its evaluation command can measure the metric.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkpointFormatOf } from '../compress/compress-choices';
import { launchCompression } from '../compress/compress-launcher';
import { findStudyFileFor, pickCheckpoint, pickInputsFile, pickMethod } from '../compress/compress-questions';
import type { CompressReportHost } from '../compress/compress-report-panel';
import { PYTHON_EXTENSION_ID, choosePythonInterpreter } from '../python/python-interpreter';
import type { PythonExtensionHandle } from '../python/python-interpreter';
import type { CommandServices, TunekitCommand } from './command-registry';

export const COMPRESS_CHECKPOINT_COMMAND_ID = 'tunekit.compressCheckpoint';

export function compressCheckpointCommand(reports: CompressReportHost): TunekitCommand {
  return {
    id: COMPRESS_CHECKPOINT_COMMAND_ID,
    title: 'Compress Checkpoint',
    async run(services: CommandServices, ...args: unknown[]): Promise<void> {
      const uri = await targetCheckpoint(args[0]);
      if (!uri) return;
      const model = uri.fsPath;
      const format = checkpointFormatOf(model);
      if (!format) {
        void vscode.window.showErrorMessage(`Tunekit compresses .onnx, .safetensors, .pt and .pth checkpoints; ${path.basename(model)} is none of these.`);
        return;
      }
      if (!fs.existsSync(model)) {
        void vscode.window.showErrorMessage(`Tunekit: ${model} does not exist (was it moved or deleted?).`);
        return;
      }
      const method = await pickMethod(model, format);
      if (!method) return;
      const inputs = await pickInputsFile(services.context, model);
      if (inputs === undefined) return;

      const settings = services.settings.get(uri);
      // Torch lives in the user's environment, so the interpreter matters for PyTorch files and
      // for a study's evaluation command; the CLI's default is used where nobody chose one.
      const interpreter = await choosePythonInterpreter({
        configured: settings.pythonPath,
        pythonExtension: vscode.extensions.getExtension(PYTHON_EXTENSION_ID) as PythonExtensionHandle | undefined,
        resource: uri,
        onProblem: (m) => services.log.warn(m),
      });
      const study = await findStudyFileFor(model, (m) => services.log.warn(m));
      const report = await launchCompression(
        {
          cliPath: services.context.asAbsolutePath(path.join('dist', 'cli.js')),
          model,
          method,
          ...(inputs ? { inputs } : {}),
          ...(study ? { study } : {}),
          ...(interpreter.python && interpreter.source !== 'default' ? { python: interpreter.python } : {}),
        },
        services.log,
      );
      if (report) reports.show(report);
    },
  };
}

/** The file the menu passed, else the checkpoint in the active editor, else one the user picks. */
async function targetCheckpoint(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg;
  const active = vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
  if (active?.scheme === 'file' && checkpointFormatOf(active.fsPath)) return active;
  return pickCheckpoint();
}

/** A binary checkpoint opens in a custom or binary editor, which has no text editor: ask the tab. */
function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
}
