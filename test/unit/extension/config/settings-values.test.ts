import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { SAMPLER_NAMES } from '../../../../src/core/samplers/sampler-factory';
import { DEFAULT_SETTINGS, readSettings, settingId } from '../../../../src/extension/config/settings-values';

interface ManifestSetting {
  readonly type: string;
  readonly default: unknown;
  readonly enum?: readonly unknown[];
}

const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ManifestSetting> } };
};
const declared = manifest.contributes.configuration.properties;

test('every setting in package.json is read, with the same default', () => {
  assert.deepEqual(Object.keys(declared).sort(), Object.keys(DEFAULT_SETTINGS).map((k) => settingId(k as keyof typeof DEFAULT_SETTINGS)).sort());
  for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) {
    assert.deepEqual(declared[`tunekit.${key}`]?.default, value, `tunekit.${key}`);
  }
  assert.deepEqual([...(declared['tunekit.defaultSampler']?.enum ?? [])].sort(), [...SAMPLER_NAMES].sort());
  assert.deepEqual([...(declared['tunekit.defaultPruner']?.enum ?? [])].sort(), ['asha', 'extrapolate', 'hyperband', 'median', 'none', 'percentile']);
});

test('values of the wrong type or range fall back to the default', () => {
  const bad: Record<string, unknown> = { pythonPath: 42, trials: 0, parallel: 2.5, gpus: 'all of them', gpusPerTrial: '2', defaultSampler: 'bayes', defaultPruner: null };
  assert.deepEqual(readSettings((k) => bad[k]), DEFAULT_SETTINGS);
  assert.deepEqual(readSettings(() => undefined), DEFAULT_SETTINGS);
});

test('valid values are kept (trimmed where whitespace cannot matter)', () => {
  const good: Record<string, unknown> = { pythonPath: '  /usr/bin/python3 ', trials: 50, parallel: 4, gpus: ' 0, 2 ', gpusPerTrial: 2, defaultSampler: 'random', defaultPruner: 'asha' };
  assert.deepEqual(readSettings((k) => good[k]), { pythonPath: '/usr/bin/python3', trials: 50, parallel: 4, gpus: '0, 2', gpusPerTrial: 2, defaultSampler: 'random', defaultPruner: 'asha' });
  assert.equal(readSettings((k) => (k === 'gpus' ? 'NONE' : undefined)).gpus, 'NONE');
});
