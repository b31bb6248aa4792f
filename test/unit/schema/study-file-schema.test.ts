/**
 * The study-file JSON Schema (media/study-file.schema.json, contributed for *.tunekit.json) must
 * agree with the CLI's reader (src/cli/study-file.ts): every proposal Tunekit writes for the
 * examples and the script corpus passes both, and each broken file below fails both. What JSON
 * Schema cannot say (low above high, a condition naming an unknown parameter, a name both in
 * "space" and "fixed") is left to the reader's messages.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { proposeStudyFile, readStudyFile, studyFilePathFor } from '../../../src/cli/study-file';
import { analyzeScript } from '../../../src/detect/analyze-script';
import { tempDir } from '../../helpers/temp-dir';
import { validate } from './json-schema-subset';

const REPO = path.resolve(import.meta.dirname, '../../..');
const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'media/study-file.schema.json'), 'utf8')) as Record<string, unknown>;

function pythonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? pythonFiles(p) : e.name.endsWith('.py') ? [p] : [];
  });
}

function readerAccepts(dir: string, content: unknown): string | undefined {
  const file = path.join(dir, `case-${Math.random().toString(36).slice(2)}.tunekit.json`);
  fs.writeFileSync(file, JSON.stringify(content));
  try {
    readStudyFile(file);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

test('the manifest contributes this schema for *.tunekit.json', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string[]; url: string }[] } };
  const entry = manifest.contributes.jsonValidation.find((j) => j.fileMatch.includes('*.tunekit.json'));
  assert.equal(entry?.url, './media/study-file.schema.json');
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
});

test('every study file Tunekit proposes (examples and the script corpus) is valid', async (t) => {
  const scripts = [...pythonFiles(path.join(REPO, 'examples')), ...pythonFiles(path.join(REPO, 'test/corpus/scripts'))];
  let checked = 0;
  const modes = new Set<string>();
  for (const script of scripts) {
    const analysis = await analyzeScript(script);
    if (analysis.score === 0) continue;
    const proposal = proposeStudyFile(analysis, { studyFile: studyFilePathFor(script), objective: 'val_loss', direction: 'minimize' });
    const errors = validate(schema, proposal.content);
    assert.deepEqual(errors, [], `${path.relative(REPO, script)}: ${JSON.stringify(errors)}`);
    modes.add(proposal.content.injection?.mode ?? '');
    checked++;
  }
  t.diagnostic(`${checked} proposals valid; injection modes covered: ${[...modes].sort().join(', ')}`);
  assert.ok(checked >= 20, `only ${checked} scripts analysed`);
  assert.ok(['flags', 'globals', 'config', 'hydra'].every((m) => modes.has(m)), `modes seen: ${[...modes].join(', ')}`);
});

const GOOD: Record<string, unknown> = {
  minimal: { space: {} },
  'the README example': {
    version: 1, script: 'train.py', objective: 'val_loss', direction: 'minimize',
    injection: { mode: 'flags', params: { lr: { flag: '--lr' } } },
    space: { lr: { type: 'float', low: 0.0001, high: 0.01, log: true } },
    fixed: { epochs: 20 },
    reasons: { lr: 'a learning rate' },
  },
  'every parameter kind': {
    $schema: './node_modules/tunekit/media/study-file.schema.json',
    direction: 'max',
    space: {
      lr: { type: 'float', low: 1e-4, high: 1.0, log: true },
      dropout: { type: 'float', low: 0.0, high: 0.5, step: 0.05 },
      layers: { type: 'int', low: 1, high: 4 },
      width: { type: 'int', low: 16, high: 1024, log: true, step: 1 },
      batch: { type: 'int', low: 16, high: 256, step: 16 },
      optimizer: { type: 'categorical', choices: ['sgd', 'adam'] },
      mixed: { type: 'categorical', choices: [1, 'two', null, true, [3], { k: 4 }] },
      momentum: { type: 'float', low: 0.0, high: 0.99, when: { optimizer: ['sgd'] } },
      nesterov: { type: 'categorical', choices: [true, false], when: { optimizer: 'sgd' } },
    },
  },
  'flags with style and bool bindings': {
    injection: { mode: 'flags', style: 'equals', params: { amp: { flag: '--amp', bool: 'store_true' }, x: { flag: '--x', bool: 'absl' } } },
    space: { amp: { type: 'categorical', choices: [true, false] } },
  },
  'config with the format from the file name': { injection: { mode: 'config', file: 'conf/train.YML' }, space: {} },
  'config with an explicit format': { injection: { mode: 'config', file: 'settings.cfg', format: 'json' }, space: {} },
  'env, globals, hydra': { injection: { mode: 'hydra' }, python: '.venv/bin/python', space: {} },
};

test('hand-written study files the reader accepts are valid', (t) => {
  const dir = tempDir(t);
  for (const [name, content] of Object.entries(GOOD)) {
    assert.equal(readerAccepts(dir, content), undefined, `${name}: the reader must accept it`);
    assert.deepEqual(validate(schema, content), [], name);
  }
});

/** Each is refused by the reader with a message; the schema must flag it at `at`. */
const BAD: readonly { readonly name: string; readonly content: unknown; readonly at: string }[] = [
  { name: 'no space', content: { objective: 'val_loss' }, at: '' },
  { name: 'unknown top-level key', content: { space: {}, trials: 30 }, at: '/trials' },
  { name: 'version 2', content: { version: 2, space: {} }, at: '/version' },
  { name: 'empty objective', content: { objective: '  ', space: {} }, at: '/objective' },
  { name: 'script not a string', content: { script: 3, space: {} }, at: '/script' },
  { name: 'direction up', content: { direction: 'up', space: {} }, at: '/direction' },
  { name: 'unknown parameter type', content: { space: { lr: { type: 'loguniform', low: 1, high: 2 } } }, at: '/space/lr/type' },
  { name: 'parameter without type', content: { space: { lr: { low: 1, high: 2 } } }, at: '/space/lr' },
  { name: 'unknown parameter key', content: { space: { lr: { type: 'float', low: 0, high: 1, scale: 'log' } } }, at: '/space/lr/scale' },
  { name: 'float without high', content: { space: { lr: { type: 'float', low: 0 } } }, at: '/space/lr' },
  { name: 'low as a string', content: { space: { lr: { type: 'float', low: '0.1', high: 1 } } }, at: '/space/lr/low' },
  { name: 'log scale from 0', content: { space: { lr: { type: 'float', low: 0, high: 1, log: true } } }, at: '/space/lr/low' },
  { name: 'log as a string', content: { space: { lr: { type: 'float', low: 1, high: 2, log: 'yes' } } }, at: '/space/lr/log' },
  { name: 'float log with step', content: { space: { lr: { type: 'float', low: 0.1, high: 1, log: true, step: 0.1 } } }, at: '/space/lr/step' },
  { name: 'float step 0', content: { space: { d: { type: 'float', low: 0, high: 1, step: 0 } } }, at: '/space/d/step' },
  { name: 'int with a fractional bound', content: { space: { n: { type: 'int', low: 1.5, high: 4 } } }, at: '/space/n/low' },
  { name: 'int with a fractional step', content: { space: { n: { type: 'int', low: 1, high: 9, step: 0.5 } } }, at: '/space/n/step' },
  { name: 'int log with step 2', content: { space: { n: { type: 'int', low: 1, high: 64, log: true, step: 2 } } }, at: '/space/n/step' },
  { name: 'categorical without choices', content: { space: { o: { type: 'categorical' } } }, at: '/space/o' },
  { name: 'categorical with no choices', content: { space: { o: { type: 'categorical', choices: [] } } }, at: '/space/o/choices' },
  { name: 'categorical with a repeated choice', content: { space: { o: { type: 'categorical', choices: ['a', 'a'] } } }, at: '/space/o/choices' },
  { name: 'when with two parents', content: { space: { o: { type: 'categorical', choices: ['a'] }, p: { type: 'categorical', choices: ['b'] }, m: { type: 'float', low: 0, high: 1, when: { o: ['a'], p: ['b'] } } } }, at: '/space/m/when' },
  { name: 'parameter not an object', content: { space: { lr: 0.1 } }, at: '/space/lr' },
  { name: 'injection without mode', content: { injection: {}, space: {} }, at: '/injection' },
  { name: 'injection mode unknown', content: { injection: { mode: 'argv' }, space: {} }, at: '/injection/mode' },
  { name: 'flags style colon', content: { injection: { mode: 'flags', style: 'colon' }, space: {} }, at: '/injection/style' },
  { name: 'flag without dash', content: { injection: { mode: 'flags', params: { lr: { flag: 'lr' } } }, space: {} }, at: '/injection/params/lr/flag' },
  { name: 'flag binding with an unknown key', content: { injection: { mode: 'flags', params: { lr: { flag: '--lr', type: 'float' } } }, space: {} }, at: '/injection/params/lr/type' },
  { name: 'bool style unknown', content: { injection: { mode: 'flags', params: { a: { flag: '--a', bool: 'toggle' } } }, space: {} }, at: '/injection/params/a/bool' },
  { name: 'globals with a file', content: { injection: { mode: 'globals', file: 'x.py' }, space: {} }, at: '/injection/file' },
  { name: 'config without file', content: { injection: { mode: 'config', format: 'yaml' }, space: {} }, at: '/injection' },
  { name: 'config format unknown', content: { injection: { mode: 'config', file: 'c.yaml', format: 'toml' }, space: {} }, at: '/injection/format' },
  { name: 'config format not given nor in the name', content: { injection: { mode: 'config', file: 'settings.cfg' }, space: {} }, at: '/injection' },
  { name: 'fixed not an object', content: { fixed: [20], space: {} }, at: '/fixed' },
  { name: 'a reason not a string', content: { reasons: { lr: 1 }, space: {} }, at: '/reasons/lr' },
];

test('broken study files are refused by both the reader and the schema, at the right place', (t) => {
  const dir = tempDir(t);
  for (const { name, content, at } of BAD) {
    assert.notEqual(readerAccepts(dir, content), undefined, `${name}: the reader must refuse it`);
    const errors = validate(schema, content);
    assert.ok(errors.length > 0, `${name}: the schema accepted it`);
    assert.ok(errors.some((e) => e.at === at), `${name}: expected an error at "${at}", got ${JSON.stringify(errors)}`);
  }
});

test('the schema offers completion snippets for a study file, a parameter and each injection mode', () => {
  const defs = schema.definitions as Record<string, { defaultSnippets?: { label: string; body: unknown }[] }>;
  const labels = (snippets: { label: string }[] | undefined): string[] => (snippets ?? []).map((s) => s.label);
  assert.ok(labels(schema.defaultSnippets as { label: string }[]).includes('Study file'));
  assert.deepEqual(labels(defs.parameter?.defaultSnippets), ['float (log scale)', 'float', 'int', 'categorical', 'conditional float']);
  assert.deepEqual(labels(defs.injection?.defaultSnippets), ['flags', 'globals', 'config', 'hydra', 'env']);
});
