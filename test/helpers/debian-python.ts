/**
 * Debian's /usr/bin/python3 carries the ML packages (torch, sklearn, onnx, optuna) from apt;
 * tests that need one of them skip with a clear reason where it is missing.
 */
import { execFileSync } from 'node:child_process';
import { parseJournalJson } from '../../src/core/storage/journal-json';

export const DEBIAN_PYTHON = '/usr/bin/python3';

const cache = new Map<string, string | undefined>();

/** undefined when every module imports; otherwise the reason to skip. */
export function missingPythonModules(...modules: string[]): string | undefined {
  const key = modules.join(',');
  if (!cache.has(key)) {
    try {
      execFileSync(DEBIAN_PYTHON, ['-c', `import ${key}`], { stdio: 'pipe' });
      cache.set(key, undefined);
    } catch {
      cache.set(key, `${DEBIAN_PYTHON} lacks ${modules.join(', ')}: run npm run setup:python`);
    }
  }
  return cache.get(key);
}

/** Runs a Python snippet with Debian's interpreter and parses the JSON it prints last. */
export function runPythonJson(code: string, args: string[] = []): unknown {
  const out = execFileSync(DEBIAN_PYTHON, ['-c', code, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = out.trim().split('\n');
  // parseJournalJson: Python's json.dumps may print NaN / Infinity tokens.
  return parseJournalJson(lines[lines.length - 1] as string);
}
