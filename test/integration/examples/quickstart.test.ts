/**
 * examples/quickstart: the stdlib-only logistic regression the README starts with. It must
 * print one parseable line per epoch, respond to its hyperparameters, and agree with its
 * space.json (every parameter there is a flag the script accepts).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseSearchSpace } from '../../../src/core/space/search-space';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = path.join(REPO, 'examples/quickstart/train.py');
const PYTHON = process.env.TUNEKIT_TEST_PYTHON ?? 'python3';
const run = promisify(execFile);

interface Epoch {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number;
  readonly valAcc: number;
}

const LINE = /^epoch (\d+) loss=(\S+) val_loss=(\S+) val_acc=(\S+)$/;

/** Runs the script and parses its output; every stdout line must be an epoch line. */
async function train(...args: string[]): Promise<{ epochs: Epoch[]; seconds: number }> {
  const started = performance.now();
  const { stdout, stderr } = await run(PYTHON, [SCRIPT, ...args], { timeout: 30_000 });
  const seconds = (performance.now() - started) / 1000;
  assert.equal(stderr, '');
  const epochs = stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = LINE.exec(line);
      assert.ok(m, `not an epoch line: ${JSON.stringify(line)}`);
      return { epoch: Number(m[1]), loss: Number(m[2]), valLoss: Number(m[3]), valAcc: Number(m[4]) };
    });
  return { epochs, seconds };
}

describe('examples/quickstart', { timeout: 120_000 }, () => {
  test('a good learning rate reaches a clearly lower val_loss than terrible ones', async (t) => {
    const good = await train('--lr', '0.03', '--optimizer', 'momentum', '--momentum', '0.9');
    const tooSmall = await train('--lr', '0.0001');
    const tooLarge = await train('--lr', '1');
    for (const r of [good, tooSmall, tooLarge]) {
      assert.deepEqual(
        r.epochs.map((e) => e.epoch),
        Array.from({ length: 15 }, (_, i) => i + 1),
        'one line per epoch, 15 by default',
      );
    }
    const last = (r: { epochs: Epoch[] }): Epoch => r.epochs.at(-1) as Epoch;
    t.diagnostic(
      `final val_loss: good ${last(good).valLoss}, lr=1e-4 ${last(tooSmall).valLoss}, lr=1 ${last(tooLarge).valLoss}; ` +
        `good run took ${good.seconds.toFixed(2)} s`,
    );
    assert.ok(last(good).valLoss < 0.5, `good run val_loss ${last(good).valLoss}`);
    assert.ok(last(tooSmall).valLoss > last(good).valLoss + 0.1);
    assert.ok(last(tooLarge).valLoss > last(good).valLoss + 0.1);
    assert.ok(last(good).valAcc > last(tooSmall).valAcc);
    // Training improves: the good run's val_loss falls well below where it started.
    assert.ok(last(good).valLoss < good.epochs[0]!.valLoss - 0.1);
    // The quickstart must stay quick: well under a second of work, generous for loaded CI.
    assert.ok(good.seconds < 5, `took ${good.seconds} s`);
  });

  test('--epochs, --batch-size and --l2 are honoured and runs are reproducible', async () => {
    const a = await train('--epochs', '3', '--batch-size', '8', '--l2', '0.01');
    const b = await train('--epochs', '3', '--batch-size', '8', '--l2', '0.01');
    assert.equal(a.epochs.length, 3);
    assert.deepEqual(a.epochs, b.epochs);
    const other = await train('--epochs', '3', '--batch-size', '128', '--l2', '0.01');
    assert.notDeepEqual(other.epochs, a.epochs);
  });

  test('a diverging run prints nan instead of crashing', async () => {
    const { epochs } = await train('--lr', '1e300', '--epochs', '2');
    assert.equal(epochs.length, 2);
    assert.ok(Number.isNaN(epochs[1]!.valLoss));
  });

  test('space.json is a valid search space over flags the script accepts', async () => {
    const space = parseSearchSpace(JSON.parse(await readFile(path.join(REPO, 'examples/quickstart/space.json'), 'utf8')));
    const { stdout: help } = await run(PYTHON, [SCRIPT, '--help']);
    const names = space.parameters.map((p) => p.name);
    assert.deepEqual([...names].sort(), ['batch-size', 'l2', 'lr', 'momentum', 'optimizer']);
    for (const name of names) assert.match(help, new RegExp(`--${name}\\b`), `train.py has no --${name} flag`);
    const momentum = space.parameters.find((p) => p.name === 'momentum');
    assert.deepEqual(momentum?.condition, { parent: 'optimizer', values: ['momentum'] });
  });
});
