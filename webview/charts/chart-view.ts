/**
 * One dashboard panel (a chart or the trials table). The shell mounts each into its own
 * container and calls update() with every change set; a view redraws only what the change
 * needs (appending points for new steps rather than rebuilding), so live updates stay cheap
 * with thousands of trials.
 */
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';

export interface ChartView {
  readonly id: string;
  readonly title: string;
  mount(container: HTMLElement): void;
  update(model: DashboardModel, changes: ChangeSet): void;
  dispose(): void;
}
