/** What a running study tells its watcher (the CLI's progress line, the extension). */
import type { ParamValue } from '../core/space/distributions';
import type { FrozenTrial } from '../core/study/trial';

export type RunEvent =
  | { readonly type: 'trial-started'; readonly number: number; readonly params: Readonly<Record<string, ParamValue>>; readonly gpus: readonly number[] }
  | { readonly type: 'trial-report'; readonly number: number; readonly step: number; readonly value: number }
  | { readonly type: 'trial-finished'; readonly trial: FrozenTrial; readonly reason?: string }
  | { readonly type: 'warning'; readonly message: string };

export interface RunSummary {
  readonly started: number;
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  /** True when the run stopped early because it was asked to (Ctrl-C). */
  readonly interrupted: boolean;
}
