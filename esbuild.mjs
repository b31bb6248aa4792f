// Bundles the three programs Tunekit ships: the VS Code extension (CommonJS, as VS Code loads
// it), the `tunekit` CLI and `tunekit/core` library (ESM, Node 20), and the dashboard webview.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
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
  { ...common, ...cjsImportMeta, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.cjs', format: 'cjs', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', format: 'esm', banner: { js: requireShim } },
  { ...common, entryPoints: ['src/core/library.ts'], outfile: 'dist/core.js', format: 'esm', banner: { js: requireShim } },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', format: 'iife', platform: 'browser', target: 'es2022' },
];

// The Python parser's WebAssembly files travel beside the bundles (see src/detect/python-parser.ts).
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
copyFileSync(require.resolve('@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm');

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  // Type declarations for `tunekit/core` users.
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.core.json'], { stdio: 'inherit' });
}
