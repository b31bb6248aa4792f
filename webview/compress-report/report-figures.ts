/**
 * The figures of a compression report as the page shows them: the summary table's rows
 * (before, after, and the change in the words a user checks first: "3.9x smaller", "1.8x
 * faster", "-0.4 pt"), and the numbers behind the charts. Pure functions over the report;
 * test/webview/compress-report/report-page.test.ts checks what they produce on the page.
 */
import type { CompressionReport, LayerReport } from '../../src/protocol/compression';
import { formatBytes } from '../../src/protocol/compression-method-label';

export interface SummaryRow {
  readonly label: string;
  readonly before: string;
  readonly after: string;
  readonly change: string;
  /** Whether the change is what compression is for (smaller, faster), a cost, or neither. */
  readonly tone: 'good' | 'bad' | 'neutral';
}

export function summaryRows(report: CompressionReport): SummaryRow[] {
  const { before, after } = report;
  const rows: SummaryRow[] = [
    {
      label: 'File size',
      before: formatBytes(before.bytes),
      after: formatBytes(after.bytes),
      ...ratioChange(before.bytes, after.bytes, 'smaller', 'larger'),
    },
    {
      label: 'Parameters',
      before: formatCount(before.params),
      after: formatCount(after.params),
      change: before.params === after.params ? 'same' : `${formatSigned(after.params - before.params, formatCount)}`,
      tone: 'neutral',
    },
    {
      label: 'Sparsity (exact zeros)',
      before: formatShare(share(before.zeros, before.params)),
      after: formatShare(share(after.zeros, after.params)),
      ...pointsChange(100 * share(before.zeros, before.params), 100 * share(after.zeros, after.params), 'neutral'),
    },
  ];
  if (before.latency && after.latency) {
    rows.push({
      label: `Latency (median of ${Math.min(before.latency.runs, after.latency.runs)} runs)`,
      before: formatMs(before.latency.medianMs),
      after: formatMs(after.latency.medianMs),
      ...ratioChange(before.latency.medianMs, after.latency.medianMs, 'faster', 'slower'),
    });
  }
  if (report.accuracy) {
    const a = report.accuracy;
    const lowerBetter = LOWER_IS_BETTER.test(a.metric);
    // A score in 0..1 (accuracy, F1) changes by percentage points, the unit the issue's acceptance uses.
    const scale = !lowerBetter && Math.abs(a.before) <= 1 && Math.abs(a.after) <= 1 ? 100 : 1;
    rows.push({
      label: `${a.metric} (${a.source === 'labels' ? 'labels of the inputs file' : "study's evaluation"})`,
      before: formatNumber(a.before),
      after: formatNumber(a.after),
      ...pointsChange(scale * a.before, scale * a.after, lowerBetter ? 'lower-better' : 'higher-better', scale === 100 ? 'pt' : ''),
    });
  }
  return rows;
}

/** "Outputs agree on 256 generated samples: max |diff| 0.0031, top-1 99.6%", or undefined without verification. */
export function agreementText(report: CompressionReport): string | undefined {
  const a = report.agreement;
  if (!a) return undefined;
  const top1 = a.top1Agreement === undefined ? '' : `, same top-1 class on ${formatShare(a.top1Agreement)}`;
  return `Outputs compared on ${a.samples} ${a.inputsFrom === 'file' ? 'samples from the inputs file' : 'generated samples'}: max |diff| ${formatNumber(a.maxAbsDiff)}, mean |diff| ${formatNumber(a.meanAbsDiff)}${top1}.`;
}

/** Per-layer sparsity in percent, for the chart. */
export function layerSparsity(layers: readonly LayerReport[]): { names: string[]; before: number[]; after: number[] } {
  return {
    names: layers.map((l) => l.name),
    before: layers.map((l) => round(100 * l.sparsityBefore, 2)),
    after: layers.map((l) => round(100 * l.sparsityAfter, 2)),
  };
}

/** The before/after pairs drawn as bar charts: always size, then latency and accuracy where measured. */
export function comparisonSeries(report: CompressionReport): { title: string; unit: string; before: number; after: number }[] {
  // KiB for models under a MiB, so the axis reads 68.8 rather than 0.07.
  const [unit, scale] = Math.max(report.before.bytes, report.after.bytes) < 2 ** 20 ? ['KiB', 2 ** 10] : ['MiB', 2 ** 20];
  const series = [{ title: 'File size', unit, before: round(report.before.bytes / scale, 3), after: round(report.after.bytes / scale, 3) }];
  if (report.before.latency && report.after.latency) {
    series.push({ title: 'Latency (median)', unit: 'ms', before: round(report.before.latency.medianMs, 3), after: round(report.after.latency.medianMs, 3) });
  }
  if (report.accuracy) series.push({ title: report.accuracy.metric, unit: '', before: report.accuracy.before, after: report.accuracy.after });
  return series;
}

function ratioChange(before: number, after: number, better: string, worse: string): { change: string; tone: SummaryRow['tone'] } {
  if (before <= 0 || after <= 0) return { change: '', tone: 'neutral' };
  if (after === before) return { change: 'same', tone: 'neutral' };
  // A ratio reads better than a percentage for shrinking ("4x smaller", not "-75%").
  return after < before ? { change: `${formatRatio(before / after)} ${better}`, tone: 'good' } : { change: `${formatRatio(after / before)} ${worse}`, tone: 'bad' };
}

/** Metric names whose smaller values are better; any other metric (accuracy, F1, AUC) is better higher. */
const LOWER_IS_BETTER = /loss|error|err\b|mse|mae|rmse|perplexity|wer|cer/i;

function pointsChange(before: number, after: number, direction: 'neutral' | 'higher-better' | 'lower-better', unit = 'pt'): { change: string; tone: SummaryRow['tone'] } {
  const delta = round(after - before, 2);
  if (delta === 0) return { change: 'same', tone: 'neutral' };
  const tone = direction === 'neutral' ? 'neutral' : (delta > 0) === (direction === 'higher-better') ? 'good' : 'bad';
  return { change: `${delta > 0 ? '+' : '−'}${Math.abs(delta)}${unit ? ` ${unit}` : ''}`, tone };
}

const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
const round = (x: number, digits: number): number => Number(x.toFixed(digits));


export function formatShare(fraction: number): string {
  return `${(100 * fraction).toFixed(1)}%`;
}

function formatRatio(ratio: number): string {
  return `${ratio.toFixed(ratio < 10 ? 2 : 1)}x`;
}

function formatMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function formatSigned(n: number, format: (n: number) => string): string {
  return `${n > 0 ? '+' : '−'}${format(Math.abs(n))}`;
}

export function formatNumber(x: number): string {
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e5 || abs < 1e-3) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}
