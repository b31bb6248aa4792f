/**
 * `--pruner-option KEY=VALUE` flags into a pruner's options: numbers as numbers, "auto" and
 * pruner names (patient's `wrapped`) as strings. Which keys a pruner takes is checked by
 * createPruner, whose error names the valid ones.
 */
import type { PrunerOptions } from '../core/pruners/pruner-factory';
import { CliUsageError } from './cli-error';

export function parsePrunerOptions(flags: readonly string[]): PrunerOptions {
  const options: Record<string, number | string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new CliUsageError(`--pruner-option takes KEY=VALUE (e.g. --pruner-option patience=3), got "${flag}"`);
    const key = flag.slice(0, eq).trim();
    const raw = flag.slice(eq + 1).trim();
    const n = Number(raw);
    options[key] = raw !== '' && Number.isFinite(n) ? n : raw;
  }
  return options as PrunerOptions;
}
