/**
 * The dashboard's layout: the header over tabbed sections, each section a grid of cards with
 * one view (chart or table) each. It hands every frame's ChangeSet to the views on screen; views
 * in a hidden tab keep their changes merged until their tab is shown, so a hidden chart costs
 * nothing while trials stream in. A view that throws shows its error in its card and does not
 * stop the others.
 */
import type { ChartView } from '../charts/chart-view';
import { createTabs } from '../components/tabs';
import type { Tabs } from '../components/tabs';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import { mergeChanges } from '../state/store';
import type { DashboardStore } from '../state/store';
import { Header } from './header';
import type { SelectMode, ViewContext } from './view-context';

export interface PanelSpec {
  readonly view: ChartView;
  readonly tab: string;
  /** Spans the whole width of its section (the table, parallel coordinates). */
  readonly wide?: boolean;
}

export const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'analysis', label: 'Analysis' },
] as const;

interface Panel {
  readonly spec: PanelSpec;
  readonly card: HTMLElement;
  readonly error: HTMLElement;
  /** Changes not yet shown, while the panel's tab is hidden. */
  pending: ChangeSet | null;
}

const ALL: ChangeSet = { all: true, trials: new Set(), metrics: [], importance: true, selection: true };

/** The context a view of ours gets: selection through the store, its choice saved in the UI state. */
export function viewContext(store: DashboardStore, viewId: string): ViewContext {
  return {
    select(numbers: readonly number[], mode: SelectMode) {
      if (mode === 'replace') {
        store.setSelection(numbers);
        return;
      }
      const next = new Set(store.model.selected);
      for (const n of numbers) {
        if (next.has(n)) next.delete(n);
        else next.add(n);
      }
      store.setSelection(next);
    },
    choice: () => store.viewState(viewId),
    saveChoice: (value: string) => store.setViewState(viewId, value),
  };
}

export class DashboardShell {
  private readonly header: Header;
  private readonly tabs: Tabs;
  private readonly panels: Panel[] = [];
  private readonly placeholder: HTMLElement;
  private readonly subscriptions: { dispose(): void }[] = [];
  private flushFrame = 0;
  /** Script time of each view's update in the last frame, by view id (for the benchmark). */
  readonly lastViewMs: Record<string, number> = {};

  constructor(
    private readonly root: HTMLElement,
    private readonly store: DashboardStore,
    specs: readonly PanelSpec[],
  ) {
    root.classList.add('tk-dashboard');
    this.header = new Header(
      (numbers) => store.setSelection(numbers),
      () => store.dismissError(),
    );
    this.placeholder = document.createElement('div');
    this.placeholder.className = 'tk-placeholder';
    this.placeholder.textContent = 'Waiting for the study…';
    this.tabs = createTabs(TABS, store.ui.tab, (id) => this.onTab(id));
    for (const spec of specs) {
      const card = document.createElement('section');
      card.className = `tk-card${spec.wide ? ' tk-wide' : ''}`;
      card.dataset.view = spec.view.id;
      card.setAttribute('aria-label', spec.view.title);
      const title = document.createElement('h2');
      title.className = 'tk-card-title';
      title.textContent = spec.view.title;
      const error = document.createElement('div');
      error.className = 'tk-card-error';
      error.setAttribute('role', 'alert');
      error.hidden = true;
      const body = document.createElement('div');
      body.className = 'tk-card-body';
      card.append(title, error, body);
      this.grid(spec.tab).append(card);
      const panel: Panel = { spec, card, error, pending: null };
      this.panels.push(panel);
      this.guard(panel, () => spec.view.mount(body));
    }
    root.append(this.header.element, this.placeholder, this.tabs.element);
    this.tabs.element.hidden = true;
    this.header.update(store.model, store.journal, false);
    this.header.showError(store.error);
    this.subscriptions.push(store.onDidError((m) => this.header.showError(m)));
  }

  /** One frame: the header and the visible views get `changes`; hidden views keep them for later. */
  render(changes: ChangeSet): void {
    const model = this.store.model;
    const ready = this.store.ready;
    this.header.update(model, this.store.journal, ready);
    this.placeholder.hidden = ready;
    this.tabs.element.hidden = !ready;
    if (!ready) return;
    const active = this.tabs.active;
    for (const k of Object.keys(this.lastViewMs)) delete this.lastViewMs[k];
    for (const panel of this.panels) {
      if (panel.spec.tab !== active) {
        panel.pending = panel.pending ? mergeChanges(panel.pending, changes) : changes;
        continue;
      }
      const pending = panel.pending ? mergeChanges(panel.pending, changes) : changes;
      panel.pending = null;
      this.updateView(panel, model, pending);
    }
  }

  /** Number of views whose tab is showing (what a frame draws). */
  get visibleViews(): number {
    return this.panels.filter((p) => p.spec.tab === this.tabs.active).length;
  }

  dispose(): void {
    if (this.flushFrame) cancelAnimationFrame(this.flushFrame);
    for (const s of this.subscriptions) s.dispose();
    for (const p of this.panels) this.guard(p, () => p.spec.view.dispose());
    this.root.replaceChildren();
  }

  private grid(tab: string): HTMLElement {
    const view = this.tabs.view(tab);
    let grid = view.querySelector<HTMLElement>(':scope > .tk-grid');
    if (!grid) {
      grid = document.createElement('div');
      grid.className = 'tk-grid';
      view.append(grid);
    }
    return grid;
  }

  private onTab(id: string): void {
    this.store.updateUi({ tab: id });
    // Next frame: the tab's views are laid out by then, so their charts measure real sizes.
    if (this.flushFrame) cancelAnimationFrame(this.flushFrame);
    this.flushFrame = requestAnimationFrame(() => {
      this.flushFrame = 0;
      if (!this.store.ready) return;
      for (const panel of this.panels) {
        if (panel.spec.tab !== id || !panel.pending) continue;
        const pending = panel.pending;
        panel.pending = null;
        this.updateView(panel, this.store.model, pending);
      }
    });
  }

  private updateView(panel: Panel, model: DashboardModel, changes: ChangeSet): void {
    // After a failure, the next update redraws from scratch rather than from a broken state.
    const failed = !panel.error.hidden;
    const t0 = performance.now();
    if (this.guard(panel, () => panel.spec.view.update(model, failed ? ALL : changes))) panel.error.hidden = true;
    this.lastViewMs[panel.spec.view.id] = performance.now() - t0;
  }

  private guard(panel: Panel, action: () => void): boolean {
    try {
      action();
      return true;
    } catch (err) {
      console.error(`tunekit: the ${panel.spec.view.title} view failed`, err);
      panel.error.hidden = false;
      panel.error.textContent = `${panel.spec.view.title} could not be drawn: ${err instanceof Error ? err.message : String(err)}. The other views are not affected; reopen the dashboard to retry.`;
      return false;
    }
  }
}
