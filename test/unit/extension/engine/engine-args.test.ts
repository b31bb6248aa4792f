import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultJournal, engineArgs, engineEnv, engineLogPath } from '../../../../src/extension/engine/engine-args';
import { defaultStudyName } from '../../../../src/cli/study-location';

const base = {
  cliPath: '/ext/dist/cli.js',
  script: '/work/my project/train.py',
  studyFile: '/work/my project/train.py.tunekit.json',
  studyName: 'my project-train',
  journal: '/work/my project/.tunekit/my project-train.journal',
  trials: 30,
  parallel: 2,
  gpus: '0,2',
  gpusPerTrial: 1,
  sampler: 'tpe' as const,
  pruner: 'median' as const,
};

test('the engine argv carries every setting as separate arguments, values never joined into a string', () => {
  const args = engineArgs({ ...base, python: '/opt/py 3/bin/python', objective: 'val loss', direction: 'maximize' });
  assert.equal(args[0], '/ext/dist/cli.js');
  assert.equal(args[1], 'tune');
  assert.equal(args[2], '/work/my project/train.py');
  // Parsed the way the CLI parses it (node:util parseArgs), each value arrives whole.
  const { values, positionals } = parseArgs({
    args: args.slice(2),
    allowPositionals: true,
    options: Object.fromEntries(['space', 'study', 'storage', 'trials', 'parallel', 'gpus', 'gpus-per-trial', 'sampler', 'pruner', 'python', 'objective', 'direction'].map((k) => [k, { type: 'string' as const }])),
  });
  assert.deepEqual(positionals, ['/work/my project/train.py']);
  assert.deepEqual({ ...values }, {
    space: '/work/my project/train.py.tunekit.json',
    study: 'my project-train',
    storage: '/work/my project/.tunekit/my project-train.journal',
    trials: '30',
    parallel: '2',
    gpus: '0,2',
    'gpus-per-trial': '1',
    sampler: 'tpe',
    pruner: 'median',
    python: '/opt/py 3/bin/python',
    objective: 'val loss',
    direction: 'max',
  });
});

test('without an interpreter or objective the study file decides (no flag is passed)', () => {
  const args = engineArgs(base);
  assert.ok(!args.includes('--python'));
  assert.ok(!args.includes('--objective'));
  assert.ok(!args.includes('--direction'));
});

test('the engine runs VS Code\'s binary as Node, without the host\'s Node options', () => {
  assert.deepEqual(engineEnv(), { ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '' });
});

test('study name, journal and engine log follow the CLI defaults', () => {
  assert.equal(defaultStudyName('/w/examples/digits/train.py'), 'digits-train');
  assert.equal(defaultJournal('/w', 'digits-train'), path.join('/w', '.tunekit', 'digits-train.journal'));
  assert.equal(engineLogPath('/w/.tunekit/digits-train.journal', 'digits train/x'), path.join('/w/.tunekit', 'digits_train_x.engine.log'));
});
