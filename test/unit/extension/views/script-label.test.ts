import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzeScript } from '../../../../src/detect/analyze-script';
import { paramLabel, scriptDescription, scriptTooltip } from '../../../../src/extension/views/script-label';

const DIGITS = path.resolve(import.meta.dirname, '../../../../examples/digits/train.py');

test('the digits example reads as a training script with its evidence and parameters', async () => {
  const analysis = await analyzeScript(DIGITS);
  assert.match(scriptDescription(analysis), /^score \d+ · \d+ tunable of \d+ parameters$/);
  const tooltip = scriptTooltip(analysis, 'examples/digits/train.py');
  assert.match(tooltip, /^\*\*examples/);
  assert.match(tooltip, /imports torch/);
  assert.ok(tooltip.split('\n').filter((l) => l.startsWith('- ')).length <= 6, 'at most five pieces of evidence and a count');

  const lr = analysis.params.find((p) => p.name === 'lr');
  assert.ok(lr);
  const label = paramLabel(lr);
  assert.equal(label.label, 'lr');
  assert.match(label.description, /^= .+ · argparse$/);
  assert.match(label.tooltip, /`--lr` \(float\): argparse, line \d+/);

  const notTuned = analysis.params.find((p) => !p.tunable);
  assert.ok(notTuned, 'digits has a parameter that is not tuned by default (epochs or a path)');
  assert.match(paramLabel(notTuned).description, /^not tuned: /);
});
