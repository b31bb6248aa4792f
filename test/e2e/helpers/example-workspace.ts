/**
 * The workspace the end-to-end flow opens: a copy of examples/digits (PyTorch) where Debian's
 * /usr/bin/python3 has torch and scikit-learn, else of examples/quickstart (standard library
 * only). The copy trains for more epochs than the example's default: a digits trial takes a
 * quarter of a second as shipped, and the flow must watch charts fill while trials run and stop
 * one of them mid-run.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEBIAN_PYTHON, missingPythonModules } from '../../helpers/debian-python';
import { REPO } from '../../helpers/run-cli';

export interface ExampleWorkspace {
  readonly dir: string;
  readonly example: 'digits' | 'quickstart';
  /** Absolute path of the interpreter trials use (the tunekit.pythonPath setting). */
  readonly python: string;
  /** Absolute path of the script to tune. */
  readonly script: string;
  /** Its text as copied, before any apply. */
  readonly originalText: string;
  readonly objective: string;
  /** Epochs every trial runs (the raised --epochs default). */
  readonly epochs: number;
}

/**
 * Epochs that make one trial last seconds, not minutes, on a 2-core machine that also runs
 * VS Code and Chromium: digits at 50 epochs took 5-15 s a trial there (batch size 8 is the
 * slowest); quickstart's epochs are ~2 ms each.
 */
const EPOCHS = { digits: 50, quickstart: 3000 } as const;

export function prepareExampleWorkspace(dir: string): ExampleWorkspace {
  const example = missingPythonModules('torch', 'sklearn') === undefined ? 'digits' : 'quickstart';
  const python = example === 'digits' ? DEBIAN_PYTHON : execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  fs.cpSync(path.join(REPO, 'examples', example), dir, { recursive: true });
  const script = path.join(dir, 'train.py');
  const shipped = fs.readFileSync(script, 'utf8');
  const epochsLine = /(add_argument\("--epochs", type=int, default=)(\d+)\)/;
  if (!epochsLine.test(shipped)) throw new Error(`examples/${example}/train.py no longer declares --epochs as this test expects (${epochsLine})`);
  const originalText = shipped.replace(epochsLine, `$1${EPOCHS[example]})`);
  fs.writeFileSync(script, originalText);
  // The shipped space.json is the CLI's; the flow under test proposes its own study file.
  fs.rmSync(path.join(dir, 'space.json'), { force: true });
  return { dir, example, python, script, originalText, objective: 'val_loss', epochs: EPOCHS[example] };
}
