/**
 * `tunekit detect [PATH] [--json] [--all]`: the training scripts of a folder (or one file),
 * best first, with why each was picked, its hyperparameters and the range Tunekit proposes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { JsonValue } from '../../core/space/distributions';
import { analyzeScript } from '../../detect/analyze-script';
import type { ExtractedParam, ScriptAnalysis } from '../../detect/param-model';
import { PythonSourceError } from '../../detect/python-parser';
import { TRAINING_SCRIPT_MIN_SCORE } from '../../detect/script-detection';
import { proposeSearchSpace } from '../../detect/space-proposal';
import { scanWorkspace } from '../../detect/workspace-scan';
import { CliUsageError } from '../cli-error';
import { formatTable } from '../format';

export const DETECT_USAGE = `tunekit detect [PATH] [--json] [--all]

Finds training scripts under PATH (a folder, default the current one; or one .py file) and shows,
best first, the evidence for each, its hyperparameters (argparse / click / typer / absl flags,
constants, dataclass fields, config-file keys) and the search range Tunekit would propose.
Virtual environments, site-packages, node_modules, build output and hidden folders are skipped.

Options:
  --json   machine-readable output
  --all    also detail files that import ML libraries but show no training loop
  Exit status: 0 when a training script was found, 1 when none, 2 on a usage error.`;

type Proposal = ReturnType<typeof proposeSearchSpace>;

interface Skipped {
  readonly file: string;
  readonly reason: string;
}

export async function detectCommand(argv: string[], out: NodeJS.WriteStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out.write(DETECT_USAGE + '\n');
    return 0;
  }
  if (positionals.length > 1) throw new CliUsageError(`detect takes one PATH, got ${positionals.length}: ${positionals.join(' ')}`);
  const target = positionals[0] ?? '.';
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new CliUsageError(`${target}: no such file or folder. Pass a training script or a folder to search.`);
  }
  return stat.isDirectory() ? detectFolder(target, values.json === true, values.all === true, out) : detectFile(target, values.json === true, out);
}

async function detectFile(file: string, json: boolean, out: NodeJS.WriteStream): Promise<number> {
  let analysis: ScriptAnalysis;
  try {
    analysis = await analyzeScript(file);
  } catch (err) {
    if (PythonSourceError.is(err)) throw new CliUsageError(`${err.message}. Point tunekit detect at a Python training script.`);
    throw err;
  }
  const shown = { ...analysis, file };
  if (json) {
    out.write(JSON.stringify({ root: path.resolve(file), filesScanned: 1, scripts: [scriptJson(shown, path.dirname(file))], skipped: [] }, null, 2) + '\n');
  } else {
    out.write(renderScript(shown, file, undefined) + '\n');
    if (analysis.score === 0) out.write(`\n${file} shows no training signal (no ML framework import, no training loop); its parameters are listed anyway.\n`);
  }
  return 0;
}

async function detectFolder(root: string, json: boolean, all: boolean, out: NodeJS.WriteStream): Promise<number> {
  const started = performance.now();
  const skipped: Skipped[] = [];
  let total = 0;
  let scripts: ScriptAnalysis[];
  try {
    scripts = await scanWorkspace(root, {
      onProgress: (_done, t) => (total = t),
      onSkip: (file, reason) => skipped.push({ file: path.relative(root, file) || '.', reason }),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw new CliUsageError(`${root}: cannot read the folder (${code}). Check its permissions, or pass a script inside it.`);
    throw err;
  }
  const seconds = (performance.now() - started) / 1000;
  const training = scripts.filter((s) => s.score >= TRAINING_SCRIPT_MIN_SCORE);
  const others = scripts.filter((s) => s.score < TRAINING_SCRIPT_MIN_SCORE);
  if (json) {
    out.write(JSON.stringify({ root: path.resolve(root), filesScanned: total, scripts: scripts.map((s) => scriptJson(s, root)), skipped }, null, 2) + '\n');
    return training.length > 0 ? 0 : 1;
  }
  const where = root === '.' ? 'this folder' : root;
  const scanned = `${total} Python file${total === 1 ? '' : 's'} scanned in ${seconds.toFixed(1)} s`;
  const detailed = all ? scripts : training;
  const blocks: string[] = [];
  if (training.length === 0) {
    blocks.push(
      `No training scripts found in ${where} (${scanned}; virtual environments, node_modules, build output and hidden folders skipped).\n` +
        `Tunekit looks for imports of torch, tensorflow, keras, jax, sklearn, lightning, transformers, xgboost... together with a training loop ` +
        `(loss.backward(), optimizer.step(), model.fit(), a Trainer, for epoch in ...). Run \`tunekit detect FILE\` to analyse one script anyway.`,
    );
  } else {
    blocks.push(`${training.length} training script${training.length === 1 ? '' : 's'} in ${where} (${scanned}), most likely first:`);
  }
  detailed.forEach((s, i) => blocks.push(renderScript(s, path.relative(root, s.file), i + 1)));
  if (!all && others.length > 0) {
    const list = others.slice(0, 10).map((s) => `${path.relative(root, s.file)} (score ${s.score})`);
    if (others.length > 10) list.push(`and ${others.length - 10} more`);
    blocks.push(`${others.length} other ${others.length === 1 ? 'file imports' : 'files import'} ML libraries but show no training loop: ${list.join(', ')}. --all details them.`);
  }
  if (skipped.length > 0) blocks.push(['Skipped:', ...skipped.map((s) => `  ${s.file}: ${s.reason}`)].join('\n'));
  out.write(blocks.join('\n\n') + '\n');
  return training.length > 0 ? 0 : 1;
}

function renderScript(s: ScriptAnalysis, shownPath: string, rank: number | undefined): string {
  const lines = [`${rank === undefined ? '' : `${rank}. `}${shownPath}  (score ${s.score})`];
  const indent = rank === undefined ? '  ' : ' '.repeat(String(rank).length + 2);
  if (s.evidence.length > 0) {
    lines.push(`${indent}evidence:`);
    for (const e of s.evidence) lines.push(`${indent}  line ${String(e.line).padEnd(5)} ${e.description}`);
  }
  if (s.params.length === 0) {
    lines.push(`${indent}parameters: none found (no argparse / click / typer / absl flags, module constants, dataclass configs or config files)`);
  } else {
    const proposal = safeProposal(s.params);
    lines.push(`${indent}parameters (${s.params.filter((p) => p.tunable).length} of ${s.params.length} tunable):`);
    const rows = s.params.map((p) => [p.name, p.source, p.type, formatDefault(p), p.tunable ? 'yes' : 'no', describeProposal(p, proposal)]);
    const table = formatTable(['name', 'source', 'type', 'default', 'tune', 'proposed range / why not tuned'], rows);
    lines.push(...table.split('\n').map((l) => `${indent}  ${l}`));
    if (proposal.error) lines.push(`${indent}  (no proposal: ${proposal.error})`);
  }
  if (s.configFiles.length > 0) lines.push(`${indent}config files: ${s.configFiles.map((f) => path.relative(path.dirname(s.file), f) || f).join(', ')}`);
  if (s.problems.length > 0) {
    lines.push(`${indent}problems:`);
    for (const p of s.problems) lines.push(`${indent}  ${p}`);
  }
  return lines.join('\n');
}

/** The proposal, or why there is none: a bug there must not hide the parameters themselves. */
function safeProposal(params: readonly ExtractedParam[]): Partial<Proposal> & { error?: string } {
  try {
    return proposeSearchSpace(params);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function describeProposal(p: ExtractedParam, proposal: Partial<Proposal>): string {
  if (!p.tunable) return p.notTunedReason ?? 'not tuned';
  const range = proposal.space?.[p.name];
  if (range !== undefined) return formatRange(range);
  if (proposal.fixed && p.name in proposal.fixed) {
    const why = proposal.reasons?.[p.name];
    return `fixed at ${formatJson(proposal.fixed[p.name])}${why ? `: ${why}` : ''}`;
  }
  return proposal.reasons?.[p.name] ?? 'no range proposed';
}

/** `float 1e-4..1e-2 log`, `int 16..256 step 16`, `{sgd, adam}`. */
export function formatRange(range: unknown): string {
  if (typeof range !== 'object' || range === null) return formatJson(range as JsonValue);
  const r = range as Record<string, unknown>;
  const when = r.when && typeof r.when === 'object' ? ` when ${Object.entries(r.when as Record<string, unknown>).map(([k, v]) => `${k} in ${formatJson(v as JsonValue)}`).join(', ')}` : '';
  if ((r.type === 'float' || r.type === 'int') && typeof r.low === 'number' && typeof r.high === 'number') {
    return `${r.type} ${num(r.low)}..${num(r.high)}${r.log ? ' log' : ''}${typeof r.step === 'number' ? ` step ${num(r.step)}` : ''}${when}`;
  }
  if (r.type === 'categorical' && Array.isArray(r.choices)) return `{${(r.choices as JsonValue[]).map(formatJson).join(', ')}}${when}`;
  return JSON.stringify(range);
}

function num(v: number): string {
  return v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? v.toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e') : String(v);
}

/** The default as written; a name (`LR`, `DEFAULTS.lr`) with the value it stands for. */
function formatDefault(p: ExtractedParam): string {
  const text = p.defaultText?.replace(/\s+/g, ' ');
  if (text === undefined) return clip(formatJson(p.default));
  const named = /^[A-Za-z_][\w.]*$/.test(text) && !['True', 'False', 'None'].includes(text);
  return clip(named && p.default !== undefined ? `${text}=${formatJson(p.default)}` : text);
}

/** Keeps the table narrow when a default is a long expression. */
function clip(text: string): string {
  return text.length > 30 ? `${text.slice(0, 27)}...` : text;
}

function formatJson(v: JsonValue | undefined): string {
  if (v === undefined) return '-';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function scriptJson(s: ScriptAnalysis, root: string): unknown {
  const proposal = safeProposal(s.params);
  return {
    file: path.relative(root, s.file) || path.basename(s.file),
    path: path.resolve(s.file),
    score: s.score,
    trainingScript: s.score >= TRAINING_SCRIPT_MIN_SCORE,
    evidence: s.evidence,
    params: s.params,
    configFiles: s.configFiles,
    problems: s.problems,
    proposal: proposal.error ? { error: proposal.error } : proposal,
  };
}
