/**
 * Is this Python file a training script? Signals read from the syntax tree (imports of ML
 * frameworks, the calls and loops of a training loop, an entry point), each with a weight, so
 * that a script that trains clearly outranks a module that merely imports torch.
 *
 * Weights: imports together count at most IMPORT_SCORE_CAP, below TRAINING_SCRIPT_MIN_SCORE,
 * so imports alone never make a file a training script; one training-loop or framework-call
 * signal on top of an import does. Each signal counts once however often it occurs (a loop
 * calling backward() in five places is no more a training script than one calling it once).
 */
import type { Evidence } from './param-model';
import type { SyntaxNode, SyntaxTree } from './python-parser';

/** A file scoring at least this trains something (an ML import plus a training call or loop). */
export const TRAINING_SCRIPT_MIN_SCORE = 5;

/** The most all imports together add to a score. */
export const IMPORT_SCORE_CAP = 4;

/** Root modules of the frameworks a training script imports, with how strongly each says "training". */
const FRAMEWORKS: ReadonlyMap<string, { readonly label: string; readonly weight: number }> = new Map([
  ['torch', { label: 'torch', weight: 3 }],
  ['tensorflow', { label: 'tensorflow', weight: 3 }],
  ['keras', { label: 'keras', weight: 3 }],
  ['tf_keras', { label: 'keras', weight: 3 }],
  ['lightning', { label: 'lightning', weight: 3 }],
  ['pytorch_lightning', { label: 'pytorch_lightning', weight: 3 }],
  ['flax', { label: 'flax', weight: 3 }],
  ['jax', { label: 'jax', weight: 2 }],
  ['optax', { label: 'optax', weight: 2 }],
  ['sklearn', { label: 'scikit-learn (sklearn)', weight: 2 }],
  ['transformers', { label: 'transformers', weight: 2 }],
  ['xgboost', { label: 'xgboost', weight: 2 }],
  ['lightgbm', { label: 'lightgbm', weight: 2 }],
  ['catboost', { label: 'catboost', weight: 2 }],
  ['accelerate', { label: 'accelerate', weight: 2 }],
  ['deepspeed', { label: 'deepspeed', weight: 2 }],
  ['timm', { label: 'timm', weight: 2 }],
  ['torchvision', { label: 'torchvision', weight: 1 }],
  // A script importing optuna is usually already an objective around training code.
  ['optuna', { label: 'optuna', weight: 1 }],
]);

const ENTRY_POINT_WEIGHT = 1;

/** Function names that are the body of a training loop (PyTorch, Lightning, hand-written JAX). */
const TRAIN_FUNCTION_NAMES = new Set(['train_step', 'training_step', 'train_one_epoch', 'train_epoch', 'train_loop', 'fit_epoch']);

/**
 * A cheap text test run before parsing (workspace scans read thousands of files): false means
 * detectTrainingSignals would score the file 0. It may say true for files that then score 0.
 */
export function mayContainTrainingSignals(text: string): boolean {
  return PREFILTER.test(text);
}

const PREFILTER = new RegExp(
  [
    `\\b(?:${[...FRAMEWORKS.keys()].join('|')})\\b`,
    '\\.\\s*(?:backward|step|fit|train|zero_grad|apply_gradients|train_on_batch)\\s*\\(',
    'Trainer\\s*\\(',
    'GradientTape|value_and_grad',
    'epoch',
    [...TRAIN_FUNCTION_NAMES].join('|'),
  ].join('|'),
  'i',
);

export interface TrainingSignals {
  readonly score: number;
  /** In source order. */
  readonly evidence: Evidence[];
}

/** Scores a parsed file; `text` is the source the tree was parsed from. */
export function detectTrainingSignals(tree: SyntaxTree, text: string): TrainingSignals {
  const found = new Map<string, Evidence>();
  const add = (key: string, e: Evidence): void => {
    if (!found.has(key)) found.set(key, e);
  };
  const visitor = new SignalVisitor(add, text);
  // One call into the WASM side returns just the nodes that can carry a signal, in source order;
  // walking every node from JavaScript costs more than parsing the file.
  for (const node of tree.rootNode.descendantsOfType(SIGNAL_NODE_TYPES)) if (node) visitor.visit(node);
  return finish(found);
}

const SIGNAL_NODE_TYPES = ['import_statement', 'import_from_statement', 'call', 'for_statement', 'function_definition', 'if_statement'];

function finish(found: Map<string, Evidence>): TrainingSignals {
  const evidence = [...found.values()].sort((a, b) => a.line - b.line);
  let imports = 0;
  let other = 0;
  let entry = 0;
  for (const e of evidence) {
    if (e.kind === 'import') imports += e.weight;
    else if (e.kind === 'entry-point') entry += e.weight;
    else other += e.weight;
  }
  const signals = Math.min(imports, IMPORT_SCORE_CAP) + other;
  // An entry point alone is any command-line script; it only adds to files that show ML signals.
  return { score: signals > 0 ? signals + entry : 0, evidence: signals > 0 ? evidence : [] };
}

class SignalVisitor {
  constructor(
    private readonly add: (key: string, e: Evidence) => void,
    private readonly text: string,
  ) {}

  visit(node: SyntaxNode): void {
    switch (node.type) {
      case 'import_statement':
        for (const name of node.childrenForFieldName('name')) this.importOf(name, node);
        return;
      case 'import_from_statement': {
        const module = node.childForFieldName('module_name');
        if (module) this.importOf(module, node);
        return;
      }
      case 'call':
        this.call(node);
        return;
      case 'for_statement':
        this.forLoop(node);
        return;
      case 'function_definition': {
        const name = node.childForFieldName('name')?.text;
        if (name && TRAIN_FUNCTION_NAMES.has(name)) this.signal(`train-fn`, 'training-loop', `defines ${name}()`, node, 2);
        return;
      }
      case 'if_statement':
        // Top level only: a guarded main inside a function means nothing.
        if (node.parent?.type === 'module') this.entryPoint(node);
        return;
      default:
        return;
    }
  }

  private signal(key: string, kind: Evidence['kind'], description: string, at: SyntaxNode, weight: number): void {
    this.add(key, { kind, description, line: at.startPosition.row + 1, weight });
  }

  private importOf(name: SyntaxNode, statement: SyntaxNode): void {
    // `import torch.nn as nn` names an aliased_import whose `name` is the dotted name.
    const dotted = name.type === 'aliased_import' ? name.childForFieldName('name') : name;
    if (dotted?.type !== 'dotted_name') return; // relative imports (`from . import x`) are the project's own
    const root = dotted.namedChildren[0]?.text;
    const framework = root ? FRAMEWORKS.get(root) : undefined;
    if (framework) this.signal(`import:${framework.label}`, 'import', `imports ${framework.label}`, statement, framework.weight);
  }

  private call(call: SyntaxNode): void {
    const fn = call.childForFieldName('function');
    if (!fn) return;
    const args = call.childForFieldName('arguments');
    const noArgs = args?.type === 'argument_list' && args.namedChildCount === 0;
    if (fn.type === 'identifier') {
      if (/Trainer$/.test(fn.text)) this.signal('trainer', 'framework-call', `creates a ${fn.text}`, call, 4);
      else if (TRAIN_FUNCTION_NAMES.has(fn.text)) this.signal('train-fn', 'training-loop', `calls ${fn.text}()`, call, 2);
      return;
    }
    if (fn.type !== 'attribute') return;
    const attr = fn.childForFieldName('attribute')?.text ?? '';
    const objectNode = fn.childForFieldName('object');
    const object = objectNode ? short(objectNode.text) : '';
    const owner = lastName(object).toLowerCase();
    switch (attr) {
      case 'backward':
        this.signal('backward', 'training-loop', `calls ${object}.backward()`, call, 4);
        return;
      case 'step':
        if (/opt/.test(owner)) this.signal('optimizer-step', 'training-loop', `calls ${object}.step()`, call, 4);
        else if (/sched/.test(owner)) this.signal('scheduler-step', 'training-loop', `steps a learning-rate scheduler (${object}.step())`, call, 1);
        return;
      case 'zero_grad':
        this.signal('zero-grad', 'training-loop', `calls ${object}.zero_grad()`, call, 2);
        return;
      case 'fit':
        if (/trainer/.test(owner)) this.signal('trainer-fit', 'framework-call', `calls ${object}.fit()`, call, 5);
        else this.signal('fit', 'framework-call', `calls ${object}.fit()`, call, 3);
        return;
      case 'train':
        if (/trainer/.test(owner)) this.signal('trainer-train', 'framework-call', `calls ${object}.train()`, call, 5);
        else if (/^(xgb|xgboost|lgb|lightgbm|catboost)$/.test(owner)) this.signal('booster-train', 'framework-call', `calls ${object}.train()`, call, 4);
        else if (noArgs) this.signal('train-mode', 'training-loop', `puts the model in training mode (${object}.train())`, call, 2);
        return;
      case 'apply_gradients':
      case 'train_on_batch':
        this.signal(attr, 'training-loop', `calls ${object}.${attr}()`, call, 4);
        return;
      case 'GradientTape':
        this.signal('gradient-tape', 'training-loop', `records gradients (${object}.GradientTape())`, call, 3);
        return;
      case 'value_and_grad':
      case 'grad':
        if (owner === 'jax') this.signal('jax-grad', 'training-loop', `differentiates with ${object}.${attr}()`, call, 3);
        return;
      default:
        if (/Trainer$/.test(attr)) this.signal('trainer', 'framework-call', `creates a ${object}.${attr}`, call, 4);
        else if (TRAIN_FUNCTION_NAMES.has(attr)) this.signal('train-fn', 'training-loop', `calls ${object}.${attr}()`, call, 2);
    }
  }

  private forLoop(loop: SyntaxNode): void {
    const left = loop.childForFieldName('left');
    const right = loop.childForFieldName('right');
    const names = left ? identifiersIn(left) : [];
    const overEpochs = names.some((n) => /^(ep|epoch\w*|\w*_epoch)$/i.test(n)) || (right !== null && /epoch/i.test(right.text));
    if (overEpochs) this.signal('epoch-loop', 'training-loop', `loops over epochs (for ${short(left?.text ?? '')} in ${short(right?.text ?? '')})`, loop, 3);
  }

  private entryPoint(statement: SyntaxNode): void {
    const condition = statement.childForFieldName('condition');
    if (condition?.type !== 'comparison_operator') return;
    const text = this.text.slice(condition.startIndex, condition.endIndex).replace(/\s+/g, '');
    if (/^__name__==(['"])__main__\1$|^(['"])__main__\2==__name__$/.test(text)) {
      this.signal('main', 'entry-point', `runs as a script (if __name__ == "__main__")`, statement, ENTRY_POINT_WEIGHT);
    }
  }
}

function identifiersIn(node: SyntaxNode): string[] {
  if (node.type === 'identifier') return [node.text];
  return node.namedChildren.flatMap((c) => (c ? identifiersIn(c) : []));
}

/** `self.optimizer` -> `optimizer`, `opt_g` -> `opt_g`. */
function lastName(expr: string): string {
  const m = /([A-Za-z_]\w*)\s*$/.exec(expr);
  return m ? (m[1] as string) : '';
}

/** Keeps descriptions readable when the expression is long. */
function short(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
