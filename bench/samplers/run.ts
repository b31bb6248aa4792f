/**
 * Tunekit's samplers and pruners against Optuna's, side by side in one run.
 *
 *   npm run bench:samplers -- [--seeds 20] [--trials 100] [--only auto,tpe,...] [--problems a,b]
 *                             [--jobs N] [--no-timing] [--no-pruning] [--no-optuna] [--out FILE]
 *
 * Tunekit runs in-process (or in --jobs worker processes); Optuna runs through Debian's
 * /usr/bin/python3 (optuna_runner.py), one process per problem and sampler, and is skipped with
 * a message where it is not installed. Prints the tables and writes them as Markdown to
 * bench/results/samplers.md (or --out).
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/core/random/rng';
import { sampleUniform } from '../../src/core/samplers/random';
import type { ParamValue } from '../../src/core/space/distributions';
import { defaultSamplerSpecs, isMultiObjectiveCapable } from './bench-samplers';
import { CURVE_SHAPES } from './learning-curves';
import { PROBLEMS, type Problem } from './problems';
import { type PruningSummary, runPruned, runPruningBench } from './pruning';
import { runReplayBench } from './pruning-replay';
import { PRUNER_NAMES } from '../../src/core/pruners/pruner-factory';
import type { PruningTask } from './worker';
import { type ProblemRow, type TimingRow, formatTables } from './report';
import { type RunResult, type RunTask, runStudy } from './run-study';
import { timeAsks } from './timing';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const TIMING_COUNTS = [100, 500, 1000, 2000];
const TIMING_DIMS = 6;
/** GP asks grow cubically with the history; past these counts the bench does not time it. */
const GP_TIMING_LIMIT = 500;

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    trials: { type: 'string', default: '100' },
    only: { type: 'string' },
    problems: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    'optuna-samplers': { type: 'string', default: 'tpe,cmaes,nsga2' },
    'no-timing': { type: 'boolean', default: false },
    'no-pruning': { type: 'boolean', default: false },
    'no-optuna': { type: 'boolean', default: false },
    'optuna-mo-tpe': { type: 'boolean', default: false },
    'timing-asks': { type: 'string', default: '9' },
    out: { type: 'string', default: path.join(here, '..', 'results', 'samplers.md') },
  },
});

const nSeeds = Number(args.seeds);
const trialsSingle = Number(args.trials);
const jobs = Math.max(1, Number(args.jobs));
const samplerSpecs = args.only ? splitTopLevel(args.only) : defaultSamplerSpecs();
const problems = args.problems ? PROBLEMS.filter((p) => (args.problems as string).split(',').includes(p.name)) : PROBLEMS;
const seeds = Array.from({ length: nSeeds }, (_, i) => i);

/** Splits a,b{"x":1,"y":2},c at the commas outside braces. */
function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  out.push(list.slice(start));
  return out.filter(Boolean);
}

/** Single-objective problems run --trials trials; the multi-objective ones keep their 300 (or 3x --trials). */
function trialsFor(problem: Problem): number {
  return problem.directions.length === 1 ? trialsSingle : Math.round((problem.trials / 100) * trialsSingle);
}

function optunaAvailable(): string | null {
  if (args['no-optuna']) return 'Optuna skipped (--no-optuna)';
  if (!fs.existsSync(PYTHON)) return `Optuna skipped: ${PYTHON} not found (Debian: apt-get install python3-optuna)`;
  const probe = spawnSyncText(PYTHON, ['-c', 'import optuna, cmaes; print(optuna.__version__)']);
  return probe.ok ? null : `Optuna skipped: ${PYTHON} cannot import optuna and cmaes (Debian: apt-get install python3-optuna python3-cmaes)\n${probe.text}`;
}

function spawnSyncText(cmd: string, argv: string[]): { ok: boolean; text: string } {
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  return { ok: r.status === 0, text: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** Runs one optuna_runner.py job; rejects with its stderr on failure. */
export function runOptuna(job: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [path.join(here, 'optuna_runner.py')], { stdio: ['pipe', 'pipe', 'pipe'], cwd: here });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`optuna_runner.py exited ${code}: ${err.trim()}`));
      try {
        resolve((JSON.parse(out) as { result: unknown }).result);
      } catch {
        reject(new Error(`optuna_runner.py printed no JSON: ${out.slice(0, 200)} ${err.slice(0, 500)}`));
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}

/** A few points per problem evaluated here, for optuna_runner.py to check its copy against. */
function checkPoints(): { problem: string; params: Record<string, ParamValue>; values: number[] }[] {
  const rng = new Rng(7);
  return PROBLEMS.flatMap((p) =>
    Array.from({ length: 3 }, () => {
      const params: Record<string, ParamValue> = {};
      for (const spec of p.space.parameters) params[spec.name] = sampleUniform(spec.distribution, rng);
      return { problem: p.name, params, values: p.evaluate(params) };
    }),
  );
}

/** A pool of `jobs` slots shared by Tunekit worker processes and Optuna processes. */
class Pool {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((r) => this.queue.push(r));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

/** Tunekit runs in one reusable child per pool slot. */
class Workers {
  private readonly idle: ReturnType<typeof fork>[] = [];
  take(): ReturnType<typeof fork> {
    return this.idle.pop() ?? fork(path.join(here, 'worker.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }
  give(child: ReturnType<typeof fork>): void {
    this.idle.push(child);
  }
  close(): void {
    for (const c of this.idle) c.send({ stop: true });
  }
  run<T>(task: RunTask | PruningTask): Promise<T> {
    const child = this.take();
    return new Promise((resolve, reject) => {
      child.once('message', (msg: { ok: boolean; result?: T; error?: string }) => {
        this.give(child);
        if (msg.ok) resolve(msg.result as T);
        else reject(new Error(`${JSON.stringify(task)}: ${msg.error}`));
      });
      child.send(task);
    });
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const pool = new Pool(jobs);
  const workers = new Workers();
  const skipOptuna = optunaAvailable();
  if (skipOptuna) console.log(skipOptuna);
  const optunaSamplers = (args['optuna-samplers'] as string).split(',').filter(Boolean);
  const check = checkPoints();

  const tunekitRuns: Promise<RunResult>[] = [];
  const optunaRuns: Promise<{ problem: string; sampler: string; results: { seed: number; best: number | null; tight?: number; seconds: number }[] }>[] = [];
  let done = 0;
  let total = 0;
  const progress = (): void => {
    done++;
    if (process.stdout.isTTY) process.stdout.write(`\r${done}/${total} runs`);
  };
  for (const problem of problems) {
    const multi = problem.directions.length > 1;
    for (const spec of samplerSpecs) {
      if (multi && !isMultiObjectiveCapable(spec)) continue;
      for (const seed of seeds) {
        const task: RunTask = { problem: problem.name, sampler: spec, seed, trials: trialsFor(problem) };
        total++;
        tunekitRuns.push(pool.run(async () => (jobs === 1 ? runStudy(task) : workers.run<RunResult>(task))).then((r) => (progress(), r)));
      }
    }
    if (!skipOptuna) {
      for (const sampler of optunaSamplers) {
        if (sampler === 'nsga2' && !multi) continue;
        if (sampler === 'cmaes' && multi) continue;
        // Optuna 3.1's multi-objective TPE takes minutes per 300-trial run here; NSGA-II is the peer.
        if (sampler === 'tpe' && multi && !args['optuna-mo-tpe']) continue;
        total++;
        optunaRuns.push(
          pool
            .run(() => runOptuna({ kind: 'study', problem: problem.name, sampler, seeds, trials: trialsFor(problem), check }))
            .then((results) => (progress(), { problem: problem.name, sampler: `optuna-${sampler}`, results: results as { seed: number; best: number | null; tight?: number; seconds: number }[] })),
        );
      }
    }
  }

  const pruningPromise: Promise<PruningSummary[]> = args['no-pruning'] ? Promise.resolve([]) : Promise.all(CURVE_SHAPES.map((shape) => runPruningBench({
        shape,
        seeds,
        pool,
        optuna: skipOptuna ? null : runOptuna,
        runOne: (spec, seed) => (jobs === 1 ? Promise.resolve(runPruned(spec, seed, shape)) : workers.run({ pruning: spec, seed, shape })),
      })));

  const results = await Promise.all(tunekitRuns);
  const optuna = await Promise.all(optunaRuns);
  const pruning = await pruningPromise;
  workers.close();
  const replay = args['no-pruning'] ? null : runReplayBench(PRUNER_NAMES, seeds);
  if (process.stdout.isTTY) process.stdout.write('\n');

  const rows: ProblemRow[] = [];
  for (const problem of problems) {
    const bySampler = new Map<string, number[]>();
    const seconds = new Map<string, number[]>();
    const tight = new Map<string, number[]>();
    for (const r of results.filter((x) => x.problem === problem.name)) {
      bySampler.set(r.sampler, [...(bySampler.get(r.sampler) ?? []), r.best]);
      if (r.tight !== undefined) tight.set(r.sampler, [...(tight.get(r.sampler) ?? []), r.tight]);
      seconds.set(r.sampler, [...(seconds.get(r.sampler) ?? []), r.seconds]);
    }
    for (const o of optuna.filter((x) => x.problem === problem.name)) {
      bySampler.set(o.sampler, o.results.map((r) => r.best ?? Infinity));
      seconds.set(o.sampler, o.results.map((r) => r.seconds));
      if (o.results.some((r) => r.tight !== undefined)) tight.set(o.sampler, o.results.map((r) => r.tight ?? 0));
    }
    rows.push({ problem, trials: trialsFor(problem), bests: bySampler, seconds, tight });
  }

  let timing: TimingRow[] = [];
  if (!args['no-timing']) timing = await runTiming(skipOptuna === null);

  const wall = (performance.now() - t0) / 1000;
  const header = `seeds ${nSeeds}, ${trialsSingle} trials (${Math.round(3 * trialsSingle)} for ZDT), ${os.cpus().length} CPUs, --jobs ${jobs}, wall ${wall.toFixed(0)} s`;
  const { text, markdown } = formatTables({ rows, timing, pruning, replay, header, optunaNote: skipOptuna });
  console.log(text);
  fs.mkdirSync(path.dirname(args.out as string), { recursive: true });
  fs.writeFileSync(args.out as string, markdown);
  console.log(`\nwritten to ${path.relative(process.cwd(), args.out as string)}`);
}

/** Time per ask at 100 ... 2,000 completed trials (6-D) for Tunekit's samplers and Optuna's TPE. */
async function runTiming(withOptuna: boolean): Promise<TimingRow[]> {
  const asks = Number(args['timing-asks']);
  const rows: TimingRow[] = [];
  const specs = ['tpe', 'gp', 'auto'].filter((s) => defaultSamplerSpecs().includes(s));
  for (const spec of specs) {
    const perCount = new Map<number, number>();
    for (const count of TIMING_COUNTS) {
      if (spec === 'gp' && count > GP_TIMING_LIMIT) continue;
      // GP's 300-trial figure is one of the targets.
      perCount.set(count, timeAsks(spec, TIMING_DIMS, count, asks));
      if (spec === 'gp' && count === 100) perCount.set(300, timeAsks(spec, TIMING_DIMS, 300, asks));
    }
    rows.push({ sampler: spec, seconds: perCount });
  }
  if (withOptuna) {
    const result = (await runOptuna({ kind: 'timing', dims: TIMING_DIMS, counts: TIMING_COUNTS, asks })) as Record<string, number>;
    rows.push({ sampler: 'optuna-tpe', seconds: new Map(Object.entries(result).map(([k, v]) => [Number(k), v])) });
  }
  return rows;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  // Worker processes exit with their parent's IPC channel.
  process.exit(1);
});
