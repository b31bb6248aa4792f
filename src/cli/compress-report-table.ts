/**
 * The report a compression prints at the end: a before / after / change table of what a user
 * weighs (size, parameters, sparsity, latency, output agreement, accuracy), then one row per
 * tensor the method touched.
 */
import * as path from 'node:path';
import type { CompressionReport, LayerReport } from '../protocol/compression';
import { compressionMethodLabel, formatBytes } from '../protocol/compression-method-label';
import { formatTable } from './format';

export function formatCompressionReport(report: CompressionReport): string {
  const lines: string[] = [];
  lines.push(`${compressionMethodLabel(report.method)} of ${report.format} checkpoint ${displayPath(report.before.path)}`);
  lines.push(`wrote ${displayPath(report.after.path)} in ${(report.durationMs / 1000).toFixed(1)} s`);
  lines.push('');
  lines.push(formatTable(['', 'before', 'after', 'change'], summaryRows(report)));
  if (report.layers.length > 0) {
    lines.push('');
    lines.push(formatTable(['tensor', 'op', 'shape', 'sparsity', 'dtype'], report.layers.map(layerRow)));
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function summaryRows(r: CompressionReport): string[][] {
  const rows: string[][] = [];
  rows.push(['file size', formatBytes(r.before.bytes), formatBytes(r.after.bytes), sizeChange(r.before.bytes, r.after.bytes)]);
  rows.push(['parameters', count(r.before.params), count(r.after.params), signedCount(r.after.params - r.before.params)]);
  const sb = r.before.params > 0 ? r.before.zeros / r.before.params : 0;
  const sa = r.after.params > 0 ? r.after.zeros / r.after.params : 0;
  rows.push(['sparsity', pct(sb), pct(sa), signedPoints(sa - sb)]);
  // What a sparsity target is measured on: the tensors the method touched (biases, norms and
  // other untouched tensors dilute the whole-model figure above).
  if (r.method.kind === 'prune' && r.layers.length > 0) {
    let params = 0;
    let before = 0;
    let after = 0;
    for (const l of r.layers) {
      params += l.params;
      before += l.sparsityBefore * l.params;
      after += l.sparsityAfter * l.params;
    }
    if (params > 0) rows.push([`  of the ${r.layers.length} pruned tensors`, pct(before / params), pct(after / params), signedPoints((after - before) / params)]);
  }
  const lb = r.before.latency;
  const la = r.after.latency;
  if (lb && la) {
    rows.push([`latency (median of ${la.runs})`, ms(lb.medianMs), ms(la.medianMs), la.medianMs > 0 ? `${(lb.medianMs / la.medianMs).toFixed(2)}x speed` : '-']);
    rows.push(['latency (p90)', ms(lb.p90Ms), ms(la.p90Ms), '']);
  }
  const a = r.agreement;
  if (a) {
    const on = `${a.samples} ${a.inputsFrom === 'file' ? 'rows from the inputs file' : 'generated rows'}`;
    rows.push(['max |output diff|', '', sig(a.maxAbsDiff), on]);
    rows.push(['mean |output diff|', '', sig(a.meanAbsDiff), '']);
    if (a.top1Agreement !== undefined) rows.push(['top-1 agreement', '', pct(a.top1Agreement), '']);
  }
  const acc = r.accuracy;
  if (acc) {
    const label = `${acc.metric} (${acc.source === 'labels' ? 'labels' : 'evaluate command'})`;
    const asPercent = acc.source === 'labels' || (acc.before >= 0 && acc.before <= 1 && acc.after >= 0 && acc.after <= 1 && /acc/i.test(acc.metric));
    rows.push(
      asPercent
        ? [label, pct(acc.before), pct(acc.after), signedPoints(acc.after - acc.before)]
        : [label, sig(acc.before), sig(acc.after), `${acc.after - acc.before >= 0 ? '+' : ''}${sig(acc.after - acc.before)}`],
    );
  }
  return rows;
}

function sizeChange(before: number, after: number): string {
  if (!(after > 0)) return '-';
  if (Math.abs(after - before) <= 0.005 * before) return after === before ? 'same size' : 'about the same';
  return after < before ? `${(before / after).toFixed(2)}x smaller` : `${(after / before).toFixed(2)}x larger`;
}

function layerRow(l: LayerReport): string[] {
  return [
    l.name,
    l.op,
    `[${l.shape.join(', ')}]`,
    `${pct(l.sparsityBefore)} -> ${pct(l.sparsityAfter)}`,
    l.dtypeBefore === l.dtypeAfter ? l.dtypeAfter : `${l.dtypeBefore} -> ${l.dtypeAfter}`,
  ];
}


function count(n: number): string {
  return n.toLocaleString('en-US');
}

function signedCount(n: number): string {
  return n === 0 ? '0' : `${n > 0 ? '+' : ''}${count(n)}`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function signedPoints(d: number): string {
  const points = d * 100;
  return `${points >= 0 ? '+' : ''}${points.toFixed(1)} pts`;
}

function ms(x: number): string {
  return x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(0)} µs`;
}

function sig(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
