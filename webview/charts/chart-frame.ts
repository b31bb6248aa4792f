/**
 * The frame every chart of ours sits in: a toolbar row for its controls, a box of fixed height
 * that chart.js sizes its canvas to (responsive charts need a positioned parent with a height),
 * and a message shown instead of the chart while there is nothing to draw.
 */
export interface ChartFrame {
  readonly toolbar: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  /** Shows `message` over the chart, or hides it (null). */
  setEmpty(message: string | null): void;
  dispose(): void;
}

export function createChartFrame(container: HTMLElement, ariaLabel: string): ChartFrame {
  const toolbar = document.createElement('div');
  toolbar.className = 'tk-chart-toolbar';
  const box = document.createElement('div');
  box.className = 'tk-chart-box';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', ariaLabel);
  const empty = document.createElement('div');
  empty.className = 'tk-chart-empty';
  empty.hidden = true;
  box.append(canvas, empty);
  container.append(toolbar, box);
  return {
    toolbar,
    canvas,
    setEmpty(message) {
      empty.hidden = message === null;
      if (message !== null && empty.textContent !== message) empty.textContent = message;
    },
    dispose() {
      toolbar.remove();
      box.remove();
    },
  };
}
