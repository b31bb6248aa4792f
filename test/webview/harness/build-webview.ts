/**
 * Bundles the dashboard (webview/main.ts) the way esbuild.mjs does for dist/webview.js, into a
 * directory of the caller's, so webview tests and the benchmark test the sources as they are
 * rather than whatever the last `npm run build` left in dist/.
 */
import * as path from 'node:path';
import * as esbuild from 'esbuild';

export const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

export async function buildWebview(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'webview.js');
  await esbuild.build({
    entryPoints: [path.join(REPO, 'webview', 'main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
