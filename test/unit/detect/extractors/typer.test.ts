/**
 * typer commands read with the real tree-sitter parser: which functions are commands, how typer
 * names their options (`batch_size` -> `--batch-size`, bools as `--x/--no-x`), and both the
 * `= typer.Option(default, ...)` and `Annotated[T, typer.Option(...)] = default` spellings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { extractTyper } from '../../../../src/detect/extractors/typer';
import { applyEdits } from '../../../../src/detect/text-edit';
import { analyseWith, byName, row, valueText } from './extractor-harness';
import type { Analysed } from './extractor-harness';

const analyse = (t: TestContext, source: string): Promise<Analysed> => analyseWith(extractTyper, t, source);

const APP = `from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from typing_extensions import Annotated

app = typer.Typer(help="Train and evaluate.")
LEARNING_RATE = 3e-4


class Optimizer(str, Enum):
    sgd = "sgd"
    adam = "adam"
    adamw = "adamw"


def build_model(hidden: int = 128, dropout: float = 0.1):
    return hidden, dropout


@app.command()
def train(
    ctx: typer.Context,
    data_dir: Path,
    lr: float = LEARNING_RATE,
    batch_size: int = typer.Option(32, "--batch-size", "-b", help="Examples per step."),
    epochs: Annotated[int, typer.Option(help="Passes over the data.")] = 10,
    use_amp: bool = False,
    optimizer: Optimizer = Optimizer.adam,
    layers: Optional[List[int]] = None,
    dropout: Annotated[float, typer.Option("--drop", "-d", help="Dropout.")] = 0.1,
    seed: int | None = None,
):
    """Trains the model."""
    build_model(dropout=dropout)


@app.command()
def evaluate(checkpoint: Path, batch_size: int = 256):
    pass


if __name__ == "__main__":
    app()
`;

test('reads a typer app: options named the typer way, types from annotations, enum choices, help, lines', async (t) => {
  const result = await analyse(t, APP);
  const positional = result.params[0]!.notTunedReason;
  assert.match(positional ?? '', /positional/);
  assert.deepEqual(result.params.map(row), [
    { name: 'data_dir', source: 'typer', dest: 'data_dir', type: 'str', tunable: false, notTunedReason: positional, line: 25 },
    { name: 'lr', source: 'typer', flag: '--lr', dest: 'lr', type: 'float', default: 3e-4, defaultText: 'LEARNING_RATE', tunable: true, line: 26 },
    { name: 'batch-size', source: 'typer', flag: '--batch-size', dest: 'batch_size', type: 'int', default: 32, defaultText: '32', help: 'Examples per step.', tunable: true, line: 27 },
    { name: 'epochs', source: 'typer', flag: '--epochs', dest: 'epochs', type: 'int', default: 10, defaultText: '10', help: 'Passes over the data.', tunable: true, line: 28 },
    { name: 'use-amp', source: 'typer', flag: '--use-amp', dest: 'use_amp', type: 'bool', default: false, defaultText: 'False', boolStyle: 'paired-flags', tunable: true, line: 29 },
    { name: 'optimizer', source: 'typer', flag: '--optimizer', dest: 'optimizer', type: 'str', default: 'adam', defaultText: 'Optimizer.adam', choices: ['sgd', 'adam', 'adamw'], tunable: true, line: 30 },
    { name: 'layers', source: 'typer', flag: '--layers', dest: 'layers', type: 'list', default: null, defaultText: 'None', tunable: true, line: 31 },
    { name: 'drop', source: 'typer', flag: '--drop', dest: 'dropout', type: 'float', default: 0.1, defaultText: '0.1', help: 'Dropout.', tunable: true, line: 32 },
    { name: 'seed', source: 'typer', flag: '--seed', dest: 'seed', type: 'int', default: null, defaultText: 'None', tunable: true, line: 33 },
    { name: 'checkpoint', source: 'typer', dest: 'checkpoint', type: 'str', tunable: false, notTunedReason: positional, line: 40 },
  ], 'build_model is no command; evaluate\'s --batch-size repeats train\'s and is dropped');
  assert.deepEqual(result.consumedConstants, ['LEARNING_RATE']);
  assert.equal(valueText(result, 'lr'), '3e-4', 'the span is the constant literal');
  assert.equal(valueText(result, 'batch-size'), '32', 'the default inside typer.Option(...)');
  assert.equal(valueText(result, 'epochs'), '10', 'the default after the Annotated type');
  assert.equal(valueText(result, 'optimizer'), undefined, 'Optimizer.adam is not rewritten as a bare value');
  assert.equal(byName(result, 'lr').location.column, 5);
});

test('apply-back through a span rewrites the literal in the signature and nothing else', async (t) => {
  const result = await analyse(t, APP);
  const { valueStart, valueEnd } = byName(result, 'epochs').location;
  const edited = applyEdits(result.text, [{ start: valueStart!, end: valueEnd!, newText: '25' }]);
  assert.equal(edited, APP.replace('typer.Option(help="Passes over the data.")] = 10,', 'typer.Option(help="Passes over the data.")] = 25,'));
});

test('typer.run(main), app.command()(f) and @app.callback(); plain helper functions are not commands', async (t) => {
  const result = await analyse(
    t,
    `import typer

cli = typer.Typer()

def helper(width: int = 3):
    return width

def main(learning_rate: float = 0.01, hidden_units: int = 64, shuffle: bool = True):
    print(helper())

def export(fmt: str = "onnx"):
    pass

@cli.callback()
def setup(verbose: bool = False):
    pass

cli.command()(export)

if __name__ == "__main__":
    typer.run(main)
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.flag, p.dest, p.type, p.default, p.boolStyle ?? null]),
    [
      ['learning-rate', '--learning-rate', 'learning_rate', 'float', 0.01, null],
      ['hidden-units', '--hidden-units', 'hidden_units', 'int', 64, null],
      ['shuffle', '--shuffle', 'shuffle', 'bool', true, 'paired-flags'],
      ['fmt', '--fmt', 'fmt', 'str', 'onnx', null],
      ['verbose', '--verbose', 'verbose', 'bool', false, 'paired-flags'],
    ],
  );
});

test('custom declarations: a lone --force is store_true, --accept/--reject a single switch; ... means required', async (t) => {
  const result = await analyse(
    t,
    `from typing import Annotated
import typer
from typer import Argument, Option

def main(
    run_name: Annotated[str, Argument(help="Name of the run.")],
    config: str = typer.Argument("config.yaml"),
    force: bool = typer.Option(False, "--force", help="Overwrite."),
    accept: bool = typer.Option(True, "--accept/--reject"),
    strict: Annotated[bool, Option("--strict/--lenient")] = False,
    output: str = typer.Option(..., "--output", "-o"),
    momentum: Annotated[float, Option()] = 0.9,
    warmup=100,
    *args,
    **kwargs,
):
    pass

typer.run(main)
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.flag ?? null, p.dest, p.type, p.default ?? null, p.boolStyle ?? null, p.tunable, p.help ?? null]),
    [
      ['run_name', null, 'run_name', 'str', null, null, false, 'Name of the run.'],
      ['config', null, 'config', 'str', 'config.yaml', null, false, null],
      ['force', '--force', 'force', 'bool', false, 'store_true', true, 'Overwrite.'],
      ['accept', '--reject', 'accept', 'bool', true, 'store_false', true, null],
      ['strict', '--strict', 'strict', 'bool', false, 'store_true', true, null],
      ['output', '--output', 'output', 'str', null, null, true, null],
      ['momentum', '--momentum', 'momentum', 'float', 0.9, null, true, null],
      // Typer reads an unannotated parameter as str, whatever its default.
      ['warmup', '--warmup', 'warmup', 'str', 100, null, true, null],
    ],
  );
  assert.equal(byName(result, 'output').defaultText, undefined, 'a required option has no default');
});

test('expression defaults keep their text without a span', async (t) => {
  const result = await analyse(
    t,
    `import os
import typer

def main(lr: float = float(os.environ.get("LR", "0.1")), hidden: int = 2 * 64, tag: str = f"run-{os.getpid()}"):
    pass

typer.run(main)
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.default, p.defaultText, valueText(result, p.name)]),
    [
      ['lr', undefined, 'float(os.environ.get("LR", "0.1"))', undefined],
      ['hidden', undefined, '2 * 64', undefined],
      ['tag', undefined, 'f"run-{os.getpid()}"', undefined],
    ],
  );
});

test('a syntax error elsewhere does not hide the commands that parse', async (t) => {
  const result = await analyse(
    t,
    `import typer
app = typer.Typer()

@app.command()
def train(lr: float = 0.01, epochs: int = 5):
    print(lr epochs)

def broken(:
    pass

@app.command()
def tune(trials: int = 20):
    pass
`,
  );
  assert.deepEqual(
    result.params.map((p) => [p.name, p.default, p.location.line]),
    [
      ['lr', 0.01, 5],
      ['epochs', 5, 5],
      ['trials', 20, 12],
    ],
  );
});

test('without an import of typer, commands belong to something else', async (t) => {
  const result = await analyse(
    t,
    `import click

@click.group()
def cli():
    pass

@cli.command()
def train(lr=0.1):
    pass
`,
  );
  assert.deepEqual(result.params, []);
});
