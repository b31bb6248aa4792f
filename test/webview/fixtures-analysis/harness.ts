/**
 * Browser entry of the analysis-chart tests: mounts the six analysis views on "boards" (one
 * study each) and exposes `window.analysisHarness` for the test to drive them with synthetic
 * models and read back what they drew.
 */
import type { ChangeSet, DashboardModel } from '../../../webview/state/dashboard-model';
import type { ChartView } from '../../../webview/charts/chart-view';
import { ContourView } from '../../../webview/charts/contour';
import { EdfView } from '../../../webview/charts/edf';
import { ImportanceView } from '../../../webview/charts/importance';
import { ParallelCoordinatesView } from '../../../webview/charts/parallel-coordinates';
import { ParetoView } from '../../../webview/charts/pareto';
import { SliceView } from '../../../webview/charts/slice';
import type { ModelSpec } from './synthetic-study';

export type ViewId = 'parallel-coordinates' | 'slice' | 'contour' | 'importance' | 'edf' | 'pareto';
export const VIEW_IDS: readonly ViewId[] = ['parallel-coordinates', 'slice', 'contour', 'importance', 'edf', 'pareto'];

interface Views {
  'parallel-coordinates': ParallelCoordinatesView;
  slice: SliceView;
  contour: ContourView;
  importance: ImportanceView;
  edf: EdfView;
  pareto: ParetoView;
}

interface Board {
  readonly root: HTMLElement;
  readonly views: Partial<Views>;
  model: DashboardModel;
}

export interface ChangeSpec {
  readonly all?: boolean;
  readonly trials?: readonly number[];
  readonly importance?: boolean;
  readonly selection?: boolean;
}

export interface BoardStats {
  readonly messages: Partial<Record<ViewId, string>>;
  /** Share of non-transparent pixels over each view's canvases. */
  readonly ink: Partial<Record<ViewId, number>>;
  readonly parallel?: { trials: number; axes: readonly string[]; selected: number };
  readonly slice?: Record<string, number>;
  readonly contour?: { axes: readonly [string, string] | null; points: number; cells: number };
  readonly importance?: readonly { name: string; value: number }[];
  readonly edfSteps?: number;
  readonly paretoFront?: readonly number[];
}

const boards = new Map<string, Board>();
const errors: string[] = [];
window.addEventListener('error', (e) => errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => errors.push(String(e.reason)));
document.addEventListener('securitypolicyviolation', (e) => errors.push(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));

function create(id: ViewId): ChartView {
  switch (id) {
    case 'parallel-coordinates':
      return new ParallelCoordinatesView();
    case 'slice':
      return new SliceView();
    case 'contour':
      return new ContourView();
    case 'importance':
      return new ImportanceView();
    case 'edf':
      return new EdfView();
    case 'pareto':
      return new ParetoView();
  }
}

function toModel(spec: ModelSpec): DashboardModel {
  return { ...spec, metrics: new Map(), selected: new Set(spec.selected) };
}

function toChanges(spec: ChangeSpec): ChangeSet {
  return { all: spec.all ?? false, trials: new Set(spec.trials ?? []), metrics: [], importance: spec.importance ?? false, selection: spec.selection ?? false };
}

const harness = {
  /**
   * Mounts `ids` for `spec` into a new board (replacing one of the same name) and renders.
   * Returns the milliseconds each view took to mount and draw.
   */
  mount(name: string, spec: ModelSpec, ids: readonly ViewId[] = VIEW_IDS): Partial<Record<ViewId, number>> {
    harness.unmount(name);
    const root = document.createElement('section');
    root.className = 'board';
    root.dataset.board = name;
    const heading = document.createElement('h2');
    heading.textContent = `${spec.studyName}: ${spec.trials.length} trials, ${spec.objectives.join(' / ')}`;
    root.append(heading);
    document.getElementById('boards')?.append(root);
    const views: Partial<Views> = {};
    const model = toModel(spec);
    const times: Partial<Record<ViewId, number>> = {};
    for (const id of ids) {
      const t0 = performance.now();
      const cell = document.createElement('div');
      cell.className = 'cell';
      cell.dataset.view = id;
      const title = document.createElement('h3');
      const view = create(id);
      title.textContent = view.title;
      cell.append(title);
      root.append(cell);
      view.mount(cell);
      view.update(model, toChanges({ all: true }));
      (views as Record<string, ChartView>)[id] = view;
      times[id] = performance.now() - t0;
    }
    boards.set(name, { root, views, model });
    return times;
  },

  /** Replaces the board's model and sends every view the change set. Returns each view's milliseconds. */
  update(name: string, spec: ModelSpec, changes: ChangeSpec): Partial<Record<ViewId, number>> {
    const board = boards.get(name);
    if (!board) throw new Error(`no board ${name}`);
    board.model = toModel(spec);
    const times: Partial<Record<ViewId, number>> = {};
    for (const [id, view] of Object.entries(board.views) as [ViewId, ChartView][]) {
      const t0 = performance.now();
      view.update(board.model, toChanges(changes));
      times[id] = performance.now() - t0;
    }
    return times;
  },

  unmount(name: string): void {
    const board = boards.get(name);
    if (!board) return;
    for (const view of Object.values(board.views) as ChartView[]) view.dispose();
    board.root.remove();
    boards.delete(name);
  },

  setContourAxes(name: string, x: string, y: string): void {
    boards.get(name)?.views.contour?.setAxes(x, y);
  },

  /** An identity token of the parallel coordinates' last render: changes only when it redraws. */
  parallelRenderToken(name: string): unknown {
    return boards.get(name)?.views['parallel-coordinates']?.drawnStats();
  },

  stats(name: string): BoardStats {
    const board = boards.get(name);
    if (!board) throw new Error(`no board ${name}`);
    const messages: Partial<Record<ViewId, string>> = {};
    const ink: Partial<Record<ViewId, number>> = {};
    for (const cell of board.root.querySelectorAll<HTMLElement>('.cell')) {
      const id = cell.dataset.view as ViewId;
      const message = cell.querySelector<HTMLElement>('.tk-analysis-message');
      if (message && !message.hidden) messages[id] = message.textContent ?? '';
      let filled = 0;
      let total = 0;
      for (const canvas of cell.querySelectorAll('canvas')) {
        if (canvas.width === 0 || canvas.height === 0) continue;
        const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (!data) continue;
        for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) filled++;
        total += data.length / 4;
      }
      ink[id] = total ? filled / total : 0;
    }
    const v = board.views;
    return {
      messages,
      ink,
      parallel: v['parallel-coordinates']?.drawnStats(),
      slice: v.slice?.pointCounts(),
      contour: v.contour ? { axes: v.contour.axes(), ...v.contour.drawnStats() } : undefined,
      importance: v.importance?.drawnBars(),
      edfSteps: v.edf?.stepCount(),
      paretoFront: v.pareto?.frontTrials(),
    };
  },

  /** A cheap fingerprint of a view's canvases, to tell whether a theme switch repainted them. */
  fingerprint(name: string, id: ViewId): number {
    const cell = boards.get(name)?.root.querySelector(`.cell[data-view="${id}"]`);
    let h = 0;
    for (const canvas of cell?.querySelectorAll('canvas') ?? []) {
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      for (let i = 0; i < data.length; i += 97) h = (Math.imul(h, 31) + (data[i] as number)) | 0;
    }
    return h;
  },

  errors(): readonly string[] {
    return errors;
  },
};

declare global {
  interface Window {
    analysisHarness: typeof harness;
  }
}

window.analysisHarness = harness;
