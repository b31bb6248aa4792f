/** The sampler bench's tables, as aligned text for the terminal and as Markdown for the README. */
import type { Problem } from './problems';
import type { PruningRow, PruningSummary } from './pruning';
import type { ReplaySummary } from './pruning-replay';

export interface ProblemRow {
  readonly problem: Problem;
  readonly trials: number;
  /** Best value (or hypervolume) per seed, by sampler ('optuna-…' for Optuna's). */
  readonly bests: ReadonlyMap<string, readonly number[]>;
  readonly seconds: ReadonlyMap<string, readonly number[]>;
  /** Several objectives: hypervolume per seed at the tight reference (1.1, 1.1). */
  readonly tight: ReadonlyMap<string, readonly number[]>;
}

export interface TimingRow {
  readonly sampler: string;
  /** Median seconds per ask by number of completed trials. */
  readonly seconds: ReadonlyMap<number, number>;
}

/** numpy.quantile's default (linear interpolation between order statistics). */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  // Equal order statistics (Infinity included, where every trial of a run was pruned).
  if (s[lo] === s[hi]) return s[lo] as number;
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : x.toFixed(4);
}

interface Table {
  readonly title: string;
  readonly head: readonly string[];
  readonly body: readonly (readonly string[])[];
}

function problemTable(row: ProblemRow): Table {
  const multi = row.problem.directions.length > 1;
  const peer = multi ? 'optuna-nsga2' : 'optuna-tpe';
  const gap = (v: number): number => (multi ? row.problem.optimum - v : v - row.problem.optimum);
  const peerBests = row.bests.get(peer);
  const peerGap = peerBests ? gap(quantile(peerBests, 0.5)) : NaN;
  const body: string[][] = [];
  for (const [sampler, bests] of row.bests) {
    const median = quantile(bests, 0.5);
    const medianGap = quantile(bests.map(gap), 0.5);
    const seconds = quantile(row.seconds.get(sampler) ?? [], 0.5);
    const vs = Number.isFinite(peerGap) ? (peerGap === 0 ? (medianGap === 0 ? '1.00x' : 'inf') : `${(medianGap / peerGap).toFixed(2)}x`) : '-';
    const cells = [sampler, fmt(median), fmt(quantile(bests, 0.25)), fmt(quantile(bests, 0.75)), fmt(medianGap), vs, seconds.toFixed(2)];
    if (multi) cells.splice(4, 0, fmt(quantile(row.tight.get(sampler) ?? [NaN], 0.5)));
    body.push(cells);
  }
  const what = multi ? 'hypervolume' : 'best';
  return {
    title: `${row.problem.name} (${row.problem.space.parameters.length}-D, ${row.trials} trials, ${multi ? `hypervolume at reference (1.1, 11), max ${fmt(row.problem.optimum)}` : `optimum ${fmt(row.problem.optimum)}`}, ${row.bests.values().next().value?.length ?? 0} seeds)`,
    head: multi
      ? ['sampler', `median ${what}`, 'q1', 'q3', 'median HV at (1.1, 1.1)', 'median gap to max', 'gap vs Optuna NSGA-II', 's/run']
      : ['sampler', `median ${what}`, 'q1', 'q3', 'median regret', 'regret vs Optuna TPE', 's/run'],
    body,
  };
}

function timingTable(rows: readonly TimingRow[]): Table {
  const counts = [...new Set(rows.flatMap((r) => [...r.seconds.keys()]))].sort((a, b) => a - b);
  const optuna = rows.find((r) => r.sampler === 'optuna-tpe');
  const body = rows.map((r) => {
    const cells = counts.map((c) => (r.seconds.has(c) ? `${((r.seconds.get(c) as number) * 1000).toFixed(2)}` : '-'));
    const mine = r.seconds.get(1000);
    const theirs = optuna?.seconds.get(1000);
    const ratio = mine !== undefined && theirs !== undefined ? `${(mine / theirs).toFixed(3)}x` : '-';
    return [r.sampler, ...cells, ratio];
  });
  return { title: 'Time per ask, ms (6-D, completed trials in the study)', head: ['sampler', ...counts.map(String), 'vs Optuna TPE at 1000'], body };
}

/** A pruner's row against no pruning: best, its gap, steps, compute share and prunes. */
function pruningCells(r: PruningRow, reference: PruningSummary['reference']): string[] {
  return [
    r.pruner,
    fmt(r.medianBest),
    `${(((r.medianBest - reference.best) / Math.abs(reference.best)) * 100).toFixed(2)}%`,
    String(Math.round(r.medianSteps)),
    `${((r.medianSteps / reference.steps) * 100).toFixed(1)}%`,
    String(Math.round(r.medianPruned)),
  ];
}

const PRUNING_HEAD = ['pruner', 'median best final', 'vs no pruning', 'median steps run', 'compute vs no pruning', 'median pruned'];

function pruningTable(p: PruningSummary): Table {
  return {
    title: `Pruning: learning-curve task, ${p.shape} curves (${p.trials} trials x ${p.steps} steps, TPE sampler, ${p.seeds} seeds, lower is better)`,
    head: PRUNING_HEAD,
    body: p.rows.map((r) => pruningCells(r, p.reference)),
  };
}

function replayTable(p: ReplaySummary): Table {
  return {
    title: `Pruning: recorded curves, ${p.runs} real runs of ${p.steps} epochs replayed in ${p.seeds} orders (lower is better; ${p.source})`,
    head: [...PRUNING_HEAD, 'median wrong prunes'],
    body: p.rows.map((r) => [...pruningCells(r, p.reference), String(Math.round(r.medianWrong))]),
  };
}

function text(t: Table): string {
  const rows = [t.head, ...t.body];
  const widths = t.head.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [`\n${t.title}`, line(t.head), ...t.body.map(line)].join('\n');
}

function markdown(t: Table): string {
  return [`\n**${t.title}**\n`, `| ${t.head.join(' | ')} |`, `|${t.head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...t.body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function formatTables(input: {
  rows: readonly ProblemRow[];
  timing: readonly TimingRow[];
  pruning: readonly PruningSummary[];
  replay: ReplaySummary | null;
  header: string;
  optunaNote: string | null;
}): { text: string; markdown: string } {
  const tables = input.rows.map(problemTable);
  if (input.timing.length > 0) tables.push(timingTable(input.timing));
  for (const p of input.pruning) tables.push(pruningTable(p));
  if (input.replay) tables.push(replayTable(input.replay));
  const note = input.optunaNote ? `\n${input.optunaNote}\n` : '';
  return {
    text: `${input.header}${note}${tables.map(text).join('\n')}`,
    markdown: `<!-- written by: npm run bench:samplers -->\n${input.header}\n${note}${tables.map(markdown).join('\n')}\n`,
  };
}
