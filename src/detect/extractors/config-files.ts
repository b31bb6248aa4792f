/**
 * Settings in the config files a script reads (YAML, JSON, Hydra), as parameters named by
 * dotted keys (`optimizer.lr`) and located in the config file, where apply-back writes. Paths
 * resolve against the script's folder; a file missing or malformed becomes a problem naming
 * it, never an exception.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExtractedParam } from '../param-model';
import type { ConfigDocument, ConfigFormat } from './config-document';
import { ConfigFileError, readConfigDocument } from './config-document';
import { configKeys } from './config-keys';
import type { ConfigReference, HydraReference } from './config-references';
import { findConfigReferences } from './config-references';
import type { ExtractionContext, ExtractionResult } from './extractor';
import { composeHydra } from './hydra-compose';

export function extractConfigFiles(ctx: ExtractionContext): ExtractionResult {
  const scriptDir = path.dirname(ctx.file);
  const display = (file: string): string => path.relative(scriptDir, file) || path.basename(file);
  const script = path.basename(ctx.file);
  const references = findConfigReferences(ctx);
  const params: ExtractedParam[] = [];
  const problems: string[] = [];
  const configFiles: string[] = [];
  const seen = new Set<string>();

  for (const hydra of references.hydra) {
    const composed = hydraConfig(hydra, scriptDir, script, display);
    params.push(...composed.params);
    problems.push(...composed.problems);
    for (const file of composed.files) {
      if (!seen.has(file)) configFiles.push(file);
      seen.add(file);
    }
  }

  for (const reference of references.files) {
    if (reference.paths.length === 0) {
      // A loader call whose path is computed at run time (sys.argv[1], a required --config).
      if (reference.loader !== 'path') {
        problems.push(`${script}:${reference.line}: ${reference.how} reads a config file whose path Tunekit cannot work out (${reference.expression}); its keys are not listed: to tune them, give the path as a string, a constant or a --config default`);
      }
      continue;
    }
    for (const candidate of reference.paths) {
      const file = path.resolve(scriptDir, candidate.path);
      if (seen.has(file)) continue;
      seen.add(file);
      const format = formatOf(reference, file);
      let doc: ConfigDocument;
      try {
        doc = readConfigDocument(file, format);
      } catch (err) {
        if (!ConfigFileError.is(err)) throw err;
        problems.push(readProblem(err, reference, candidate.anchored, script, display));
        continue;
      }
      const keys = configKeys(doc, { source: format, omegaconf: reference.loader === 'omegaconf', displayPath: display(file) });
      params.push(...keys.params);
      problems.push(...keys.problems);
      configFiles.push(file);
    }
  }
  return { params, configFiles, problems };
}

function formatOf(reference: ConfigReference, file: string): ConfigFormat {
  if (reference.loader === 'json') return 'json';
  if (reference.loader === 'yaml' || reference.loader === 'omegaconf') return 'yaml';
  return /\.json$/i.test(file) ? 'json' : 'yaml';
}

function readProblem(err: ConfigFileError, reference: ConfigReference, anchored: boolean, script: string, display: (file: string) => string): string {
  const seenAt = `${script}:${reference.line}`;
  const file = display(err.file);
  if (err.reason === 'missing') {
    if (!anchored) {
      return (
        `${seenAt}: ${file} (${reference.expression}, read by ${reference.how}) is not in the script's folder; ` +
        `Python resolves a relative path from the folder the script is started in, which Tunekit cannot know here: ` +
        `start it from the script's folder, or build the path from __file__`
      );
    }
    return `${seenAt}: ${file} (${reference.expression}, read by ${reference.how}) does not exist; its keys are not listed`;
  }
  const where = err.line ? `${file}:${err.line}` : file;
  return `${where}: ${err.message} (read at ${seenAt}); its keys are not listed until it is fixed`;
}

function hydraConfig(
  hydra: HydraReference,
  scriptDir: string,
  script: string,
  display: (file: string) => string,
): { params: ExtractedParam[]; files: string[]; problems: string[] } {
  const at = `${script}:${hydra.line}`;
  if (hydra.configName === undefined) {
    return { params: [], files: [], problems: [`${at}: @hydra.main names no config_name Tunekit can read; the Hydra config's keys are not listed`] };
  }
  if (hydra.configPathExpression !== undefined && !hydra.configPath) {
    return { params: [], files: [], problems: [`${at}: Tunekit cannot work out Hydra's config_path (${hydra.configPathExpression}); the Hydra config's keys are not listed`] };
  }
  if (hydra.configPath?.path.startsWith('pkg://')) {
    return { params: [], files: [], problems: [`${at}: Hydra's config_path ${hydra.configPath.path} is inside an installed package; Tunekit lists keys of config folders only`] };
  }
  // Hydra resolves config_path against the file that declares @hydra.main, not the working folder.
  const configDir = path.resolve(scriptDir, hydra.configPath?.path ?? '.');
  const primary = path.join(configDir, hydra.configName.endsWith('.yaml') ? hydra.configName : `${hydra.configName}.yaml`);
  if (!fs.existsSync(primary)) {
    return {
      params: [],
      files: [],
      problems: [
        `${at}: Hydra's primary config ${display(primary)} does not exist; if the script registers a structured config (ConfigStore) instead, Tunekit cannot list its keys from files`,
      ],
    };
  }
  return composeHydra(configDir, hydra.configName, { read: (file) => readConfigDocument(file, 'yaml'), display });
}
