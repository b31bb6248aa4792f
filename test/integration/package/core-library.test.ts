/**
 * `tunekit/core` as a user gets it: the README's example, run from the built package through
 * the package's own export map (so the build, the exports field and the docs stay in step).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../../helpers/run-cli';

test("the README's library example runs against the built tunekit/core and finds x near 2", () => {
  assert.ok(fs.existsSync(path.join(REPO, 'dist', 'core.js')), 'dist/core.js is missing: run npm run build (npm test does)');
  assert.ok(fs.existsSync(path.join(REPO, 'dist', 'types', 'core', 'library.d.ts')), 'type declarations are built for library users');
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const example = /```js\n(import \{ createStudy \} from 'tunekit\/core';[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'the README has the library example');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', example], { cwd: REPO, encoding: 'utf8' });
  const best = JSON.parse(out.trim().split('\n').pop() as string) as { x: number; kind: string };
  assert.equal(best.kind, 'a');
  assert.ok(Math.abs(best.x - 2) < 0.5, `best x = ${best.x}`);
});
