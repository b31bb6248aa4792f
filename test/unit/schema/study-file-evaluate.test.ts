/**
 * The study file's optional "evaluate" command (for `tunekit prune` / `quantize`): the reader
 * (src/cli/study-file.ts) and the JSON Schema accept the same files and refuse the same ones,
 * at the same place.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { readStudyFile } from '../../../src/cli/study-file';
import { tempDir } from '../../helpers/temp-dir';
import { validate } from './json-schema-subset';

const REPO = path.resolve(import.meta.dirname, '../../..');
const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'media/study-file.schema.json'), 'utf8')) as Record<string, unknown>;

function read(dir: string, content: unknown): ReturnType<typeof readStudyFile> | string {
  const file = path.join(dir, `case-${Math.random().toString(36).slice(2)}.tunekit.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  try {
    return readStudyFile(file);
  } catch (err) {
    return (err as Error).message;
  }
}

test('an evaluate command is read as written, and valid for the schema', (t) => {
  const dir = tempDir(t);
  const evaluate = { command: ['/usr/bin/python3', 'evaluate.py', '--model', '{model}'], metric: 'accuracy', direction: 'maximize' };
  const study = read(dir, { space: {}, evaluate });
  assert.notEqual(typeof study, 'string', String(study));
  assert.deepEqual((study as { evaluate?: unknown }).evaluate, evaluate);
  assert.deepEqual(validate(schema, { space: {}, evaluate }), []);
  const minimal = { command: ['./eval.sh', '{model}'], metric: 'f1' };
  assert.deepEqual((read(dir, { space: {}, evaluate: minimal }) as { evaluate?: unknown }).evaluate, minimal);
  assert.deepEqual(validate(schema, { space: {}, evaluate: minimal }), []);
});

const BAD: readonly { name: string; evaluate: unknown; at: string; says: RegExp }[] = [
  { name: 'a shell string', evaluate: { command: 'python3 evaluate.py --model {model}', metric: 'accuracy' }, at: '/evaluate/command', says: /"evaluate\.command" must be a non-empty array of strings/ },
  { name: 'an empty command', evaluate: { command: [], metric: 'accuracy' }, at: '/evaluate/command', says: /"evaluate\.command"/ },
  { name: 'a number argument', evaluate: { command: ['python3', 3], metric: 'accuracy' }, at: '/evaluate/command/1', says: /"evaluate\.command"/ },
  { name: 'no metric', evaluate: { command: ['python3'] }, at: '/evaluate', says: /"evaluate\.metric" must name the metric/ },
  { name: 'a blank metric', evaluate: { command: ['python3'], metric: ' ' }, at: '/evaluate/metric', says: /"evaluate\.metric"/ },
  { name: 'direction up', evaluate: { command: ['python3'], metric: 'accuracy', direction: 'up' }, at: '/evaluate/direction', says: /"evaluate\.direction" must be "maximize" or "minimize"/ },
  { name: 'an unknown key', evaluate: { command: ['python3'], metric: 'accuracy', shell: true }, at: '/evaluate/shell', says: /"evaluate\.shell" is not an evaluate key/ },
  { name: 'not an object', evaluate: ['python3'], at: '/evaluate', says: /"evaluate" must be an object/ },
];

test('broken evaluate commands are refused by the reader and the schema, at the right place', (t) => {
  const dir = tempDir(t);
  for (const { name, evaluate, at, says } of BAD) {
    const message = read(dir, { space: {}, evaluate });
    assert.equal(typeof message, 'string', `${name}: the reader must refuse it`);
    assert.match(message as string, says, name);
    const errors = validate(schema, { space: {}, evaluate });
    assert.ok(errors.some((e) => e.at === at), `${name}: expected a schema error at "${at}", got ${JSON.stringify(errors)}`);
  }
});
