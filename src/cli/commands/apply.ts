/**
 * `tunekit apply NAME|JOURNAL [--trial N] [--dry-run] [--script PATH]`: writes a trial's
 * parameters (the best trial by default) into the script and its config files as their new
 * defaults, so running the script plain reproduces the trial. Files are only written whole
 * (a temporary file beside, then a rename) and only when they still hold the text the edits
 * were planned against.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadStudy } from '../../core/study/study';
import type { Study } from '../../core/study/study';
import type { FrozenTrial } from '../../core/study/trial';
import { analyzeScript } from '../../detect/analyze-script';
import type { ApplyPlan, ApplyRefusal, PlannedChange } from '../../detect/apply/plan-apply';
import { planApply } from '../../detect/apply/plan-apply';
import { unifiedDiff } from '../../detect/apply/unified-diff';
import { PythonSourceError, readPythonSource } from '../../detect/python-parser';
import { chooseTrial, isTrialChoiceProblem, syntaxErrorsAddedByEdit } from '../../detect/apply/trial-choice';
import { applyEdits } from '../../detect/text-edit';
import { OBJECTIVE_ATTR, SCRIPT_ATTR } from '../../engine/study-runner';
import { CliUsageError } from '../cli-error';
import { formatValue } from '../format';
import { resolveStudyArgument } from '../study-location';

export const APPLY_USAGE = `tunekit apply NAME|JOURNAL [--trial N] [--dry-run] [--script PATH] [--study NAME] [--storage PATH]

Writes a trial's parameters (the best trial by default) into the tuned script as its defaults:
argparse / click / typer / absl defaults, module constants, dataclass fields, and the YAML /
JSON config files the script loads. Only the values change; formatting and comments stay.
  --trial N       apply trial N instead of the best (it must be complete)
  --dry-run       print the changes as a unified diff; write nothing
  --script PATH   the script, where the study does not record it`;

export async function applyCommand(argv: string[], out: NodeJS.WriteStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      trial: { type: 'string' },
      'dry-run': { type: 'boolean' },
      script: { type: 'string' },
      study: { type: 'string' },
      storage: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out.write(APPLY_USAGE + '\n');
    return 0;
  }
  const target = positionals[0];
  if (!target) throw new CliUsageError(`name a study or a journal file.\n\n${APPLY_USAGE}`);
  if (positionals.length > 1) throw new CliUsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
  const where = resolveStudyArgument(target, values.storage);
  if (!fs.existsSync(where.journal)) throw new CliUsageError(`no study at ${where.journal}: run \`tunekit tune\` first, or pass a journal path`);
  const studyName = values.study ?? where.studyName;
  const study = loadStudy({ storage: where.journal, ...(studyName ? { studyName } : {}), onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
  let trial: FrozenTrial;
  let script: string;
  let objective: string;
  try {
    trial = pickTrial(study, values.trial);
    script = scriptOf(study, values.script);
    objective = typeof study.userAttrs[OBJECTIVE_ATTR] === 'string' ? (study.userAttrs[OBJECTIVE_ATTR] as string) : 'value';
  } finally {
    study.close();
  }

  let text: string;
  try {
    text = readPythonSource(script);
  } catch (err) {
    if (PythonSourceError.is(err)) throw new CliUsageError(err.message);
    throw err;
  }
  const analysis = await analyzeScript(script, { text });
  const plan = planApply(analysis, trial.params, { readFile: (f) => (path.resolve(f) === script ? text : fs.readFileSync(f, 'utf8')) });
  const broken = await filesBrokenByEdits(plan);
  const refused: ApplyRefusal[] = [...plan.refused];
  const changes: PlannedChange[] = [];
  for (const change of plan.changes) {
    const problem = broken.get(change.file);
    if (problem) refused.push({ name: change.name, reason: `${change.name}: not written, ${problem}` });
    else changes.push(change);
  }

  const result = trial.values?.map((v) => formatValue(v)).join(', ') ?? '-';
  out.write(`trial ${trial.number} of study ${study.name} (${objective}=${result}) -> ${display(script)}\n`);
  for (const c of changes) out.write(`  set ${c.name} = ${c.newText}  (${display(c.file)}:${c.line}, was ${c.oldText})\n`);
  if (plan.unchanged.length > 0) out.write(`  already the default: ${plan.unchanged.join(', ')}\n`);
  for (const r of refused) out.write(`  not applied: ${r.reason}\n`);

  const files = [...plan.edits.keys()].filter((f) => !broken.has(f));
  if (values['dry-run']) {
    for (const file of files) {
      const before = plan.texts.get(file) as string;
      out.write('\n' + unifiedDiff(display(file), before, applyEdits(before, plan.edits.get(file) ?? [])));
    }
    out.write(`\ndry run: nothing written${files.length > 0 ? `; ${changes.length} default${changes.length === 1 ? '' : 's'} would change` : ''}\n`);
  } else {
    for (const file of files) {
      const before = plan.texts.get(file) as string;
      const count = changes.filter((c) => c.file === file).length;
      const failure = writeIfUnchanged(file, before, applyEdits(before, plan.edits.get(file) ?? []));
      if (failure) {
        for (const c of changes.filter((c) => c.file === file)) refused.push({ name: c.name, reason: `${c.name}: not written, ${failure}` });
        out.write(`  not written: ${failure}\n`);
      } else out.write(`wrote ${display(file)} (${count} change${count === 1 ? '' : 's'})\n`);
    }
    if (files.length === 0) out.write('nothing to write\n');
  }
  if (refused.length > 0) {
    // What the analysis met on the way (a config file it could not read, a syntax error) often explains a refusal.
    for (const problem of analysis.problems) out.write(`  note: ${problem}\n`);
    out.write(`${new Set(refused.map((r) => r.name)).size} parameter(s) not applied: set them by hand or see the reasons above\n`);
    return 1;
  }
  return 0;
}

function pickTrial(study: Study, trialArg: string | undefined): FrozenTrial {
  if (trialArg !== undefined && !/^\d+$/.test(trialArg)) throw new CliUsageError(`--trial takes a trial number, not "${trialArg}"`);
  const choice = chooseTrial(study, trialArg === undefined ? 'best' : Number(trialArg));
  if (!isTrialChoiceProblem(choice)) return choice;
  switch (choice.kind) {
    case 'no-such-trial':
      throw new CliUsageError(`study ${study.name} has no trial ${choice.number} (it has ${choice.trialCount} trials, numbered from 0)`);
    case 'not-complete':
      throw new CliUsageError(
        `trial ${choice.number} of study ${study.name} is ${choice.state}, not complete: only a complete trial's parameters can be applied${choice.best === undefined ? '' : ` (the best is trial ${choice.best})`}`,
      );
    case 'several-objectives':
      throw new CliUsageError(`study ${study.name} has ${choice.objectives} objectives, so no single best trial: pick one of the Pareto-optimal trials ${choice.paretoFront.join(', ')} with --trial N`);
    case 'no-complete-trial':
      throw new CliUsageError(`study ${study.name} has no complete trial yet: nothing to apply`);
  }
}

function scriptOf(study: Study, scriptArg: string | undefined): string {
  const recorded = study.userAttrs[SCRIPT_ATTR];
  const script = scriptArg ?? (typeof recorded === 'string' ? recorded : undefined);
  if (!script) throw new CliUsageError(`study ${study.name} does not record which script it tuned: name it with --script PATH`);
  const absolute = path.resolve(script);
  if (!fs.existsSync(absolute)) {
    throw new CliUsageError(scriptArg ? `script not found: ${scriptArg}` : `the study's script ${absolute} no longer exists: name the script with --script PATH`);
  }
  return absolute;
}

/** Python files the edits would leave with more syntax errors than they have now: never written. */
async function filesBrokenByEdits(plan: ApplyPlan): Promise<Map<string, string>> {
  const broken = new Map<string, string>();
  for (const [file, edits] of plan.edits) {
    if (!file.endsWith('.py')) continue; // config files were parsed again by planApply
    const before = plan.texts.get(file) as string;
    const errorLines = await syntaxErrorsAddedByEdit(before, applyEdits(before, edits));
    if (errorLines.length > 0) broken.set(file, `the edited ${display(file)} would not parse (line ${errorLines.join(', ')}); please report this`);
  }
  return broken;
}

/**
 * Replaces a file's content if it still holds `expected`: written to a temporary file in the
 * same folder (same file system, so the rename is atomic) with the original's mode, then renamed
 * over the real file (through a symlink to its target). Returns why it did not, or undefined.
 */
function writeIfUnchanged(file: string, expected: string, content: string): string | undefined {
  let real: string;
  let mode: number;
  try {
    real = fs.realpathSync(file);
    mode = fs.statSync(real).mode & 0o7777;
    if (fs.readFileSync(real, 'utf8') !== expected) return `${display(file)} changed since it was analysed; run tunekit apply again`;
  } catch (err) {
    return `cannot read ${display(file)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  const temp = path.join(path.dirname(real), `.${path.basename(real)}.tunekit-${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, content, { mode });
    fs.chmodSync(temp, mode); // the umask may have narrowed it
    fs.renameSync(temp, real);
    return undefined;
  } catch (err) {
    fs.rmSync(temp, { force: true });
    return `cannot write ${display(file)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}

function display(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
