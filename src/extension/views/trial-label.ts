/**
 * How a study and its trials read in the Studies view: icons by state, the description beside
 * the label (objective value, duration), the tooltip (parameters, why a trial failed) and the
 * contextValue that package.json's menus key their inline actions on. Pure, so the wording is
 * unit-tested without VS Code.
 */
import type { FrozenTrial, TrialState } from '../../core/study/trial';
import { lastStep } from '../../core/study/trial';
import { FAIL_REASON_ATTR } from '../../core/study/study';
import { formatParam, formatValue } from '../../cli/format';

/** A ThemeIcon id and the theme colour id to draw it in. */
export interface IconSpec {
  readonly id: string;
  readonly color?: string;
}

export function trialIcon(state: TrialState): IconSpec {
  switch (state) {
    case 'running':
      return { id: 'sync~spin', color: 'charts.blue' };
    case 'complete':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'pruned':
      return { id: 'circle-slash', color: 'disabledForeground' };
    case 'fail':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'waiting':
      return { id: 'clock' };
  }
}

/** Matches the `viewItem` conditions in package.json's view/item/context menus. */
export function trialContextValue(state: TrialState): string {
  return `trial-${state}`;
}

export function studyContextValue(running: boolean): string {
  return running ? 'study-running' : 'study';
}

export function trialLabel(trial: FrozenTrial, best: boolean): string {
  return `Trial ${trial.number}${best ? ' ★' : ''}`;
}

const STATE_WORDS: Readonly<Record<TrialState, string>> = {
  running: 'running',
  complete: 'complete',
  pruned: 'pruned',
  fail: 'failed',
  waiting: 'queued',
};

/** "0.2134 · 1 m 12 s", "step 4: 0.31 · 12 s", "failed · 3 s", "queued". */
export function trialDescription(trial: FrozenTrial, now: number): string {
  const parts: string[] = [];
  const step = lastStep(trial);
  const latest = step === undefined ? undefined : `step ${step}: ${formatValue(trial.intermediateValues.get(step))}`;
  switch (trial.state) {
    case 'complete':
      parts.push(trial.values ? trial.values.map((v) => formatValue(v)).join(', ') : 'complete');
      break;
    case 'running':
      parts.push(latest ?? 'starting');
      break;
    case 'pruned':
      parts.push(latest ? `pruned at ${latest}` : 'pruned');
      break;
    case 'fail':
      parts.push('failed');
      break;
    case 'waiting':
      return 'queued';
  }
  const duration = trialDurationMs(trial, now);
  if (duration !== undefined) parts.push(formatDuration(duration));
  return parts.join(' · ');
}

/** Until now for a running trial; undefined when the journal has no start time. */
export function trialDurationMs(trial: FrozenTrial, now: number): number | undefined {
  if (!trial.datetimeStart) return undefined;
  const end = trial.datetimeComplete?.getTime() ?? (trial.state === 'running' ? now : undefined);
  return end === undefined ? undefined : Math.max(0, end - trial.datetimeStart.getTime());
}

/** "850 ms", "12 s", "1 m 12 s", "2 h 03 m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${s % 60} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} m`;
}

export function failReason(trial: FrozenTrial): string | undefined {
  const reason = trial.systemAttrs[FAIL_REASON_ATTR];
  return typeof reason === 'string' ? reason : undefined;
}

/** Markdown: the state, the objective value(s), the parameters, and why it failed. */
export function trialTooltip(trial: FrozenTrial, objectives: readonly string[], now: number): string {
  const lines = [`**Trial ${trial.number}**: ${STATE_WORDS[trial.state]}`, ''];
  if (trial.values) {
    trial.values.forEach((v, i) => lines.push(`- ${code(objectives[i] ?? `objective ${i}`)} = ${code(formatValue(v))}`));
  }
  const step = lastStep(trial);
  if (step !== undefined && trial.state !== 'complete') lines.push(`- last report: step ${step}, ${code(formatValue(trial.intermediateValues.get(step)))}`);
  const duration = trialDurationMs(trial, now);
  if (duration !== undefined) lines.push(`- duration: ${formatDuration(duration)}`);
  const params = Object.entries(trial.params);
  if (params.length > 0) {
    lines.push('', '**Parameters**', '');
    for (const [name, value] of params) lines.push(`- ${code(name)} = ${code(formatParam(value))}`);
  }
  const reason = failReason(trial);
  if (trial.state === 'fail' && reason) lines.push('', `**Failed:** ${escapeMarkdown(reason)}`);
  return lines.join('\n');
}

export interface StudyCounts {
  readonly total: number;
  readonly complete: number;
  readonly running: number;
  readonly pruned: number;
  readonly fail: number;
  readonly waiting: number;
}

export function countTrials(trials: readonly FrozenTrial[]): StudyCounts {
  const counts = { total: trials.length, complete: 0, running: 0, pruned: 0, fail: 0, waiting: 0 };
  for (const t of trials) counts[t.state]++;
  return counts;
}

/** "12 trials · best 0.213 · 2 running". */
export function studyDescription(counts: StudyCounts, best: number | undefined, running: boolean): string {
  const parts = [`${counts.total} trial${counts.total === 1 ? '' : 's'}`];
  if (best !== undefined) parts.push(`best ${formatValue(best)}`);
  if (counts.running > 0) parts.push(`${counts.running} running`);
  else if (running) parts.push('running');
  return parts.join(' · ');
}

/** A code span that survives any text: backticks inside become quotes. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}
