/**
 * The tools the end-to-end tests drive (Node 24, code-server, Chromium), installed on demand by
 * scripts/setup-e2e.sh into a cache outside the clone. The script is idempotent and returns in
 * well under a second once everything is there, so every test file may call it.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from '../../helpers/run-cli';

export interface E2eTools {
  /** Node 24's executable (code-server needs Node 22+; the machine's is 20). */
  readonly node: string;
  /** code-server's entry script, run with `node`. */
  readonly codeServer: string;
  /** Chromium's executable. */
  readonly chromium: string;
}

/** Exit status of setup-e2e.sh when an install needs root and neither root nor sudo is there. */
const CANNOT_INSTALL = 3;

export type E2eToolsResult = { readonly tools: E2eTools } | { readonly skip: string };

let cached: Promise<E2eToolsResult> | undefined;

/**
 * Installs (first time) or finds the tools. Returns `skip` with the reason only when the install
 * is impossible here (no root and no sudo); any other failure throws with the script's output.
 */
export function ensureE2eTools(): Promise<E2eToolsResult> {
  cached ??= runSetup();
  return cached;
}

async function runSetup(): Promise<E2eToolsResult> {
  const script = path.join(REPO, 'scripts', 'setup-e2e.sh');
  // The first install takes minutes: its progress goes to stderr as it happens, and is kept
  // for the skip reason or the error.
  const child = spawn('bash', [script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    process.stderr.write(d);
  });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const said = stderr.trim().split('\n').slice(-3).join(' ');
  if (status === CANNOT_INSTALL) return { skip: `scripts/setup-e2e.sh cannot install what the end-to-end tests need here: ${said}` };
  if (status !== 0) throw new Error(`scripts/setup-e2e.sh failed (exit ${status}): ${said}\nRerun it alone to see everything: bash scripts/setup-e2e.sh`);
  const vars = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^(TUNEKIT_E2E_[A-Z_]+)=(.*)$/.exec(line);
    if (m) vars.set(m[1]!, m[2]!);
  }
  const get = (key: string): string => {
    const v = vars.get(key);
    if (!v) throw new Error(`scripts/setup-e2e.sh printed no ${key}= line; its stdout was:\n${stdout}`);
    return v;
  };
  return { tools: { node: get('TUNEKIT_E2E_NODE'), codeServer: get('TUNEKIT_E2E_CODE_SERVER'), chromium: get('TUNEKIT_E2E_CHROMIUM') } };
}
