/**
 * The trials table: every trial with its state, values, duration and parameters; sortable by
 * any column (click its header), filtered by state and by a text query on the parameters
 * (./trial-filter), selectable (click, Ctrl/Cmd-click, Shift-click, arrow keys; the selection is
 * highlighted in every chart), with per-row actions (stop a running trial, open its log, apply
 * its parameters) and the "Enqueue trial…" form. Rows are virtualised: only the rows in view
 * (plus a margin) exist in the DOM, recycled as the table scrolls, so 10,000 trials scroll and
 * update as fast as 10.
 */
import type { TrialSummary } from '../../src/protocol/dashboard-messages';
import { EnqueueForm } from '../actions/enqueue-form';
import { availableActions } from '../actions/trial-actions';
import type { TrialActions } from '../actions/trial-actions';
import type { ChartView } from '../charts/chart-view';
import { createButton, setButtonDisabled } from '../components/button';
import { createDropdown } from '../components/dropdown';
import type { Dropdown } from '../components/dropdown';
import { createIcon } from '../components/icons';
import { createTextField } from '../components/text-field';
import type { TextField } from '../components/text-field';
import { bestTrial } from '../shell/best-trial';
import { formatDuration, formatNumber, formatValue, trialDuration } from '../shell/format';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import { findTrial } from '../state/trial-lookup';
import type { StateFilter, UiState } from '../state/ui-state';
import { compileFilter, matchesState } from './trial-filter';
import { sortTrials } from './trial-sort';

/** What the table needs from the store (DashboardStore provides it). */
export interface TableHost {
  readonly ui: UiState;
  updateUi(patch: Partial<UiState>): void;
  setSelection(numbers: Iterable<number>): void;
}

interface Column {
  readonly key: string;
  readonly label: string;
  readonly width: number;
  readonly numeric: boolean;
  readonly sortable: boolean;
}

interface RowElement {
  readonly element: HTMLElement;
  readonly cells: HTMLElement[];
  readonly stop: HTMLElement;
  readonly log: HTMLElement;
  readonly apply: HTMLElement;
  /** What the row shows now, to skip rewriting rows that did not change. */
  trial: TrialSummary | null;
  selected: boolean;
  index: number;
  columnsVersion: number;
}

/** Must match .tk-tr's height in media/dashboard.css. */
const ROW_HEIGHT = 26;
const OVERSCAN = 8;
const STATE_OPTIONS: { value: StateFilter; label: string }[] = [
  { value: 'all', label: 'All states' },
  { value: 'running', label: 'Running' },
  { value: 'complete', label: 'Complete' },
  { value: 'pruned', label: 'Pruned' },
  { value: 'fail', label: 'Failed' },
  { value: 'waiting', label: 'Waiting' },
];
const STATE_LABELS: Readonly<Record<TrialSummary['state'], string>> = { running: 'running', complete: 'complete', pruned: 'pruned', fail: 'failed', waiting: 'waiting' };

export class TrialsTable implements ChartView {
  readonly id = 'trials';
  readonly title = 'Trials';
  private model: DashboardModel | undefined;
  private columns: Column[] = [];
  private columnsVersion = 0;
  private columnsKey = '';
  /** Trial numbers in table order, after filtering. */
  private order: number[] = [];
  private orderIndex = new Map<number, number>();
  /** Each trial's state and values when last ordered (see needsReorder). */
  private readonly signatures = new Map<number, string>();
  private readonly pool: RowElement[] = [];
  private anchor: number | null = null;
  private renderScheduled = 0;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private resizeObserver: ResizeObserver | undefined;
  private readonly disposers: (() => void)[] = [];
  private readonly form: EnqueueForm;
  // Built in mount().
  private root!: HTMLElement;
  private scroller!: HTMLElement;
  private head!: HTMLElement;
  private body!: HTMLElement;
  private countLabel!: HTMLElement;
  private clearSelection!: HTMLElement;
  private enqueueButton!: HTMLElement;
  private stateDropdown!: Dropdown;
  private filterField!: TextField;
  private empty!: HTMLElement;

  constructor(
    private readonly host: TableHost,
    private readonly actions: TrialActions,
  ) {
    this.form = new EnqueueForm(actions);
  }

  mount(container: HTMLElement): void {
    this.root = document.createElement('div');
    this.root.className = 'tk-table-panel';
    const toolbar = document.createElement('div');
    toolbar.className = 'tk-table-toolbar';
    this.stateDropdown = createDropdown(STATE_OPTIONS, this.host.ui.stateFilter, (v) => {
      this.host.updateUi({ stateFilter: v as StateFilter });
      this.reorder();
      this.render();
    }, 'Filter by state');
    const filter = (this.filterField = createTextField({
      value: this.host.ui.textFilter,
      placeholder: 'Filter: lr>0.01 optimizer=adam value<0.3',
      ariaLabel: 'Filter trials by parameters',
      onInput: (text) => {
        this.host.updateUi({ textFilter: text });
        this.reorder();
        this.render();
      },
    }));
    filter.element.classList.add('tk-table-filter');
    this.countLabel = document.createElement('span');
    this.countLabel.className = 'tk-table-count';
    this.clearSelection = createButton({ label: 'Clear selection', appearance: 'secondary', onClick: () => this.host.setSelection([]) });
    this.clearSelection.hidden = true;
    this.enqueueButton = createButton({
      label: 'Enqueue trial…',
      appearance: 'secondary',
      title: 'Run a trial with parameters you choose next',
      onClick: () => this.toggleForm(),
    });
    const spacer = document.createElement('span');
    spacer.className = 'tk-spacer';
    toolbar.append(this.stateDropdown.element, filter.element, this.countLabel, this.clearSelection, spacer, this.form.statusElement, this.enqueueButton);

    this.scroller = document.createElement('div');
    this.scroller.className = 'tk-table';
    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'grid');
    this.scroller.setAttribute('aria-label', 'Trials');
    this.scroller.setAttribute('aria-multiselectable', 'true');
    this.head = document.createElement('div');
    this.head.className = 'tk-table-head';
    this.head.setAttribute('role', 'row');
    this.body = document.createElement('div');
    this.body.className = 'tk-table-body';
    this.body.setAttribute('role', 'rowgroup');
    this.empty = document.createElement('div');
    this.empty.className = 'tk-table-empty';
    this.empty.textContent = 'No trials yet.';
    this.scroller.append(this.head, this.body, this.empty);
    this.root.append(toolbar, this.form.element, this.scroller);
    container.append(this.root);

    const onScroll = (): void => this.scheduleRender();
    const onClick = (e: MouseEvent): void => this.onClick(e);
    const onKey = (e: KeyboardEvent): void => this.onKey(e);
    const onHeadClick = (e: MouseEvent): void => this.onHeadClick(e.target as HTMLElement);
    const onHeadKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      e.stopPropagation();
      this.onHeadClick(e.target as HTMLElement);
    };
    this.scroller.addEventListener('scroll', onScroll, { passive: true });
    this.body.addEventListener('click', onClick);
    this.scroller.addEventListener('keydown', onKey);
    this.head.addEventListener('click', onHeadClick);
    this.head.addEventListener('keydown', onHeadKey);
    this.disposers.push(
      () => this.head.removeEventListener('keydown', onHeadKey),
      () => this.scroller.removeEventListener('scroll', onScroll),
      () => this.body.removeEventListener('click', onClick),
      () => this.scroller.removeEventListener('keydown', onKey),
      () => this.head.removeEventListener('click', onHeadClick),
    );
    this.resizeObserver = new ResizeObserver(() => this.scheduleRender());
    this.resizeObserver.observe(this.scroller);
    // Durations of running trials count up even when no new step arrives.
    this.tickTimer = setInterval(() => {
      if (this.model?.running && !document.hidden) this.render(true);
    }, 1000);
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    if (!this.root) return;
    if (changes.all) {
      this.anchor = null;
      this.buildColumns(model);
      // Another study resets the UI state (see DashboardStore): the controls show what applies.
      this.stateDropdown.setValue(this.host.ui.stateFilter);
      if (this.filterField.value !== this.host.ui.textFilter) this.filterField.value = this.host.ui.textFilter;
      this.updateSortIndicators();
      this.signatures.clear();
      for (const t of model.trials) this.signatures.set(t.number, `${t.state}|${t.values?.join(',') ?? ''}`);
    }
    if (changes.all || this.needsReorder(changes)) this.reorder();
    this.clearSelection.hidden = model.selected.size === 0;
    setButtonDisabled(this.enqueueButton, model.params.length === 0);
    this.enqueueButton.title = model.params.length === 0 ? 'This study has no search space to choose parameters from.' : 'Run a trial with parameters you choose next';
    this.render();
  }

  dispose(): void {
    if (this.tickTimer !== undefined) clearInterval(this.tickTimer);
    if (this.renderScheduled) cancelAnimationFrame(this.renderScheduled);
    this.resizeObserver?.disconnect();
    for (const d of this.disposers) d();
    this.form.dispose();
    this.root?.remove();
  }

  /**
   * Whether the order can have changed. Most updates bring new steps of running trials, which
   * change neither a trial's state nor its values, nor its parameters (fixed for a trial's life),
   * so neither the filter nor any sort but by duration.
   */
  private needsReorder(changes: ChangeSet): boolean {
    const model = this.model;
    if (changes.trials.size === 0 || !model) return false;
    let changed = this.host.ui.sort.key === 'duration';
    for (const n of changes.trials) {
      const t = findTrial(model.trials, n);
      const signature = t ? `${t.state}|${t.values?.join(',') ?? ''}` : '';
      // A new trial has no signature yet: it always reorders.
      if (this.signatures.get(n) !== signature) changed = true;
      this.signatures.set(n, signature);
    }
    return changed;
  }

  private buildColumns(model: DashboardModel): void {
    const key = JSON.stringify([model.objectives, model.directions, model.params.map((p) => p.name)]);
    if (key === this.columnsKey) return;
    this.columnsKey = key;
    const columns: Column[] = [
      { key: 'number', label: '#', width: 64, numeric: true, sortable: true },
      { key: 'state', label: 'State', width: 96, numeric: false, sortable: true },
    ];
    model.directions.forEach((d, i) => {
      const name = model.objectives[i] ?? (model.directions.length > 1 ? `objective ${i}` : 'value');
      columns.push({ key: `value:${i}`, label: `${name} ${d === 'minimize' ? '↓' : '↑'}`, width: 112, numeric: true, sortable: true });
    });
    columns.push({ key: 'duration', label: 'Duration', width: 92, numeric: true, sortable: true });
    for (const p of model.params) columns.push({ key: `param:${p.name}`, label: p.name, width: Math.min(180, Math.max(96, p.name.length * 8 + 28)), numeric: p.type !== 'categorical', sortable: true });
    columns.push({ key: 'actions', label: 'Actions', width: 104, numeric: false, sortable: false });
    this.columns = columns;
    this.columnsVersion++;
    const template = columns.map((c) => `${c.width}px`).join(' ');
    const total = columns.reduce((s, c) => s + c.width, 0);
    // Set through the CSSOM: the webview's CSP allows no inline style attributes in markup.
    this.root.style.setProperty('--tk-columns', template);
    this.root.style.setProperty('--tk-table-width', `${total}px`);
    this.head.replaceChildren(
      ...columns.map((c) => {
        const cell = document.createElement('div');
        cell.className = `tk-th${c.numeric ? ' tk-num' : ''}${c.sortable ? ' tk-sortable' : ''}`;
        cell.setAttribute('role', 'columnheader');
        cell.dataset.key = c.key;
        cell.textContent = c.label;
        cell.title = c.sortable ? `Sort by ${c.label}` : c.label;
        if (c.sortable) cell.tabIndex = 0;
        return cell;
      }),
    );
    for (const row of this.pool) row.element.remove();
    this.pool.length = 0;
    this.updateSortIndicators();
  }

  private updateSortIndicators(): void {
    const sort = this.host.ui.sort;
    for (const cell of this.head.children as HTMLCollectionOf<HTMLElement>) {
      const active = cell.dataset.key === sort.key;
      cell.setAttribute('aria-sort', active ? (sort.descending ? 'descending' : 'ascending') : 'none');
      cell.classList.toggle('tk-sorted', active);
      cell.classList.toggle('tk-desc', active && sort.descending);
    }
  }

  private reorder(): void {
    const model = this.model;
    if (!model) return;
    const ui = this.host.ui;
    const predicate = compileFilter(ui.textFilter, model.params.map((p) => p.name), model.objectives);
    const filtered = model.trials.filter((t) => matchesState(t, ui.stateFilter) && predicate(t));
    const sorted = ui.sort.key === 'number' && !ui.sort.descending ? filtered : sortTrials(filtered, ui.sort, Date.now());
    this.order = sorted.map((t) => t.number);
    this.orderIndex = new Map(this.order.map((n, i) => [n, i]));
    this.body.style.height = `${this.order.length * ROW_HEIGHT}px`;
    this.empty.hidden = this.order.length > 0;
    this.empty.textContent = model.trials.length === 0 ? 'No trials yet.' : 'No trial matches the filter.';
  }

  private scheduleRender(): void {
    if (this.renderScheduled) return;
    this.renderScheduled = requestAnimationFrame(() => {
      this.renderScheduled = 0;
      this.render();
    });
  }

  /** Fills the rows in view. `force` rewrites them even when their trial object is unchanged. */
  private render(force = false): void {
    const model = this.model;
    if (!model || !this.root) return;
    const n = this.order.length;
    const viewport = this.scroller.clientHeight || 400;
    const top = Math.max(0, this.scroller.scrollTop - this.head.offsetHeight);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n, Math.ceil((top + viewport) / ROW_HEIGHT) + OVERSCAN);
    const needed = Math.max(0, last - first);
    while (this.pool.length < needed) this.pool.push(this.createRow());
    const now = Date.now();
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i] as RowElement;
      const index = first + i;
      if (index >= last) {
        if (!row.element.hidden) row.element.hidden = true;
        row.trial = null;
        continue;
      }
      const trial = findTrial(model.trials, this.order[index] as number);
      if (!trial) continue;
      const selected = model.selected.has(trial.number);
      const stale = force && (trial.state === 'running');
      if (!stale && row.trial === trial && row.selected === selected && row.index === index && row.columnsVersion === this.columnsVersion) continue;
      this.fillRow(row, trial, selected, index, now);
    }
    const sel = model.selected.size;
    const shown = this.order.length;
    const total = model.trials.length;
    this.countLabel.textContent = `${shown === total ? `${total} trials` : `${shown} of ${total} trials`}${sel > 0 ? ` · ${sel} selected` : ''}`;
  }

  private createRow(): RowElement {
    const element = document.createElement('div');
    element.className = 'tk-tr';
    element.setAttribute('role', 'row');
    const cells = this.columns.map((c) => {
      const cell = document.createElement('div');
      cell.className = `tk-td${c.numeric ? ' tk-num' : ''}`;
      cell.setAttribute('role', 'gridcell');
      return cell;
    });
    const stop = createButton({ label: 'Stop', appearance: 'icon', title: 'Stop this trial', icon: createIcon('stop') });
    stop.dataset.action = 'stop';
    const log = createButton({ label: 'Log', appearance: 'icon', title: 'Open this trial’s log', icon: createIcon('log') });
    log.dataset.action = 'log';
    const apply = createButton({ label: 'Apply', appearance: 'icon', title: 'Apply this trial’s parameters to the script', icon: createIcon('apply') });
    apply.dataset.action = 'apply';
    const actionsCell = cells[cells.length - 1];
    actionsCell?.classList.add('tk-actions');
    actionsCell?.append(stop, log, apply);
    element.append(...cells);
    this.body.append(element);
    return { element, cells, stop, log, apply, trial: null, selected: false, index: -1, columnsVersion: this.columnsVersion };
  }

  private fillRow(row: RowElement, t: TrialSummary, selected: boolean, index: number, now: number): void {
    row.trial = t;
    row.selected = selected;
    row.index = index;
    row.columnsVersion = this.columnsVersion;
    const el = row.element;
    el.hidden = false;
    el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    el.dataset.number = String(t.number);
    el.dataset.state = t.state;
    el.classList.toggle('tk-selected', selected);
    el.setAttribute('aria-selected', String(selected));
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c] as Column;
      const cell = row.cells[c] as HTMLElement;
      if (col.key === 'actions') continue;
      let text: string;
      if (col.key === 'number') text = String(t.number);
      else if (col.key === 'state') text = STATE_LABELS[t.state];
      else if (col.key === 'duration') text = formatDuration(trialDuration(t, now));
      else if (col.key.startsWith('value:')) text = formatNumber(t.values?.[Number(col.key.slice(6))] ?? null);
      else text = formatValue(t.params[col.key.slice(6)]);
      if (cell.textContent !== text) cell.textContent = text;
      if (col.key === 'state') {
        cell.className = `tk-td tk-state tk-state-${t.state}`;
        cell.title = t.failReason ? `failed: ${t.failReason}` : '';
      }
    }
    const can = availableActions(t);
    row.stop.hidden = !can.stop;
    row.log.hidden = !can.log;
    row.apply.hidden = !can.apply;
  }

  private onHeadClick(target: HTMLElement): void {
    const cell = target.closest<HTMLElement>('.tk-th');
    const key = cell?.dataset.key;
    const column = this.columns.find((c) => c.key === key);
    if (!key || !column?.sortable) return;
    const current = this.host.ui.sort;
    this.host.updateUi({ sort: { key, descending: current.key === key ? !current.descending : false } });
    this.updateSortIndicators();
    this.reorder();
    this.render();
  }

  private onClick(e: MouseEvent): void {
    const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.tk-tr');
    const number = Number(rowEl?.dataset.number);
    if (!rowEl || !Number.isInteger(number)) return;
    const action = (e.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
    if (action) {
      e.stopPropagation();
      if (action === 'stop') this.actions.stop(number);
      else if (action === 'log') this.actions.openLog(number);
      else if (action === 'apply') this.actions.apply(number);
      return;
    }
    this.selectFromEvent(number, e.shiftKey, e.ctrlKey || e.metaKey);
  }

  private selectFromEvent(number: number, range: boolean, toggle: boolean): void {
    const model = this.model;
    if (!model) return;
    if (range && this.anchor !== null && this.orderIndex.has(this.anchor)) {
      const a = this.orderIndex.get(this.anchor) as number;
      const b = this.orderIndex.get(number) ?? a;
      const span = this.order.slice(Math.min(a, b), Math.max(a, b) + 1);
      this.host.setSelection(toggle ? [...model.selected, ...span] : span);
      return;
    }
    this.anchor = number;
    if (toggle) {
      const next = new Set(model.selected);
      if (next.has(number)) next.delete(number);
      else next.add(number);
      this.host.setSelection(next);
    } else {
      this.host.setSelection([number]);
    }
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    if (this.order.length === 0) return;
    e.preventDefault();
    const current = this.anchor !== null ? (this.orderIndex.get(this.anchor) ?? -1) : -1;
    const next = Math.min(this.order.length - 1, Math.max(0, current + (e.key === 'ArrowDown' ? 1 : -1)));
    const number = this.order[next] as number;
    if (e.shiftKey && this.anchor !== null) {
      const a = this.orderIndex.get(this.anchor) as number;
      const span = this.order.slice(Math.min(a, next), Math.max(a, next) + 1);
      this.host.setSelection(span);
    } else {
      this.anchor = number;
      this.host.setSelection([number]);
    }
    this.scrollToIndex(next);
  }

  private scrollToIndex(index: number): void {
    const head = this.head.offsetHeight;
    const top = index * ROW_HEIGHT;
    const viewTop = this.scroller.scrollTop;
    const viewHeight = this.scroller.clientHeight - head;
    if (top < viewTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > viewTop + viewHeight) this.scroller.scrollTop = top + ROW_HEIGHT - viewHeight;
  }

  private toggleForm(): void {
    const model = this.model;
    if (!model || model.params.length === 0) return;
    if (this.form.isOpen) {
      this.form.close();
      return;
    }
    const selected = model.selected.size === 1 ? findTrial(model.trials, [...model.selected][0] as number) : undefined;
    const from = selected ?? bestTrial(model.trials, 0, model.directions[0] ?? 'minimize');
    this.form.open(model.params, from);
  }
}
