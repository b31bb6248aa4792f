import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { findPythonFiles, scanWorkspace } from '../../../src/detect/workspace-scan';
import { TRAINING_SCRIPT_MIN_SCORE } from '../../../src/detect/script-detection';
import { tempDir } from '../../helpers/temp-dir';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const TRAINING = fs.readFileSync(path.join(FIXTURES, 'no_params.py'), 'utf8');

function write(root: string, rel: string, content: string | Buffer): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** The fixture workspace plus everything a scan must not enter, each holding a training script. */
function workspace(t: TestContext): string {
  const root = tempDir(t, 'tunekit-scan-');
  fs.cpSync(path.join(FIXTURES, 'workspace'), root, { recursive: true });
  write(root, 'venv/pyvenv.cfg', 'home = /usr/bin\n');
  write(root, 'venv/lib/python3.11/site-packages/torch/train.py', TRAINING);
  write(root, 'myenv/pyvenv.cfg', 'home = /usr/bin\n'); // a venv under any name
  write(root, 'myenv/lib/python3.11/site-packages/pkg/train.py', TRAINING);
  write(root, 'myenv/train.py', TRAINING);
  write(root, 'miniconda/envs/ml/conda-meta/history', '');
  write(root, 'miniconda/envs/ml/train.py', TRAINING);
  write(root, 'lib/python3.11/site-packages/keras/train.py', TRAINING);
  write(root, 'node_modules/some-pkg/scripts/train.py', TRAINING);
  write(root, 'build/lib/train.py', TRAINING);
  write(root, 'dist/train.py', TRAINING);
  write(root, '.hidden/train.py', TRAINING);
  write(root, '.venv/bin/train.py', TRAINING);
  write(root, '__pycache__/train.py', TRAINING);
  write(root, 'pkg.egg-info/train.py', TRAINING);
  // Not a virtual environment, though its name sounds like one: scanned.
  write(root, 'envs/cartpole/train_rl.py', TRAINING);
  return root;
}

const SKIPPED = /(^|\/)(venv|myenv|miniconda|site-packages|node_modules|build|dist|\.hidden|\.venv|__pycache__|pkg\.egg-info)\//;

test('ranks training scripts above utility modules, leaves out files with no signal and skipped folders', async (t) => {
  const root = workspace(t);
  const found = await scanWorkspace(root);
  const rel = found.map((a) => path.relative(root, a.file));
  assert.deepEqual(rel.filter((f) => SKIPPED.test(f)), [], 'nothing from virtual environments, installed packages, build output or hidden folders');
  assert.ok(rel.includes('envs/cartpole/train_rl.py'), 'a folder named envs that is no virtual environment is scanned');
  assert.ok(!rel.includes('lib/text.py'), 'a module with no ML signal is not listed');
  for (const script of ['train.py', 'lightning/train_lit.py', 'keras/train_keras.py', 'classic/fit_sklearn.py', 'hf/finetune.py', 'tools/train_from_yaml.py']) {
    assert.ok(rel.includes(script), `${script} found among ${JSON.stringify(rel)}`);
  }
  const models = found.find((a) => a.file.endsWith(path.join('lib', 'models.py')));
  assert.ok(models, 'a module that imports torch is listed');
  assert.ok(models.score < TRAINING_SCRIPT_MIN_SCORE);
  assert.equal(rel[rel.length - 1], 'lib/models.py', 'and ranked last');
  const scores = found.map((a) => a.score);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'best first');
  assert.ok(found.every((a) => a.score > 0));
  const train = found.find((a) => path.relative(root, a.file) === 'train.py');
  assert.ok(train && train.params.some((p) => p.name === 'lr'), 'candidates come with their parameters');
});

test('progress counts every Python file, and the file limit stops the walk with a notice', async (t) => {
  const root = workspace(t);
  const { files } = await findPythonFiles(root);
  const progress: [number, number][] = [];
  await scanWorkspace(root, { onProgress: (done, total) => progress.push([done, total]) });
  assert.equal(progress.length, files.length);
  assert.deepEqual(progress[progress.length - 1], [files.length, files.length]);

  const notices: string[] = [];
  const limited = await findPythonFiles(root, { maxFiles: 3, onSkip: (_f, reason) => notices.push(reason) });
  assert.equal(limited.files.length, 3);
  assert.equal(limited.truncated, true);
  assert.deepEqual(notices, ['only the first 3 Python files were scanned']);
});

test('symbolic links: a loop back to a parent does not hang, a linked file is listed once', { timeout: 20_000 }, async (t) => {
  const root = workspace(t);
  fs.symlinkSync('..', path.join(root, 'lib', 'loop'));
  fs.symlinkSync(root, path.join(root, 'tools', 'again'));
  fs.symlinkSync(path.join(root, 'train.py'), path.join(root, 'alias.py'));
  fs.symlinkSync(path.join(root, 'nowhere.py'), path.join(root, 'dangling.py'));
  const outside = tempDir(t, 'tunekit-outside-');
  write(outside, 'shared/train_shared.py', TRAINING);
  fs.symlinkSync(path.join(outside, 'shared'), path.join(root, 'shared'));

  const { files } = await findPythonFiles(root);
  const rel = files.map((f) => path.relative(root, f));
  assert.equal(rel.filter((f) => path.basename(f) === 'train.py').length, 1, `train.py once in ${JSON.stringify(rel)}`);
  assert.ok(!rel.includes('dangling.py'));
  assert.ok(rel.includes('shared/train_shared.py'), 'a linked folder outside the workspace is followed');
  const found = await scanWorkspace(root);
  assert.ok(found.some((a) => a.file.endsWith('train_shared.py')));
});

test('binary and enormous .py files are skipped with a reason; the scan goes on', async (t) => {
  const root = workspace(t);
  write(root, 'blob.py', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]));
  write(root, 'generated.py', 'import torch\n' + 'W = [0.0] * 1000  # generated weights generated weights generated\n'.repeat(50_000));
  const skipped: [string, string][] = [];
  const found = await scanWorkspace(root, { onSkip: (file, reason) => skipped.push([path.relative(root, file), reason]) });
  assert.deepEqual(skipped.map(([f]) => f).sort(), ['blob.py', 'generated.py']);
  assert.match(skipped.find(([f]) => f === 'blob.py')?.[1] ?? '', /binary/);
  assert.match(skipped.find(([f]) => f === 'generated.py')?.[1] ?? '', /MB is too large/);
  assert.ok(found.some((a) => path.relative(root, a.file) === 'train.py'));
});

test('a missing folder is an error, a folder without Python files an empty list', async (t) => {
  await assert.rejects(scanWorkspace(path.join(tempDir(t), 'nope')), /ENOENT/);
  const empty = tempDir(t);
  write(empty, 'README.md', '# nothing here\n');
  assert.deepEqual(await scanWorkspace(empty), []);
});
