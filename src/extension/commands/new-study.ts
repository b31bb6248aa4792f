/** "New Study…": a detected script -> its study file, proposed and opened for editing; nothing runs yet. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { prepareStudy } from '../studies/study-file-flow';
import { pickScript, scriptFromArg } from '../studies/script-target';
import type { TunekitCommand } from './command-registry';

export const newStudyCommand: TunekitCommand = {
  id: 'tunekit.newStudy',
  title: 'New Study',
  async run(services, arg) {
    // From the palette, the choice is among detected scripts, not the active editor.
    const script = arg === undefined ? await pickScript(services.scripts, 'Training script to create a study for') : await scriptFromArg(arg, services.scripts, 'Training script to create a study for');
    if (!script) return;
    const settings = services.settings.get(vscode.Uri.file(script));
    const prepared = await prepareStudy(script, { log: services.log, askTrials: false, defaultTrials: settings.trials });
    if (!prepared) return;
    const choice = await vscode.window.showInformationMessage(
      `Study file ${path.basename(prepared.studyFile)} is ready: review its ranges, then start the study.`,
      'Start Study',
    );
    if (choice === 'Start Study') await vscode.commands.executeCommand('tunekit.startStudy', vscode.Uri.file(prepared.studyFile));
  },
};
