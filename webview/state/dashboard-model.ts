/**
 * What every dashboard view reads: the study as the webview knows it, kept up to date from the
 * host's `init` / `update` / `importance` messages by the store (webview/state/store.ts). Views
 * never mutate it; they get the model and the set of what changed, and redraw only that.
 */
import type { MetricPoints, ParamInfo, TrialSummary } from '../../src/protocol/dashboard-messages';

export interface DashboardModel {
  readonly studyName: string;
  readonly directions: readonly ('minimize' | 'maximize')[];
  readonly objectives: readonly string[];
  readonly params: readonly ParamInfo[];
  /** Trials by number, in number order. */
  readonly trials: readonly TrialSummary[];
  /** trial number -> metric name -> [step, value] pairs in step order. */
  readonly metrics: ReadonlyMap<number, ReadonlyMap<string, readonly (readonly [number, number])[]>>;
  readonly importance: { readonly method: string; readonly values: Readonly<Record<string, number>> } | null;
  readonly running: boolean;
  /** Trials the user selected in the table (highlighted in every chart). */
  readonly selected: ReadonlySet<number>;
}

export interface ChangeSet {
  /** Everything changed (first render, a new study): redraw from scratch. */
  readonly all: boolean;
  /** Trials that are new or changed. */
  readonly trials: ReadonlySet<number>;
  /** Metric points appended since the last change set. */
  readonly metrics: readonly MetricPoints[];
  readonly importance: boolean;
  readonly selection: boolean;
}
