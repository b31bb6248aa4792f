/**
 * A first search space from what the script declares: each hyperparameter gets a range around
 * its default chosen by what its name says it is, and a reason the user reads in the study file.
 *
 * The rules follow common practice (and Optuna's examples): learning rates and weight decay
 * vary over orders of magnitude, so they are log-uniform, 10x either side of the default; batch
 * sizes and layer widths are powers of two; dropouts and other probabilities are bounded floats;
 * momentum / Adam betas sit just below 1; the training length (epochs, steps) is fixed at its
 * default, because a longer run nearly always scores better and tuning it only measures
 * patience. Anything without a default to centre a range on, and anything not a
 * hyperparameter (paths, logging, devices, seeds), is left for the script's own default, with
 * the reason recorded. The output is the study file's `space` / `fixed` / `reasons` triple and
 * always passes parseSearchSpace.
 */
import type { JsonValue } from '../core/space/distributions';
import type { ExtractedParam } from './param-model';

export interface SpaceProposal {
  /** Parameter name -> definition in the search-space format (src/core/space/search-space.ts). */
  readonly space: Record<string, unknown>;
  /** Values passed on every trial but not tuned. */
  readonly fixed: Record<string, JsonValue>;
  /** Why each parameter got its range, was fixed, or was left out. */
  readonly reasons: Record<string, string>;
}

type Definition =
  | { readonly type: 'float'; readonly low: number; readonly high: number; readonly log?: true }
  | { readonly type: 'int'; readonly low: number; readonly high: number; readonly log?: true }
  | { readonly type: 'categorical'; readonly choices: readonly JsonValue[] };

type Decision =
  | { readonly kind: 'space'; readonly definition: Definition; readonly reason: string }
  | { readonly kind: 'fixed'; readonly value: JsonValue; readonly reason: string }
  | { readonly kind: 'left-out'; readonly reason: string };

export function proposeSearchSpace(params: readonly ExtractedParam[]): SpaceProposal {
  const space: Record<string, unknown> = {};
  const fixed: Record<string, JsonValue> = {};
  const reasons: Record<string, string> = {};
  for (const param of params) {
    // One entry per name: the analysis already merged sources, so a repeat is a caller's duplicate.
    if (param.name in reasons) continue;
    const decision = decide(param);
    reasons[param.name] = decision.reason;
    if (decision.kind === 'space') space[param.name] = { ...decision.definition };
    else if (decision.kind === 'fixed') fixed[param.name] = decision.value;
  }
  return { space, fixed, reasons };
}

function decide(p: ExtractedParam): Decision {
  const name = nameOf(p.name);
  const type = effectiveType(p);
  const d = p.default;

  if (!p.tunable) {
    // The training length is the one thing kept out of the space that trials must still agree on.
    if (isTrainingLength(name) && typeof d === 'number') return { kind: 'fixed', value: d, reason: `${p.notTunedReason ?? 'training length: kept fixed unless asked'}; fixed at the default ${fmt(d)} (move it into "space" to tune it)` };
    return { kind: 'left-out', reason: notTunedText(p) };
  }

  const choices = distinct(p.choices ?? []);
  if (choices.length >= 2) {
    const ordered = d !== undefined && choices.some((c) => same(c, d)) ? [d, ...choices.filter((c) => !same(c, d))] : choices;
    return { kind: 'space', definition: { type: 'categorical', choices: ordered }, reason: `one of the script's choices${d !== undefined ? ` (default ${JSON.stringify(d)})` : ''}` };
  }
  if (choices.length === 1) return { kind: 'fixed', value: choices[0] as JsonValue, reason: 'the script allows a single value' };

  if (type === 'bool') {
    const first = typeof d === 'boolean' ? d : false;
    return { kind: 'space', definition: { type: 'categorical', choices: [first, !first] }, reason: `a switch: both values are tried${typeof d === 'boolean' ? ` (default ${d})` : ''}` };
  }
  if (isTrainingLength(name)) {
    if (typeof d === 'number') return { kind: 'fixed', value: d, reason: `training length: kept fixed unless asked, at the default ${fmt(d)} (longer runs nearly always score better; move it into "space" to tune it)` };
    return { kind: 'left-out', reason: 'training length without a default: the script keeps its own value' };
  }
  if (type === 'list') return { kind: 'left-out', reason: 'a list: the script keeps its default; to tune it, add a categorical of whole lists to "space"' };
  if (type === 'str') {
    if (typeof d === 'string') return { kind: 'fixed', value: d, reason: `a string without declared choices: kept at ${JSON.stringify(d)}; to tune it, make it a categorical in "space"` };
    return { kind: 'left-out', reason: 'a string without a default or choices: the script keeps its own value' };
  }
  if (type === 'float' || type === 'int') return numeric(name, type, typeof d === 'number' ? d : undefined);
  return { kind: 'left-out', reason: 'its type could not be read from the script: add it to "space" by hand to tune it' };
}

/** The reason a parameter marked not tunable is left out, as the study file states it. */
export function notTunedText(p: ExtractedParam): string {
  const why = p.notTunedReason ?? 'not a hyperparameter';
  return `${/^not tuned\b/i.test(why) ? why : `not tuned: ${why}`}; the script keeps its default`;
}

function numeric(name: Name, type: 'float' | 'int', d: number | undefined): Decision {
  if (isDataShape(name)) {
    return { kind: 'left-out', reason: 'describes the data or the model\'s input and output, not a training choice: the script keeps its default' };
  }
  if (type === 'float') {
    if (isLearningRate(name)) return learningRate(d);
    if (isWeightDecay(name)) return weightDecay(d);
    if (isProbability(name) && (d === undefined || (d >= 0 && d <= 1))) {
      const high = d !== undefined && d > 0.5 ? Math.max(0.9, d) : 0.5;
      return space({ type: 'float', low: 0, high }, `a dropout / probability / ratio: uniform in [0, ${fmt(high)}]${defaultNote(d)}`);
    }
    if (isMomentum(name) && (d === undefined || (d >= 0 && d < 1))) {
      const [low, high] = d !== undefined && d >= 0.99 ? [0.9, 0.9999] : [Math.min(0.8, d ?? 0.8), 0.999];
      return space({ type: 'float', low, high }, `a momentum / beta: uniform in [${fmt(low)}, ${fmt(high)}]${defaultNote(d)}`);
    }
  } else {
    if (isBatchSize(name)) return powersOfTwo(d ?? 32, 'a batch size', d === undefined);
    if (d !== undefined && d >= 1) {
      if (isDepth(name)) {
        const low = Math.max(1, Math.floor(d / 2));
        const high = Math.max(d * 2, d + 2);
        return space({ type: 'int', low, high }, `a depth: ${low} to ${high} around the default ${d}`);
      }
      if (isWidth(name)) return d >= 4 && isPowerOfTwo(d) ? powersOfTwo(d, 'a layer width', false) : intLogRange(d, 'a layer width');
      if (isHeads(name)) {
        if (isPowerOfTwo(d)) {
          const choices = [d / 2, d, d * 2].filter((c) => c >= 1 && Number.isInteger(c));
          return space({ type: 'categorical', choices }, `attention heads: ${choices.join(', ')} around the default ${d} (the width must stay divisible by it)`);
        }
        const low = Math.max(1, Math.floor(d / 2));
        return space({ type: 'int', low, high: d * 2 }, `attention heads: ${low} to ${d * 2} around the default ${d} (the width must stay divisible by it)`);
      }
    }
  }
  if (d === undefined) return { kind: 'left-out', reason: 'no default to centre a range on: the script keeps its own value; add it to "space" by hand to tune it' };
  return type === 'float' ? otherFloat(d) : otherInt(d);
}

function learningRate(d: number | undefined): Decision {
  if (d === undefined || !(d > 0)) {
    return space({ type: 'float', low: 1e-5, high: 1e-1, log: true }, `a learning rate: log scale from 1e-5 to 0.1${d === undefined ? ' (no default to centre on)' : ` (the default ${fmt(d)} cannot be on a log scale)`}`);
  }
  const low = nice(Math.max(d / 10, 1e-8));
  const high = nice(d >= 1 ? d * 10 : Math.min(d * 10, 1));
  return space({ type: 'float', low, high, log: true }, `a learning rate: log scale from ${fmt(low)} to ${fmt(high)}, 10x either side of the default ${fmt(d)}`);
}

function weightDecay(d: number | undefined): Decision {
  if (d === undefined || !(d > 0)) {
    return space(
      { type: 'float', low: 1e-6, high: 1e-1, log: true },
      `weight decay / L2: log scale from 1e-6 to 0.1${d === 0 ? ' (the default 0 turns it off; a log scale cannot reach 0, so the study compares small to strong decay)' : ''}`,
    );
  }
  const low = nice(d / 10);
  const high = nice(Math.min(d * 10, 1));
  return space({ type: 'float', low, high, log: true }, `weight decay / L2: log scale from ${fmt(low)} to ${fmt(high)}, 10x either side of the default ${fmt(d)}`);
}

/** d/4 .. d*4 as powers of two (8..128 for 32); a default off the grid is kept among the choices. */
function powersOfTwo(d: number, what: string, guessed: boolean): Decision {
  const centre = 2 ** Math.round(Math.log2(Math.max(1, d)));
  const choices = [centre / 4, centre / 2, centre, centre * 2, centre * 4].filter((c) => c >= 1 && Number.isInteger(c));
  if (!choices.includes(d) && Number.isInteger(d) && d >= 1) choices.push(d);
  choices.sort((a, b) => a - b);
  const where = guessed ? ' (no default: centred on 32)' : ` around the default ${d}`;
  return space({ type: 'categorical', choices }, `${what}: powers of two from ${choices[0]} to ${choices[choices.length - 1]}${where}`);
}

function intLogRange(d: number, what: string): Decision {
  const low = Math.max(1, Math.floor(d / 4));
  const high = d * 4;
  return space({ type: 'int', low, high, log: true }, `${what}: ${low} to ${high} on a log scale around the default ${d}`);
}

function otherFloat(d: number): Decision {
  if (d === 0) return { kind: 'fixed', value: d, reason: 'a number whose default 0 gives no scale to range around: kept at 0; give it a range in "space" to tune it' };
  if (d < 0) {
    const low = nice(d * 2);
    const high = nice(d / 2);
    return space({ type: 'float', low, high }, `a number: from ${fmt(low)} to ${fmt(high)}, twice to half the default ${fmt(d)}`);
  }
  if (d < 1e-2 || d >= 100) {
    const low = nice(d / 10);
    const high = nice(d * 10);
    return space({ type: 'float', low, high, log: true }, `a number of small or large magnitude: log scale from ${fmt(low)} to ${fmt(high)}, 10x either side of the default ${fmt(d)}`);
  }
  if (d >= 0.9 && d < 1) {
    // Discount factors and decay rates live just below 1: range 1 - d over a factor 10 each way.
    const gap = 1 - d;
    const low = nice(Math.max(0, 1 - gap * 10));
    const high = nice(1 - gap / 10);
    return space({ type: 'float', low, high }, `a factor just below 1: from ${fmt(low)} to ${fmt(high)} around the default ${fmt(d)}`);
  }
  const low = nice(d / 2);
  const high = nice(d * 2);
  return space({ type: 'float', low, high }, `a number: from ${fmt(low)} to ${fmt(high)}, half to twice the default ${fmt(d)}`);
}

function otherInt(d: number): Decision {
  if (d === 0) return { kind: 'fixed', value: d, reason: 'an integer whose default 0 gives no scale to range around (often "off"): kept at 0; give it a range in "space" to tune it' };
  if (d < 0) return { kind: 'fixed', value: d, reason: `a negative default (${d}) is usually a special value ("all", "off"): kept as is` };
  const low = Math.max(1, Math.floor(d / 2));
  const high = Math.max(d * 2, d + 3);
  if (d >= 100) return space({ type: 'int', low, high, log: true }, `an integer: ${low} to ${high} on a log scale, half to twice the default ${d}`);
  return space({ type: 'int', low, high }, `an integer: ${low} to ${high} around the default ${d}`);
}

function space(definition: Definition, reason: string): Decision {
  return { kind: 'space', definition, reason };
}

function defaultNote(d: number | undefined): string {
  return d === undefined ? '' : ` (default ${fmt(d)})`;
}

// ---- what a name says ----

interface Name {
  /** Lower-case words of the last dotted segment: `optimizer.weightDecay` -> ['weight', 'decay']. */
  readonly words: readonly string[];
  /** The words joined with `_`: `weight_decay`. */
  readonly joined: string;
}

function nameOf(name: string): Name {
  const last = name.split('.').filter((s) => s.length > 0).pop() ?? name;
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  return { words, joined: words.join('_') };
}

const has = (name: Name, ...words: string[]): boolean => words.some((w) => name.words.includes(w));

const LEARNING_RATE_NAMES = new Set(['lr', 'learning_rate', 'learningrate', 'eta', 'lr0', 'base_lr', 'max_lr', 'init_lr', 'initial_lr', 'peak_lr', 'min_lr']);

function isLearningRate(n: Name): boolean {
  return LEARNING_RATE_NAMES.has(n.joined) || n.joined.endsWith('_lr') || n.joined.endsWith('learning_rate');
}

const WEIGHT_DECAY_NAMES = new Set(['weight_decay', 'wd', 'l2', 'l2_reg', 'l2_lambda', 'l2_penalty', 'l2_weight', 'lambda_l2', 'reg', 'weight_decay_rate', 'decay_weight']);

function isWeightDecay(n: Name): boolean {
  return WEIGHT_DECAY_NAMES.has(n.joined) || n.joined.endsWith('weight_decay') || has(n, 'l2');
}

function isProbability(n: Name): boolean {
  if (has(n, 'decay')) return false; // lr_decay_rate is a schedule factor, not a probability
  const last = n.words[n.words.length - 1];
  return (
    has(n, 'dropout', 'drop', 'smoothing') ||
    last === 'prob' ||
    last === 'probability' ||
    last === 'rate' ||
    last === 'ratio' ||
    last === 'frac' ||
    last === 'fraction' ||
    n.joined === 'p'
  );
}

function isMomentum(n: Name): boolean {
  return has(n, 'momentum', 'beta', 'beta1', 'beta2') || n.joined === 'ema_decay' || n.joined === 'ema';
}

const BATCH_NAMES = new Set(['batch_size', 'batch', 'bs', 'batchsize', 'micro_batch_size', 'mini_batch_size', 'minibatch_size', 'train_batch_size', 'per_device_train_batch_size']);

function isBatchSize(n: Name): boolean {
  return BATCH_NAMES.has(n.joined) || n.joined.endsWith('batch_size');
}

function isDepth(n: Name): boolean {
  return has(n, 'layers', 'layer', 'depth', 'blocks', 'nlayers', 'nlayer', 'stages');
}

const WIDTH_WORDS = ['hidden', 'width', 'units', 'dim', 'dims', 'embd', 'embed', 'embedding', 'emb', 'channels', 'filters', 'neurons', 'ffn', 'intermediate', 'latent', 'nhid', 'ninp'];

function isWidth(n: Name): boolean {
  return has(n, ...WIDTH_WORDS) || n.joined === 'd_model' || n.joined === 'd_ff';
}

function isHeads(n: Name): boolean {
  return has(n, 'heads', 'head', 'nhead', 'nheads');
}

const TRAINING_LENGTH_NAMES = new Set([
  'epochs', 'epoch', 'num_epochs', 'n_epochs', 'max_epochs', 'nb_epochs', 'num_train_epochs', 'train_epochs', 'total_epochs', 'n_epoch', 'num_epoch',
  'max_steps', 'num_steps', 'n_steps', 'steps', 'total_steps', 'train_steps', 'num_train_steps', 'training_steps',
  'max_iter', 'max_iters', 'iterations', 'iters', 'num_iterations', 'n_iter', 'n_iters', 'num_iters', 'max_iterations', 'total_iters',
  'timesteps', 'total_timesteps',
]);

function isTrainingLength(n: Name): boolean {
  return TRAINING_LENGTH_NAMES.has(n.joined);
}

const DATA_SHAPE_NAMES = new Set([
  'num_classes', 'n_classes', 'nclasses', 'classes', 'num_labels', 'vocab_size', 'image_size', 'img_size', 'input_size', 'input_dim', 'in_dim',
  'output_dim', 'out_dim', 'output_size', 'in_channels', 'in_features', 'seq_len', 'seq_length', 'max_len', 'max_length', 'max_seq_len',
  'max_seq_length', 'block_size', 'context_length', 'sample_rate', 'sampling_rate', 'n_samples', 'num_samples', 'test_size', 'val_size',
  'valid_size', 'val_split', 'validation_split', 'test_split', 'train_split', 'val_fraction', 'test_fraction',
]);

function isDataShape(n: Name): boolean {
  return DATA_SHAPE_NAMES.has(n.joined);
}

// ---- values ----

function effectiveType(p: ExtractedParam): ExtractedParam['type'] {
  if (p.type !== 'unknown') return p.type;
  const d = p.default;
  if (typeof d === 'boolean') return 'bool';
  if (typeof d === 'number') return Number.isInteger(d) ? 'int' : 'float';
  if (typeof d === 'string') return 'str';
  if (Array.isArray(d)) return 'list';
  return 'unknown';
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && Number.isInteger(Math.log2(n));
}

/** Three significant digits: 0.0005000000000000001 -> 0.0005, so the study file reads cleanly. */
function nice(x: number): number {
  return Number(x.toPrecision(3));
}

function fmt(x: number): string {
  return String(x);
}

function same(a: JsonValue, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function distinct(values: readonly JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const v of values) if (!out.some((o) => same(o, v))) out.push(v);
  return out;
}
