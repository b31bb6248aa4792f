/**
 * absl flags read with the real tree-sitter parser: every DEFINE_* kind, the ways absl's flags
 * module is imported (and TF1's aliases of it), positional and keyword arguments, and the
 * string defaults absl parses itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { extractAbsl } from '../../../../src/detect/extractors/absl';
import { applyEdits } from '../../../../src/detect/text-edit';
import { analyseWith, byName, row, valueText } from './extractor-harness';
import type { Analysed } from './extractor-harness';

const analyse = (t: TestContext, source: string): Promise<Analysed> => analyseWith(extractAbsl, t, source);

const SCRIPT = `"""Trains an MLP on MNIST."""
from absl import app
from absl import flags
from absl import logging

FLAGS = flags.FLAGS
LEARNING_RATE = 0.01

flags.DEFINE_string('data_dir', '/tmp/mnist', 'Directory for the dataset.')
flags.DEFINE_float('learning_rate', LEARNING_RATE, 'Initial learning rate.')
flags.DEFINE_integer('batch_size', 128, 'Batch size.', lower_bound=1)
flags.DEFINE_integer('train_epochs', 10, 'Number of epochs to train for.')
flags.DEFINE_boolean('use_amp', False, 'Use mixed precision.')
flags.DEFINE_enum('optimizer', 'adam', ['sgd', 'adam', 'rmsprop'],
                  'Optimizer to use.')
flags.DEFINE_list('hidden_units', ['256', '128'], 'Hidden layer sizes.')


def main(argv):
  del argv  # Unused.
  logging.info('Training with lr=%f', FLAGS.learning_rate)


if __name__ == '__main__':
  app.run(main)
`;

test('reads an absl training script: names as written, --name flags, types, choices, help, lines', async (t) => {
  const result = await analyse(t, SCRIPT);
  const flag = (name: string, type: string, def: unknown, defaultText: string, help: string, line: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name,
    source: 'absl',
    flag: `--${name}`,
    dest: name,
    type,
    default: def,
    defaultText,
    help,
    ...extra,
    tunable: true,
    line,
  });
  assert.deepEqual(result.params.map(row), [
    flag('data_dir', 'str', '/tmp/mnist', "'/tmp/mnist'", 'Directory for the dataset.', 9),
    flag('learning_rate', 'float', 0.01, 'LEARNING_RATE', 'Initial learning rate.', 10),
    flag('batch_size', 'int', 128, '128', 'Batch size.', 11),
    flag('train_epochs', 'int', 10, '10', 'Number of epochs to train for.', 12),
    flag('use_amp', 'bool', false, 'False', 'Use mixed precision.', 13, { boolStyle: 'paired-flags' }),
    flag('optimizer', 'str', 'adam', "'adam'", 'Optimizer to use.', 14, { choices: ['sgd', 'adam', 'rmsprop'] }),
    flag('hidden_units', 'list', ['256', '128'], "['256', '128']", 'Hidden layer sizes.', 16),
  ]);
  assert.deepEqual(result.consumedConstants, ['LEARNING_RATE']);
  assert.equal(valueText(result, 'learning_rate'), '0.01', 'the span is the constant literal');
  assert.equal(byName(result, 'learning_rate').location.column, 1);

  const { valueStart, valueEnd } = byName(result, 'batch_size').location;
  const edited = applyEdits(result.text, [{ start: valueStart!, end: valueEnd!, newText: '64' }]);
  assert.equal(edited, SCRIPT.replace("'batch_size', 128,", "'batch_size', 64,"));
});

test('every import style, TF1 aliases, keyword arguments, FlagHolders and the other DEFINE kinds', async (t) => {
  const result = await analyse(
    t,
    `import enum
import absl.flags
import tensorflow as tf
from absl import flags as f
from absl.flags import DEFINE_bool, DEFINE_float as define_float


class Activation(enum.Enum):
  RELU = 'relu'
  GELU = 'gelu'


absl.flags.DEFINE_integer('hidden', 64, 'Hidden units.')
_DROPOUT = f.DEFINE_float(name='dropout', default='0.2', help='Dropout rate.')
DEFINE_bool('shuffle', 'true', 'Shuffle each epoch.')
define_float('momentum', 0.9, 'SGD momentum.')
tf.compat.v1.flags.DEFINE_integer('warmup_steps', 100, 'Warmup.')
tf.app.flags.DEFINE_string('schedule', 'cosine', 'LR schedule.')
f.DEFINE_list('layers', '64,32', 'Layer widths.')
f.DEFINE_spaceseplist('tags', 'a b', 'Tags.')
f.DEFINE_multi_integer('eval_steps', 5, 'Eval at these steps.')
f.DEFINE_enum_class('activation', Activation.RELU, Activation, 'Activation.')
f.DEFINE_enum(name='precision', default='fp32', enum_values=['fp16', 'bf16', 'fp32'], help='Precision.')
f.DEFINE_alias('lr', 'momentum')
config.DEFINE_float('not_a_flag', 1.0, 'some other library')
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.type, p.default, p.choices ?? null, p.boolStyle ?? null, p.help]),
    [
      ['hidden', 'int', 64, null, null, 'Hidden units.'],
      ['dropout', 'float', 0.2, null, null, 'Dropout rate.'],
      ['shuffle', 'bool', true, null, 'paired-flags', 'Shuffle each epoch.'],
      ['momentum', 'float', 0.9, null, null, 'SGD momentum.'],
      ['warmup_steps', 'int', 100, null, null, 'Warmup.'],
      ['schedule', 'str', 'cosine', null, null, 'LR schedule.'],
      ['layers', 'list', ['64', '32'], null, null, 'Layer widths.'],
      ['tags', 'list', ['a', 'b'], null, null, 'Tags.'],
      ['eval_steps', 'list', [5], null, null, 'Eval at these steps.'],
      ['activation', 'str', 'RELU', ['RELU', 'GELU'], null, 'Activation.'],
      ['precision', 'str', 'fp32', ['fp16', 'bf16', 'fp32'], null, 'Precision.'],
    ],
  );
  assert.equal(byName(result, 'dropout').location.line, 14, 'a FlagHolder assignment is located at the DEFINE call');
  assert.equal(byName(result, 'dropout').location.column, 12);
  assert.equal(valueText(result, 'dropout'), "'0.2'", 'a string default is still the literal to rewrite');
  assert.equal(valueText(result, 'activation'), undefined, 'an enum member is not rewritten as a bare value');
});

test('expression defaults keep their text without a span', async (t) => {
  const result = await analyse(
    t,
    `import os
from absl import flags
flags.DEFINE_float('lr', float(os.environ.get('LR', '0.1')), 'Learning rate.')
flags.DEFINE_integer('hidden', 2 * 64, 'Hidden units.')
flags.DEFINE_string('run_name', f'run-{os.getpid()}', 'Run name.')
flags.DEFINE_integer('seed', None, 'Seed.')
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.type, p.default, p.defaultText, valueText(result, p.name)]),
    [
      ['lr', 'float', undefined, "float(os.environ.get('LR', '0.1'))", undefined],
      ['hidden', 'int', undefined, '2 * 64', undefined],
      ['run_name', 'str', undefined, "f'run-{os.getpid()}'", undefined],
      ['seed', 'int', null, 'None', 'None'],
    ],
  );
});

test('names built at run time are problems with file:line; a syntax error elsewhere does not hide the rest', async (t) => {
  const result = await analyse(
    t,
    `from absl import flags
flags.DEFINE_float('learning_rate', 0.1, 'LR.')
for name in ['a', 'b']:
  flags.DEFINE_integer(name + '_size', 8, 'Size.')

def main(argv:
  pass

flags.DEFINE_integer('epochs', 3, 'Epochs.')
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.default, p.location.line]),
    [
      ['learning_rate', 0.1, 2],
      ['epochs', 3, 9],
    ],
  );
  assert.equal(result.problems?.length, 1);
  assert.ok(result.problems![0]!.startsWith(`${result.file}:4: `), result.problems![0]);
  assert.match(result.problems![0]!, /flags\.DEFINE_integer\(name \+ '_size', \.\.\.\).*string literal/);
});
