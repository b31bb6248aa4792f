// Bundles the three programs Tunekit ships: the VS Code extension (CommonJS, as VS Code loads
// it), the `tunekit` CLI and `tunekit/core` library (ESM, Node 20), and the dashboard webview.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// ESM bundles that contain CommonJS dependencies need a real `require`.
const requireShim = "import { createRequire as __tunekitCreateRequire } from 'node:module'; const require = __tunekitCreateRequire(import.meta.url);";

// In the CommonJS extension bundle, import.meta.url (used to find files beside a module) must
// come from __filename; and web-tree-sitter must be its .cjs build, whose ESM build reads
// import.meta.url itself and fails at run time without a build warning (ENVIRONMENT.md).
const require = createRequire(import.meta.url);
const cjsImportMeta = {
  define: { 'import.meta.url': '__tunekitImportMetaUrl' },
  banner: { js: "const __tunekitImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info', target: 'node20', platform: 'node' };

const builds = [
  { ...common, ...cjsImportMeta, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.cjs', format: 'cjs', external: ['vscode', 'onnxruntime-node'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', format: 'esm', banner: { js: requireShim }, external: ['onnxruntime-node'] },
  { ...common, entryPoints: ['src/core/library.ts'], outfile: 'dist/core.js', format: 'esm', banner: { js: requireShim } },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', format: 'iife', platform: 'browser', target: 'es2022' },
  { ...common, entryPoints: ['webview/compress-report/main.ts'], outfile: 'dist/compress-report.js', format: 'iife', platform: 'browser', target: 'es2022' },
];

// The Python parser's WebAssembly files travel beside the bundles (see src/detect/python-parser.ts).
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
copyFileSync(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm');

// onnxruntime-node (model verification in the CLI) is a native module kept out of the bundles,
// and its package holds every platform's binaries (~290 MB). A production build copies into
// dist/node_modules/ (where Node resolves it from dist/cli.js) its JavaScript, onnxruntime-common,
// and only the binaries of the platform the .vsix is for: TUNEKIT_TARGET, a `vsce --target` name,
// linux-x64 by default as in package.json's "package" script. Development builds remove the
// copy, so Node finds the package in the clone's node_modules/.
const ORT_TARGETS = { 'linux-x64': 'linux/x64', 'linux-arm64': 'linux/arm64', 'darwin-arm64': 'darwin/arm64', 'win32-x64': 'win32/x64', 'win32-arm64': 'win32/arm64' };
function stageOnnxRuntime(target) {
  const binaries = ORT_TARGETS[target];
  if (!binaries) {
    throw new Error(`TUNEKIT_TARGET=${target}: onnxruntime-node ships binaries for ${Object.keys(ORT_TARGETS).join(', ')} only`);
  }
  const out = path.join('dist', 'node_modules');
  rmSync(out, { recursive: true, force: true });
  const ort = path.dirname(require.resolve('onnxruntime-node/package.json'));
  // onnxruntime-common's "exports" hide its package.json: find its folder from its entry point.
  let common = path.dirname(require.resolve('onnxruntime-common', { paths: [ort] }));
  while (!isPackageRoot(common, 'onnxruntime-common')) {
    if (path.dirname(common) === common) throw new Error('esbuild.mjs: onnxruntime-common not found beside onnxruntime-node');
    common = path.dirname(common);
  }
  const js = (src) => !/\.(map|d\.ts)$/.test(src) && !src.endsWith('.ts');
  const bin = path.join(ort, 'bin', 'napi-v6', ...binaries.split('/'));
  if (!existsSync(path.join(bin, 'onnxruntime_binding.node'))) throw new Error(`onnxruntime-node has no binaries for ${target} in ${bin}`);
  copyFileSync(path.join(ort, 'package.json'), mkdirFor(path.join(out, 'onnxruntime-node', 'package.json')));
  cpSync(path.join(ort, 'dist'), path.join(out, 'onnxruntime-node', 'dist'), { recursive: true, filter: js });
  cpSync(bin, path.join(out, 'onnxruntime-node', 'bin', 'napi-v6', ...binaries.split('/')), { recursive: true });
  copyFileSync(path.join(common, 'package.json'), mkdirFor(path.join(out, 'onnxruntime-common', 'package.json')));
  cpSync(path.join(common, 'dist'), path.join(out, 'onnxruntime-common', 'dist'), { recursive: true, filter: js });
  console.log(`staged onnxruntime-node for ${target}: ${readdirSync(path.join(out, 'onnxruntime-node', 'bin', 'napi-v6', ...binaries.split('/'))).join(', ')}`);
}
function isPackageRoot(dir, name) {
  const manifest = path.join(dir, 'package.json');
  return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name;
}
function mkdirFor(file) {
  mkdirSync(path.dirname(file), { recursive: true });
  return file;
}
if (production) stageOnnxRuntime(process.env.TUNEKIT_TARGET || 'linux-x64');
else rmSync(path.join('dist', 'node_modules'), { recursive: true, force: true });

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  // Type declarations for `tunekit/core` users.
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.core.json'], { stdio: 'inherit' });
}
