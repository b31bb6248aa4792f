/**
 * The dashboard webview's entry. The full dashboard (charts, trials table) arrives with the
 * extension work; for now it renders the optimization history of the study it is sent, so the
 * bundle, chart.js and the message contract are exercised from the start.
 */
import { Chart, LineController, LineElement, PointElement, LinearScale, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);

interface HistoryMessage {
  type: 'history';
  points: { trial: number; value: number }[];
}

function isHistoryMessage(data: unknown): data is HistoryMessage {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as { type?: unknown; points?: unknown };
  return m.type === 'history' && Array.isArray(m.points) && m.points.every((p) => typeof p?.trial === 'number' && typeof p?.value === 'number');
}

const canvas = document.getElementById('history') as HTMLCanvasElement | null;
if (canvas) {
  const chart = new Chart<'line', { x: number; y: number }[]>(canvas, {
    type: 'line',
    data: { datasets: [{ label: 'objective', data: [], showLine: false }] },
    options: { animation: false, scales: { x: { type: 'linear', title: { display: true, text: 'trial' } } } },
  });
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!isHistoryMessage(event.data)) return;
    chart.data.datasets[0]!.data = event.data.points.map((p) => ({ x: p.trial, y: p.value }));
    chart.update();
  });
}
