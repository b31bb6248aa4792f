/**
 * Turns the user's GPU choice (`--gpus auto | none | 0,2`) into a slot allocator, or null when
 * trials run on the CPU. `auto` takes every GPU nvidia-smi lists, narrowed by a
 * CUDA_VISIBLE_DEVICES the engine itself was started with, so `CUDA_VISIBLE_DEVICES=1 tunekit
 * tune ...` keeps meaning "only GPU 1". An explicit list is checked against what nvidia-smi
 * reports, when it reports anything. The notes are one-line facts for the CLI to print.
 */
import { GpuSlotAllocator, GpuSlotError } from './gpu-slots';
import { detectGpus } from './nvidia-smi';
import type { DetectGpusOptions, GpuInfo } from './nvidia-smi';

export interface GpuPlanOptions {
  /** `auto`, `none`, or comma-separated nvidia-smi indices such as `0,2`. */
  readonly gpus: string;
  readonly gpusPerTrial: number;
  readonly trialsPerGpu: number;
  /** The engine's environment, for CUDA_VISIBLE_DEVICES; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Passed to detectGpus (a different nvidia-smi, a timeout). */
  readonly detect?: DetectGpusOptions;
}

export interface GpuPlan {
  /** null: CPU trials, no GPU slots and no CUDA_VISIBLE_DEVICES set by Tunekit. */
  readonly allocator: GpuSlotAllocator | null;
  readonly notes: string[];
}

export async function planGpus(options: GpuPlanOptions): Promise<GpuPlan> {
  const choice = options.gpus.trim().toLowerCase();
  if (choice === 'none' || choice === 'cpu') return { allocator: null, notes: [] };
  const requested = choice === 'auto' ? null : parseGpuList(options.gpus);
  const { gpus: detected, note } = await detectGpus(options.detect);
  const notes: string[] = [];

  if (requested !== null) {
    if (detected.length > 0) {
      const known = new Set(detected.map((g) => g.index));
      const unknown = requested.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new GpuSlotError(
          `--gpus lists ${unknown.join(',')}, which nvidia-smi does not report (this machine has ${[...known].join(',')}); fix the list or use --gpus auto`,
        );
      }
    } else if (note !== null) {
      notes.push(`${note.replace(/; trials run on the CPU$/, '')}; using --gpus ${requested.join(',')} as given`);
    }
    return { allocator: allocate(requested, options, detected, notes), notes };
  }

  if (detected.length === 0) {
    if (note !== null) notes.push(note);
    return { allocator: null, notes };
  }
  const visible = visibleDevices(options.env ?? process.env, detected);
  if (visible !== null && visible.length === 0) {
    notes.push('CUDA_VISIBLE_DEVICES hides every GPU; trials run on the CPU');
    return { allocator: null, notes };
  }
  const ids = visible ?? detected.map((g) => g.index);
  if (note !== null) notes.push(note);
  return { allocator: allocate(ids, options, detected, notes), notes };
}

function allocate(ids: readonly number[], options: GpuPlanOptions, detected: readonly GpuInfo[], notes: string[]): GpuSlotAllocator {
  const allocator = new GpuSlotAllocator({ gpus: ids, gpusPerTrial: options.gpusPerTrial, trialsPerGpu: options.trialsPerGpu });
  const names = ids.map((id) => detected.find((g) => g.index === id)?.name).filter((n): n is string => n !== undefined);
  const kinds = [...new Set(names)].map((n) => `${names.filter((x) => x === n).length}x ${n}`).join(', ');
  notes.push(
    `GPUs ${ids.join(',')}${kinds ? ` (${kinds})` : ''}: ${options.gpusPerTrial} per trial, up to ${options.trialsPerGpu} trial(s) per GPU, ${allocator.capacity} at once`,
  );
  return allocator;
}

/** `0,2` -> [0, 2]; anything else is a usage error naming the flag. */
export function parseGpuList(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new GpuSlotError(`--gpus expects auto, none or GPU indices like 0,2; got ${JSON.stringify(text)}`);
  }
  return parts.map(Number);
}

/**
 * The nvidia-smi indices CUDA_VISIBLE_DEVICES allows, or null when it is unset. Entries may be
 * indices or UUIDs (`GPU-...`, also abbreviated); as in CUDA, the list stops at the first entry
 * that matches no device, and -1 or an empty value hides them all. Indices are read as
 * nvidia-smi's, which is what CUDA means too once CUDA_DEVICE_ORDER=PCI_BUS_ID (gpuEnv sets it
 * for trials); UUIDs are unambiguous either way.
 */
function visibleDevices(env: Readonly<Record<string, string | undefined>>, detected: readonly GpuInfo[]): number[] | null {
  const value = env.CUDA_VISIBLE_DEVICES;
  if (value === undefined) return null;
  const ids: number[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    const gpu = /^\d+$/.test(entry)
      ? detected.find((g) => g.index === Number(entry))
      : entry.length > 0
        ? detected.find((g) => g.uuid !== '' && g.uuid.startsWith(entry.startsWith('GPU-') ? entry : `GPU-${entry}`))
        : undefined;
    if (gpu === undefined) break;
    if (!ids.includes(gpu.index)) ids.push(gpu.index);
  }
  return ids;
}
