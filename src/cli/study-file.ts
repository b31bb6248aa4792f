/**
 * Reads the file given with --space: either a bare search space, or a study file whose "space"
 * key holds it, next to defaults for the command line ("objective", "direction", ...).
 * The file is the user's: errors name the file and what to fix.
 */
import * as fs from 'node:fs';
import type { SearchSpace } from '../core/space/search-space';
import { parseSearchSpace } from '../core/space/search-space';
import { DistributionError } from '../core/space/distributions';
import { CliUsageError } from './cli-error';

export interface StudyFile {
  readonly path: string;
  readonly space: SearchSpace;
  readonly objective?: string;
  readonly direction?: 'minimize' | 'maximize';
}

export function readStudyFile(file: string): StudyFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliUsageError(`cannot read the search space file ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CliUsageError(`${file} must hold a JSON object: a search space, or a study file with a "space" key`);
  }
  const root = json as Record<string, unknown>;
  const isStudyFile = 'space' in root;
  try {
    const space = parseSearchSpace(isStudyFile ? root.space : root);
    const objective = isStudyFile && typeof root.objective === 'string' ? root.objective : undefined;
    const direction = isStudyFile ? parseDirection(root.direction, file) : undefined;
    return { path: file, space, ...(objective ? { objective } : {}), ...(direction ? { direction } : {}) };
  } catch (err) {
    if (DistributionError.is(err)) throw new CliUsageError(`${file}: ${err.message}`);
    throw err;
  }
}

export function parseDirection(value: unknown, where: string): 'minimize' | 'maximize' | undefined {
  if (value === undefined) return undefined;
  if (value === 'min' || value === 'minimize') return 'minimize';
  if (value === 'max' || value === 'maximize') return 'maximize';
  throw new CliUsageError(`${where}: direction must be "min" or "max", got ${JSON.stringify(value)}`);
}
