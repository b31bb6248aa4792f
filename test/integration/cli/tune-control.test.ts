/**
 * Control of a running engine from another process, through the journal: what the extension's
 * "stop trial", "enqueue trial" and "stop study" do while `tunekit tune` runs in a terminal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAIL_REASON_ATTR, loadStudy } from '../../../src/core/study/study';
import { requestStopStudy, requestStopTrial, runningEngine } from '../../../src/engine/run-control';
import { startCli, waitFor } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';

const SLOW = path.join(import.meta.dirname, 'fixtures', 'slow_train.py');

test('stop a trial, enqueue one, then stop the study, all from another process', async (t) => {
  const dir = tempDir(t);
  const record = path.join(dir, 'record');
  fs.mkdirSync(record);
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify({ x: { type: 'float', low: -2, high: 2 } }));
  const journal = path.join(dir, 'study.journal');
  const cli = startCli(
    ['tune', '--space', 'space.json', '--objective', 'loss', '--trials', '10', '--study', 'ctl', '--storage', journal, '--grace', '5', '--',
      'python3', SLOW, '--epochs', '400', '--epoch-seconds', '0.05'],
    { cwd: dir, env: { RECORD_DIR: record } },
  );
  t.after(() => cli.child.kill('SIGKILL'));
  const open = (): ReturnType<typeof loadStudy> => loadStudy({ storage: journal, studyName: 'ctl' });
  await waitFor(() => (fs.existsSync(journal) && open().trials[0]?.intermediateValues.size ? true : undefined), 20_000, 'trial 0 to report');
  assert.ok(runningEngine(journal, 'ctl'), 'the engine says it is running this study');

  const study = open();
  const queued = study.enqueue({ x: 1.25 });
  requestStopTrial(study, 0, 'test');
  await waitFor(() => (open().trials[0]!.state === 'pruned' ? true : undefined), 10_000, 'trial 0 to stop');
  const stopped = open().trials[0]!;
  assert.equal(stopped.userAttrs.stopped_by_user, true);
  assert.ok(stopped.intermediateValues.size > 0 && stopped.intermediateValues.size < 400, 'stopped part way, its curve kept');

  await waitFor(() => (open().trials[queued]?.state === 'running' ? true : undefined), 10_000, 'the enqueued trial to start next');
  assert.deepEqual(open().trials[queued]!.params, { x: 1.25 });

  requestStopStudy(open(), 'test');
  const result = await cli.done;
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stdout, /stopping: the study was stopped from outside this engine/);
  const final = open().trials;
  assert.equal(final[queued]!.state, 'fail');
  assert.equal(final[queued]!.systemAttrs[FAIL_REASON_ATTR], 'stopped by the user before it finished');
  assert.ok(!final.some((x) => x.state === 'running'), 'nothing left running');
  assert.equal(runningEngine(journal, 'ctl'), undefined, 'the engine mark is gone');
});
