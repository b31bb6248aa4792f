// `npm run package`: the production build for one platform, then `vsce package --target` for it.
// A script rather than a shell line so the default target works from cmd.exe too. The target is
// TUNEKIT_TARGET (a vsce target name such as linux-x64, darwin-arm64, win32-x64), default linux-x64:
// esbuild.mjs copies only that platform's onnxruntime-node binaries into dist/node_modules.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const target = process.env.TUNEKIT_TARGET || 'linux-x64';
const env = { ...process.env, TUNEKIT_TARGET: target };

function run(args) {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(['esbuild.mjs', '--production']);
const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
run([vsce, 'package', '--no-dependencies', '--target', target, '--out', 'tunekit.vsix']);
