/**
 * Finds the machine's NVIDIA GPUs by asking nvidia-smi, the one tool every driver install ships.
 * Not finding any is normal (a laptop, a CPU runner), so nothing here throws: the result always
 * has a list, possibly empty, and a note saying why it is empty or partial, for the CLI to print.
 *
 * The indices are nvidia-smi's (PCI bus order). nvidia-smi ignores CUDA_VISIBLE_DEVICES, so a
 * caller started with that variable set should intersect the two itself.
 */
import { execa } from 'execa';

export interface GpuInfo {
  /** nvidia-smi's index, the number used in --gpus and CUDA_VISIBLE_DEVICES. */
  readonly index: number;
  /** `GPU-...`; empty when the driver reports [N/A]. */
  readonly uuid: string;
  readonly name: string;
  /** Total memory in MiB; null when the driver reports [N/A]. */
  readonly memoryTotalMiB: number | null;
}

export interface GpuDetection {
  readonly gpus: GpuInfo[];
  /** Why the list is empty or incomplete; null when nvidia-smi answered cleanly. */
  readonly note: string | null;
}

export interface DetectGpusOptions {
  /** The nvidia-smi executable; a name on PATH or a path. */
  readonly command?: string;
  /** A wedged driver can make nvidia-smi hang; default 10 s. */
  readonly timeoutMs?: number;
  /** Environment for nvidia-smi, added to the engine's (PATH lookups use it). */
  readonly env?: Readonly<Record<string, string>>;
}

export const NVIDIA_SMI_ARGS = ['--query-gpu=index,uuid,name,memory.total', '--format=csv,noheader,nounits'] as const;

export async function detectGpus(options: DetectGpusOptions = {}): Promise<GpuDetection> {
  const command = options.command ?? 'nvidia-smi';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const subprocess = execa(command, [...NVIDIA_SMI_ARGS], {
    reject: false,
    stdin: 'ignore',
    windowsHide: true,
    // Its own process group, so a timeout also stops whatever a wrapper script started; with
    // only the direct child killed, a grandchild holding stdout would keep the call pending.
    detached: process.platform !== 'win32',
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (process.platform === 'win32' || subprocess.pid === undefined) subprocess.kill('SIGKILL');
      else process.kill(-subprocess.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }, timeoutMs);
  const result = await subprocess;
  clearTimeout(timer);
  if (result.code === 'ENOENT' || result.code === 'EACCES') {
    return { gpus: [], note: `no NVIDIA GPUs: ${command} was not found, so trials run on the CPU` };
  }
  if (timedOut) {
    return { gpus: [], note: `no GPUs detected: ${command} did not answer within ${timeoutMs} ms (a stuck driver?); trials run on the CPU` };
  }
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  if (result.failed) {
    const said = firstLine(typeof result.stderr === 'string' && result.stderr.trim() ? result.stderr : stdout);
    const how = result.exitCode === undefined ? (result.shortMessage ?? 'failed') : `exited with code ${result.exitCode}`;
    return { gpus: [], note: `no GPUs detected: ${command} ${how}${said ? `: ${said}` : ''}; trials run on the CPU` };
  }
  const { gpus, unreadable } = parseNvidiaSmiCsv(stdout);
  if (unreadable.length > 0) {
    const note = `${command} printed ${unreadable.length} line(s) Tunekit could not read, e.g. ${JSON.stringify(unreadable[0]?.slice(0, 200))}`;
    return { gpus, note: gpus.length === 0 ? `no GPUs detected: ${note}; trials run on the CPU` : note };
  }
  return { gpus, note: gpus.length === 0 ? `${command} listed no GPUs; trials run on the CPU` : null };
}

/**
 * Reads `index, uuid, name, memory.total` CSV rows. Names are taken as everything between the
 * uuid and the last field, so a comma in a product name cannot shift the memory column.
 */
export function parseNvidiaSmiCsv(stdout: string): { gpus: GpuInfo[]; unreadable: string[] } {
  const gpus: GpuInfo[] = [];
  const unreadable: string[] = [];
  const seen = new Set<number>();
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const fields = line.split(',').map((f) => f.trim());
    const index = Number(fields[0]);
    if (fields.length < 4 || !/^\d+$/.test(fields[0] as string) || seen.has(index)) {
      unreadable.push(line);
      continue;
    }
    seen.add(index);
    const uuid = fields[1] as string;
    const memory = fields[fields.length - 1] as string;
    const memoryMiB = /^\d+(\.\d+)?$/.test(memory) ? Number(memory) : null;
    gpus.push({
      index,
      uuid: isNotAvailable(uuid) ? '' : uuid,
      name: fields.slice(2, -1).join(', '),
      memoryTotalMiB: memoryMiB,
    });
  }
  gpus.sort((a, b) => a.index - b.index);
  return { gpus, unreadable };
}

function isNotAvailable(field: string): boolean {
  return /^\[?N\/A\]?$/i.test(field) || /^\[Not Supported\]$/i.test(field);
}

function firstLine(text: string): string {
  return (text.trim().split(/\r?\n/)[0] ?? '').slice(0, 300);
}
