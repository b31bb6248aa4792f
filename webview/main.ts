/**
 * The dashboard webview's entry: creates the store (which posts `ready`), the shell with every
 * view, and the frame loop. Host messages are applied to the model as they arrive, but views
 * redraw at most once per animation frame with everything that changed since the last one, so
 * a burst of updates costs one redraw.
 */
import { ContourView } from './charts/contour';
import { EdfView } from './charts/edf';
import { HistoryView } from './charts/history';
import { ImportanceView } from './charts/importance';
import { LearningCurvesView } from './charts/learning-curves';
import { ParallelCoordinatesView } from './charts/parallel-coordinates';
import { ParetoView } from './charts/pareto';
import { SliceView } from './charts/slice';
import { TimelineView } from './charts/timeline';
import { TrialActions } from './actions/trial-actions';
import { DashboardShell, viewContext } from './shell/dashboard-shell';
import type { PanelSpec } from './shell/dashboard-shell';
import { DashboardStore } from './state/store';
import type { VsCodeApi } from './state/store';
import { TrialsTable } from './table/trials-table';

declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const store = new DashboardStore(acquireVsCodeApi());
  const actions = new TrialActions((m) => store.post(m));
  // The host's page (src/extension/dashboard/dashboard-html.ts) gives an #app element holding a
  // "Loading…" line until the app replaces it.
  const root = document.getElementById('app') ?? document.body;
  root.replaceChildren();
  const panels: PanelSpec[] = [
    { view: new HistoryView(viewContext(store, 'history')), tab: 'overview' },
    { view: new LearningCurvesView(viewContext(store, 'learning-curves')), tab: 'overview' },
    { view: new TimelineView(viewContext(store, 'timeline')), tab: 'overview' },
    { view: new ImportanceView(), tab: 'overview' },
    { view: new TrialsTable(store, actions), tab: 'overview', wide: true },
    { view: new ParallelCoordinatesView(), tab: 'analysis', wide: true },
    { view: new SliceView(), tab: 'analysis', wide: true },
    { view: new ContourView(), tab: 'analysis' },
    { view: new EdfView(), tab: 'analysis' },
    { view: new ParetoView(), tab: 'analysis' },
  ];
  const shell = new DashboardShell(root, store, panels);

  let frame = 0;
  let frames = 0;
  const draw = (): void => {
    frame = 0;
    const changes = store.takeChanges();
    if (!changes) return;
    const t0 = performance.now();
    shell.render(changes);
    // Read by the benchmark and the end-to-end tests: how many frames drew, the last one's cost.
    frames++;
    document.documentElement.dataset.tkFrames = String(frames);
    document.documentElement.dataset.tkFrameMs = (performance.now() - t0).toFixed(2);
    document.documentElement.dataset.tkViewMs = JSON.stringify(shell.lastViewMs, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v));
  };
  store.onDidChange(() => {
    if (!frame) frame = requestAnimationFrame(draw);
  });
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    store.receive(event.data);
  });
  store.start();
}

start();
