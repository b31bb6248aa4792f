/**
 * `tunekit tune SCRIPT [options]` or `tunekit tune [options] -- COMMAND ARGS...`: runs a study
 * of the script with trials launched as separate processes, and prints the best parameters.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { createStudy } from '../../core/study/study';
import type { PrunerName, SamplerName } from '../../core/study/study';
import { DEFAULT_SAMPLER, SAMPLER_NAMES } from '../../core/samplers/sampler-factory';
import { PRUNER_NAMES, type PrunerOptions, createPruner } from '../../core/pruners/pruner-factory';
import type { Pruner } from '../../core/pruners/pruner';
import { PrunerError } from '../../core/pruners/pruner-error';
import { parsePrunerOptions } from '../pruner-options';
import { SCRIPT_ATTR, runStudy } from '../../engine/study-runner';
import type { TrialCommand } from '../../engine/study-runner';
import { recoverAbandonedTrials } from '../../engine/resume';
import { planGpus } from '../../engine/gpu/gpu-plan';
import { CliUsageError } from '../cli-error';
import type { StudyFile } from '../study-file';
import { parseDirection, proposeStudyFile, readStudyFile, studyFilePathFor, writeStudyFileOnce } from '../study-file';
import { analyzeScript } from '../../detect/analyze-script';
import { PythonSourceError } from '../../detect/python-parser';
import { InjectionError } from '../../engine/injection/injection-error';
import { checkTrialInvocation } from '../../engine/injection/trial-invocation';
import type { InjectionSpec } from '../../protocol/study-file';
import { defaultJournalPath, defaultStudyName } from '../study-location';
import { ProgressLine } from '../progress-line';
import { formatParams, formatValue } from '../format';

export const TUNE_USAGE = `tunekit tune SCRIPT [options]            tune a Python script (run with --python)
tunekit tune [options] -- COMMAND ARGS   tune any command; parameters are appended as flags

Options:
  --space FILE          study file or bare search space JSON (default: SCRIPT.tunekit.json, else
                        space.json beside SCRIPT, else a proposal from the script written to SCRIPT.tunekit.json)
  --objective METRIC    metric to optimize, as the script reports it (e.g. val_loss)
  --direction min|max   (default min)
  --trials N            trials to run now (default 20)
  --parallel K          trials at once (default 1, or one per GPU slot)
  --sampler NAME        ${SAMPLER_NAMES.join(' | ')} (default ${DEFAULT_SAMPLER})
  --pruner NAME         ${PRUNER_NAMES.join(' | ')} (default none)
  --pruner-option K=V   a pruner option, repeatable (e.g. threshold: upper=10; patient: patience=3,
                        wrapped=median; hyperband: minResource=1, reductionFactor=3;
                        extrapolate: sigmas=1.5, warmupFraction=0.1)
  --final last|best     which reported value is the trial's result (default last)
  --seed N              make the sampler reproducible
  --study NAME          study name (default: <folder>-<script>); reruns add trials to it
  --storage PATH        journal file (default: .tunekit/<study>.journal)
  --timeout S           per-trial time limit in seconds
  --grace S             seconds between SIGTERM and SIGKILL when stopping a trial (default 10)
  --gpus auto|none|0,1  GPUs to use (default auto: every GPU nvidia-smi reports)
  --gpus-per-trial N    (default 1)   --trials-per-gpu N (default 1)
  --python PATH         interpreter for .py scripts (default python3)
  --inject MODE         flags | env | globals | hydra: how parameters reach the script (default: the
                        study file's "injection", else flags; the environment always carries them too)
  --flag-style space|equals   --lr 0.1 or --lr=0.1 (default space)
  --requeue             re-run trials left running by an engine that was killed`;

/** Modes --inject can name; config mode needs its file, so it comes from the study file only. */
const CLI_INJECT_MODES = ['flags', 'env', 'globals', 'hydra'];

const OPTIONS = {
  space: { type: 'string' },
  objective: { type: 'string' },
  direction: { type: 'string' },
  trials: { type: 'string' },
  parallel: { type: 'string' },
  sampler: { type: 'string' },
  pruner: { type: 'string' },
  'pruner-option': { type: 'string', multiple: true },
  final: { type: 'string' },
  seed: { type: 'string' },
  study: { type: 'string' },
  storage: { type: 'string' },
  timeout: { type: 'string' },
  grace: { type: 'string' },
  gpus: { type: 'string' },
  'gpus-per-trial': { type: 'string' },
  'trials-per-gpu': { type: 'string' },
  python: { type: 'string' },
  inject: { type: 'string' },
  'flag-style': { type: 'string' },
  requeue: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function tuneCommand(argv: string[], out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const dashdash = argv.indexOf('--');
  const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  const rawCommand = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
  const { values, positionals } = parseArgs({ args: own, allowPositionals: true, options: OPTIONS });
  if (values.help) {
    out.write(TUNE_USAGE + '\n');
    return 0;
  }

  const sampler = oneOf(values.sampler ?? DEFAULT_SAMPLER, SAMPLER_NAMES, '--sampler') as SamplerName;
  const pruner = oneOf(values.pruner ?? 'none', PRUNER_NAMES, '--pruner') as PrunerName;
  const prunerObject = buildPruner(pruner, parsePrunerOptions(values['pruner-option'] ?? []));
  const finalValue = oneOf(values.final ?? 'last', ['last', 'best'], '--final') as 'last' | 'best';
  if (values.inject !== undefined) oneOf(values.inject, CLI_INJECT_MODES, '--inject');
  if (values['flag-style'] !== undefined) oneOf(values['flag-style'], ['space', 'equals'], '--flag-style');
  const trials = positiveInt(values.trials ?? '20', '--trials');
  const seed = values.seed === undefined ? undefined : integer(values.seed, '--seed');
  const timeoutMs = values.timeout === undefined ? undefined : positiveNumber(values.timeout, '--timeout') * 1000;
  const graceMs = (values.grace === undefined ? 10 : nonNegativeNumber(values.grace, '--grace')) * 1000;
  const gpusPerTrial = positiveInt(values['gpus-per-trial'] ?? '1', '--gpus-per-trial');
  const trialsPerGpu = positiveInt(values['trials-per-gpu'] ?? '1', '--trials-per-gpu');
  const parallelFlag = values.parallel === undefined ? undefined : positiveInt(values.parallel, '--parallel');
  const directionFlag = parseDirection(values.direction, '--direction');

  // Files last: every flag above is checked before anything is read or run.
  // The command line's script is checked before the space file is read; the study file's
  // "script" is used only when the command line names none.
  const named = positionals.length > 0 || rawCommand.length > 0 ? resolveTarget(positionals, rawCommand, undefined) : undefined;
  const given = values.space ? readStudyFile(values.space) : undefined;
  const target = named ?? resolveTarget(positionals, rawCommand, given?.script);
  const studyFile = given ?? (await findOrProposeStudyFile(target.script, { objective: values.objective, direction: directionFlag, python: values.python }, out, err));
  const command = commandFor(target, values.python ?? studyFile.python ?? 'python3');
  const objective = values.objective ?? studyFile.objective;
  if (!objective) {
    const inFile = studyFile.form === 'study' ? `, or set "objective" in ${studyFile.path}` : '';
    throw new CliUsageError(`name the metric to optimize with --objective METRIC (as the script prints it, e.g. val_loss)${inFile}`);
  }
  const direction = directionFlag ?? studyFile.direction ?? 'minimize';
  const injection = chooseInjection(values.inject, values['flag-style'], studyFile.injection);
  const fixed = studyFile.fixed;
  try {
    await checkTrialInvocation(injection, command.trialCommand, [...studyFile.space.parameters.map((p) => p.name), ...Object.keys(fixed)]);
  } catch (e) {
    if (InjectionError.is(e)) throw new CliUsageError(`cannot pass the parameters to the script: ${e.message}`);
    throw e;
  }

  const gpuPlan = await planGpus({ gpus: values.gpus ?? 'auto', gpusPerTrial, trialsPerGpu });
  for (const note of gpuPlan.notes) err.write(`${note}\n`);
  const parallel = parallelFlag ?? gpuPlan.allocator?.capacity ?? 1;

  const studyName = values.study ?? studyNameFor(command);
  const journal = path.resolve(values.storage ?? defaultJournalPath(studyName));
  const warn = (m: string): void => void err.write(`warning: ${m}\n`);
  const study = createStudy({ space: studyFile.space, direction, sampler, pruner: prunerObject, storage: journal, studyName, onWarning: warn, ...(seed === undefined ? {} : { seed }) });
  if (target.script) study.setUserAttr(SCRIPT_ATTR, target.script);

  for (const r of recoverAbandonedTrials(study, { requeue: values.requeue === true, journalPath: journal })) {
    warn(`trial ${r.number} was left running by an engine that died; marked failed${r.requeuedAs === undefined ? '' : `, queued again as trial ${r.requeuedAs}`}`);
  }

  out.write(`study ${studyName}: ${trials} trials, ${parallel} at a time, ${direction} ${objective}, sampler ${sampler}, pruner ${pruner}\n`);
  out.write(`journal ${journal}\n`);

  const stop = new AbortController();
  const force = new AbortController();
  const onSigint = (): void => {
    if (stop.signal.aborted) {
      err.write('\nkilling trials now\n');
      force.abort();
      return;
    }
    err.write('\nstopping: running trials get SIGTERM, then SIGKILL (Ctrl-C again to kill now)\n');
    stop.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const progress = new ProgressLine(out, trials, objective, direction);
  let summary;
  try {
    summary = await runStudy({
      study,
      journalPath: journal,
      command: { ...command.trialCommand, injection, fixed },
      objective,
      finalValue,
      trials,
      parallel,
      graceMs,
      gpus: gpuPlan.allocator,
      signal: stop.signal,
      forceSignal: force.signal,
      onEvent: (e) => progress.handle(e),
      ...(timeoutMs === undefined ? {} : { trialTimeoutMs: timeoutMs }),
    });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    progress.finish();
  }

  study.sync();
  out.write(`\n${summary.complete} complete, ${summary.pruned} pruned, ${summary.failed} failed of ${summary.started} trials run now (${study.trials.length} in the study)\n`);
  const best = study.bestTrial;
  if (best) {
    out.write(`best trial ${best.number}: ${objective}=${formatValue(best.values?.[0])}\n`);
    out.write(`best parameters: ${formatParams(best.params)}\n`);
  }
  out.write(`details: tunekit show ${values.storage ? `${journal} --study ${studyName}` : studyName}\n`);
  if (summary.interrupted) return 130;
  if (!best) {
    err.write('tunekit: no trial completed; the failure reasons are listed above and in `tunekit show`\n');
    return 1;
  }
  return 0;
}

interface ResolvedCommand {
  readonly script?: string;
  readonly trialCommand: Pick<TrialCommand, 'file' | 'args' | 'cwd'>;
}

/** What to tune: a script (absolute), or a raw command given after `--`. */
interface Target {
  readonly script?: string;
  readonly raw?: readonly string[];
}

function resolveTarget(positionals: string[], raw: string[], scriptFromStudyFile: string | undefined): Target {
  if (raw.length > 0) {
    if (positionals.length > 0) throw new CliUsageError(`give either SCRIPT or -- COMMAND, not both (got ${positionals.join(' ')} and -- ${raw.join(' ')})`);
    return { raw };
  }
  const script = positionals[0];
  if (positionals.length > 1) throw new CliUsageError(`unexpected arguments after ${script}: ${positionals.slice(1).join(' ')} (put a raw command after --)`);
  if (!script) {
    if (scriptFromStudyFile) {
      if (!fs.existsSync(scriptFromStudyFile)) throw new CliUsageError(`script not found: ${scriptFromStudyFile} (named by "script" in the --space file)`);
      return { script: scriptFromStudyFile };
    }
    throw new CliUsageError(`name the script to tune.\n\n${TUNE_USAGE}`);
  }
  const absolute = path.resolve(script);
  if (!fs.existsSync(absolute)) throw new CliUsageError(`script not found: ${script}`);
  return { script: absolute };
}

function commandFor(target: Target, python: string): ResolvedCommand {
  const cwd = process.cwd();
  if (target.raw) return { trialCommand: { file: target.raw[0] as string, args: target.raw.slice(1), cwd } };
  const script = target.script as string;
  if (script.endsWith('.py')) return { script, trialCommand: { file: python, args: [script], cwd } };
  return { script, trialCommand: { file: script, args: [], cwd } };
}

/**
 * The study file for a script run without --space: `<script>.tunekit.json` beside it, else the
 * folder's space.json, else a proposal from the script's analysis, written to
 * `<script>.tunekit.json` for the user to read and edit (never over an existing file).
 */
async function findOrProposeStudyFile(
  script: string | undefined,
  options: { objective?: string; direction?: 'minimize' | 'maximize'; python?: string },
  out: NodeJS.WriteStream,
  err: NodeJS.WriteStream,
): Promise<StudyFile> {
  const legacy = script ? path.join(path.dirname(script), 'space.json') : undefined;
  if (!script) {
    throw new CliUsageError('no search space: pass --space FILE (a raw command after -- has no script to propose one from). See examples/quickstart/space.json for the format.');
  }
  const own = studyFilePathFor(script);
  if (fs.existsSync(own)) {
    out.write(`study file ${own}\n`);
    return readStudyFile(own);
  }
  if (legacy && fs.existsSync(legacy)) return readStudyFile(legacy);
  const none = (why: string): CliUsageError =>
    new CliUsageError(`no search space: pass --space FILE (${why}, and ${legacy} does not exist). See examples/quickstart/space.json for the format.`);
  if (!script.endsWith('.py')) throw none(`Tunekit proposes a space only for Python scripts, not ${path.basename(script)}`);

  let analysis;
  try {
    analysis = await analyzeScript(script);
  } catch (e) {
    if (PythonSourceError.is(e)) throw new CliUsageError(e.message);
    throw e;
  }
  for (const problem of analysis.problems) err.write(`warning: ${problem}\n`);
  const proposed = proposeStudyFile(analysis, { studyFile: own, ...options });
  const names = Object.keys(proposed.content.space);
  if (names.length === 0) throw none(`Tunekit found no hyperparameters to tune in ${path.basename(script)}`);
  if (writeStudyFileOnce(own, proposed.content)) {
    const fixedNames = Object.keys(proposed.content.fixed ?? {});
    out.write(
      `proposed a search space from ${path.basename(script)}: ${names.join(', ')}` +
        (fixedNames.length > 0 ? `; fixed: ${fixedNames.join(', ')}` : '') +
        `\nparameters reach the script as ${proposed.injectionDescription}\n` +
        `wrote ${own} (edit its ranges and rerun to change them; every reason is in its "reasons")\n`,
    );
  } else {
    out.write(`study file ${own}\n`);
  }
  return readStudyFile(own);
}

/** --inject and --flag-style win over the study file's injection; flag bindings survive a style change. */
function chooseInjection(inject: string | undefined, flagStyle: string | undefined, fromFile: InjectionSpec | undefined): InjectionSpec {
  const style = flagStyle as 'space' | 'equals' | undefined;
  const mode = inject ?? fromFile?.mode ?? 'flags';
  if (mode === 'flags') {
    const bindings = fromFile?.mode === 'flags' ? fromFile : undefined;
    return { mode: 'flags', style: style ?? bindings?.style ?? 'space', ...(bindings?.params ? { params: bindings.params } : {}) };
  }
  if (fromFile && fromFile.mode === mode) return fromFile;
  if (mode === 'env' || mode === 'globals' || mode === 'hydra') return { mode };
  throw new CliUsageError('--inject config needs the config file: set "injection": { "mode": "config", "file": "config.yaml" } in the study file');
}

function studyNameFor(command: ResolvedCommand): string {
  return command.script ? defaultStudyName(command.script) : path.basename(command.trialCommand.file).replace(/\.\w+$/, '');
}

/** The pruner, its option errors (a typo, a value out of range) as usage errors naming the flag. */
function buildPruner(name: PrunerName, options: PrunerOptions): Pruner {
  try {
    return createPruner(name, options);
  } catch (e) {
    if (PrunerError.is(e)) throw new CliUsageError(`--pruner ${name}: ${e.message}`);
    throw e;
  }
}

function oneOf(value: string, allowed: readonly string[], flag: string): string {
  if (!allowed.includes(value)) throw new CliUsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value;
}

function integer(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliUsageError(`${flag} needs an integer, got "${value}"`);
  return n;
}

function positiveInt(value: string, flag: string): number {
  const n = integer(value, flag);
  if (n < 1) throw new CliUsageError(`${flag} must be at least 1, got ${n}`);
  return n;
}

function positiveNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new CliUsageError(`${flag} needs a positive number of seconds, got "${value}"`);
  return n;
}

function nonNegativeNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new CliUsageError(`${flag} needs a number of seconds, got "${value}"`);
  return n;
}
