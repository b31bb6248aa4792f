/**
 * activate() against a stand-in `vscode` module that records every call: it must register each
 * command package.json contributes (and no other), both views, the CodeLens provider and the
 * dashboard's serializer, and do no work at activation (no file search, no scan, no progress).
 * The registered commands refuse to run in an untrusted workspace. The extension is bundled
 * here exactly as esbuild.mjs bundles it, so this loads what VS Code loads.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { tempDir } from '../../helpers/temp-dir';

const REPO = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);

interface Call {
  readonly path: string;
  readonly args: readonly unknown[];
}

/** Any property is another stub, any call or `new` is recorded; `overrides` pins some values. */
function recordingModule(calls: Call[], overrides: Map<string, unknown>): unknown {
  const stub = (where: string): unknown =>
    new Proxy(function () {}, {
      get(_target, prop) {
        if (prop === 'then') return undefined; // not a promise
        if (typeof prop === 'symbol') return undefined;
        const next = `${where}.${prop}`;
        return overrides.has(next) ? overrides.get(next) : stub(next);
      },
      set(_target, prop, value) {
        calls.push({ path: `${where}.${String(prop)}=`, args: [value] });
        return true;
      },
      apply(_target, _this, args) {
        calls.push({ path: where, args });
        return stub(`${where}()`);
      },
      construct(_target, args) {
        calls.push({ path: `new ${where}`, args });
        return stub(`new ${where}`) as object;
      },
    });
  // The module object itself is plain: a bundle copies its own keys (esbuild's __toESM).
  const module: Record<string, unknown> = {};
  for (const name of VSCODE_EXPORTS) Object.defineProperty(module, name, { enumerable: true, get: () => stub(`vscode.${name}`) });
  return module;
}

/** What src/extension reads from `vscode` at run time. */
const VSCODE_EXPORTS = [
  'CodeLens', 'Disposable', 'EventEmitter', 'MarkdownString', 'Position', 'ProgressLocation', 'Range', 'RelativePattern',
  'StatusBarAlignment', 'TabInputTextDiff', 'ThemeColor', 'ThemeIcon', 'TreeItem', 'TreeItemCollapsibleState', 'Uri',
  'ViewColumn', 'WorkspaceEdit', 'commands', 'env', 'extensions', 'l10n', 'languages', 'window', 'workspace',
];

async function bundleExtension(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'extension.cjs');
  await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: ['src/extension/extension.ts'],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    define: { 'import.meta.url': '__tunekitImportMetaUrl' },
    banner: { js: "const __tunekitImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
    logLevel: 'error',
  });
  return outfile;
}

/** Loads the bundle with `vscode` resolved to the recording stub. */
function loadWithStub(file: string, vscode: unknown): { activate(context: unknown): void } {
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : original.call(this, request, ...rest);
  };
  try {
    return require(file) as { activate(context: unknown): void };
  } finally {
    Module._load = original;
  }
}

test('activation registers every contributed command, the views and providers, and does no work', async (t) => {
  const dir = tempDir(t);
  const bundle = await bundleExtension(dir);
  const calls: Call[] = [];
  const overrides = new Map<string, unknown>([['vscode.workspace.isTrusted', false]]);
  const extension = loadWithStub(bundle, recordingModule(calls, overrides));
  const subscriptions: { dispose(): unknown }[] = [];
  const memento = { get: () => undefined, update: async () => {} };
  extension.activate({ subscriptions, extensionUri: { fsPath: REPO }, asAbsolutePath: (p: string) => path.join(REPO, p), workspaceState: memento, globalState: memento });
  t.after(() => {
    for (const s of subscriptions) s.dispose();
  });

  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
  };
  const registered = calls.filter((c) => c.path === 'vscode.commands.registerCommand').map((c) => c.args[0] as string);
  assert.deepEqual([...registered].sort(), manifest.contributes.commands.map((c) => c.command).sort());

  const views = calls.filter((c) => c.path === 'vscode.window.createTreeView').map((c) => c.args[0]);
  assert.deepEqual(views.sort(), (manifest.contributes.views.tunekit ?? []).map((v) => v.id).sort());
  assert.ok(calls.some((c) => c.path === 'vscode.languages.registerCodeLensProvider'), 'the CodeLens provider');
  assert.ok(calls.some((c) => c.path === 'vscode.window.registerWebviewPanelSerializer' && c.args[0] === 'tunekit.dashboard'), 'the dashboard serializer');
  assert.ok(subscriptions.length >= registered.length + 5, 'everything registered is owned by the extension context');

  // No work at activation: nothing searched, scanned, watched or shown in progress.
  await new Promise((r) => setTimeout(r, 200));
  for (const busy of ['vscode.workspace.findFiles', 'vscode.workspace.createFileSystemWatcher', 'vscode.window.withProgress', 'vscode.window.showQuickPick']) {
    assert.ok(!calls.some((c) => c.path === busy), `${busy} was called at activation`);
  }

  // The second lock: in an untrusted workspace a command says why it does nothing.
  const tune = calls.find((c) => c.path === 'vscode.commands.registerCommand' && c.args[0] === 'tunekit.tuneScript')?.args[1] as (...a: unknown[]) => Promise<void>;
  await tune();
  const shown = calls.filter((c) => c.path === 'vscode.window.showErrorMessage').map((c) => String(c.args[0]));
  assert.equal(shown.length, 1);
  assert.match(shown[0] as string, /only in a trusted workspace/);
  assert.ok(!calls.some((c) => c.path === 'vscode.window.createQuickPick'), 'no question asked');
});
