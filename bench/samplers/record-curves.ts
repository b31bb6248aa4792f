/**
 * Records the learning curves of a finished study as the pruning bench's "recorded curves"
 * task (pruning-replay.ts): real training runs, with their noise and their late drops, that no
 * synthetic family stands in for.
 *
 *   npx tsx bench/samplers/record-curves.ts JOURNAL STUDY OUT.json "how the study was made"
 *
 * bench/samplers/data/quickstart-curves.json was made in a scratch folder holding a copy of
 * examples/quickstart/train.py with
 *   tunekit tune train.py --objective val_loss --direction min --trials 200 --parallel 2
 *                         --seed 5 --sampler random --pruner none
 * (random search, so the set is not shaped by any sampler's taste).
 */
import * as fs from 'node:fs';
import { loadStudy } from '../../src/core/study/study';

export interface RecordedCurves {
  readonly source: string;
  readonly direction: 'minimize' | 'maximize';
  /** One curve per completed trial, values at steps 0, 1, ... in order; the last is the trial's result. */
  readonly curves: readonly (readonly number[])[];
}

function main(): void {
  const [journal, studyName, out, source] = process.argv.slice(2);
  if (!journal || !studyName || !out || !source) throw new Error('usage: record-curves.ts JOURNAL STUDY OUT.json "how the study was made"');
  const study = loadStudy({ storage: journal, studyName, sampler: 'random', pruner: 'none' });
  const curves: number[][] = [];
  for (const t of study.trials) {
    if (t.state !== 'complete') continue;
    const points = [...t.intermediateValues].sort((a, b) => a[0] - b[0]);
    if (points.some(([, v]) => !Number.isFinite(v))) continue;
    curves.push(points.map(([, v]) => Number(v.toPrecision(6))));
  }
  const recorded: RecordedCurves = { source, direction: study.directions[0] ?? 'minimize', curves };
  fs.writeFileSync(out, `${JSON.stringify(recorded)}\n`);
  console.log(`${curves.length} curves written to ${out}`);
}

main();
