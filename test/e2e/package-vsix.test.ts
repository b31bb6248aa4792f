/**
 * `npm run package` makes a .vsix that installs into a real VS Code (code-server) and carries
 * everything the extension needs at run time (the bundles, the tree-sitter .wasm files, the
 * Python client, the schema and icons), and nothing else (sources, tests, node_modules).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { loadStudy } from '../../src/core/study/study';
import { REPO } from '../helpers/run-cli';
import { tempDir } from '../helpers/temp-dir';
import { CodeServer } from './helpers/code-server';
import { ensureE2eTools } from './helpers/e2e-tools';
import { buildVsix } from './helpers/vsix';
import { zipEntries } from './helpers/zip-entries';

interface Manifest {
  publisher: string;
  name: string;
  version: string;
  main: string;
  icon?: string;
  contributes: { jsonValidation?: { url: string }[]; viewsContainers?: { activitybar?: { icon: string }[] } };
}

describe('the packaged extension (.vsix)', { timeout: 600_000 }, () => {
  test('holds the run-time files and no sources, tests or node_modules', async (t) => {
    const vsix = await buildVsix();
    const entries = zipEntries(vsix);
    const names = entries.map((e) => e.name);
    t.diagnostic(`${path.relative(REPO, vsix)}: ${names.length} files, ${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB`);

    for (const required of [
      'extension/package.json',
      'extension/dist/extension.cjs',
      'extension/dist/cli.js',
      'extension/dist/webview.js',
      'extension/dist/web-tree-sitter.wasm',
      'extension/dist/tree-sitter-python.wasm',
      'extension/media/dashboard.css',
      'extension/python/tunekit/__init__.py',
      'extension/python/tunekit/_globals_shim.py',
    ]) {
      assert.ok(names.includes(required), `${required} missing from the .vsix`);
    }
    const strays = names.filter((n) => /^extension\/(src|test|node_modules|test-artifacts|bench|examples|webview|scripts|\.tunekit)\//.test(n) || /\.(ts|map)$/.test(n) || /__pycache__|\.pyc$/.test(n));
    assert.deepEqual(strays, [], 'sources, tests, maps or dependencies inside the .vsix (see .vscodeignore)');

    // Every file the manifest points at is in the package.
    const manifest = JSON.parse(entries.find((e) => e.name === 'extension/package.json')!.read().toString('utf8')) as Manifest;
    const pointed = [
      manifest.main,
      ...(manifest.icon ? [manifest.icon] : []),
      ...(manifest.contributes.jsonValidation ?? []).map((v) => v.url),
      ...(manifest.contributes.viewsContainers?.activitybar ?? []).map((c) => c.icon),
    ];
    for (const p of pointed) {
      const entry = `extension/${path.posix.normalize(p)}`;
      assert.ok(names.includes(entry), `package.json refers to ${p}, which is not in the .vsix`);
    }
  });

  test('installs into code-server, and the installed copy runs the tunekit engine on its own', async (t) => {
    const setup = await ensureE2eTools();
    if ('skip' in setup) {
      t.skip(setup.skip);
      return;
    }
    const vsix = await buildVsix();
    const dir = tempDir(t, 'tunekit-e2e-install-');
    const server = new CodeServer({ tools: setup.tools, stateDir: dir, workspace: dir, logFile: path.join(dir, 'code-server.log') });
    server.installExtension(vsix);

    const listed = spawnSync(setup.tools.node, [setup.tools.codeServer, '--extensions-dir', server.extensionsDir, '--user-data-dir', server.userDataDir, '--list-extensions', '--show-versions'], { encoding: 'utf8' });
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest;
    const id = `${pkg.publisher}.${pkg.name}`;
    assert.match(listed.stdout, new RegExp(`^${id}@${pkg.version.replace(/\./g, '\\.')}$`, 'm'), `code-server --list-extensions does not show ${id}@${pkg.version}:\n${listed.stdout}${listed.stderr}`);

    // The installed folder has no node_modules: the engine must run from the bundles alone.
    const installed = fs.readdirSync(server.extensionsDir).find((d) => d.startsWith(`${id}-`));
    assert.ok(installed, `no ${id}-* folder in ${server.extensionsDir}`);
    const root = path.join(server.extensionsDir, installed);
    assert.ok(!fs.existsSync(path.join(root, 'node_modules')), 'the installed extension carries node_modules');

    const work = path.join(dir, 'work');
    fs.cpSync(path.join(REPO, 'examples', 'quickstart'), work, { recursive: true });
    const cli = path.join(root, 'bin', 'tunekit.js');
    // detect parses Python with the packaged tree-sitter .wasm files.
    const detect = spawnSync(process.execPath, [cli, 'detect', path.join(REPO, 'examples', 'digits'), '--json'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(detect.status, 0, `installed tunekit detect failed:\n${detect.stdout}\n${detect.stderr}`);
    const found = (JSON.parse(detect.stdout) as { scripts: { file: string; trainingScript: boolean }[] }).scripts;
    assert.deepEqual(found.map((s) => [s.file, s.trainingScript]), [['train.py', true]], 'detect from the installed copy');

    const tune = spawnSync(
      process.execPath,
      [cli, 'tune', 'train.py', '--space', 'space.json', '--objective', 'val_loss', '--trials', '2', '--seed', '1', '--study', 'installed'],
      { cwd: work, encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(tune.status, 0, `installed tunekit tune failed:\n${tune.stdout}\n${tune.stderr}`);
    const study = loadStudy({ storage: path.join(work, '.tunekit', 'installed.journal'), studyName: 'installed' });
    assert.deepEqual(study.trials.map((trial) => trial.state), ['complete', 'complete'], `two complete trials expected; tune printed:\n${tune.stdout}`);
  });
});
