/**
 * GPU slots end to end: a fake nvidia-smi on PATH reports several GPUs, and trials run by the
 * real CLI see their own CUDA_VISIBLE_DEVICES, never sharing a GPU beyond the allowed count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../helpers/run-cli';
import { tempDir } from '../../helpers/temp-dir';
import { FOUR_GPUS, fakeNvidiaSmi } from '../engine/fake-nvidia-smi';

const PROBE = path.join(import.meta.dirname, 'fixtures', 'gpu_probe.py');

interface Seen {
  visible: string | null;
  start: number;
  end: number;
}

async function tuneWithGpus(t: Parameters<typeof tempDir>[0], extra: string[]): Promise<Seen[]> {
  const dir = tempDir(t);
  const record = path.join(dir, 'record');
  fs.mkdirSync(record);
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify({ x: { type: 'float', low: 0, high: 1 } }));
  const smi = fakeNvidiaSmi(t, FOUR_GPUS);
  // CUDA_VISIBLE_DEVICES of the engine would narrow the GPUs it may use: unset it.
  const env = { RECORD_DIR: record, PATH: `${path.dirname(smi)}:${process.env.PATH}`, CUDA_VISIBLE_DEVICES: undefined };
  const result = await runCli(['tune', PROBE, '--space', 'space.json', '--objective', 'loss', '--trials', '8', ...extra], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  return fs.readdirSync(record).map((f) => JSON.parse(fs.readFileSync(path.join(record, f), 'utf8')) as Seen);
}

/** The largest number of trials that held one GPU at the same moment. */
function maxSharing(seen: Seen[]): Map<string, number> {
  const peak = new Map<string, number>();
  for (const a of seen) {
    for (const gpu of (a.visible ?? '').split(',')) {
      const overlapping = seen.filter((b) => (b.visible ?? '').split(',').includes(gpu) && b.start < a.end && a.start < b.end).length;
      peak.set(gpu, Math.max(peak.get(gpu) ?? 0, overlapping));
    }
  }
  return peak;
}

test('one GPU per trial: four trials at once, each on its own GPU', async (t) => {
  const seen = await tuneWithGpus(t, []);
  assert.equal(seen.length, 8);
  assert.deepEqual([...new Set(seen.map((s) => s.visible))].sort(), ['0', '1', '2', '3']);
  for (const [gpu, peak] of maxSharing(seen)) assert.equal(peak, 1, `GPU ${gpu} was given to ${peak} trials at once`);
  const concurrent = Math.max(...seen.map((a) => seen.filter((b) => b.start < a.end && a.start < b.end).length));
  assert.equal(concurrent, 4, 'the default parallelism is one trial per GPU slot');
});

test('two GPUs per trial, two trials per GPU, restricted to GPUs 1,2,3', async (t) => {
  const seen = await tuneWithGpus(t, ['--gpus', '1,2,3', '--gpus-per-trial', '2', '--trials-per-gpu', '2']);
  for (const s of seen) {
    const ids = (s.visible ?? '').split(',');
    assert.equal(ids.length, 2, `a trial saw ${s.visible}`);
    assert.equal(new Set(ids).size, 2, 'two distinct GPUs');
    assert.ok(ids.every((id) => ['1', '2', '3'].includes(id)), 'only the GPUs asked for');
  }
  for (const [gpu, peak] of maxSharing(seen)) assert.ok(peak <= 2, `GPU ${gpu} was shared by ${peak} trials at once`);
});

test('without nvidia-smi, trials run on the CPU with no CUDA_VISIBLE_DEVICES of ours', async (t) => {
  const dir = tempDir(t);
  const record = path.join(dir, 'record');
  fs.mkdirSync(record);
  fs.writeFileSync(path.join(dir, 'space.json'), JSON.stringify({ x: { type: 'float', low: 0, high: 1 } }));
  const env = { RECORD_DIR: record, PATH: '/usr/bin:/bin', CUDA_VISIBLE_DEVICES: undefined };
  const result = await runCli(['tune', PROBE, '--space', 'space.json', '--objective', 'loss', '--trials', '2', '--python', '/usr/bin/python3'], { cwd: dir, env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /trials run on the CPU/);
  for (const f of fs.readdirSync(record)) assert.equal((JSON.parse(fs.readFileSync(path.join(record, f), 'utf8')) as Seen).visible, null);
});
