/**
 * How a detected training script and its parameters read in the Training Scripts view: the
 * score and parameter count beside the name, the strongest evidence in the tooltip, and for
 * each parameter its default and source, or why it is not tuned. Pure, unit-tested.
 */
import type { ExtractedParam, ScriptAnalysis } from '../../detect/param-model';
import { formatParam } from '../../cli/format';
import type { ParamValue } from '../../core/space/distributions';

/** The tooltip lists at most this many pieces of evidence, strongest first. */
const EVIDENCE_SHOWN = 5;

export function scriptDescription(analysis: ScriptAnalysis): string {
  const tunable = analysis.params.filter((p) => p.tunable).length;
  return `score ${analysis.score} · ${tunable} tunable of ${analysis.params.length} parameter${analysis.params.length === 1 ? '' : 's'}`;
}

/** Markdown. */
export function scriptTooltip(analysis: ScriptAnalysis, relativePath: string): string {
  const evidence = [...analysis.evidence].sort((a, b) => b.weight - a.weight || a.line - b.line).slice(0, EVIDENCE_SHOWN);
  const lines = [`**${escape(relativePath)}**: a training script (score ${analysis.score})`, ''];
  for (const e of evidence) lines.push(`- ${escape(e.description)} (line ${e.line})`);
  if (analysis.evidence.length > evidence.length) lines.push(`- and ${analysis.evidence.length - evidence.length} more`);
  if (analysis.problems.length > 0) {
    lines.push('', '**Problems**', '');
    for (const p of analysis.problems) lines.push(`- ${escape(p)}`);
  }
  return lines.join('\n');
}

export interface ParamLabel {
  readonly label: string;
  readonly description: string;
  /** Markdown. */
  readonly tooltip: string;
}

export function paramLabel(param: ExtractedParam): ParamLabel {
  const value = param.defaultText ?? (param.default === undefined ? undefined : formatParam(param.default as ParamValue));
  const where = `${sourceWord(param)}, line ${param.location.line}`;
  const description = param.tunable ? `${value === undefined ? 'no default' : `= ${value}`} · ${sourceWord(param)}` : `not tuned: ${param.notTunedReason ?? 'not a hyperparameter'}`;
  const tooltip = [
    `\`${param.flag ?? param.name}\`${param.type === 'unknown' ? '' : ` (${param.type})`}: ${escape(where)}`,
    ...(value === undefined ? [] : [`default \`${value.replace(/`/g, "'")}\``]),
    ...(param.choices ? [`choices: ${param.choices.map((c) => `\`${JSON.stringify(c)}\``).join(', ')}`] : []),
    ...(param.help ? [escape(param.help)] : []),
    ...(param.tunable ? [] : [`not tuned by default: ${escape(param.notTunedReason ?? 'not a hyperparameter')}`]),
  ].join('\n\n');
  return { label: param.name, description, tooltip };
}

function sourceWord(param: ExtractedParam): string {
  switch (param.source) {
    case 'constant':
      return 'constant';
    case 'dataclass':
      return 'dataclass field';
    case 'yaml':
    case 'json':
      return `${param.source} config`;
    case 'hydra':
      return 'Hydra config';
    default:
      return param.source;
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, '\\$&');
}
