/**
 * Builds tunekit.vsix with the project's own `npm run package`, in a staging copy of the clone
 * so the production build does not rewrite dist/ under tests running beside it. The result is
 * kept in test-artifacts/e2e/ keyed by a hash of everything that goes into it, so the test files
 * of one run (and later runs with no source change) share one build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../../helpers/run-cli';

const OUT_DIR = path.join(REPO, 'test-artifacts', 'e2e');
/** Not inputs of the package: tests, benchmarks, examples. */
const NOT_INPUTS = ['test/', 'bench/', 'examples/'];

/** Files `npm run package` may read: what git tracks or would track, minus tests and examples. */
function packageInputs(): string[] {
  // `git ls-files` only reads; --others --exclude-standard adds new files not yet committed.
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
  return listed
    .split('\0')
    .filter((f) => f && !NOT_INPUTS.some((p) => f.startsWith(p)) && fs.existsSync(path.join(REPO, f)))
    .sort();
}

function inputsHash(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(f).update('\0');
    hash.update(fs.readFileSync(path.join(REPO, f))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Returns the path of a .vsix built from the current sources (building it when needed).
 * TUNEKIT_E2E_VSIX=path uses a package built elsewhere instead (e.g. to rerun a failing flow
 * against the exact .vsix that failed).
 */
export async function buildVsix(): Promise<string> {
  const given = process.env.TUNEKIT_E2E_VSIX;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`TUNEKIT_E2E_VSIX=${given}: no such file`);
    return path.resolve(given);
  }
  const files = packageInputs();
  const key = inputsHash(files);
  const vsix = path.join(OUT_DIR, `tunekit-${key}.vsix`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const release = await lock(path.join(OUT_DIR, '.vsix-build.lock'));
  try {
    if (fs.existsSync(vsix)) return vsix;
    for (const old of fs.readdirSync(OUT_DIR)) if (/^tunekit-[0-9a-f]+\.vsix$/.test(old)) fs.rmSync(path.join(OUT_DIR, old));
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-vsix-'));
    try {
      for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
        fs.copyFileSync(path.join(REPO, f), path.join(stage, f));
      }
      fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
      // stdin closed: vsce asks "continue? [y/N]" about some warnings on a terminal.
      const run = spawnSync('npm', ['run', 'package'], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
      const built = path.join(stage, 'tunekit.vsix');
      if (run.status !== 0 || !fs.existsSync(built)) {
        throw new Error(`npm run package failed (exit ${run.status ?? run.signal}) in a staging copy of the clone:\n${run.stdout}\n${run.stderr}`);
      }
      fs.copyFileSync(built, vsix);
      fs.writeFileSync(path.join(OUT_DIR, 'package.log'), `${run.stdout}\n${run.stderr}`);
    } finally {
      fs.rmSync(stage, { recursive: true, force: true });
    }
    return vsix;
  } finally {
    release();
  }
}

/** A directory lock between test processes; one left by a killed run is taken over after 10 minutes. */
async function lock(dir: string): Promise<() => void> {
  for (;;) {
    try {
      fs.mkdirSync(dir);
      return () => fs.rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10 * 60_000) fs.rmSync(dir, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
