/**
 * "Apply best / trial parameters": a trial's values become the script's defaults (and its
 * config files' values), previewed as a diff and applied as one WorkspaceEdit, so one Undo
 * reverts every file. Open editors' unsaved text is what gets planned and edited, and nothing
 * is saved: the user reviews and saves. The decisions live in trial-apply-plan.ts (tested under
 * plain Node); this file shows them.
 *
 * The preview's right side is a read-only `tunekit-preview:` document holding the proposed
 * text; the left side is the real file, so the diff is against what the editor holds now.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { loadStudy } from '../../core/study/study';
import type { FrozenTrial } from '../../core/study/trial';
import { PythonSourceError } from '../../detect/python-parser';
import type { OutputLog } from '../log/output-log';
import type { FileChange, TrialApplyPlan } from './trial-apply-plan';
import { ApplyTrialError, changeLines, confirmQuestion, offsetToPosition, pickTrial, planTrialApply, recordedScript } from './trial-apply-plan';

export const PREVIEW_SCHEME = 'tunekit-preview';

/** Proposed texts by preview URI; registered while at least one apply flow is open. */
class PreviewContent implements vscode.TextDocumentContentProvider {
  readonly texts = new Map<string, string>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

const preview = new PreviewContent();
let previewUsers = 0;
let previewRegistration: vscode.Disposable | undefined;

function acquirePreview(): vscode.Disposable {
  if (previewUsers++ === 0) previewRegistration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview);
  let released = false;
  return {
    dispose: () => {
      if (released) return;
      released = true;
      if (--previewUsers === 0) {
        previewRegistration?.dispose();
        previewRegistration = undefined;
      }
    },
  };
}

export async function applyTrialParameters(journal: string, studyName: string, which: number | 'best', log: OutputLog): Promise<void> {
  const what = which === 'best' ? `the best trial of study "${studyName}"` : `trial ${which} of study "${studyName}"`;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage('Tunekit changes your scripts only in a trusted workspace: trust this folder, then apply again.');
    return;
  }
  try {
    await applyFlow(journal, studyName, which, log);
  } catch (err) {
    if (ApplyTrialError.is(err) || PythonSourceError.is(err)) log.showErrorWithLog(err.message);
    else log.showErrorWithLog(`Applying ${what} failed: ${(err as Error).message ?? String(err)}. The log has the details.`, err);
  }
}

async function applyFlow(journal: string, studyName: string, which: number | 'best', log: OutputLog): Promise<void> {
  // FileJournal would create a missing journal: a typo must not leave an empty study file.
  if (!fs.existsSync(journal)) throw new ApplyTrialError(`No study journal at ${journal}: run the study first, or open the journal it was written to.`);
  const study = loadStudy({ storage: journal, studyName, sampler: 'random', pruner: 'none', onWarning: (m) => log.warn(m) });
  let trial: FrozenTrial;
  let script: string | undefined;
  try {
    trial = pickTrial(study, which);
    script = recordedScript(study);
  } finally {
    study.close();
  }
  script ??= await askForScript(studyName, trial.number);
  if (!script) return;

  const display = (file: string): string => vscode.workspace.asRelativePath(file, false);
  const plan = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Tunekit: reading ${path.basename(script)}` },
    () => planTrialApply(script, trial.params, { readFile: currentText, displayPath: display }),
  );
  const notApplied = [...plan.refused.map((r) => r.reason), ...(plan.refused.length > 0 ? plan.problems : [])];
  if (plan.files.length === 0) {
    if (notApplied.length > 0) log.showWarningWithLog(`Nothing applied from trial ${trial.number}:`, notApplied);
    else void vscode.window.showInformationMessage(`Trial ${trial.number}'s parameters are already the defaults in ${display(script)}: nothing to change.`);
    return;
  }

  const flow = randomUUID();
  const registration = acquirePreview();
  const previews: vscode.Uri[] = [];
  try {
    for (const file of plan.files) previews.push(await showDiff(file, flow, trial.number, display));
    const detail = [...changeLines(plan, display), ...(notApplied.length > 0 ? ['', 'Not applied:', ...notApplied] : [])].join('\n');
    const choice = await vscode.window.showInformationMessage(confirmQuestion(plan, display), { modal: true, detail }, 'Apply');
    if (choice !== 'Apply') return;
    await applyPlan(plan, trial.number, display, log);
  } finally {
    await closePreviews(flow);
    for (const uri of previews) preview.texts.delete(uri.toString());
    registration.dispose();
  }
  if (notApplied.length > 0) log.showWarningWithLog(`Applied ${plan.changeCount} change(s) from trial ${trial.number}, but not everything:`, notApplied);
}

async function applyPlan(plan: TrialApplyPlan, trialNumber: number, display: (f: string) => string, log: OutputLog): Promise<void> {
  // The user may have typed while the preview was open: edits are offsets into the planned text.
  const moved = plan.files.filter((f) => currentText(f.file) !== f.before);
  if (moved.length > 0) {
    throw new ApplyTrialError(`${moved.map((f) => display(f.file)).join(', ')} changed while the preview was open; nothing was applied. Run Apply again.`);
  }
  const edit = new vscode.WorkspaceEdit();
  const metadata: vscode.WorkspaceEditEntryMetadata = { label: `Tunekit: apply trial ${trialNumber}`, needsConfirmation: false };
  for (const file of plan.files) {
    const uri = vscode.Uri.file(file.file);
    const document = openDocument(file.file);
    const position = (offset: number): vscode.Position => {
      if (document) return document.positionAt(offset);
      const p = offsetToPosition(file.before, offset);
      return new vscode.Position(p.line, p.character);
    };
    for (const e of file.edits) edit.replace(uri, new vscode.Range(position(e.start), position(e.end)), e.newText, metadata);
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new ApplyTrialError(`VS Code refused the edit to ${plan.files.map((f) => display(f.file)).join(', ')} (a file may be read-only); nothing was applied.`);
  }
  const files = plan.files.map((f) => display(f.file)).join(', ');
  log.info(`applied trial ${trialNumber}: ${changeLines(plan, display).join('; ')}`);
  const first = plan.files[0] as FileChange;
  await vscode.window.showTextDocument(vscode.Uri.file(first.file), { preview: false });
  void vscode.window.showInformationMessage(
    `Applied ${plan.changeCount} change${plan.changeCount === 1 ? '' : 's'} from trial ${trialNumber} to ${files}. Not saved yet: save to keep them, or Undo to revert.`,
  );
}

async function showDiff(file: FileChange, flow: string, trialNumber: number, display: (f: string) => string): Promise<vscode.Uri> {
  const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: vscode.Uri.file(file.file).path, query: flow });
  preview.texts.set(uri.toString(), file.after);
  await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(file.file), uri, `${display(file.file)} ↔ trial ${trialNumber} (preview)`, {
    preview: false,
  });
  return uri;
}

async function closePreviews(flow: string): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === PREVIEW_SCHEME && t.input.modified.query === flow);
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
}

async function askForScript(studyName: string, trialNumber: number): Promise<string | undefined> {
  const choice = await vscode.window.showWarningMessage(
    `Study "${studyName}" does not record which script it tuned, or the script has moved. Choose the script to apply trial ${trialNumber} to.`,
    'Choose Script…',
  );
  if (choice !== 'Choose Script…') return undefined;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Apply Here',
    filters: { Python: ['py'] },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return picked?.[0]?.fsPath;
}

function openDocument(file: string): vscode.TextDocument | undefined {
  const absolute = path.resolve(file);
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === absolute);
}

/** An open editor's text, unsaved changes included; else the file on disk. */
function currentText(file: string): string {
  return openDocument(file)?.getText() ?? fs.readFileSync(file, 'utf8');
}
