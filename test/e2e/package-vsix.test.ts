/**
 * `npm run package` makes a .vsix that installs into a real VS Code (code-server) and carries
 * everything the extension needs at run time (the bundles, the tree-sitter .wasm files, the
 * Python client, the schema and icons), and nothing else (sources, tests, node_modules).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { loadStudy } from '../../src/core/study/study';
import { REPO } from '../helpers/run-cli';
import { missingPythonModules, runPythonJson } from '../helpers/debian-python';
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
      'extension/dist/compress-report.js',
      'extension/media/compress-report.css',
      'extension/dist/node_modules/onnxruntime-node/package.json',
      'extension/dist/node_modules/onnxruntime-node/dist/index.js',
      'extension/dist/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'extension/dist/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'extension/dist/node_modules/onnxruntime-common/package.json',
      'extension/dist/node_modules/onnxruntime-common/dist/cjs/index.js',
    ]) {
      assert.ok(names.includes(required), `${required} missing from the .vsix`);
    }
    const strays = names.filter((n) => /^extension\/(src|test|node_modules|test-artifacts|bench|examples|webview|scripts|\.tunekit)\//.test(n) || /\.(ts|map)$/.test(n) || /__pycache__|\.pyc$/.test(n));
    assert.deepEqual(strays, [], 'sources, tests, maps or dependencies inside the .vsix (see .vscodeignore)');

    // onnxruntime-node holds every platform's binaries (~290 MB); the .vsix carries one target's.
    const platforms = new Set(names.map((n) => /^extension\/dist\/node_modules\/onnxruntime-node\/bin\/napi-v6\/([^/]+\/[^/]+)\//.exec(n)?.[1]).filter(Boolean));
    assert.deepEqual([...platforms], ['linux/x64'], 'onnxruntime-node binaries of exactly one platform (TUNEKIT_TARGET, linux-x64 by default)');
    const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
    t.diagnostic(`unpacked ${(unpacked / 2 ** 20).toFixed(1)} MiB, of which onnxruntime ${(entries.filter((e) => e.name.includes('/node_modules/onnxruntime')).reduce((sum, e) => sum + e.size, 0) / 2 ** 20).toFixed(1)} MiB`);
    // linux-x64's libonnxruntime is ~44 MB; all platforms would be ~290 MB.
    assert.ok(fs.statSync(vsix).size < 30 * 2 ** 20, `the .vsix is ${(fs.statSync(vsix).size / 2 ** 20).toFixed(1)} MiB, expected under 30 MiB`);
    assert.ok(unpacked < 80 * 2 ** 20, `the unpacked extension is ${(unpacked / 2 ** 20).toFixed(1)} MiB, expected under 80 MiB`);
    const vsixManifest = entries.find((e) => e.name === 'extension.vsixmanifest')?.read().toString('utf8') ?? '';
    assert.match(vsixManifest, /TargetPlatform="linux-x64"/, 'a platform-specific package (vsce --target), so the Marketplace serves it to linux-x64 only');

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

  test('the packaged onnxruntime-node loads from the unpacked .vsix alone and runs a model; its CLI quantizes one', { skip: missingPythonModules('onnx', 'numpy') }, async (t) => {
    const vsix = await buildVsix();
    // Unpacked outside the clone, so nothing resolves from the clone's node_modules/.
    const root = tempDir(t, 'tunekit-vsix-unpacked-');
    for (const entry of zipEntries(vsix)) {
      if (!entry.name.startsWith('extension/') || entry.name.endsWith('/')) continue;
      const file = path.join(root, entry.name.slice('extension/'.length));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, entry.read());
    }
    const model = path.join(root, 'work', 'tiny.onnx');
    fs.mkdirSync(path.dirname(model), { recursive: true });
    // y = relu(x W1) W2: two MatMul weights, opset 13, as torch.onnx.export writes an MLP.
    runPythonJson(
      `import sys, json, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
rng = np.random.default_rng(0)
w1 = numpy_helper.from_array(rng.standard_normal((16, 32)).astype(np.float32), 'fc1.weight')
w2 = numpy_helper.from_array(rng.standard_normal((32, 4)).astype(np.float32), 'fc2.weight')
graph = helper.make_graph([helper.make_node('MatMul', ['x', 'fc1.weight'], ['h']), helper.make_node('Relu', ['h'], ['r']), helper.make_node('MatMul', ['r', 'fc2.weight'], ['y'])],
  'tiny', [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', 16])], [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['batch', 4])], [w1, w2])
m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
onnx.checker.check_model(m, full_check=True)
onnx.save(m, sys.argv[1])
print(json.dumps(True))`,
      [model],
    );
    // A script inside dist/ resolves 'onnxruntime-node' as dist/cli.js does: through dist/node_modules.
    const probe = path.join(root, 'dist', 'ort-probe.mjs');
    fs.writeFileSync(
      probe,
      `import * as ort from 'onnxruntime-node';
const session = await ort.InferenceSession.create(process.argv[2]);
const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(32).fill(0.5), [2, 16]) });
console.log(JSON.stringify({ dims: out.y.dims, resolved: import.meta.resolve('onnxruntime-node') }));`,
    );
    const run = spawnSync(process.execPath, [probe, model], { cwd: path.dirname(model), encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_PATH: '' } });
    assert.equal(run.status, 0, `the packaged onnxruntime-node did not run the model:\n${run.stdout}\n${run.stderr}`);
    const probed = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { dims: number[]; resolved: string };
    assert.deepEqual(probed.dims, [2, 4]);
    assert.ok(probed.resolved.startsWith(pathToFileURL(path.join(root, 'dist', 'node_modules')).href), `resolved from ${probed.resolved}`);

    const help = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'quantize', '--help'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(help.status, 0, `the packaged CLI's quantize --help failed:\n${help.stdout}\n${help.stderr}`);
    const output = path.join(path.dirname(model), 'tiny.int8.onnx');
    const quantize = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'quantize', model, '--scheme', 'dynamic-int8', '--output', output, '--json'], {
      cwd: path.dirname(model),
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NODE_PATH: '' },
    });
    assert.equal(quantize.status, 0, `the packaged CLI's quantize failed:\n${quantize.stdout}\n${quantize.stderr}`);
    const last = JSON.parse(quantize.stdout.trim().split('\n').pop() ?? '{}') as { type: string; report?: { after: { bytes: number }; before: { bytes: number }; agreement?: unknown } };
    assert.equal(last.type, 'report', quantize.stdout);
    assert.ok(fs.existsSync(output), 'the quantized model was written');
    assert.ok(last.report && last.report.after.bytes < last.report.before.bytes, 'the quantized model is smaller');
    assert.ok(last.report?.agreement, 'the packaged CLI verified the result with the packaged onnxruntime');
    t.diagnostic(`packaged CLI: ${last.report.before.bytes} -> ${last.report.after.bytes} bytes, agreement ${JSON.stringify(last.report.agreement)}`);
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
    // evaluate.py (the compression example's evaluation command) imports torch but trains nothing.
    assert.deepEqual(found.map((s) => [s.file, s.trainingScript]), [['train.py', true], ['evaluate.py', false]], 'detect from the installed copy');

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
