/**
 * What "apply a trial's parameters" will do, worked out before anything is shown or changed:
 * which trial, which script, the edits per file with each file's text before and after, and
 * what cannot be applied and why. No VS Code here (the editor buffers come in through
 * `readFile`), so the whole decision is tested under plain Node; apply-parameters.ts only shows
 * the result and turns it into one WorkspaceEdit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JsonValue } from '../../core/space/distributions';
import type { Study } from '../../core/study/study';
import type { FrozenTrial } from '../../core/study/trial';
import { analyzeScript } from '../../detect/analyze-script';
import type { ApplyRefusal, PlannedChange } from '../../detect/apply/plan-apply';
import { planApply } from '../../detect/apply/plan-apply';
import { chooseTrial, isTrialChoiceProblem, syntaxErrorsAddedByEdit } from '../../detect/apply/trial-choice';
import type { TextEdit } from '../../detect/text-edit';
import { applyEdits } from '../../detect/text-edit';
import { SCRIPT_ATTR } from '../../engine/study-runner';

/** A reason the apply cannot start, in words for a notification. */
export class ApplyTrialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyTrialError';
  }

  static is(err: unknown): err is ApplyTrialError {
    return err instanceof ApplyTrialError;
  }
}

/** The trial to apply: a complete trial by number, or the best of a single-objective study. */
export function pickTrial(study: Study, which: number | 'best'): FrozenTrial {
  const choice = chooseTrial(study, which);
  if (!isTrialChoiceProblem(choice)) return choice;
  switch (choice.kind) {
    case 'no-such-trial':
      throw new ApplyTrialError(`Study "${study.name}" has no trial ${choice.number} (it has ${choice.trialCount}, numbered from 0).`);
    case 'not-complete':
      throw new ApplyTrialError(`Trial ${choice.number} of study "${study.name}" is ${choice.state}, not complete: only a complete trial's parameters can be applied.`);
    case 'several-objectives':
      throw new ApplyTrialError(
        `Study "${study.name}" has ${choice.objectives} objectives, so no single best trial: apply one of the Pareto-optimal trials (${choice.paretoFront.join(', ')}) from the dashboard.`,
      );
    case 'no-complete-trial':
      throw new ApplyTrialError(`Study "${study.name}" has no complete trial yet: nothing to apply. Wait for a trial to finish.`);
  }
}

/** The script the study tuned, as `tunekit tune` recorded it; undefined when not recorded or gone. */
export function recordedScript(study: Study): string | undefined {
  const recorded = study.userAttrs[SCRIPT_ATTR];
  if (typeof recorded !== 'string' || recorded === '') return undefined;
  const absolute = path.resolve(recorded);
  return fs.existsSync(absolute) ? absolute : undefined;
}

export interface FileChange {
  readonly file: string;
  /** The text the edits were planned against (an editor's unsaved buffer when open). */
  readonly before: string;
  readonly after: string;
  readonly edits: readonly TextEdit[];
  readonly changes: readonly PlannedChange[];
}

export interface TrialApplyPlan {
  readonly files: readonly FileChange[];
  readonly refused: readonly ApplyRefusal[];
  /** Parameters whose default already has the trial's value. */
  readonly unchanged: readonly string[];
  /** What the analysis met on the way (syntax errors, an unreadable config): explains refusals. */
  readonly problems: readonly string[];
  /** Number of defaults that will change. */
  readonly changeCount: number;
}

export interface PlanOptions {
  /** Current text of a file: the open editor's buffer if there is one, else the disk. */
  readonly readFile: (file: string) => string;
  readonly displayPath: (file: string) => string;
}

export async function planTrialApply(script: string, params: Readonly<Record<string, JsonValue>>, options: PlanOptions): Promise<TrialApplyPlan> {
  const analysis = await analyzeScript(script, { text: options.readFile(script) });
  const plan = planApply(analysis, params, { readFile: options.readFile, displayPath: options.displayPath });
  const refused: ApplyRefusal[] = [...plan.refused];
  const files: FileChange[] = [];
  for (const [file, edits] of plan.edits) {
    const before = plan.texts.get(file) as string;
    const after = applyEdits(before, edits);
    const changes = plan.changes.filter((c) => c.file === file);
    const broken = file.endsWith('.py') ? await syntaxErrorsAddedByEdit(before, after) : [];
    if (broken.length > 0) {
      // Never hand the user a script that no longer parses; this would be a Tunekit bug.
      for (const c of changes) {
        refused.push({ name: c.name, reason: `${c.name}: not applied, the edited ${options.displayPath(file)} would not parse (line ${broken.join(', ')}); please report this` });
      }
      continue;
    }
    files.push({ file, before, after, edits, changes });
  }
  return {
    files,
    refused,
    unchanged: plan.unchanged,
    problems: analysis.problems,
    changeCount: files.reduce((n, f) => n + f.changes.length, 0),
  };
}

/** "Apply 3 changes to train.py?" or "Apply 4 changes to train.py and config.yaml?" */
export function confirmQuestion(plan: TrialApplyPlan, displayPath: (file: string) => string): string {
  const names = plan.files.map((f) => displayPath(f.file));
  const where = names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `Apply ${plan.changeCount} change${plan.changeCount === 1 ? '' : 's'} to ${where}?`;
}

/** One line per change, for the confirmation's detail. */
export function changeLines(plan: TrialApplyPlan, displayPath: (file: string) => string): string[] {
  return plan.files.flatMap((f) => f.changes.map((c) => `${c.name}: ${c.oldText} → ${c.newText}  (${displayPath(c.file)}:${c.line})`));
}

/**
 * A string offset as an editor position (0-based line, UTF-16 character), counting line breaks
 * the way VS Code does: \r\n, \n and a lone \r each end a line.
 */
export function offsetToPosition(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}
