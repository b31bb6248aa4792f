/** Where a study lives when the user names it: `.tunekit/<name>.journal` under the current folder by default. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_STUDY_DIR = '.tunekit';

export function defaultJournalPath(studyName: string, cwd = process.cwd()): string {
  return path.join(cwd, DEFAULT_STUDY_DIR, `${studyName.replace(/[^\w.-]+/g, '_')}.journal`);
}

/** The default study name for a script: `<folder>-<script name without extension>`. */
export function defaultStudyName(script: string): string {
  return `${path.basename(path.dirname(script))}-${path.basename(script).replace(/\.\w+$/, '')}`;
}

/** `tunekit show X`: X is a journal file if one exists at that path, else a study name. */
export function resolveStudyArgument(arg: string, storage: string | undefined): { journal: string; studyName?: string } {
  if (storage) return { journal: storage, studyName: arg };
  if (fs.existsSync(arg) && fs.statSync(arg).isFile()) return { journal: arg };
  return { journal: defaultJournalPath(arg), studyName: arg };
}
