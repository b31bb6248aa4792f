import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createStudy } from '../../../../src/core/study/study';
import { markEngineRunning } from '../../../../src/engine/run-control';
import { OBJECTIVE_ATTR, SCRIPT_ATTR } from '../../../../src/engine/study-runner';
import { JournalCatalog } from '../../../../src/extension/studies/journal-catalog';
import { tempDir } from '../../../helpers/temp-dir';

const space = { x: { type: 'float', low: 0, high: 1 } };

test('lists every study of a journal with counts, best trial, objective and script', (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, '.tunekit', 'runs.journal');
  const a = createStudy({ space, storage: journal, studyName: 'a', seed: 1 });
  a.setUserAttr(OBJECTIVE_ATTR, 'val_loss');
  a.setUserAttr(SCRIPT_ATTR, path.join(dir, 'train.py'));
  for (const value of [0.5, 0.2, 0.9]) a.tell(a.ask().number, value);
  const pruned = a.ask().number;
  a.report(pruned, 0, 3);
  a.tell(pruned, { state: 'pruned' });
  a.tell(a.ask().number, { state: 'fail', reason: 'exit code 1' });
  a.ask();
  const b = createStudy({ space, storage: journal, studyName: 'b', direction: 'maximize', seed: 2 });
  b.tell(b.ask().number, 0.3);
  b.tell(b.ask().number, 0.7);

  const catalog = new JournalCatalog();
  assert.equal(catalog.add(journal), true);
  const [sa, sb] = catalog.entry(journal)?.studies ?? [];
  assert.equal(sa?.name, 'a');
  assert.deepEqual(sa?.objectives, ['val_loss']);
  assert.equal(sa?.script, path.join(dir, 'train.py'));
  assert.deepEqual(sa?.counts, { total: 6, complete: 3, running: 1, pruned: 1, fail: 1, waiting: 0 });
  assert.equal(sa?.best?.values?.[0], 0.2);
  assert.equal(sa?.engine, undefined);
  assert.deepEqual(sb?.objectives, ['objective']);
  assert.equal(sb?.best?.values?.[0], 0.7, 'maximize picks the highest');
  assert.deepEqual(catalog.studiesForScript(path.join(dir, 'train.py')).map((s) => s.name), ['a']);
});

test('a refresh reads only what was appended, and says whether anything changed', (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'runs.journal');
  const study = createStudy({ space, storage: journal, studyName: 's', seed: 1 });
  const catalog = new JournalCatalog();
  catalog.add(journal);
  assert.equal(catalog.refresh(journal), false, 'nothing new');
  study.tell(study.ask().number, 0.4);
  assert.equal(catalog.refresh(journal), true);
  assert.equal(catalog.find(journal, 's')?.counts.complete, 1);
  assert.equal(catalog.refresh(journal), false);
});

test('an engine marked running (by this process) makes the study running, and its end is a change', (t) => {
  const dir = tempDir(t);
  const journal = path.join(dir, 'runs.journal');
  createStudy({ space, storage: journal, studyName: 's' });
  const catalog = new JournalCatalog();
  catalog.add(journal);
  assert.equal(catalog.find(journal, 's')?.engine, undefined);
  const unmark = markEngineRunning(journal, 's');
  assert.equal(catalog.refresh(journal), true, 'engine started');
  assert.equal(catalog.find(journal, 's')?.engine?.pid, process.pid);
  unmark();
  assert.equal(catalog.refresh(journal), true, 'engine ended');
  assert.equal(catalog.find(journal, 's')?.engine, undefined);
});

test('missing files are not created, deleted journals are dropped, replaced ones are re-read', (t) => {
  const dir = tempDir(t);
  const catalog = new JournalCatalog();
  const missing = path.join(dir, 'nope', 'x.journal');
  assert.equal(catalog.add(missing), false);
  assert.equal(fs.existsSync(missing), false);

  const journal = path.join(dir, 'runs.journal');
  const first = createStudy({ space, storage: journal, studyName: 'old', seed: 1 });
  first.tell(first.ask().number, 1);
  first.tell(first.ask().number, 2);
  catalog.add(journal);
  // Replaced by a shorter journal: the catalog starts over instead of failing.
  fs.rmSync(journal);
  createStudy({ space, storage: journal, studyName: 'new' });
  assert.equal(catalog.refresh(journal), true);
  assert.deepEqual(catalog.entry(journal)?.studies.map((s) => s.name), ['new']);
  assert.equal(catalog.entry(journal)?.problem, undefined);

  fs.rmSync(journal);
  assert.equal(catalog.refresh(journal), true);
  assert.equal(catalog.has(journal), false);
});

test('a file that is not a journal becomes a problem naming the file, not an exception', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'notes.journal');
  fs.writeFileSync(file, 'this is not json\nnor this\n');
  const catalog = new JournalCatalog();
  assert.equal(catalog.add(file), true);
  const entry = catalog.entry(file);
  assert.deepEqual(entry?.studies, []);
  assert.match(entry?.problem ?? '', new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be read as a journal`));
  assert.ok(os.tmpdir());
});
