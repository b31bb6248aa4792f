/**
 * Which study a restored dashboard shows. The webview saves `{ version, journal, studyName, ui }`
 * with setState() (webview/state/ui-state.ts); after a window reload VS Code hands that state
 * to the host's serializer. It comes from the webview, so it is untrusted: only an absolute
 * journal path and a study name are taken from it.
 */
import * as path from 'node:path';

export interface DashboardTarget {
  readonly journal: string;
  readonly studyName: string;
}

export function parseDashboardState(state: unknown): DashboardTarget | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { journal, studyName } = state as { journal?: unknown; studyName?: unknown };
  if (typeof journal !== 'string' || typeof studyName !== 'string') return undefined;
  if (journal.length === 0 || journal.length > 4096 || journal.includes('\0') || !path.isAbsolute(journal)) return undefined;
  if (studyName.length === 0 || studyName.length > 1024) return undefined;
  return { journal: path.normalize(journal), studyName };
}

/** One panel per study: the key both open() and the serializer use. */
export function dashboardKey(target: DashboardTarget): string {
  return `${path.resolve(target.journal)}\n${target.studyName}`;
}
