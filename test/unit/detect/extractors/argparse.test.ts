/**
 * argparse options read from real scripts with the real tree-sitter parser, and checked against
 * argparse itself (the stdlib python3 on PATH builds the same parser) so dests, defaults and
 * switch styles mean what Python makes of them.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import type { JsonValue } from '../../../../src/core/space/distributions';
import { extractArgparse } from '../../../../src/detect/extractors/argparse';
import type { ExtractedParam } from '../../../../src/detect/param-model';
import { applyEdits } from '../../../../src/detect/text-edit';
import { type Analysed, analyseWith, byName, row, valueText } from './extractor-harness';

const analyse = (t: TestContext, source: string): Promise<Analysed> => analyseWith(extractArgparse, t, source);

// pytorch/examples mnist/main.py, as written there: the parser is built inside main().
const MNIST = `from __future__ import print_function
import argparse
import torch


def main():
    # Training settings
    parser = argparse.ArgumentParser(description='PyTorch MNIST Example')
    parser.add_argument('--batch-size', type=int, default=64, metavar='N',
                        help='input batch size for training (default: 64)')
    parser.add_argument('--test-batch-size', type=int, default=1000, metavar='N',
                        help='input batch size for testing (default: 1000)')
    parser.add_argument('--epochs', type=int, default=14, metavar='N',
                        help='number of epochs to train (default: 14)')
    parser.add_argument('--lr', type=float, default=1.0, metavar='LR',
                        help='learning rate (default: 1.0)')
    parser.add_argument('--gamma', type=float, default=0.7, metavar='M',
                        help='Learning rate step gamma (default: 0.7)')
    parser.add_argument('--no-cuda', action='store_true', default=False,
                        help='disables CUDA training')
    parser.add_argument('--dry-run', action='store_true', default=False,
                        help='quickly check a single pass')
    parser.add_argument('--seed', type=int, default=1, metavar='S',
                        help='random seed (default: 1)')
    parser.add_argument('--log-interval', type=int, default=10, metavar='N',
                        help='how many batches to wait before logging training status')
    parser.add_argument('--save-model', action='store_true', default=False,
                        help='For Saving the current Model')
    args = parser.parse_args()
    use_cuda = not args.no_cuda and torch.cuda.is_available()


if __name__ == '__main__':
    main()
`;

test('reads every option of the PyTorch MNIST example, built inside main()', async (t) => {
  const result = await analyse(t, MNIST);
  const opt = (name: string, type: string, def: JsonValue, defaultText: string, help: string, line: number, boolStyle?: string): Record<string, unknown> => ({
    name,
    source: 'argparse',
    flag: `--${name}`,
    dest: name.replace(/-/g, '_'),
    type,
    default: def,
    defaultText,
    help,
    ...(boolStyle ? { boolStyle } : {}),
    tunable: true,
    line,
  });
  assert.deepEqual(result.params.map(row), [
    opt('batch-size', 'int', 64, '64', 'input batch size for training (default: 64)', 9),
    opt('test-batch-size', 'int', 1000, '1000', 'input batch size for testing (default: 1000)', 11),
    opt('epochs', 'int', 14, '14', 'number of epochs to train (default: 14)', 13),
    opt('lr', 'float', 1, '1.0', 'learning rate (default: 1.0)', 15),
    opt('gamma', 'float', 0.7, '0.7', 'Learning rate step gamma (default: 0.7)', 17),
    opt('no-cuda', 'bool', false, 'False', 'disables CUDA training', 19, 'store_true'),
    opt('dry-run', 'bool', false, 'False', 'quickly check a single pass', 21, 'store_true'),
    opt('seed', 'int', 1, '1', 'random seed (default: 1)', 23),
    opt('log-interval', 'int', 10, '10', 'how many batches to wait before logging training status', 25),
    opt('save-model', 'bool', false, 'False', 'For Saving the current Model', 27, 'store_true'),
  ]);
  assert.equal(result.consumedConstants, undefined);
  assert.equal(result.problems, undefined);
  assert.equal(byName(result, 'lr').location.column, 5, 'column of parser.add_argument, 1-based');
  assert.equal(valueText(result, 'lr'), '1.0');
});

// pytorch/examples imagenet/main.py style: short and long flags, explicit dest, a positional
// dataset path, a computed help text and choices taken from a runtime list.
const IMAGENET = `import argparse
import torchvision.models as models

model_names = sorted(name for name in models.__dict__ if name.islower())

parser = argparse.ArgumentParser(description='PyTorch ImageNet Training')
parser.add_argument('data', metavar='DIR', nargs='?', default='imagenet',
                    help='path to dataset (default: imagenet)')
parser.add_argument('-a', '--arch', metavar='ARCH', default='resnet18',
                    choices=model_names,
                    help='model architecture: ' +
                        ' | '.join(model_names) +
                        ' (default: resnet18)')
parser.add_argument('-b', '--batch-size', default=256, type=int,
                    metavar='N',
                    help='mini-batch size (default: 256), this is the total '
                         'batch size of all GPUs on the current node')
parser.add_argument('--lr', '--learning-rate', default=0.1, type=float,
                    metavar='LR', help='initial learning rate', dest='lr')
parser.add_argument('--wd', '--weight-decay', default=1e-4, type=float,
                    metavar='W', help='weight decay (default: 1e-4)',
                    dest='weight_decay')
parser.add_argument('-e', '--evaluate', dest='evaluate', action='store_true',
                    help='evaluate model on validation set')
parser.add_argument('--seed', default=None, type=int,
                    help='seed for initializing training. ')
parser.add_argument('-p', default=10, type=int, help='print frequency')
`;

test('imagenet style: the long flag names it, dest= wins, positionals are listed but not tuned', async (t) => {
  const result = await analyse(t, IMAGENET);
  assert.deepEqual(
    result.params.map((p) => [p.name, p.flag, p.dest, p.type, p.default, p.tunable, p.location.line]),
    [
      ['data', undefined, 'data', 'str', 'imagenet', false, 7],
      ['arch', '--arch', 'arch', 'str', 'resnet18', true, 9],
      ['batch-size', '--batch-size', 'batch_size', 'int', 256, true, 14],
      ['lr', '--lr', 'lr', 'float', 0.1, true, 18],
      ['wd', '--wd', 'weight_decay', 'float', 1e-4, true, 20],
      ['evaluate', '--evaluate', 'evaluate', 'bool', false, true, 23],
      ['seed', '--seed', 'seed', 'int', null, true, 25],
      ['p', '-p', 'p', 'int', 10, true, 27],
    ],
  );
  assert.match(byName(result, 'data').notTunedReason ?? '', /positional/);
  assert.equal(byName(result, 'arch').choices, undefined, 'choices computed at run time are not guessed');
  assert.equal(byName(result, 'arch').help, undefined, 'a help text built with + is not a literal');
  assert.equal(byName(result, 'batch-size').help, 'mini-batch size (default: 256), this is the total batch size of all GPUs on the current node');
  assert.equal(valueText(result, 'seed'), 'None');
  assert.equal(valueText(result, 'evaluate'), undefined, 'store_true without default= has nothing to rewrite');
});

test('a default from a module constant is reported as consumed and its span is the constant literal', async (t) => {
  const source = `import argparse
LEARNING_RATE = 1e-3  # tuned by hand
BATCH: int = 32

def get_args():
    parser = argparse.ArgumentParser()
    parser.add_argument('--lr', type=float, default=LEARNING_RATE, help='学习率 (learning rate)')
    parser.add_argument('--batch-size', type=int, default=BATCH)
    parser.add_argument('--warmup', type=int, default=UNDEFINED_NAME)
    return parser.parse_args()
`;
  const result = await analyse(t, source);
  assert.deepEqual(result.consumedConstants, ['LEARNING_RATE', 'BATCH']);
  const lr = byName(result, 'lr');
  assert.equal(lr.default, 1e-3);
  assert.equal(lr.defaultText, 'LEARNING_RATE');
  assert.equal(lr.location.line, 7, 'the location stays at the option');
  assert.equal(valueText(result, 'lr'), '1e-3');
  assert.equal(valueText(result, 'batch-size'), '32');
  const warmup = byName(result, 'warmup');
  assert.equal(warmup.default, undefined);
  assert.equal(warmup.defaultText, 'UNDEFINED_NAME');
  assert.equal(valueText(result, 'warmup'), undefined);

  // Apply-back through the span rewrites the constant, and nothing else.
  const { valueStart, valueEnd } = lr.location;
  const edited = applyEdits(result.text, [{ start: valueStart!, end: valueEnd!, newText: '0.0005' }]);
  assert.equal(edited, source.replace('LEARNING_RATE = 1e-3', 'LEARNING_RATE = 0.0005'));
});

test('spans are string indices, correct after non-ASCII text on earlier lines and the same line', async (t) => {
  const result = await analyse(
    t,
    `# Entraînement — réglages\nimport argparse\np = argparse.ArgumentParser(description="模型训练")\np.add_argument("--dropout", help="taux d'abandon ✓", default=0.25, type=float)\n`,
  );
  assert.equal(valueText(result, 'dropout'), '0.25');
  assert.equal(byName(result, 'dropout').location.line, 4);
});

test('defaults that are expressions keep their text but get no span to rewrite', async (t) => {
  const result = await analyse(
    t,
    `import argparse, os
parser = argparse.ArgumentParser()
parser.add_argument('--lr', type=float, default=float(os.environ.get('LR', 0.1)))
parser.add_argument('--hidden', type=int, default=2 * 64)
parser.add_argument('--run-name', default=f"run-{os.getpid()}")
parser.add_argument('--momentum', type=float, default=-0.9)
parser.add_argument('--layers', type=int, nargs='+', default=(64, 32))
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.type, p.default, p.defaultText, valueText(result, p.name)]),
    [
      ['lr', 'float', undefined, "float(os.environ.get('LR', 0.1))", undefined],
      ['hidden', 'int', undefined, '2 * 64', undefined],
      ['run-name', 'str', undefined, 'f"run-{os.getpid()}"', undefined],
      ['momentum', 'float', -0.9, '-0.9', '-0.9'],
      ['layers', 'list', [64, 32], '(64, 32)', '(64, 32)'],
    ],
  );
});

test('switches: store_true, store_false, BooleanOptionalAction imported by name, str2bool; type=bool is flagged', async (t) => {
  const result = await analyse(
    t,
    `from argparse import ArgumentParser, BooleanOptionalAction
from distutils.util import strtobool

def str2bool(v):
    return v.lower() in ('yes', 'true', '1')

p = ArgumentParser()
p.add_argument('--amp', action='store_true', help='mixed precision')
p.add_argument('--no-shuffle', dest='shuffle', action='store_false')
p.add_argument('--compile', action=BooleanOptionalAction, default=True)
p.add_argument('--ema', action=BooleanOptionalAction)
p.add_argument('--nesterov', type=str2bool, default='true')
p.add_argument('--bias', type=lambda x: bool(strtobool(x)), default=True)
p.add_argument('--pin', type=bool, default=False)
p.add_argument('--cudnn-benchmark', default=True)
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.dest, p.type, p.default, p.boolStyle, p.tunable]),
    [
      ['amp', 'amp', 'bool', false, 'store_true', true],
      ['no-shuffle', 'shuffle', 'bool', true, 'store_false', true],
      ['compile', 'compile', 'bool', true, 'paired-flags', true],
      ['ema', 'ema', 'bool', undefined, 'paired-flags', true],
      ['nesterov', 'nesterov', 'bool', true, 'value', true],
      ['bias', 'bias', 'unknown', true, undefined, true],
      ['pin', 'pin', 'bool', false, 'value', false],
      ['cudnn-benchmark', 'cudnn_benchmark', 'bool', true, 'value', false],
    ],
  );
  assert.match(byName(result, 'pin').notTunedReason ?? '', /type=bool.*store_true/);
  assert.match(byName(result, 'cudnn-benchmark').notTunedReason ?? '', /without type=.*store_true/);
});

test('types from type=, nargs, choices (literal, constant, range) and the default; required options have no default', async (t) => {
  const result = await analyse(
    t,
    `import argparse
from pathlib import Path
OPTIMIZERS = ['sgd', 'adam', 'adamw']
parser = argparse.ArgumentParser()
parser.add_argument('--optimizer', choices=OPTIMIZERS, default='adam')
parser.add_argument('--depth', type=int, choices=range(2, 10, 2), default=4)
parser.add_argument('--precision', choices=[16, 32])
parser.add_argument('--sizes', type=int, nargs='+', default=[128, 64])
parser.add_argument('--betas', type=float, nargs=2)
parser.add_argument('--tag', action='append')
parser.add_argument('--out', type=Path, default='runs')
parser.add_argument('--dropout', type=float, default='0.5')
parser.add_argument('--scale', default=1.0)
parser.add_argument('--name')
parser.add_argument('--data', required=True, type=str, help='dataset root')
parser.add_argument('-v', '--verbose', action='count', default=0)
parser.add_argument('--version', action='version', version='%(prog)s 1.0')
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.type, p.default, p.choices, p.tunable]),
    [
      ['optimizer', 'str', 'adam', ['sgd', 'adam', 'adamw'], true],
      ['depth', 'int', 4, [2, 4, 6, 8], true],
      ['precision', 'int', undefined, [16, 32], true],
      ['sizes', 'list', [128, 64], undefined, true],
      ['betas', 'list', undefined, undefined, true],
      ['tag', 'list', undefined, undefined, true],
      ['out', 'str', 'runs', undefined, true],
      ['dropout', 'float', 0.5, undefined, true],
      ['scale', 'float', 1, undefined, true],
      ['name', 'str', undefined, undefined, true],
      ['data', 'str', undefined, undefined, true],
      ['verbose', 'int', 0, undefined, false],
    ],
  );
  assert.equal(result.consumedConstants, undefined, 'a choices list is not a default');
  assert.equal(byName(result, 'dropout').defaultText, "'0.5'");
});

test('argument groups, subparsers, parent parsers and set_defaults on any parser variable', async (t) => {
  const result = await analyse(
    t,
    `import argparse

def add_model_args(parser):
    group = parser.add_argument_group('model')
    group.add_argument('--hidden', type=int, default=128)
    group.add_argument('--dropout', type=float, default=0.1)

base = argparse.ArgumentParser(add_help=False)
base.add_argument('--seed', type=int, default=0)
cli = argparse.ArgumentParser(parents=[base])
add_model_args(cli)
commands = cli.add_subparsers(dest='command')
train = commands.add_parser('train')
train.add_argument('--lr', type=float, default=0.01)
train.add_argument('--epochs', type=int, default=5)
train.set_defaults(func='train', lr=0.003)
evaluate = commands.add_parser('eval')
evaluate.add_argument('--lr', type=float, default=0.5)
evaluate.add_argument('checkpoint')
cli.set_defaults(dropout=0.2)
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.default, p.location.line]),
    [
      ['hidden', 128, 5],
      ['dropout', 0.2, 20],
      ['seed', 0, 9],
      ['lr', 0.003, 16],
      ['epochs', 5, 15],
      ['checkpoint', undefined, 19],
    ],
    'the second --lr (eval) is dropped; set_defaults values win and point at themselves',
  );
  assert.equal(valueText(result, 'lr'), '0.003');
  assert.equal(byName(result, 'lr').defaultText, '0.003');
  assert.equal(byName(result, 'lr').location.column, 37, 'column of the set_defaults value');
  assert.equal(valueText(result, 'dropout'), '0.2');
});

test('a syntax error elsewhere does not stop the readable declarations', async (t) => {
  const result = await analyse(
    t,
    `import argparse
parser = argparse.ArgumentParser()
parser.add_argument('--lr', type=float, default=0.01)

def broken(:
    return

parser.add_argument('--epochs', type=int, default=3)
for x in range(3)
    print(x)
parser.add_argument('--batch-size', type=int, default=16)
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.default, p.location.line]),
    [
      ['lr', 0.01, 3],
      ['epochs', 3, 8],
      ['batch-size', 16, 11],
    ],
  );
});

test('flag names built at run time are reported with file and line, not guessed', async (t) => {
  const result = await analyse(
    t,
    `import argparse
parser = argparse.ArgumentParser()
for name in ['lr', 'wd']:
    parser.add_argument(f'--{name}', type=float)
parser.add_argument('--ok', type=int, default=1)
`,
  );
  assert.deepEqual(result.params.map((p) => p.name), ['ok']);
  assert.equal(result.problems?.length, 1);
  assert.equal(result.problems?.[0]?.startsWith(`${result.file}:4: `), true, result.problems?.[0]);
  assert.match(result.problems?.[0] ?? '', /f'--\{name\}'.*string literal/);
});

test('a file without argparse gives nothing', async (t) => {
  const result = await analyse(t, `import torch\nLR = 0.1\nmodel = torch.nn.Linear(2, 2)\n`);
  assert.deepEqual(result, { file: result.file, text: result.text, params: [] });
});

/**
 * Python's own argparse, fed the same file: every action's dest and effective default
 * (string defaults converted through type=, set_defaults applied) as parse_args([]) gives them,
 * and for each argv in argv-list, what the namespace holds.
 */
function realArgparse(file: string, argvs: string[][] = []): { actions: { dest: string; options: string[] }[]; defaults: Record<string, JsonValue>; parsed: Record<string, JsonValue>[] } {
  const code = String.raw`
import argparse, json, runpy, sys
class Captured(Exception):
    pass
real_parse = argparse.ArgumentParser.parse_args
def capture(self, *args, **kwargs):
    raise Captured(self)
argparse.ArgumentParser.parse_args = capture
try:
    runpy.run_path(sys.argv[1], run_name="__main__")
    raise SystemExit("the script never called parse_args")
except Captured as captured:
    parser = captured.args[0]
actions = [{"dest": a.dest, "options": a.option_strings} for a in parser._actions if not isinstance(a, argparse._HelpAction)]
print(json.dumps({
    "actions": actions,
    "defaults": vars(real_parse(parser, [])),
    "parsed": [vars(real_parse(parser, argv)) for argv in json.loads(sys.argv[2])],
}))
`;
  const out = execFileSync('python3', ['-c', code, file, JSON.stringify(argvs)], { encoding: 'utf8' });
  return JSON.parse(out) as ReturnType<typeof realArgparse>;
}

/** The argv the flag injector is to produce for a boolean, per the boolStyle contract. */
function boolArgv(p: ExtractedParam, value: boolean): string[] {
  const flag = p.flag!;
  switch (p.boolStyle) {
    case 'store_true':
      return value ? [flag] : [];
    case 'store_false':
      return value ? [] : [flag];
    case 'paired-flags':
      return [value ? flag : `--no-${flag.replace(/^-+/, '')}`];
    default:
      return [flag, String(value)];
  }
}

test('dests, option strings and defaults agree with argparse itself, and boolean styles switch the real parser', async (t) => {
  const source = `import argparse
LR = 0.003
def str2bool(v):
    return v.lower() in ('yes', 'true', '1')
def get_args():
    parser = argparse.ArgumentParser()
    parser.add_argument('-b', '--batch-size', type=int, default=32)
    parser.add_argument('--lr', '--learning-rate', type=float, default=LR)
    parser.add_argument('--wd', '--weight-decay', dest='weight_decay', type=float, default=1e-4)
    parser.add_argument('--dropout', type=float, default='0.5')
    parser.add_argument('-k', type=int, default=3)
    parser.add_argument('--optimizer', choices=['sgd', 'adam'], default='sgd')
    parser.add_argument('--sizes', type=int, nargs='+', default=[8, 16])
    parser.add_argument('--amp', action='store_true')
    parser.add_argument('--no-shuffle', dest='shuffle', action='store_false')
    parser.add_argument('--compile', action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument('--nesterov', type=str2bool, default='false')
    group = parser.add_argument_group('extra')
    group.add_argument('--momentum', type=float, default=0.9)
    parser.set_defaults(momentum=0.95)
    return parser.parse_args()
if __name__ == '__main__':
    get_args()
`;
  const result = await analyse(t, source);
  const switches = result.params.filter((p) => p.type === 'bool');
  const argvs = switches.flatMap((p) => [boolArgv(p, true), boolArgv(p, false)]);
  const real = realArgparse(result.file, argvs);

  assert.deepEqual(
    result.params.map((p) => p.dest),
    real.actions.map((a) => a.dest),
  );
  for (const p of result.params) {
    const action = real.actions.find((a) => a.dest === p.dest)!;
    assert.ok(action.options.includes(p.flag!), `${p.flag} is one of ${action.options.join(', ')}`);
    assert.deepEqual(p.default, real.defaults[p.dest!], `default of ${p.name}`);
  }
  switches.forEach((p, i) => {
    assert.equal(real.parsed[2 * i]![p.dest!], true, `${p.name} switched on by ${JSON.stringify(argvs[2 * i])}`);
    assert.equal(real.parsed[2 * i + 1]![p.dest!], false, `${p.name} switched off by ${JSON.stringify(argvs[2 * i + 1])}`);
  });
});

test('an option whose metavar names a path is listed as not tunable', async (t) => {
  const text = 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--export-onnx", metavar="PATH", help="write the model as ONNX")\np.add_argument("--width", metavar="N", type=int, default=3)\n';
  const { params } = await analyse(t, text);
  assert.deepEqual(
    params.map((p) => [p.name, p.tunable, p.notTunedReason]),
    [
      ['export-onnx', false, 'a file or folder path (its metavar says so)'],
      ['width', true, undefined],
    ],
  );
});
