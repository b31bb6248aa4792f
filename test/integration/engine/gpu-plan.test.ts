import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { planGpus } from '../../../src/engine/gpu/gpu-plan';
import { GpuSlotError } from '../../../src/engine/gpu/gpu-slots';
import { tempDir } from '../../helpers/temp-dir';
import { FOUR_GPUS, fakeNvidiaSmi } from './fake-nvidia-smi';

const base = { gpusPerTrial: 1, trialsPerGpu: 1, env: {} };

describe('planGpus', () => {
  test('auto takes every GPU nvidia-smi lists', async (t) => {
    const plan = await planGpus({ ...base, gpus: 'auto', detect: { command: fakeNvidiaSmi(t, FOUR_GPUS) } });
    assert.equal(plan.allocator?.capacity, 4);
    assert.deepEqual([plan.allocator?.acquire(), plan.allocator?.acquire()], [[0], [1]]);
    assert.match(plan.notes.join('\n'), /GPUs 0,1,2,3 \(2x NVIDIA A100-SXM4-80GB, 1x NVIDIA GeForce RTX 3090, 1x Tesla T4\): 1 per trial/);
  });

  test('auto without nvidia-smi falls back to the CPU with a note', async (t) => {
    const plan = await planGpus({ ...base, gpus: 'auto', detect: { command: path.join(tempDir(t), 'nvidia-smi') } });
    assert.equal(plan.allocator, null);
    assert.match(plan.notes[0] ?? '', /not found, so trials run on the CPU/);
  });

  test('none never runs nvidia-smi', async () => {
    const plan = await planGpus({ ...base, gpus: 'none', detect: { command: '/nonexistent/nvidia-smi' } });
    assert.deepEqual(plan, { allocator: null, notes: [] });
  });

  test('an explicit list is used and checked against the machine', async (t) => {
    const command = fakeNvidiaSmi(t, FOUR_GPUS);
    const plan = await planGpus({ ...base, gpus: '0, 2', trialsPerGpu: 2, detect: { command } });
    assert.equal(plan.allocator?.capacity, 4);
    assert.deepEqual(plan.allocator?.acquire(), [0]);
    assert.deepEqual(plan.allocator?.acquire(), [2]);
    await assert.rejects(planGpus({ ...base, gpus: '0,7', detect: { command } }), (err: unknown) => GpuSlotError.is(err) && /--gpus lists 7, which nvidia-smi does not report/.test(err.message));
    await assert.rejects(planGpus({ ...base, gpus: 'first', detect: { command } }), /--gpus expects auto, none or GPU indices like 0,2; got "first"/);
    await assert.rejects(planGpus({ ...base, gpus: '0,2', gpusPerTrial: 3, detect: { command } }), /each trial needs 3 GPUs but only 2 are available/);
  });

  test('an explicit list is trusted when nvidia-smi is missing', async (t) => {
    const plan = await planGpus({ ...base, gpus: '1', detect: { command: path.join(tempDir(t), 'nvidia-smi') } });
    assert.deepEqual(plan.allocator?.acquire(), [1]);
    assert.match(plan.notes[0] ?? '', /using --gpus 1 as given/);
  });

  test('CUDA_VISIBLE_DEVICES of the engine narrows auto, by index or UUID', async (t) => {
    const command = fakeNvidiaSmi(t, FOUR_GPUS);
    const byIndex = await planGpus({ ...base, gpus: 'auto', env: { CUDA_VISIBLE_DEVICES: '2,1' }, detect: { command } });
    assert.equal(byIndex.allocator?.capacity, 2);
    assert.deepEqual([byIndex.allocator?.acquire(), byIndex.allocator?.acquire()], [[2], [1]]);
    const byUuid = await planGpus({ ...base, gpus: 'auto', env: { CUDA_VISIBLE_DEVICES: 'GPU-9f8e7d6c' }, detect: { command } });
    assert.deepEqual(byUuid.allocator?.acquire(), [2]);
    const hidden = await planGpus({ ...base, gpus: 'auto', env: { CUDA_VISIBLE_DEVICES: '-1' }, detect: { command } });
    assert.equal(hidden.allocator, null);
    assert.match(hidden.notes[0] ?? '', /hides every GPU/);
  });
});
