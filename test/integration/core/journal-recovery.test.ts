/** Crash safety of the journal file: torn last lines, damaged lines, stale locks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createStudy, loadStudy } from '../../../src/core/study/study';
import { JournalCorruptError } from '../../../src/core/storage/file-journal';
import { missingPythonModules, runPythonJson } from '../../helpers/debian-python';
import { tempDir } from '../../helpers/temp-dir';

const SPACE = { x: { type: 'float', low: -5, high: 5 } };

function writeStudy(journal: string, trials: number): void {
  const study = createStudy({ space: SPACE, sampler: 'random', seed: 1, storage: journal, studyName: 's' });
  for (let i = 0; i < trials; i++) {
    const t = study.ask();
    study.tell(t.number, (t.params.x as number) ** 2);
  }
}

test('a torn last line is ignored with a warning naming the line, then set aside by the next write', (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'study.journal');
  writeStudy(journal, 5);
  const lines = fs.readFileSync(journal, 'utf8').split('\n').length - 1;
  fs.appendFileSync(journal, '{"op_code": 4, "worker_id": "dead", "study_id": 0, "datetime_st');

  const warnings: string[] = [];
  const study = loadStudy({ storage: journal, sampler: 'random', onWarning: (m) => warnings.push(m) });
  assert.equal(study.trials.length, 5);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, new RegExp(`study\\.journal:${lines + 1}: ignoring an incomplete last line`));

  const next = study.ask();
  study.tell(next.number, 1);
  assert.equal(study.trials.length, 6);
  const aside = fs.readdirSync(dir).filter((f) => f.startsWith('study.journal.torn-'));
  assert.equal(aside.length, 1, 'the torn bytes were kept in a side file');
  assert.match(fs.readFileSync(path.join(dir, aside[0]!), 'utf8'), /datetime_st$/);
  assert.ok(fs.readFileSync(journal, 'utf8').endsWith('\n'));
  assert.equal(loadStudy({ storage: journal, sampler: 'random' }).trials.length, 6);
});

test('Optuna reads the journal after Tunekit set a torn line aside', { skip: missingPythonModules('optuna') }, (t) => {
  const journal = path.join(tempDir(t), 'study.journal');
  writeStudy(journal, 3);
  fs.appendFileSync(journal, '{"op_code": 6, "worker_id": "x", "tri');
  const study = loadStudy({ storage: journal, sampler: 'random', onWarning: () => {} });
  study.tell(study.ask().number, 2);
  const n = runPythonJson(
    `import json, sys, optuna\nfrom optuna.storages import JournalStorage, JournalFileStorage\n` +
      `s = optuna.load_study(study_name='s', storage=JournalStorage(JournalFileStorage(sys.argv[1])))\nprint(json.dumps(len(s.trials)))`,
    [journal],
  );
  assert.equal(n, 4);
});

test('a damaged line in the middle stops with an error naming the file and line', (t) => {
  const journal = path.join(tempDir(t), 'study.journal');
  writeStudy(journal, 3);
  const lines = fs.readFileSync(journal, 'utf8').split('\n');
  lines.splice(2, 0, 'this is not json');
  fs.writeFileSync(journal, lines.join('\n'));
  assert.throws(
    () => loadStudy({ storage: journal }),
    (err: unknown) => JournalCorruptError.is(err) && err.line === 3 && /study\.journal:3: not valid JSON/.test(err.message),
  );
});

test('a lock left by a dead process is broken after it goes stale', (t) => {
  const journal = path.join(tempDir(t), 'study.journal');
  writeStudy(journal, 1);
  fs.symlinkSync(journal, journal + '.lock');
  const old = new Date(Date.now() - 120_000);
  fs.lutimesSync(journal + '.lock', old, old);
  const warnings: string[] = [];
  const study = loadStudy({ storage: journal, sampler: 'random', onWarning: (m) => warnings.push(m) });
  study.tell(study.ask().number, 1);
  assert.equal(study.trials.length, 2);
  assert.ok(warnings.some((w) => /removed a lock/.test(w)));
  assert.ok(!fs.existsSync(journal + '.lock'));
});
