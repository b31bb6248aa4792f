/**
 * The folder holding the stdlib-only `tunekit` Python client, put on PYTHONPATH for trials.
 * Found by walking up from this module, so it works from the sources (tests), from the bundled
 * CLI in dist/, and from an installed extension alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function pythonClientDir(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'python');
    if (fs.existsSync(path.join(candidate, 'tunekit', '__init__.py'))) return (cached = candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('the tunekit Python client (python/tunekit) is missing from this installation');
    dir = parent;
  }
}
