/**
 * The workspace the end-to-end flow opens: a copy of examples/digits (PyTorch) where Debian's
 * /usr/bin/python3 has torch and scikit-learn, else of examples/quickstart (standard library
 * only). In the copy every epoch lasts at least EPOCH_FLOOR_S: a digits trial takes a quarter of
 * a second as shipped on a fast machine, and the flow must watch charts fill while trials run
 * and stop one of them mid-run, on fast and slow machines alike. The pause is one line at the
 * top of the epoch loop; nothing the tests look at (arguments, defaults, metrics) changes.
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
  /** Epochs every trial runs (the --epochs default in the copy). */
  readonly epochs: number;
}

const EPOCHS = 30;
const EPOCH_FLOOR_S = 0.15;

/** TUNEKIT_E2E_EXAMPLE=quickstart runs the fallback where torch is installed too. */
export function prepareExampleWorkspace(dir: string): ExampleWorkspace {
  const forced = process.env.TUNEKIT_E2E_EXAMPLE;
  if (forced !== undefined && forced !== 'digits' && forced !== 'quickstart') throw new Error(`TUNEKIT_E2E_EXAMPLE=${forced}: expected digits or quickstart`);
  const example = forced ?? (missingPythonModules('torch', 'sklearn') === undefined ? 'digits' : 'quickstart');
  const python = example === 'digits' ? DEBIAN_PYTHON : execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  fs.cpSync(path.join(REPO, 'examples', example), dir, { recursive: true });
  const script = path.join(dir, 'train.py');
  const shipped = fs.readFileSync(script, 'utf8');
  const epochsLine = /(add_argument\("--epochs", type=int, default=)(\d+)\)/;
  const epochLoop = /^( *)for epoch in range\(1, args\.epochs \+ 1\):\n/m;
  if (!epochsLine.test(shipped) || !epochLoop.test(shipped)) {
    throw new Error(`examples/${example}/train.py no longer has the --epochs option or the epoch loop this test expects (${epochsLine}, ${epochLoop})`);
  }
  const originalText = shipped
    .replace(epochsLine, `$1${EPOCHS})`)
    .replace(epochLoop, (loop, indent: string) => `${loop}${indent}    __import__("time").sleep(${EPOCH_FLOOR_S})  # end-to-end test: trials last seconds\n`);
  fs.writeFileSync(script, originalText);
  // The shipped space.json is the CLI's; the flow under test proposes its own study file.
  fs.rmSync(path.join(dir, 'space.json'), { force: true });
  return { dir, example, python, script, originalText, objective: 'val_loss', epochs: EPOCHS };
}
