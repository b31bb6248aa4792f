/** "Tune This Script": study file (proposed if missing) -> engine started, from the editor, CodeLens, explorer or Training Scripts view. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { saveBeforeRun } from '../engine/save-before-run';
import { prepareStudy } from '../studies/study-file-flow';
import { scriptFromArg } from '../studies/script-target';
import type { TunekitCommand } from './command-registry';

export const tuneScriptCommand: TunekitCommand = {
  id: 'tunekit.tuneScript',
  title: 'Tune This Script',
  async run(services, arg) {
    const script = await scriptFromArg(arg, services.scripts, 'Training script to tune');
    if (!script) return;
    if (!script.endsWith('.py') || !fs.existsSync(script)) {
      void vscode.window.showErrorMessage(`Tunekit tunes Python scripts saved on disk; ${path.basename(script)} is not one. Open a training script (.py) and try again.`);
      return;
    }
    const settings = services.settings.get(vscode.Uri.file(script));
    const prepared = await prepareStudy(script, { log: services.log, askTrials: true, defaultTrials: settings.trials });
    if (!prepared || !(await saveBeforeRun(script))) return;
    const started = await services.launcher.start({
      script,
      studyFile: prepared.studyFile,
      trials: prepared.trials ?? settings.trials,
      ...(prepared.objective ? { objective: prepared.objective } : {}),
      ...(prepared.direction ? { direction: prepared.direction } : {}),
    });
    if (started) await services.studiesTree.reveal(started);
  },
};
