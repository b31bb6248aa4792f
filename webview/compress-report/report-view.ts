/**
 * The report page's markup: heading, the two file buttons, warnings, the summary table
 * (before / after / change), output agreement, the charts, and the per-layer table. Built with
 * DOM calls and textContent only, so no name from a model file can become markup; no inline
 * styles (the CSP forbids them), classes from media/compress-report.css.
 */
import type { CompressionReport } from '../../src/protocol/compression';
import { compressionMethodLabel, formatBytes } from '../../src/protocol/compression-method-label';
import type { CompressReportFromWebview } from '../../src/protocol/compression-validate';
import { agreementText, formatShare, summaryRows } from './report-figures';

export interface ReportElements {
  /** Where the per-layer sparsity chart goes. */
  readonly layersChart: HTMLElement;
  /** Where the before/after charts go. */
  readonly comparisonCharts: HTMLElement;
}

const FORMAT_NAMES = { onnx: 'ONNX', safetensors: 'safetensors', pytorch: 'PyTorch' } as const;

export function renderReport(root: HTMLElement, report: CompressionReport, post: (message: CompressReportFromWebview) => void): ReportElements {
  root.replaceChildren();
  const header = el('header', 'tk-report-header');
  header.append(el('h1', '', `${baseName(report.before.path)}: ${compressionMethodLabel(report.method)}`));
  const where = el('p', 'tk-muted', `${FORMAT_NAMES[report.format]} · written to ${report.after.path} · took ${(report.durationMs / 1000).toFixed(1)} s`);
  header.append(where);
  const actions = el('div', 'tk-actions');
  actions.append(button('Reveal Compressed File', 'reveal', () => post({ type: 'reveal-output' })), button('Open Containing Folder', 'folder', () => post({ type: 'open-folder' }), true));
  header.append(actions);
  root.append(header);

  if (report.warnings.length > 0) {
    const box = el('section', 'tk-warnings');
    box.setAttribute('aria-label', 'Warnings');
    const list = el('ul');
    for (const warning of report.warnings) list.append(el('li', '', warning));
    box.append(list);
    root.append(box);
  }

  const summary = el('section', 'tk-section');
  summary.append(el('h2', '', 'Before and after'));
  const table = el('table', 'tk-table tk-summary');
  table.append(headRow(['', 'before', 'after', 'change']));
  const body = el('tbody');
  for (const row of summaryRows(report)) {
    const tr = el('tr');
    tr.dataset.row = row.label;
    tr.append(el('th', '', row.label), el('td', 'tk-num', row.before), el('td', 'tk-num', row.after), el('td', `tk-num tk-${row.tone}`, row.change));
    body.append(tr);
  }
  table.append(body);
  summary.append(table);
  const agreement = agreementText(report);
  summary.append(el('p', 'tk-agreement', agreement ?? 'Outputs were not compared (verification was skipped).'));
  root.append(summary);

  const charts = el('section', 'tk-section');
  charts.append(el('h2', '', 'Charts'));
  const comparisonCharts = el('div', 'tk-comparison');
  const layersChart = el('div', 'tk-layers-chart');
  charts.append(comparisonCharts);
  if (report.layers.length > 0) charts.append(el('h3', 'tk-chart-title', 'Zeros per layer, before and after'));
  charts.append(layersChart);
  root.append(charts);

  const layers = el('section', 'tk-section');
  layers.append(el('h2', '', `Layers (${report.layers.length})`));
  if (report.layers.length === 0) layers.append(el('p', 'tk-muted', 'No tensor was changed.'));
  else {
    const layerTable = el('table', 'tk-table tk-layers');
    layerTable.append(headRow(['tensor', 'op', 'shape', 'parameters', 'zeros before', 'zeros after', 'dtype']));
    const rows = el('tbody');
    for (const layer of report.layers) {
      const tr = el('tr');
      tr.append(
        el('td', 'tk-name', layer.name),
        el('td', '', layer.op),
        el('td', 'tk-num', layer.shape.join('×')),
        el('td', 'tk-num', layer.params.toLocaleString('en-US')),
        el('td', 'tk-num', formatShare(layer.sparsityBefore)),
        el('td', 'tk-num', formatShare(layer.sparsityAfter)),
        el('td', '', layer.dtypeBefore === layer.dtypeAfter ? layer.dtypeBefore : `${layer.dtypeBefore} → ${layer.dtypeAfter}`),
      );
      rows.append(tr);
    }
    layerTable.append(rows);
    layers.append(layerTable);
  }
  root.append(layers);
  root.append(el('p', 'tk-muted tk-footnote', `Original ${report.before.path} (${formatBytes(report.before.bytes)}) is unchanged.`));
  return { layersChart, comparisonCharts };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function headRow(labels: readonly string[]): HTMLTableSectionElement {
  const head = el('thead');
  const tr = el('tr');
  for (const label of labels) tr.append(el('th', '', label));
  head.append(tr);
  return head;
}

function button(label: string, action: string, onClick: () => void, secondary = false): HTMLButtonElement {
  const b = el('button', secondary ? 'tk-button tk-secondary' : 'tk-button', label);
  b.type = 'button';
  b.dataset.action = action;
  b.addEventListener('click', onClick);
  return b;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
