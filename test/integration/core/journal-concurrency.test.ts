/** Several processes, Tunekit and Optuna, append to one journal at once and nothing is lost. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createStudy, loadStudy } from '../../../src/core/study/study';
import { DEBIAN_PYTHON, missingPythonModules } from '../../helpers/debian-python';
import { tempDir } from '../../helpers/temp-dir';

const WRITER = path.join(import.meta.dirname, 'fixtures', 'journal-writer.ts');

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} exited ${code}: ${stderr}`))));
  });
}

test('four Tunekit processes and one Optuna process share a journal without losing a trial', async (t) => {
  const journal = path.join(tempDir(t), 'shared.journal');
  createStudy({ space: { x: { type: 'float', low: -1, high: 1 } }, storage: journal, studyName: 'shared', sampler: 'random' });
  const perWriter = 30;
  const writers = [1, 2, 3, 4].map((seed) => run(process.execPath, ['--import', 'tsx', WRITER, journal, 'shared', String(perWriter), String(seed)]));
  const withOptuna = missingPythonModules('optuna') === undefined;
  if (withOptuna) {
    const code =
      'import sys, optuna\nfrom optuna.storages import JournalStorage, JournalFileStorage\n' +
      'optuna.logging.set_verbosity(optuna.logging.ERROR)\n' +
      's = optuna.load_study(study_name="shared", storage=JournalStorage(JournalFileStorage(sys.argv[1])))\n' +
      's.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=30)\n';
    writers.push(run(DEBIAN_PYTHON, ['-c', code, journal]));
  }
  await Promise.all(writers);

  const study = loadStudy({ storage: journal, studyName: 'shared' });
  const expected = perWriter * 4 + (withOptuna ? 30 : 0);
  assert.equal(study.trials.length, expected);
  assert.deepEqual(
    study.trials.map((x) => x.number),
    Array.from({ length: expected }, (_, i) => i),
  );
  assert.ok(study.trials.every((x) => x.state === 'complete' && x.values !== null), 'every trial completed with its value');
  assert.ok(study.trials.filter((x) => x.intermediateValues.size === 1).length === perWriter * 4, 'every report landed on its own trial');
});
