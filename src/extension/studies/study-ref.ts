/**
 * What commands receive to name a study or a trial: the Studies view's nodes, the dashboard and
 * the CodeLens all pass objects with these fields, and a command run from the palette gets
 * nothing and asks. Arguments come from wherever a command was invoked, so they are checked.
 */
export interface StudyRef {
  /** Absolute path of the journal file. */
  readonly journal: string;
  readonly studyName: string;
}

export interface TrialRef extends StudyRef {
  readonly number: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function asStudyRef(arg: unknown): StudyRef | undefined {
  if (!isObject(arg) || typeof arg.journal !== 'string' || typeof arg.studyName !== 'string') return undefined;
  if (arg.journal === '' || arg.studyName === '') return undefined;
  return { journal: arg.journal, studyName: arg.studyName };
}

export function asTrialRef(arg: unknown): TrialRef | undefined {
  const study = asStudyRef(arg);
  if (!study || !isObject(arg)) return undefined;
  const n = arg.number;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? { ...study, number: n } : undefined;
}

export function sameStudy(a: StudyRef, b: StudyRef): boolean {
  return a.journal === b.journal && a.studyName === b.studyName;
}

export function studyKey(ref: StudyRef): string {
  return `${ref.journal}\n${ref.studyName}`;
}
