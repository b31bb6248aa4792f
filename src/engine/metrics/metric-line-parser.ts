/**
 * Turns one line of a trial's output into a TrialMessage, or null when the line carries no
 * metric. Three kinds of line are understood, in this order:
 *   1. REPORT_PREFIX lines from the Python client: validated field by field, never trusted.
 *   2. A JSON object per line (`{"epoch": 3, "loss": 0.21}`), numeric fields become metrics.
 *   3. Plain text with zero code changes: `epoch 3 loss=0.21 val_acc: 0.93`, Keras epoch
 *      summaries, PyTorch example logs, Python dict reprs (HF Trainer), `step 100 | loss 2.31`.
 *
 * The text grammar is deliberately conservative: a false metric pollutes charts and can even
 * become the objective, while a missed one is fixed by one `tunekit.report()` call. So:
 *   - a value must be a whole number token (`0.21`, `1e-3`, `-0.5`, `nan`, `inf`) ending at a
 *     delimiter: `12:30:01`, `9889/10000`, `1.2.3` and `2024-05-01` never yield numbers;
 *   - `key=value` and `key: value` pairs count anywhere in a line, but `key value` pairs only
 *     when the whole line is made of pairs and delimiters (`Using 4 workers` is prose);
 *   - counters (step, global_step, epoch, iteration, iter) give the step and are never metrics;
 *     `Epoch 3/10` is step 3, its denominator is dropped;
 *   - tracebacks, warnings, WARNING/ERROR log records, tqdm bars and unfinished Keras bars are
 *     rejected whole, because their numbers are line numbers, sizes and running averages.
 */
import { REPORT_PREFIX } from '../../protocol/trial-protocol';
import type { TrialMessage } from '../../protocol/trial-protocol';
import { parseJournalJson } from '../../core/storage/journal-json';

/** Longer lines are ignored: no metric line is that long, and regexes stay cheap. */
export const MAX_LINE_CHARS = 64 * 1024;
/** Metrics kept from one line; the rest are dropped so a runaway logger cannot exhaust memory. */
export const MAX_METRICS_PER_LINE = 256;
export const MAX_METRIC_NAME_CHARS = 128;

/** Counter names in priority order: a global step beats an epoch, which beats a per-epoch iteration. */
const STEP_KEYS = ['step', 'global_step', 'epoch', 'iteration', 'iter'] as const;
type StepKey = (typeof STEP_KEYS)[number] | 'bracket';
const STEP_PRIORITY: readonly StepKey[] = [...STEP_KEYS, 'bracket'];

const PROTOCOL_MARK = REPORT_PREFIX.trimEnd();

// ANSI CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles).
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// Anything left that a terminal would not print means binary output, not a log line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f\ufffd]/;

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf(?:inity)?)(?!\w)`;
/** What may follow a value: a number glued to `:`, `/`, `.` or letters is a time, ratio, version or unit. */
const VALUE_END = String.raw`(?=$|[\s,;|)\]}'"%])`;
const KEY = String.raw`[A-Za-z_](?:[\w./-]*\w)?`;
/** Wrappers a bare print() of a tensor or numpy scalar puts around the number. */
const VALUE_WRAPPER = String.raw`(?:tensor\(|(?:np\.|numpy\.)?float(?:16|32|64)\()?`;

/**
 * A quoted key (`'loss': 0.5`, a Python dict repr) or a bare one. A bare key right after a quote
 * sits inside a string (`device='cuda:0'`), so it does not count.
 */
const PAIR = new RegExp(
  String.raw`(?:(?<![\w./-])(['"])(${KEY})\1|(?<![\w./'"-])(${KEY}))(\s*[:=]\s*|\s+)${VALUE_WRAPPER}(${NUMBER})${VALUE_END}`,
  'gi',
);
/** `epoch 3`, `Epoch: 3`, `epoch=3`, `[epoch 2]`, `Epoch 3/10`, `Iter 100/1000`, `step #5`. */
const STEP_PHRASE = new RegExp(
  String.raw`(?<![\w./-])(global_step|step|epoch|iteration|iter)(?!\w)\s*[:=#]?\s*(\d+)(?:\s*/\s*\d+)?${VALUE_END}`,
  'gi',
);
/** XGBoost / LightGBM evaluation logs start with the round number: `[10]\tvalid-rmse:0.5`. */
const LEADING_ROUND = /^\[(\d+)\](?=\s)/;

const LOG_LEVEL = /^\[?\s*(DEBUG|INFO|NOTICE|TRACE|WARNING|WARN|ERROR|CRITICAL|FATAL)\s*\]?(?![\w])(?::[\w.<>-]*:)?/i;
const LOG_PREFIXES: readonly RegExp[] = [
  /^\[?\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\]?/,
  /^\[?\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\]?/,
  // loguru's `module:function:line - `, whose line number would read as a metric.
  /^[\w.<>]+:[\w.<>]+:\d+\s+-\s/,
  /^[\s|:,>-]+/,
];
const REJECTED_LEVELS = new Set(['WARNING', 'WARN', 'ERROR', 'CRITICAL', 'FATAL']);

const REJECT: readonly RegExp[] = [
  /^Traceback \(most recent call last\)/,
  /^File "[^"]*", line \d+/,
  /^(?:During handling of|The above exception)/,
  /^[\w.]*(?:Error|Exception|Warning|Interrupt)\b\s*:/,
  /\b\w*Warning:/,
  // A WARNING/ERROR record in any log format (`__main__ - ERROR - ...`, `[ERROR]`).
  /(?:^|[\s|[-])(?:WARNING|WARN|ERROR|CRITICAL|FATAL)(?=[\]\s|:-])/,
  // tqdm / Lightning / HF progress bars: `45%|████▌ | 45/100 [00:02<00:00, 20.1it/s, loss=0.5]`.
  /\d%\|/,
  /\|\s*\d+\/\d+\s*\[\d/,
  /\d(?:it\/s|s\/it)\b/,
  // argparse / dataclass dumps print parameters, not measurements.
  /^\w*(?:Namespace|Arguments|Config)\(/,
  /\bETA:/,
];
/** A Keras bar: `32/1875 [====>....]` or Keras 3's `32/1875 ━━━━`. */
const KERAS_BAR = /^(\d+)\/(\d+)\s+(?:\[[=>.]*\]|[━─]+)/;

/** Parses one output line; null when it carries no metric. Never throws. */
export function parseMetricLine(line: string): TrialMessage | null {
  try {
    return parse(line);
  } catch {
    return null;
  }
}

function parse(raw: string): TrialMessage | null {
  if (typeof raw !== 'string' || raw.length > MAX_LINE_CHARS) return null;
  let line = raw.replace(/[\r\n]+$/, '');
  // A carriage return redraws the line in a terminal: only the last segment was ever visible.
  const cr = line.lastIndexOf('\r');
  if (cr >= 0) line = line.slice(cr + 1);
  line = line.replace(ANSI, '');
  if (CONTROL.test(line)) return null;
  line = line.trim();
  if (line.length === 0) return null;

  if (line.startsWith(PROTOCOL_MARK)) {
    // A line that claims to be ours is never reinterpreted as free text.
    return line.startsWith(REPORT_PREFIX) ? parseProtocol(line.slice(REPORT_PREFIX.length)) : null;
  }
  if (line.startsWith('{') && line.endsWith('}')) {
    const value = parsePythonJson(line);
    // Not JSON: likely a Python dict repr (`{'loss': 0.69, 'epoch': 0.5}`), read as text below.
    if (value !== undefined) return isRecord(value) ? fromJsonObject(value) : null;
  }
  return parseText(line);
}

function parseProtocol(json: string): TrialMessage | null {
  const value = parsePythonJson(json);
  if (!isRecord(value)) return null;
  switch (value.kind) {
    case 'report': {
      const step = readProtocolStep(value.step);
      const metrics = readProtocolMetrics(value.metrics);
      return step === undefined || metrics === null ? null : { kind: 'report', step, metrics };
    }
    case 'final': {
      const metrics = readProtocolMetrics(value.metrics);
      return metrics === null ? null : { kind: 'final', metrics };
    }
    case 'pruned': {
      const step = readProtocolStep(value.step);
      return step === undefined ? null : { kind: 'pruned', step };
    }
    default:
      return null;
  }
}

/** null when absent, undefined when present but not a usable step. */
function readProtocolStep(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  return asStep(value);
}

/** Every entry must be valid: a half-understood report from our own client is a bug to surface, not to guess around. */
function readProtocolMetrics(value: unknown): Record<string, number> | null {
  if (!isRecord(value)) return null;
  const metrics: Record<string, number> = {};
  let count = 0;
  for (const [name, raw] of Object.entries(value)) {
    const number = asMetricValue(raw);
    if (number === undefined || !isMetricName(name)) return null;
    if (count < MAX_METRICS_PER_LINE) {
      metrics[name] = number;
      count++;
    }
  }
  return count > 0 ? metrics : null;
}

function fromJsonObject(object: Record<string, unknown>): TrialMessage | null {
  const steps = new Map<StepKey, number>();
  const metrics: Record<string, number> = {};
  let count = 0;
  for (const [name, raw] of Object.entries(object)) {
    const number = asMetricValue(raw);
    if (number === undefined) continue;
    const stepKey = asStepKey(name);
    if (stepKey !== undefined) {
      const step = asStep(number);
      if (step !== undefined && !steps.has(stepKey)) steps.set(stepKey, step);
      continue;
    }
    if (count >= MAX_METRICS_PER_LINE || !isMetricName(name) || Object.hasOwn(metrics, name)) continue;
    metrics[name] = number;
    count++;
  }
  return count > 0 ? { kind: 'report', step: pickStep(steps), metrics } : null;
}

interface Pair {
  readonly start: number;
  readonly end: number;
  readonly key: string;
  readonly value: number;
  readonly explicit: boolean;
}

function parseText(full: string): TrialMessage | null {
  const text = stripLogPrefix(full);
  if (text === null || text.length === 0) return null;
  if (REJECT.some((re) => re.test(text))) return null;
  const bar = KERAS_BAR.exec(text);
  if (bar !== null && bar[1] !== bar[2]) return null;

  const steps = new Map<StepKey, number>();
  const covered: Array<readonly [number, number]> = [];
  const round = LEADING_ROUND.exec(text);
  if (round !== null) {
    const step = asStep(Number(round[1]));
    if (step !== undefined) steps.set('bracket', step);
    covered.push([0, round[0].length]);
  }
  for (const match of text.matchAll(STEP_PHRASE)) {
    const key = asStepKey(match[1] as string);
    const step = asStep(Number(match[2]));
    if (key !== undefined && step !== undefined && !steps.has(key)) steps.set(key, step);
    covered.push([match.index, match.index + match[0].length]);
  }

  const pairs: Pair[] = [];
  for (const match of text.matchAll(PAIR)) {
    const start = match.index;
    const end = start + match[0].length;
    if (covered.some(([s, e]) => start < e && end > s)) continue;
    const key = (match[2] ?? match[3]) as string;
    const value = parseNumberToken(match[5] as string);
    if (value === undefined) continue;
    const explicit = /[:=]/.test(match[4] as string);
    const stepKey = asStepKey(key);
    if (stepKey !== undefined) {
      // `'epoch': 1.0` (HF Trainer) is a step; `'epoch': 0.37` is progress within one, not a step.
      const step = asStep(value);
      if (step !== undefined && !steps.has(stepKey)) steps.set(stepKey, step);
      covered.push([start, end]);
      continue;
    }
    pairs.push({ start, end, key, value, explicit });
  }

  const acceptBarePairs = pairs.some((p) => !p.explicit) && onlyPairsAndDelimiters(text, [...covered, ...pairs.map((p) => [p.start, p.end] as const)]);
  const metrics: Record<string, number> = {};
  let count = 0;
  for (const pair of pairs) {
    if (!pair.explicit && !acceptBarePairs) continue;
    if (count >= MAX_METRICS_PER_LINE || !isMetricName(pair.key) || Object.hasOwn(metrics, pair.key)) continue;
    metrics[pair.key] = pair.value;
    count++;
  }
  return count > 0 ? { kind: 'report', step: pickStep(steps), metrics } : null;
}

/** Removes timestamps and log-level prefixes; null for WARNING/ERROR records. */
function stripLogPrefix(text: string): string | null {
  let rest = text;
  for (let round = 0; round < 8; round++) {
    const before = rest;
    const level = LOG_LEVEL.exec(rest);
    if (level !== null) {
      if (REJECTED_LEVELS.has((level[1] as string).toUpperCase())) return null;
      rest = rest.slice(level[0].length);
    }
    for (const re of LOG_PREFIXES) {
      const match = re.exec(rest);
      if (match !== null) rest = rest.slice(match[0].length);
    }
    if (rest === before) break;
  }
  return rest.trim();
}

/** True when nothing but delimiters lies outside the given spans: the line is a list of pairs. */
function onlyPairsAndDelimiters(text: string, spans: ReadonlyArray<readonly [number, number]>): boolean {
  const mask = new Uint8Array(text.length);
  for (const [s, e] of spans) mask.fill(1, s, e);
  for (let i = 0; i < text.length; i++) {
    if (mask[i] === 0 && !/[\s|,;:=[\](){}'"-]/.test(text[i] as string)) return false;
  }
  return true;
}

/** JSON as Python writes it (bare NaN / Infinity tokens allowed); undefined when not JSON at all. */
function parsePythonJson(text: string): unknown {
  try {
    return parseJournalJson(text);
  } catch {
    return undefined;
  }
}

/** The Python client sends non-finite metrics as "nan" / "inf" / "-inf"; other spellings are common in logs. */
const NON_FINITE: ReadonlyMap<string, number> = new Map([
  ['nan', Number.NaN],
  ['+nan', Number.NaN],
  ['-nan', Number.NaN],
  ['inf', Number.POSITIVE_INFINITY],
  ['+inf', Number.POSITIVE_INFINITY],
  ['infinity', Number.POSITIVE_INFINITY],
  ['+infinity', Number.POSITIVE_INFINITY],
  ['-inf', Number.NEGATIVE_INFINITY],
  ['-infinity', Number.NEGATIVE_INFINITY],
]);

function nonFiniteFromString(text: string): number | undefined {
  return text.length <= 9 ? NON_FINITE.get(text.toLowerCase()) : undefined;
}

function parseNumberToken(token: string): number | undefined {
  const nonFinite = nonFiniteFromString(token);
  if (nonFinite !== undefined) return nonFinite;
  const value = Number(token);
  return Number.isNaN(value) ? undefined : value;
}

function asMetricValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return nonFiniteFromString(value);
  return undefined;
}

function asStep(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function asStepKey(name: string): StepKey | undefined {
  const lower = name.toLowerCase();
  return (STEP_KEYS as readonly string[]).includes(lower) ? (lower as StepKey) : undefined;
}

function pickStep(steps: ReadonlyMap<StepKey, number>): number | null {
  for (const key of STEP_PRIORITY) {
    const step = steps.get(key);
    if (step !== undefined) return step;
  }
  return null;
}

function isMetricName(name: string): boolean {
  // `__proto__` as a key would reach Object.prototype in consumers that copy metrics naively.
  return name.length > 0 && name.length <= MAX_METRIC_NAME_CHARS && name !== '__proto__' && !CONTROL.test(name);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
