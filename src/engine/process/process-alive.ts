/**
 * Is a process still running? kill(pid, 0) alone says yes for a zombie, which has exited and
 * only waits to be reaped, and in some containers PID 1 never reaps orphans; so on Linux the
 * state letter in /proc/<pid>/stat decides.
 */
import * as fs from 'node:fs';

export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return stat.slice(close + 2, close + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}
