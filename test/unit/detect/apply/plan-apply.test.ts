import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JsonValue } from '../../../../src/core/space/distributions';
import type { ExtractedParam, ParamSource, ParamType } from '../../../../src/detect/param-model';
import { planApply } from '../../../../src/detect/apply/plan-apply';
import { applyEdits } from '../../../../src/detect/text-edit';
import { tempDir } from '../../../helpers/temp-dir';

const SCRIPT = `import argparse

LR = 1e-3  # the paper's value

p = argparse.ArgumentParser()
p.add_argument('--lr', type=float, default=LR)
p.add_argument("--batch-size", type=int, default=32)
p.add_argument('--optimizer', default='adam', choices=['adam', 'sgd'])
p.add_argument('--dropout', type=float, default=2 * 0.1)
p.add_argument('--amp', action='store_true')
`;

/** A parameter whose default is the `occurrence`-th `literal` in `text`, as an extractor reports it. */
function param(
  file: string,
  text: string,
  fields: { name: string; type: ParamType; default?: JsonValue; literal?: string; after?: string; source?: ParamSource; choices?: JsonValue[]; defaultText?: string },
): ExtractedParam {
  const from = fields.after ? text.indexOf(fields.after) : 0;
  assert.ok(from >= 0, `${fields.after} not in the text`);
  const start = fields.literal !== undefined ? text.indexOf(fields.literal, from) : -1;
  if (fields.literal !== undefined) assert.ok(start >= 0, `${fields.literal} not in the text`);
  const line = text.slice(0, Math.max(from, 0)).split('\n').length;
  return {
    name: fields.name,
    source: fields.source ?? 'argparse',
    type: fields.type,
    ...(fields.default !== undefined ? { default: fields.default } : {}),
    ...(fields.defaultText !== undefined ? { defaultText: fields.defaultText } : fields.literal !== undefined ? { defaultText: fields.literal } : {}),
    ...(fields.choices ? { choices: fields.choices } : {}),
    location: { file, line, column: 1, ...(start >= 0 ? { valueStart: start, valueEnd: start + (fields.literal as string).length } : {}) },
    tunable: true,
  };
}

function scriptParams(file: string): ExtractedParam[] {
  return [
    param(file, SCRIPT, { name: 'lr', type: 'float', default: 1e-3, literal: '1e-3', defaultText: 'LR' }),
    param(file, SCRIPT, { name: 'batch-size', type: 'int', default: 32, literal: '32', after: '--batch-size' }),
    param(file, SCRIPT, { name: 'optimizer', type: 'str', default: 'adam', literal: "'adam'", after: '--optimizer', choices: ['adam', 'sgd'] }),
    param(file, SCRIPT, { name: 'dropout', type: 'float', after: '--dropout', defaultText: '2 * 0.1' }),
    param(file, SCRIPT, { name: 'amp', type: 'bool', default: false, after: '--amp' }),
  ];
}

function setup(t: Parameters<typeof tempDir>[0]): { file: string; params: ExtractedParam[] } {
  const file = path.join(tempDir(t), 'train.py');
  fs.writeFileSync(file, SCRIPT);
  return { file, params: scriptParams(file) };
}

test('each value becomes one minimal edit of its literal, in the literal\'s style', (t) => {
  const { file, params } = setup(t);
  const plan = planApply({ params }, { lr: 3e-4, 'batch-size': 64, optimizer: 'sgd' });
  assert.deepEqual(plan.refused, []);
  assert.deepEqual(plan.unchanged, []);
  const after = applyEdits(SCRIPT, plan.edits.get(file) ?? []);
  assert.equal(
    after,
    SCRIPT.replace('LR = 1e-3', 'LR = 3e-4').replace('default=32', 'default=64').replace("default='adam'", "default='sgd'"),
  );
  assert.deepEqual(
    plan.changes.map((c) => [c.name, c.line, c.oldText, c.newText]),
    [
      ['lr', 3, '1e-3', '3e-4'],
      ['batch-size', 7, '32', '64'],
      ['optimizer', 8, "'adam'", "'sgd'"],
    ],
  );
  assert.equal(plan.texts.get(file), SCRIPT);
});

test('values equal to the defaults give no edit, so a second apply changes nothing', (t) => {
  const { file, params } = setup(t);
  const plan = planApply({ params }, { lr: 0.001, 'batch-size': 32, optimizer: 'adam', amp: false });
  assert.equal(plan.edits.size, 0);
  assert.deepEqual(plan.unchanged, ['lr', 'batch-size', 'optimizer', 'amp']);
  assert.deepEqual(plan.refused, []);
  assert.equal(plan.texts.has(file), false);
});

test('refusals name the parameter, the file:line and what to do', (t) => {
  const { params } = setup(t);
  const plan = planApply(
    { params },
    { dropout: 0.3, 'batch-size': 'large', optimizer: 'adamw', momentum: 0.9, amp: true, lr: Number.NaN },
    { displayPath: (f) => path.basename(f) },
  );
  const reasons = Object.fromEntries(plan.refused.map((r) => [r.name, r.reason]));
  assert.match(reasons.dropout as string, /^dropout=0\.3: its default `2 \* 0\.1` at train\.py:9 is not a literal .*set it by hand/);
  assert.match(reasons['batch-size'] as string, /^batch-size="large": a string does not fit an int parameter \(train\.py:7\)/);
  assert.match(reasons.optimizer as string, /not one of the script's choices \("adam", "sgd"\) \(train\.py:8\)/);
  assert.match(reasons.momentum as string, /^momentum: no parameter of that name in .*train\.py \(it has: lr, batch-size, optimizer, dropout, amp\)/);
  assert.match(reasons.amp as string, /^amp=true: it has no default written at train\.py:10 to rewrite; add one by hand/);
  assert.match(reasons.lr as string, /NaN cannot be written/);
  assert.equal(plan.edits.size, 0);
});

test('an int-typed parameter refuses a fractional value; a float one takes a whole value', (t) => {
  const { file, params } = setup(t);
  assert.match(planApply({ params }, { 'batch-size': 64.5 }).refused[0]?.reason ?? '', /a float does not fit an int parameter/);
  const plan = planApply({ params }, { lr: 1 });
  assert.equal(applyEdits(SCRIPT, plan.edits.get(file) ?? []).includes('LR = 1e0'), true); // still a float literal, in its notation
});

test('names match across - and _ when the match is unique', (t) => {
  const { file, params } = setup(t);
  const plan = planApply({ params }, { batch_size: 16 });
  assert.deepEqual(plan.refused, []);
  assert.equal(plan.changes[0]?.name, 'batch_size');
  assert.match(applyEdits(SCRIPT, plan.edits.get(file) ?? []), /default=16\)/);
});

test('a span that no longer holds the analysed default is refused: the file changed since analysis', (t) => {
  const { file, params } = setup(t);
  fs.writeFileSync(file, SCRIPT.replace('default=32', 'default=48'));
  const plan = planApply({ params }, { 'batch-size': 64 });
  assert.match(plan.refused[0]?.reason ?? '', /now reads `48`, not the default 32 .* analyse it again/);
  assert.equal(plan.edits.size, 0);
});

test('two parameters sharing one literal: the same value is one edit, different values are a conflict', (t) => {
  const { file, params } = setup(t);
  const constant = param(file, SCRIPT, { name: 'LR', type: 'float', default: 1e-3, literal: '1e-3', source: 'constant' });
  const same = planApply({ params: [...params, constant] }, { lr: 3e-4, LR: 3e-4 });
  assert.equal(same.edits.get(file)?.length, 1);
  assert.deepEqual(same.refused, []);
  const clash = planApply({ params: [...params, constant] }, { lr: 3e-4, LR: 5e-4 });
  assert.match(clash.refused[0]?.reason ?? '', /^LR=0\.0005: .* also holds lr's default/);
  assert.equal(clash.edits.get(file)?.length, 1);
});

test('config files: YAML and JSON edits keep comments and formatting, and are checked by parsing again', (t) => {
  const dir = tempDir(t);
  const yamlFile = path.join(dir, 'config.yaml');
  const yamlText = '# training\noptimizer:\n  lr: 1e-3   # tuned\n  name: "adam"\nlayers:\n  - 64\n  - 64\nepochs: 10\n';
  fs.writeFileSync(yamlFile, yamlText);
  const jsonFile = path.join(dir, 'config.json');
  const jsonText = '{\n  "lr": 0.1,\n  "hidden": [64, 64],\n  "amp": false\n}\n';
  fs.writeFileSync(jsonFile, jsonText);
  const params = [
    param(yamlFile, yamlText, { name: 'optimizer.lr', type: 'float', default: 1e-3, literal: '1e-3', source: 'yaml' }),
    param(yamlFile, yamlText, { name: 'optimizer.name', type: 'str', default: 'adam', literal: '"adam"', source: 'yaml' }),
    // A block sequence's range runs through its last line break, as the yaml library reports it.
    param(yamlFile, yamlText, { name: 'layers', type: 'list', default: [64, 64], literal: '- 64\n  - 64\n', source: 'yaml' }),
    param(jsonFile, jsonText, { name: 'lr', type: 'float', default: 0.1, literal: '0.1', source: 'json' }),
    param(jsonFile, jsonText, { name: 'hidden', type: 'list', default: [64, 64], literal: '[64, 64]', source: 'json' }),
    param(jsonFile, jsonText, { name: 'amp', type: 'bool', default: false, literal: 'false', source: 'json' }),
  ];
  const plan = planApply({ params }, { 'optimizer.lr': 3e-4, 'optimizer.name': 'sgd', layers: [128, 32], lr: 0.05, hidden: [128], amp: true });
  assert.deepEqual(plan.refused, []);
  assert.equal(
    applyEdits(yamlText, plan.edits.get(yamlFile) ?? []),
    '# training\noptimizer:\n  lr: 3e-4   # tuned\n  name: "sgd"\nlayers:\n  [128, 32]\nepochs: 10\n',
  );
  assert.equal(applyEdits(jsonText, plan.edits.get(jsonFile) ?? []), '{\n  "lr": 0.05,\n  "hidden": [128],\n  "amp": true\n}\n');
});

test('a config edit whose key would read back another value loses its file\'s edits', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'config.yaml');
  const text = 'a: 1\nb: 1\n';
  fs.writeFileSync(file, text);
  // An extractor bug: the span of `a` points at b's literal.
  const wrong = param(file, text, { name: 'a', type: 'int', default: 1, literal: '1', after: 'b:', source: 'yaml' });
  const plan = planApply({ params: [wrong] }, { a: 2 });
  assert.match(plan.refused[0]?.reason ?? '', /would read a back as 1/);
  assert.equal(plan.edits.size, 0);
});

test('an unreadable file is a refusal, not a crash', (t) => {
  const dir = tempDir(t);
  const gone = path.join(dir, 'gone.py');
  const p = param(gone, 'X = 1\n', { name: 'X', type: 'int', default: 1, literal: '1', source: 'constant' });
  const plan = planApply({ params: [p] }, { X: 2 });
  assert.match(plan.refused[0]?.reason ?? '', /cannot read .*gone\.py \(ENOENT\)/);
});

test('a YAML yes / no boolean is rewritten in its own spelling and reads back as a boolean', (t) => {
  const file = path.join(tempDir(t), 'config.yaml');
  const text = 'amp: no  # mixed precision\n';
  fs.writeFileSync(file, text);
  const p = param(file, text, { name: 'amp', type: 'bool', default: false, literal: 'no', source: 'yaml' });
  const plan = planApply({ params: [p] }, { amp: true });
  assert.deepEqual(plan.refused, []);
  assert.equal(applyEdits(text, plan.edits.get(file) ?? []), 'amp: yes  # mixed precision\n');
});
