/** "Start Study": runs a study file (the one given, the active editor's, the active script's, or a picked one). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readStudyFile, studyFilePathFor } from '../../cli/study-file';
import { saveBeforeRun } from '../engine/save-before-run';
import { prepareStudy } from '../studies/study-file-flow';
import { asStudyRef } from '../studies/study-ref';
import type { TunekitCommand } from './command-registry';
import type { CommandServices } from './command-registry';

const STUDY_FILE_SUFFIX = '.tunekit.json';

export const startStudyCommand: TunekitCommand = {
  id: 'tunekit.startStudy',
  title: 'Start Study',
  async run(services, arg) {
    const studyFile = await studyFileFromArg(services, arg);
    if (!studyFile) return;
    const parsed = readStudyFile(studyFile);
    const script = parsed.script ?? (studyFile.endsWith(STUDY_FILE_SUFFIX) ? studyFile.slice(0, -STUDY_FILE_SUFFIX.length) : undefined);
    if (!script || !fs.existsSync(script)) {
      void vscode.window.showErrorMessage(`${path.basename(studyFile)} names no script that exists${script ? ` (${script})` : ''}: set "script" in it to the training script, relative to the file.`);
      return;
    }
    const settings = services.settings.get(vscode.Uri.file(script));
    const prepared = await prepareStudy(script, { log: services.log, askTrials: true, defaultTrials: settings.trials, studyFile });
    if (!prepared || !(await saveBeforeRun(script))) return;
    const started = await services.launcher.start({
      script,
      studyFile,
      trials: prepared.trials ?? settings.trials,
      ...(prepared.objective ? { objective: prepared.objective } : {}),
      ...(prepared.direction ? { direction: prepared.direction } : {}),
    });
    if (started) await services.studiesTree.reveal(started);
  },
};

async function studyFileFromArg(services: CommandServices, arg: unknown): Promise<string | undefined> {
  const existing = (file: string): string | undefined => (fs.existsSync(file) ? file : undefined);
  if (arg instanceof vscode.Uri && arg.scheme === 'file') {
    return arg.fsPath.endsWith('.py') ? (existing(studyFilePathFor(arg.fsPath)) ?? noStudyFile(arg.fsPath)) : arg.fsPath;
  }
  const ref = asStudyRef(arg);
  if (ref) {
    await services.studies.start();
    const script = services.studies.find(ref.journal, ref.studyName)?.script;
    return script ? (existing(studyFilePathFor(script)) ?? noStudyFile(script)) : pick('Study file to run');
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active?.uri.scheme === 'file') {
    if (active.uri.fsPath.endsWith(STUDY_FILE_SUFFIX)) return active.uri.fsPath;
    if (active.languageId === 'python' && existing(studyFilePathFor(active.uri.fsPath))) return studyFilePathFor(active.uri.fsPath);
  }
  return pick('Study file to run');
}

async function pick(placeHolder: string): Promise<string | undefined> {
  const files = await vscode.workspace.findFiles(`**/*${STUDY_FILE_SUFFIX}`, '**/node_modules/**', 500);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('No study file (*.tunekit.json) in this workspace yet. Run "Tunekit: New Study…" or "Tunekit: Tune This Script" first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    files.map((f) => ({ label: path.basename(f.fsPath), description: vscode.workspace.asRelativePath(path.dirname(f.fsPath)), file: f.fsPath })),
    { placeHolder },
  );
  return picked?.file;
}

function noStudyFile(script: string): undefined {
  void vscode.window.showInformationMessage(`${path.basename(script)} has no study file yet: run "Tunekit: Tune This Script" (or "New Study…") to propose one.`);
  return undefined;
}
