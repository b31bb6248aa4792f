/**
 * The tunable fields of transformers' TrainingArguments, whose definition lives in the installed
 * transformers package rather than in the script: a script that passes TrainingArguments to
 * HfArgumentParser accepts these as `--name value` flags. Defaults are those transformers has
 * shipped since v4 (docs: main_classes/trainer#transformers.TrainingArguments); only fields
 * that have kept their name and meaning across releases are listed.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ParamType } from '../param-model';

export interface KnownField {
  readonly name: string;
  readonly type: ParamType;
  readonly default: JsonValue;
  readonly choices?: readonly JsonValue[];
  readonly help: string;
}

/** Class names that carry these fields (Seq2SeqTrainingArguments extends TrainingArguments). */
export const HF_TRAINING_ARGUMENT_CLASSES: ReadonlySet<string> = new Set(['TrainingArguments', 'Seq2SeqTrainingArguments']);

export const HF_TRAINING_ARGUMENTS: readonly KnownField[] = [
  { name: 'learning_rate', type: 'float', default: 5e-5, help: 'The initial learning rate for the optimizer.' },
  { name: 'per_device_train_batch_size', type: 'int', default: 8, help: 'Batch size per device for training.' },
  { name: 'gradient_accumulation_steps', type: 'int', default: 1, help: 'Update steps to accumulate gradients over before a backward/update pass.' },
  { name: 'num_train_epochs', type: 'float', default: 3.0, help: 'Total number of training epochs.' },
  { name: 'weight_decay', type: 'float', default: 0.0, help: 'Weight decay applied to all layers except biases and LayerNorm weights.' },
  { name: 'adam_beta1', type: 'float', default: 0.9, help: 'beta1 of the Adam-family optimizers.' },
  { name: 'adam_beta2', type: 'float', default: 0.999, help: 'beta2 of the Adam-family optimizers.' },
  { name: 'adam_epsilon', type: 'float', default: 1e-8, help: 'epsilon of the Adam-family optimizers.' },
  { name: 'max_grad_norm', type: 'float', default: 1.0, help: 'Maximum gradient norm (gradient clipping).' },
  {
    name: 'lr_scheduler_type',
    type: 'str',
    default: 'linear',
    // The scheduler names every transformers v4+ release accepts; newer ones exist in newer releases.
    choices: ['linear', 'cosine', 'cosine_with_restarts', 'polynomial', 'constant', 'constant_with_warmup'],
    help: 'The learning-rate schedule.',
  },
  { name: 'warmup_ratio', type: 'float', default: 0.0, help: 'Fraction of training steps used for a linear warmup.' },
  { name: 'warmup_steps', type: 'int', default: 0, help: 'Steps of linear warmup (overrides warmup_ratio).' },
  { name: 'label_smoothing_factor', type: 'float', default: 0.0, help: 'Label smoothing epsilon (0 disables it).' },
  { name: 'seed', type: 'int', default: 42, help: 'Random seed set at the beginning of training.' },
];
