/**
 * click options read with the real tree-sitter parser, and checked against click itself
 * (Debian's python3-click) so names, dests, defaults and switch styles are what click makes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import type { JsonValue } from '../../../../src/core/space/distributions';
import { extractClick } from '../../../../src/detect/extractors/click';
import type { ExtractedParam } from '../../../../src/detect/param-model';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { analyseWith, byName, row, valueText } from './extractor-harness';
import type { Analysed } from './extractor-harness';

const analyse = (t: TestContext, source: string): Promise<Analysed> => analyseWith(extractClick, t, source);

const CLI = `"""Train a classifier."""
import click

DEFAULT_LR = 3e-4


@click.command()
@click.argument("data_dir", type=click.Path(exists=True))
@click.option("--lr", "--learning-rate", default=DEFAULT_LR, type=float, show_default=True, help="Learning rate.")
@click.option("-b", "--batch-size", default=64, help="Batch size.")
@click.option("--epochs", default=10, type=click.IntRange(1, 1000), help="Epochs.")
@click.option(
    "--optimizer",
    type=click.Choice(["sgd", "adam", "adamw"], case_sensitive=False),
    default="adam",
    help="Optimizer.",
)
@click.option("--amp/--no-amp", default=True, help="Mixed precision.")
@click.option("--compile", is_flag=True, help="torch.compile the model.")
@click.option("--dropout", type=click.FloatRange(0, 1), default=0.1)
@click.option("--layers", type=int, multiple=True, default=[256, 128])
@click.option("-v", "--verbose", count=True)
def train(data_dir, lr, batch_size, epochs, optimizer, amp, compile, dropout, layers, verbose):
    """Trains the model."""


if __name__ == "__main__":
    train()
`;

test('reads a click training CLI: names from the long option, dests, types, choices, switches, help, lines', async (t) => {
  const result = await analyse(t, CLI);
  assert.deepEqual(result.params.map(row), [
    { name: 'data_dir', source: 'click', dest: 'data_dir', type: 'str', tunable: false, notTunedReason: result.params[0]!.notTunedReason, line: 8 },
    { name: 'lr', source: 'click', flag: '--lr', dest: 'lr', type: 'float', default: 3e-4, defaultText: 'DEFAULT_LR', help: 'Learning rate.', tunable: true, line: 9 },
    { name: 'batch-size', source: 'click', flag: '--batch-size', dest: 'batch_size', type: 'int', default: 64, defaultText: '64', help: 'Batch size.', tunable: true, line: 10 },
    { name: 'epochs', source: 'click', flag: '--epochs', dest: 'epochs', type: 'int', default: 10, defaultText: '10', help: 'Epochs.', tunable: true, line: 11 },
    { name: 'optimizer', source: 'click', flag: '--optimizer', dest: 'optimizer', type: 'str', default: 'adam', defaultText: '"adam"', choices: ['sgd', 'adam', 'adamw'], help: 'Optimizer.', tunable: true, line: 12 },
    { name: 'amp', source: 'click', flag: '--amp', dest: 'amp', type: 'bool', default: true, defaultText: 'True', boolStyle: 'paired-flags', help: 'Mixed precision.', tunable: true, line: 18 },
    { name: 'compile', source: 'click', flag: '--compile', dest: 'compile', type: 'bool', default: false, boolStyle: 'store_true', help: 'torch.compile the model.', tunable: true, line: 19 },
    { name: 'dropout', source: 'click', flag: '--dropout', dest: 'dropout', type: 'float', default: 0.1, defaultText: '0.1', tunable: true, line: 20 },
    { name: 'layers', source: 'click', flag: '--layers', dest: 'layers', type: 'list', default: [256, 128], defaultText: '[256, 128]', tunable: true, line: 21 },
    { name: 'verbose', source: 'click', flag: '--verbose', dest: 'verbose', type: 'int', tunable: false, notTunedReason: result.params[9]!.notTunedReason, line: 22 },
  ]);
  assert.match(result.params[0]!.notTunedReason!, /positional/);
  assert.match(result.params[9]!.notTunedReason!, /counted/);
  assert.deepEqual(result.consumedConstants, ['DEFAULT_LR']);
  assert.equal(valueText(result, 'lr'), '3e-4', 'the span is the constant literal');
  assert.equal(valueText(result, 'optimizer'), '"adam"');
  assert.equal(byName(result, 'lr').location.column, 2, 'column of click.option, after the @');
});

test('however click is imported, and options kept in a list for reuse', async (t) => {
  const result = await analyse(
    t,
    `import click as c
from click import option, command

common = [
    c.option('--seed', default=0, help='Random seed.'),
    option('--lr', type=c.FLOAT, default=0.01),
]

def add(options):
    def wrap(f):
        for o in reversed(options):
            f = o(f)
        return f
    return wrap

@command()
@add(common)
@option('--momentum', default=0.9)
def main(seed, lr, momentum):
    pass
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.type, p.default, p.location.line]),
    [
      ['seed', 'int', 0, 5],
      ['lr', 'float', 0.01, 6],
      ['momentum', 'float', 0.9, 18],
    ],
  );
});

test('expression defaults keep their text without a span; click\'s type guess from them is unknown', async (t) => {
  const result = await analyse(
    t,
    `import os
import click

@click.command()
@click.option('--lr', default=float(os.environ.get('LR', '0.1')))
@click.option('--wd', type=float, default=1e-4 * 5)
@click.option('--tag', default=lambda: os.environ.get('USER', 'me'))
@click.option('--name')
def main(lr, wd, tag, name):
    pass
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.type, p.default, p.defaultText, valueText(result, p.name)]),
    [
      ['lr', 'unknown', undefined, "float(os.environ.get('LR', '0.1'))", undefined],
      ['wd', 'float', undefined, '1e-4 * 5', undefined],
      ['tag', 'unknown', undefined, "lambda: os.environ.get('USER', 'me')", undefined],
      ['name', 'str', undefined, undefined, undefined],
    ],
  );
});

test('names built at run time are problems with file:line; a syntax error elsewhere does not hide the rest', async (t) => {
  const result = await analyse(
    t,
    `import click
NAME = '--lr'

@click.command()
@click.option(NAME, default=0.1)
@click.option('--epochs', default=3)
def main(lr, epochs):
    print(lr epochs)

@click.command()
@click.option('--batch-size', default=8)
def other(batch_size):
    pass
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.default, p.location.line]),
    [
      ['epochs', 3, 6],
      ['batch-size', 8, 11],
    ],
  );
  assert.deepEqual(result.problems?.length, 1);
  assert.ok(result.problems![0]!.startsWith(`${result.file}:5: `), result.problems![0]);
  assert.match(result.problems![0]!, /click\.option\(NAME, \.\.\.\).*string literal/);
});

test('a file without click gives nothing, even with option() functions of its own', async (t) => {
  const result = await analyse(t, `def option(*a, **k):\n    return a\noption('--lr', default=0.1)\n`);
  assert.deepEqual(result.params, []);
});

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

interface RealClick {
  readonly params: { name: string; opts: string[]; secondary: string[]; default: JsonValue; type: string; choices: string[] | null }[];
  readonly parsed: Record<string, JsonValue>[];
}

/** Loads the script with Debian's click and introspects the command `command`; runs it on each argv. */
function realClick(file: string, command: string, argvs: string[][]): RealClick {
  const code = String.raw`
import json, runpy, sys
import click
ns = runpy.run_path(sys.argv[1], run_name="tunekit_probe")
cmd = ns[sys.argv[2]]
params = [{
    "name": p.name,
    "opts": list(p.opts),
    "secondary": list(getattr(p, "secondary_opts", [])),
    "default": list(p.default) if isinstance(p.default, tuple) else p.default,
    "type": p.type.name,
    "choices": list(p.type.choices) if isinstance(p.type, click.Choice) else None,
} for p in cmd.params]
parsed = []
cmd.callback = lambda **kwargs: parsed.append({k: list(v) if isinstance(v, tuple) else v for k, v in kwargs.items()})
for argv in json.loads(sys.argv[3]):
    cmd.main(args=argv, standalone_mode=False)
print(json.dumps({"params": params, "parsed": parsed}))
`;
  return runPythonJson(code, [file, command, JSON.stringify(argvs)]) as RealClick;
}

test('names, dests, defaults and choices agree with click, and every boolean style switches the real command', { skip: missingPythonModules('click') }, async (t) => {
  const result = await analyse(
    t,
    `import click
LR = 0.003

@click.command()
@click.option('-b', '--batch-size', default=32)
@click.option('--lr', '--learning-rate', type=float, default=LR)
@click.option('--wd', 'weight_decay', type=float, default=1e-4)
@click.option('--Hidden-Units', type=int, default=64)
@click.option('-k', type=int, default=3)
@click.option('--optimizer', type=click.Choice(['sgd', 'adam']), default='sgd')
@click.option('--sizes', type=int, multiple=True, default=(8, 16))
@click.option('--amp/--no-amp', default=False)
@click.option('--shuffle/--no-shuffle', default=True)
@click.option('--accept/--reject', default=True)
@click.option('--strict/--lenient', default=False)
@click.option('--compile', is_flag=True)
@click.option('--cache', is_flag=True, default=True)
@click.option('--nesterov', type=bool, default=False)
@click.option('--fast', 'slow', flag_value=False, default=True)
def train(**kwargs):
    pass
`,
  );
  const switches = result.params.filter((p) => p.type === 'bool');
  assert.deepEqual(
    switches.map((p) => [p.name, p.flag, p.boolStyle]),
    [
      ['amp', '--amp', 'paired-flags'],
      ['shuffle', '--shuffle', 'paired-flags'],
      ['accept', '--reject', 'store_false'],
      ['strict', '--strict', 'store_true'],
      ['compile', '--compile', 'store_true'],
      ['cache', '--cache', 'store_false'],
      ['nesterov', '--nesterov', 'value'],
      ['fast', '--fast', 'store_false'],
    ],
  );
  const argvs = switches.flatMap((p) => [boolArgv(p, true), boolArgv(p, false)]);
  const real = realClick(result.file, 'train', argvs);

  assert.deepEqual(
    result.params.map((p) => p.dest),
    real.params.map((p) => p.name),
  );
  for (const p of result.params) {
    const param = real.params.find((r) => r.name === p.dest)!;
    assert.ok([...param.opts, ...param.secondary].includes(p.flag!), `${p.flag} is one of ${param.opts.join(', ')}`);
    assert.ok(param.opts.includes(`--${p.name}`) || param.opts.includes(`-${p.name}`), `name ${p.name} is an option string`);
    assert.deepEqual(p.default, param.default, `default of ${p.name}`);
    const expectedType = { float: 'float', integer: 'int', text: 'str', choice: 'str', boolean: 'bool' }[param.type];
    assert.equal(p.type, p.type === 'list' ? 'list' : expectedType, `type of ${p.name} (click: ${param.type})`);
    assert.deepEqual(p.choices, param.choices ?? undefined, `choices of ${p.name}`);
  }
  switches.forEach((p, i) => {
    assert.equal(real.parsed[2 * i]![p.dest!], true, `${p.name} switched on by ${JSON.stringify(argvs[2 * i])}`);
    assert.equal(real.parsed[2 * i + 1]![p.dest!], false, `${p.name} switched off by ${JSON.stringify(argvs[2 * i + 1])}`);
  });
});
