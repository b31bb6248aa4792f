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
  /** A tooltip of our own at (x, y) in canvas pixels, for charts that hit-test themselves. */
  showTip(title: string, body: string, x: number, y: number): void;
  hideTip(): void;
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
  const tip = document.createElement('div');
  tip.className = 'tk-chart-tip';
  tip.hidden = true;
  const tipTitle = document.createElement('div');
  tipTitle.className = 'tk-chart-tip-title';
  const tipBody = document.createElement('div');
  tip.append(tipTitle, tipBody);
  box.append(canvas, empty, tip);
  container.append(toolbar, box);
  return {
    toolbar,
    canvas,
    setEmpty(message) {
      empty.hidden = message === null;
      if (message !== null && empty.textContent !== message) empty.textContent = message;
    },
    showTip(title, body, x, y) {
      tipTitle.textContent = title;
      tipBody.textContent = body;
      tip.hidden = false;
      // Beside the pointer, flipped to stay inside the chart. Positioned through the CSSOM.
      const left = x + 12 + tip.offsetWidth > box.clientWidth ? x - 12 - tip.offsetWidth : x + 12;
      const top = Math.max(0, Math.min(y - tip.offsetHeight / 2, box.clientHeight - tip.offsetHeight));
      tip.style.transform = `translate(${Math.max(0, left)}px, ${top}px)`;
    },
    hideTip() {
      tip.hidden = true;
    },
    dispose() {
      toolbar.remove();
      box.remove();
    },
  };
}
