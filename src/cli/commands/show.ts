/** `tunekit show NAME|PATH [--storage PATH] [--study NAME] [--json]`: a study's trials, states and best. */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Study } from '../../core/study/study';
import { FAIL_REASON_ATTR, loadStudy } from '../../core/study/study';
import type { FrozenTrial } from '../../core/study/trial';
import { CliUsageError } from '../cli-error';
import { formatParam, formatParams, formatTable, formatValue } from '../format';
import { resolveStudyArgument } from '../study-location';
import { OBJECTIVE_ATTR } from '../../engine/study-runner';

export const SHOW_USAGE = `tunekit show NAME|JOURNAL [--study NAME] [--storage PATH] [--json]

Shows a study: every trial with its state, value, duration and parameters, and the best trial.
NAME is a study under .tunekit/ in this folder; JOURNAL is any journal file, Optuna's included.`;

export function showCommand(argv: string[], out: NodeJS.WriteStream): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { study: { type: 'string' }, storage: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out.write(SHOW_USAGE + '\n');
    return 0;
  }
  const target = positionals[0];
  if (!target) throw new CliUsageError(`name a study or a journal file.\n\n${SHOW_USAGE}`);
  const where = resolveStudyArgument(target, values.storage);
  if (!fs.existsSync(where.journal)) throw new CliUsageError(`no study at ${where.journal}: run \`tunekit tune\` first, or pass a journal path`);
  const studyName = values.study ?? where.studyName;
  const study = loadStudy({ storage: where.journal, ...(studyName ? { studyName } : {}), onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
  out.write((values.json ? JSON.stringify(studyToJson(study), null, 2) : renderStudy(study)) + '\n');
  study.close();
  return 0;
}

function durationSeconds(t: FrozenTrial): number | null {
  return t.datetimeStart && t.datetimeComplete ? (t.datetimeComplete.getTime() - t.datetimeStart.getTime()) / 1000 : null;
}

function best(study: Study): FrozenTrial[] {
  return study.directions.length === 1 ? [study.bestTrial].filter((t): t is FrozenTrial => t !== undefined) : study.bestTrials;
}

function studyToJson(study: Study): unknown {
  const counts: Record<string, number> = {};
  for (const t of study.trials) counts[t.state] = (counts[t.state] ?? 0) + 1;
  const trialJson = (t: FrozenTrial): unknown => ({
    number: t.number,
    state: t.state,
    values: t.values,
    params: t.params,
    intermediateValues: Object.fromEntries(t.intermediateValues),
    durationSeconds: durationSeconds(t),
    userAttrs: t.userAttrs,
    ...(t.systemAttrs[FAIL_REASON_ATTR] ? { failReason: t.systemAttrs[FAIL_REASON_ATTR] } : {}),
  });
  return {
    study: study.name,
    journal: study.location,
    directions: study.directions,
    objective: study.userAttrs[OBJECTIVE_ATTR] ?? null,
    counts,
    best: best(study).map(trialJson),
    trials: study.trials.map(trialJson),
  };
}

function renderStudy(study: Study): string {
  const objective = typeof study.userAttrs[OBJECTIVE_ATTR] === 'string' ? (study.userAttrs[OBJECTIVE_ATTR] as string) : 'value';
  const counts = new Map<string, number>();
  for (const t of study.trials) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  const names = study.space.parameters.map((p) => p.name);
  const rows = study.trials.map((t) => {
    const d = durationSeconds(t);
    const reason = t.systemAttrs[FAIL_REASON_ATTR];
    return [
      String(t.number),
      t.state,
      t.values ? t.values.map((v) => formatValue(v)).join(', ') : typeof reason === 'string' ? truncate(reason, 40) : '-',
      d === null ? '-' : `${d.toFixed(1)}s`,
      ...names.map((n) => (n in t.params ? formatParam(t.params[n] ?? null) : '')),
    ];
  });
  const lines = [
    `study ${study.name} (${study.directions.join(', ')} ${objective}) in ${study.location}`,
    `${study.trials.length} trials: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'none yet'}`,
    '',
    formatTable(['#', 'state', objective, 'time', ...names], rows),
  ];
  for (const t of best(study)) lines.push('', `best trial ${t.number}: ${objective}=${t.values?.map((v) => formatValue(v)).join(', ')}`, `  ${formatParams(t.params)}`);
  return lines.join('\n');
}

function truncate(s: string, n: number): string {
  const oneLine = s.replace(/\s+/g, ' ');
  return oneLine.length > n ? oneLine.slice(0, n - 1) + '…' : oneLine;
}
