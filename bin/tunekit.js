#!/usr/bin/env node
// The `tunekit` command: the bundled CLI (npm run build writes dist/cli.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  console.error('tunekit: dist/cli.js is missing; run `npm run build` in the tunekit folder first.');
  process.exit(2);
}
await import(bundle.href);
