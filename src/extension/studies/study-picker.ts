/**
 * Which study or trial a command acts on: the one it was invoked on (a Studies view node, the
 * dashboard, a CodeLens, a script's URI), else a quick pick of the studies the locator knows,
 * running ones first. Says so when there is nothing to pick rather than showing an empty list.
 */
import * as vscode from 'vscode';
import type { FrozenTrial } from '../../core/study/trial';
import { formatValue } from '../../cli/format';
import type { StudySummary } from './journal-catalog';
import type { StudyLocator } from './study-locator';
import type { StudyRef, TrialRef } from './study-ref';
import { asStudyRef, asTrialRef } from './study-ref';
import { studyDescription, trialDescription } from '../views/trial-label';

export interface StudyPickOptions {
  readonly placeHolder: string;
  readonly filter?: (study: StudySummary) => boolean;
  /** Shown when no study passes the filter. */
  readonly none: string;
}

export async function studyFromArg(arg: unknown, locator: StudyLocator, options: StudyPickOptions): Promise<StudyRef | undefined> {
  const ref = asStudyRef(arg);
  if (ref) return ref;
  await locator.start();
  if (arg instanceof vscode.Uri && arg.scheme === 'file') {
    const ofScript = locator.catalog.studiesForScript(arg.fsPath).filter(options.filter ?? (() => true));
    if (ofScript.length === 1) return refOf(ofScript[0] as StudySummary);
    if (ofScript.length > 1) return pick(ofScript, options.placeHolder);
  }
  const studies = locator.studies().filter(options.filter ?? (() => true));
  if (studies.length === 0) {
    void vscode.window.showInformationMessage(options.none);
    return undefined;
  }
  return pick(studies, options.placeHolder);
}

export async function trialFromArg(
  arg: unknown,
  locator: StudyLocator,
  options: StudyPickOptions & { readonly trialFilter?: (trial: FrozenTrial) => boolean; readonly trialPlaceHolder: string },
): Promise<TrialRef | undefined> {
  const ref = asTrialRef(arg);
  if (ref) return ref;
  const study = await studyFromArg(arg, locator, options);
  if (!study) return undefined;
  const summary = locator.find(study.journal, study.studyName);
  const trials = [...(summary?.trials ?? [])].reverse().filter(options.trialFilter ?? (() => true));
  if (trials.length === 0) {
    void vscode.window.showInformationMessage(`Study "${study.studyName}" has no trial to pick for this.`);
    return undefined;
  }
  const now = Date.now();
  const picked = await vscode.window.showQuickPick(
    trials.map((t) => ({ label: `Trial ${t.number}`, description: trialDescription(t, now), number: t.number })),
    { placeHolder: options.trialPlaceHolder, matchOnDescription: true },
  );
  return picked ? { ...study, number: picked.number } : undefined;
}

async function pick(studies: readonly StudySummary[], placeHolder: string): Promise<StudyRef | undefined> {
  const sorted = [...studies].sort((a, b) => Number(b.engine !== undefined) - Number(a.engine !== undefined) || a.name.localeCompare(b.name));
  const picked = await vscode.window.showQuickPick(
    sorted.map((s) => ({
      label: `${s.engine ? '$(sync~spin) ' : ''}${s.name}`,
      description: studyDescription(s.counts, s.best?.values?.[0], s.engine !== undefined),
      detail: `${vscode.workspace.asRelativePath(s.journal)}${s.best ? ` · best trial ${s.best.number}: ${formatValue(s.best.values?.[0])}` : ''}`,
      ref: refOf(s),
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.ref;
}

function refOf(study: StudySummary): StudyRef {
  return { journal: study.journal, studyName: study.name };
}

/** "digits-train (.tunekit/digits-train.journal)" for messages. */
export function describeStudy(ref: StudyRef): string {
  return `"${ref.studyName}" (${vscode.workspace.asRelativePath(ref.journal)})`;
}

