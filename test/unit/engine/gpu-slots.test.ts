import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GpuSlotAllocator, GpuSlotError, gpuEnv } from '../../../src/engine/gpu/gpu-slots';

/** Small deterministic PRNG (mulberry32) so a failing sequence can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('GpuSlotAllocator', () => {
  test('one trial per GPU: each GPU once, then null until a release', () => {
    const slots = new GpuSlotAllocator({ gpus: [0, 2], gpusPerTrial: 1, trialsPerGpu: 1 });
    assert.equal(slots.capacity, 2);
    assert.deepEqual(slots.acquire(), [0]);
    assert.deepEqual(slots.acquire(), [2]);
    assert.equal(slots.acquire(), null);
    slots.release([2]);
    assert.deepEqual(slots.acquire(), [2]);
  });

  test('gpusPerTrial 2 hands out distinct GPUs', () => {
    const slots = new GpuSlotAllocator({ gpus: [0, 1, 2, 3], gpusPerTrial: 2, trialsPerGpu: 1 });
    assert.equal(slots.capacity, 2);
    const a = slots.acquire();
    const b = slots.acquire();
    assert.deepEqual(a, [0, 1]);
    assert.deepEqual(b, [2, 3]);
    assert.equal(slots.acquire(), null);
  });

  test('trialsPerGpu 2 spreads trials before doubling up', () => {
    const slots = new GpuSlotAllocator({ gpus: [0, 1], gpusPerTrial: 1, trialsPerGpu: 2 });
    assert.equal(slots.capacity, 4);
    assert.deepEqual([slots.acquire(), slots.acquire(), slots.acquire(), slots.acquire(), slots.acquire()], [[0], [1], [0], [1], null]);
  });

  test('an odd number of GPUs with pairs and sharing still reaches capacity', () => {
    const slots = new GpuSlotAllocator({ gpus: [0, 1, 2], gpusPerTrial: 2, trialsPerGpu: 2 });
    assert.equal(slots.capacity, 3);
    const grants = [slots.acquire(), slots.acquire(), slots.acquire()];
    assert.ok(grants.every((g) => g !== null && new Set(g).size === 2));
    assert.equal(slots.acquire(), null);
  });

  for (const [gpuCount, perTrial, perGpu] of [
    [1, 1, 1],
    [2, 1, 3],
    [3, 2, 1],
    [3, 2, 2],
    [4, 3, 2],
    [5, 2, 3],
    [8, 4, 1],
    [7, 3, 3],
  ] as const) {
    test(`random acquire/release never over-allocates (${gpuCount} GPUs, ${perTrial}/trial, ${perGpu}/GPU)`, () => {
      const gpus = Array.from({ length: gpuCount }, (_, i) => i * 2);
      const slots = new GpuSlotAllocator({ gpus, gpusPerTrial: perTrial, trialsPerGpu: perGpu });
      const random = rng(gpuCount * 100 + perTrial * 10 + perGpu);
      const held: number[][] = [];
      for (let op = 0; op < 5000; op++) {
        if (held.length > 0 && random() < 0.45) {
          const [grant] = held.splice(Math.floor(random() * held.length), 1);
          slots.release(grant as number[]);
        } else {
          const grant = slots.acquire();
          if (grant === null) {
            // Refusing is only allowed once the GPUs are really full.
            assert.equal(held.length, slots.capacity, `refused with ${held.length} of ${slots.capacity} trials running`);
            continue;
          }
          assert.equal(grant.length, perTrial);
          assert.equal(new Set(grant).size, perTrial, 'a trial got the same GPU twice');
          assert.ok(grant.every((id) => gpus.includes(id)), `unknown GPU in ${grant.join(',')}`);
          held.push(grant);
        }
        assert.ok(held.length <= slots.capacity);
        const load = new Map<number, number>();
        for (const grant of held) for (const id of grant) load.set(id, (load.get(id) ?? 0) + 1);
        for (const [id, n] of load) assert.ok(n <= perGpu, `GPU ${id} holds ${n} trials, limit ${perGpu}`);
        assert.deepEqual(new Map([...slots.usage()].filter(([, n]) => n > 0)), load);
      }
    });
  }

  test('CPU fallback: no GPUs means unlimited trials with an empty grant', () => {
    const cpu = GpuSlotAllocator.cpuOnly();
    assert.equal(cpu.cpuOnly, true);
    assert.equal(cpu.capacity, Infinity);
    for (let i = 0; i < 100; i++) assert.deepEqual(cpu.acquire(), []);
    cpu.release([]);
    assert.deepEqual(new GpuSlotAllocator({ gpus: [], gpusPerTrial: 1, trialsPerGpu: 1 }).acquire(), []);
  });

  test('configuration errors say what is wrong and which option to change', () => {
    const cases: ReadonlyArray<readonly [ConstructorParameters<typeof GpuSlotAllocator>[0], RegExp]> = [
      [{ gpus: [0, 2], gpusPerTrial: 3, trialsPerGpu: 1 }, /each trial needs 3 GPUs but only 2 are available \(0,2\); lower --gpus-per-trial/],
      [{ gpus: [0], gpusPerTrial: 0, trialsPerGpu: 1 }, /gpusPerTrial must be a whole number of at least 1, got 0; check --gpus-per-trial/],
      [{ gpus: [0], gpusPerTrial: 1, trialsPerGpu: -1 }, /trialsPerGpu must be a whole number of at least 1, got -1; check --trials-per-gpu/],
      [{ gpus: [0], gpusPerTrial: 1.5, trialsPerGpu: 1 }, /gpusPerTrial must be a whole number/],
      [{ gpus: [0, 0], gpusPerTrial: 1, trialsPerGpu: 1 }, /GPU 0 is listed twice/],
      [{ gpus: [-1], gpusPerTrial: 1, trialsPerGpu: 1 }, /GPU id -1 is not a GPU index/],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => new GpuSlotAllocator(options), (err: unknown) => GpuSlotError.is(err) && message.test(err.message));
    }
  });

  test('releasing a GPU nobody holds is an error (a double release)', () => {
    const slots = new GpuSlotAllocator({ gpus: [0, 1], gpusPerTrial: 1, trialsPerGpu: 1 });
    const grant = slots.acquire() as number[];
    slots.release(grant);
    assert.throws(() => slots.release(grant), (err: unknown) => GpuSlotError.is(err) && /released twice/.test(err.message));
    assert.throws(() => slots.release([7]), GpuSlotError);
  });
});

describe('gpuEnv', () => {
  test('lists the granted GPUs in PCI order', () => {
    assert.deepEqual(gpuEnv([0, 2]), { CUDA_VISIBLE_DEVICES: '0,2', CUDA_DEVICE_ORDER: 'PCI_BUS_ID' });
  });

  test('sets nothing for a CPU trial', () => {
    assert.deepEqual(gpuEnv([]), {});
  });
});
