/**
 * Hands GPUs to trials. Each running trial holds `gpusPerTrial` distinct GPUs, and no GPU is
 * shared by more than `trialsPerGpu` trials at once (several small trials per large GPU). A
 * request picks the least-loaded GPUs, ties going to the order the user listed them, so load
 * spreads evenly instead of piling onto GPU 0.
 *
 * With no GPUs the allocator is the CPU fallback: every request succeeds with an empty list and
 * capacity is unlimited (parallelism is then the study's own --parallel setting).
 */

/** A GPU configuration that cannot work, or a release that does not match an acquire. */
export class GpuSlotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuSlotError';
  }

  static is(err: unknown): err is GpuSlotError {
    return err instanceof GpuSlotError;
  }
}

export interface GpuSlotOptions {
  /** GPU indices (nvidia-smi's, as in `--gpus 0,2`); empty for CPU-only trials. */
  readonly gpus: readonly number[];
  readonly gpusPerTrial: number;
  readonly trialsPerGpu: number;
}

export class GpuSlotAllocator {
  /** Concurrent trials the GPUs can hold; Infinity for the CPU fallback. */
  readonly capacity: number;
  readonly gpusPerTrial: number;
  readonly trialsPerGpu: number;
  private readonly gpus: readonly number[];
  private readonly load = new Map<number, number>();

  constructor(options: GpuSlotOptions) {
    const { gpus, gpusPerTrial, trialsPerGpu } = options;
    requireCount(gpusPerTrial, 'gpusPerTrial', '--gpus-per-trial');
    requireCount(trialsPerGpu, 'trialsPerGpu', '--trials-per-gpu');
    const seen = new Set<number>();
    for (const id of gpus) {
      if (!Number.isInteger(id) || id < 0) {
        throw new GpuSlotError(`GPU id ${String(id)} is not a GPU index; list GPUs as non-negative integers such as --gpus 0,2`);
      }
      if (seen.has(id)) throw new GpuSlotError(`GPU ${id} is listed twice in --gpus; list each GPU once`);
      seen.add(id);
    }
    if (gpus.length > 0 && gpusPerTrial > gpus.length) {
      throw new GpuSlotError(
        `each trial needs ${gpusPerTrial} GPUs but only ${gpus.length} ${gpus.length === 1 ? 'is' : 'are'} available (${gpus.join(',')}); ` +
          'lower --gpus-per-trial or list more GPUs with --gpus',
      );
    }
    this.gpus = [...gpus];
    this.gpusPerTrial = gpusPerTrial;
    this.trialsPerGpu = trialsPerGpu;
    for (const id of gpus) this.load.set(id, 0);
    this.capacity = gpus.length === 0 ? Number.POSITIVE_INFINITY : Math.floor((gpus.length * trialsPerGpu) / gpusPerTrial);
  }

  /** The CPU fallback: unlimited trials, none of them given a GPU. */
  static cpuOnly(): GpuSlotAllocator {
    return new GpuSlotAllocator({ gpus: [], gpusPerTrial: 1, trialsPerGpu: 1 });
  }

  get cpuOnly(): boolean {
    return this.gpus.length === 0;
  }

  /** Trials currently holding GPUs, per GPU id. */
  usage(): ReadonlyMap<number, number> {
    return new Map(this.load);
  }

  /**
   * GPU ids for one more trial, in the order they were listed, or null when that many GPUs with
   * a free slot do not exist right now (wait for a release). The CPU fallback always grants [].
   */
  acquire(): number[] | null {
    if (this.cpuOnly) return [];
    const free = this.gpus
      .map((id, order) => ({ id, order, load: this.load.get(id) as number }))
      .filter((gpu) => gpu.load < this.trialsPerGpu)
      .sort((a, b) => a.load - b.load || a.order - b.order);
    if (free.length < this.gpusPerTrial) return null;
    const chosen = free.slice(0, this.gpusPerTrial).sort((a, b) => a.order - b.order);
    for (const gpu of chosen) this.load.set(gpu.id, gpu.load + 1);
    return chosen.map((gpu) => gpu.id);
  }

  /** Gives back what acquire() returned. Throws on a GPU that is not held, which means a double release. */
  release(ids: readonly number[]): void {
    for (const id of ids) {
      const load = this.load.get(id);
      if (load === undefined || load === 0) {
        throw new GpuSlotError(`GPU ${id} was released but no trial holds it; a trial's GPUs were released twice`);
      }
    }
    for (const id of ids) this.load.set(id, (this.load.get(id) as number) - 1);
  }
}

/**
 * Environment for a trial holding `ids`. CUDA numbers devices fastest-first by default while
 * nvidia-smi (and so --gpus) numbers them by PCI bus; CUDA_DEVICE_ORDER=PCI_BUS_ID makes the
 * two agree on mixed-GPU machines. With no GPUs nothing is set: CUDA_VISIBLE_DEVICES stays
 * whatever the user's environment says (unset on most CPU machines), rather than an empty
 * value that would hide GPUs from a trial the user chose to run without Tunekit's GPU slots.
 */
export function gpuEnv(ids: readonly number[]): Record<string, string> {
  if (ids.length === 0) return {};
  return { CUDA_VISIBLE_DEVICES: ids.join(','), CUDA_DEVICE_ORDER: 'PCI_BUS_ID' };
}

function requireCount(value: number, name: string, flag: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new GpuSlotError(`${name} must be a whole number of at least 1, got ${String(value)}; check ${flag}`);
  }
}
