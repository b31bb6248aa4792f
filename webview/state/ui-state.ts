/**
 * The dashboard's UI state that survives a reload: VS Code keeps what the webview passes to
 * setState() and hands it back from getState() (also to the host's WebviewPanelSerializer,
 * which reads `journal` and `studyName` to reopen the panel on the same study). It is read back
 * untrusted: a state written by an older version, or hand-edited, must not break the dashboard.
 */
import type { TrialStateName } from '../../src/protocol/dashboard-messages';

export type StateFilter = TrialStateName | 'all';

export interface SortOrder {
  /** 'number' | 'state' | 'duration' | 'value:<objective index>' | 'param:<name>' */
  readonly key: string;
  readonly descending: boolean;
}

export interface UiState {
  readonly tab: string;
  readonly sort: SortOrder;
  readonly stateFilter: StateFilter;
  readonly textFilter: string;
  readonly selection: readonly number[];
  /** Choices a view made (the learning curves' metric...), by view id; small JSON values. */
  readonly views: Readonly<Record<string, string>>;
}

export interface PersistedState {
  readonly version: 1;
  /** The study this dashboard shows, for the host's serializer after a window reload. */
  readonly journal: string;
  readonly studyName: string;
  readonly ui: UiState;
}

export const DEFAULT_UI: UiState = {
  tab: 'overview',
  sort: { key: 'number', descending: false },
  stateFilter: 'all',
  textFilter: '',
  selection: [],
  views: {},
};

const STATE_FILTERS: readonly string[] = ['all', 'running', 'complete', 'pruned', 'fail', 'waiting'];
// Bounds keep a corrupt state from making the dashboard do unbounded work at start.
const MAX_SELECTION = 100_000;
const MAX_TEXT = 1_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The UI part of a saved state, each field checked on its own so one bad field keeps the rest. */
export function readUiState(raw: unknown): UiState {
  if (!isObject(raw)) return DEFAULT_UI;
  const sort = isObject(raw.sort) && typeof raw.sort.key === 'string' && raw.sort.key.length <= MAX_TEXT && typeof raw.sort.descending === 'boolean'
    ? { key: raw.sort.key, descending: raw.sort.descending }
    : DEFAULT_UI.sort;
  const selection = Array.isArray(raw.selection)
    ? raw.selection.filter((n): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0).slice(0, MAX_SELECTION)
    : [];
  const views: Record<string, string> = {};
  if (isObject(raw.views)) {
    for (const [k, v] of Object.entries(raw.views)) if (typeof v === 'string' && v.length <= MAX_TEXT) views[k] = v;
  }
  return {
    tab: typeof raw.tab === 'string' && raw.tab.length <= 100 ? raw.tab : DEFAULT_UI.tab,
    sort,
    stateFilter: typeof raw.stateFilter === 'string' && STATE_FILTERS.includes(raw.stateFilter) ? (raw.stateFilter as StateFilter) : 'all',
    textFilter: typeof raw.textFilter === 'string' ? raw.textFilter.slice(0, MAX_TEXT) : '',
    selection,
    views,
  };
}

/** The whole saved state, or undefined when there is none or it is not ours. */
export function readPersistedState(raw: unknown): PersistedState | undefined {
  if (!isObject(raw) || raw.version !== 1 || typeof raw.journal !== 'string' || typeof raw.studyName !== 'string') return undefined;
  return { version: 1, journal: raw.journal, studyName: raw.studyName, ui: readUiState(raw.ui) };
}
