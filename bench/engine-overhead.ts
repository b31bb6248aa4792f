/**
 * Per-trial overhead of the engine (ask, inject, spawn a process group, parse stdout, report,
 * record in the journal, tell) against a bare execa spawn of the same command, side by side in
 * one run on this machine.
 *
 *   npm run bench            (or: npx tsx bench/engine-overhead.ts [trials])
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { createStudy } from '../src/core/study/study';
import { runStudy } from '../src/engine/study-runner';

const TRIALS = Number(process.argv[2] ?? 40);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-bench-'));
const script = path.join(dir, 'train.py');
fs.writeFileSync(script, 'import sys\nfor i in range(int(sys.argv[sys.argv.index("--steps") + 1])):\n    print(f"epoch {i} loss={1.0 / (i + 1)}")\n');

interface Case {
  name: string;
  file: string;
  args: string[];
}
const cases: Case[] = [
  { name: 'echo, 1 metric line', file: '/bin/echo', args: ['loss=0.5'] },
  { name: 'python3, 10 metric lines', file: 'python3', args: [script, '--steps', '10'] },
  { name: 'python3, 1000 metric lines', file: 'python3', args: [script, '--steps', '1000'] },
];

function stats(ms: number[]): { median: number; mean: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] as number, mean: ms.reduce((a, b) => a + b, 0) / ms.length };
}

async function bare(c: Case): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const t0 = performance.now();
    await execa(c.file, [...c.args, '--x', '0.5']);
    times.push(performance.now() - t0);
  }
  return times;
}

async function engine(c: Case, index: number): Promise<number[]> {
  const journal = path.join(dir, `case-${index}.journal`);
  const study = createStudy({ space: { x: { type: 'float', low: 0, high: 1 } }, sampler: 'tpe', seed: 1, storage: journal, studyName: 'bench' });
  const times: number[] = [];
  let started = 0;
  await runStudy({
    study,
    journalPath: journal,
    command: { file: c.file, args: c.args, cwd: dir, inject: 'flags' },
    objective: 'loss',
    finalValue: 'last',
    trials: TRIALS,
    parallel: 1,
    graceMs: 1000,
    gpus: null,
    onEvent: (e) => {
      if (e.type === 'trial-started') started = performance.now();
      if (e.type === 'trial-finished') times.push(performance.now() - started);
    },
  });
  const failed = study.trials.filter((t) => t.state !== 'complete').length;
  if (failed) throw new Error(`${failed} trials did not complete in the engine run of "${c.name}"`);
  return times;
}

async function main(): Promise<void> {
  console.log(`engine overhead per trial, ${TRIALS} sequential trials per case, node ${process.version}, ${os.cpus().length} cores`);
  console.log('(engine time: from the trial-started event, after ask, to trial-finished, after tell)');
  const rows: string[][] = [];
  for (const [i, c] of cases.entries()) {
    await bare(c); // warm the page cache and Python's bytecode cache
    const b = stats(await bare(c));
    const e = stats(await engine(c, i));
    rows.push([c.name, b.median.toFixed(1), e.median.toFixed(1), (e.median - b.median).toFixed(1), b.mean.toFixed(1), e.mean.toFixed(1)]);
  }
  const header = ['command', 'bare median ms', 'engine median ms', 'overhead ms', 'bare mean', 'engine mean'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padStart(widths[i] as number)).join('  '));
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
