/** Runs the real `tunekit` CLI from the sources in a child process, as a user would. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(REPO, 'src', 'cli', 'main.ts');
// Absolute, so the child finds tsx whatever its working directory.
const TSX = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the CLI exits. */
  done: Promise<CliResult>;
  /** Output so far. */
  output(): { stdout: string; stderr: string };
}

/** `env` is merged into this process's environment; a key set to undefined is removed. */
export function startCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CliRun {
  const env = { ...process.env, ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Polls until check() returns a value (not undefined), or fails after timeoutMs. */
export async function waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
