/**
 * Processes a test left behind: the Tunekit engine runs detached from VS Code on purpose (a
 * window reload must not stop a study), so killing code-server's process group does not end it,
 * nor the trials it started. They all mention the test's unique temporary folder on their command
 * line or run in it, which is how they are found here: nothing else on the machine is touched.
 */
import * as fs from 'node:fs';

export function processesMentioning(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // Another user's process, or gone: only the command line is readable.
      }
      if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(pid);
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

/** SIGTERM, then SIGKILL for what is still there after `graceMs`. Returns the pids signalled. */
export async function killProcessesMentioning(dir: string, graceMs = 3_000): Promise<number[]> {
  const pids = processesMentioning(dir);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  return pids;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
