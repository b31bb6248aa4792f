/**
 * Metric names a script prints, guessed from its text for the objective quick pick: keyword
 * names of `tunekit.report(...)` / `tunekit.final(...)`, and `name=` / `name:` labels in print
 * strings (f-strings, %-formatting, str.format) that the engine's metric-line parser reads with
 * zero code changes; Keras' `fit` logs its own names. Counters and timers (epoch, step, time,
 * lr) are not objectives and are left out. A guess, not an analysis: the user can always type.
 */

/** Labels that count or time the run rather than measure the model. */
const NOT_OBJECTIVES = new Set([
  'epoch', 'epochs', 'step', 'steps', 'global_step', 'iter', 'iters', 'iteration', 'iter_num', 'batch', 'batch_idx', 'i', 'n',
  'time', 'elapsed', 'dt', 'ms', 'lr', 'learning_rate', 'seed', 'trial', 'best_iteration', 'tokens', 'samples', 'mfu',
]);

const REPORT_CALL = /\btunekit\s*\.\s*(?:report|final)\s*\(([^)]*)\)/g;
const KEYWORD = /(?:^|[,(\s])([A-Za-z_]\w*)\s*=(?!=)/g;
/** Inside string literals: `val_loss={...}`, `val_loss=%.4f`, `val_loss: {...}`, `val_loss={:.3f}`. */
const PRINTED = /\b([A-Za-z_][\w.]*?)\s*[=:]\s*(?:\{|%)/g;
const STRING_LITERAL = /(?:[rRbBuUfF]{0,2})("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/g;
const KERAS_FIT = /\.fit\s*\(/;

export interface MetricGuess {
  readonly name: string;
  /** Where it was seen, for the quick pick's description. */
  readonly source: 'tunekit.report' | 'printed' | 'keras';
}

export function guessMetricNames(text: string): MetricGuess[] {
  const found = new Map<string, MetricGuess>();
  const add = (name: string, source: MetricGuess['source']): void => {
    if (!NOT_OBJECTIVES.has(name.toLowerCase()) && !found.has(name)) found.set(name, { name, source });
  };
  for (const call of text.matchAll(REPORT_CALL)) {
    // The first positional argument is the step; every keyword is a metric.
    for (const kw of (call[1] as string).matchAll(KEYWORD)) add(kw[1] as string, 'tunekit.report');
  }
  for (const literal of text.matchAll(STRING_LITERAL)) {
    for (const label of (literal[1] as string).matchAll(PRINTED)) {
      const name = label[1] as string;
      if (!name.includes('.') && /[a-z]/i.test(name)) add(name, 'printed');
    }
  }
  if (KERAS_FIT.test(text) && /\b(keras|tensorflow)\b/.test(text)) {
    for (const name of ['val_loss', 'val_accuracy', 'loss', 'accuracy']) add(name, 'keras');
  }
  return rankMetrics([...found.values()]);
}

/** Validation metrics first (what a study should optimise), then the rest, each in text order. */
function rankMetrics(guesses: MetricGuess[]): MetricGuess[] {
  const rank = (g: MetricGuess): number => (/^(val|valid|validation|eval|dev)[_-]/i.test(g.name) ? 0 : /^test[_-]/i.test(g.name) ? 2 : 1);
  return guesses.map((g, i) => ({ g, i })).sort((a, b) => rank(a.g) - rank(b.g) || a.i - b.i).map(({ g }) => g);
}

/** Accuracy-like names are maximised; losses, errors and everything else minimised. */
export function guessDirection(metric: string): 'minimize' | 'maximize' {
  const words = metric.toLowerCase();
  if (/(loss|err|error|rmse|mse|mae|ppl|perplexity|wer|cer|nll|regret|cost)/.test(words)) return 'minimize';
  if (/(acc|accuracy|f1|auc|roc|precision|recall|score|map|bleu|rouge|r2|iou|dice|reward|return|top1|top5|acc1|acc5)/.test(words)) return 'maximize';
  return 'minimize';
}
