/** Shared by the extractor tests: run one extractor on a real file, and read its results. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { ExtractionContext, ExtractionResult } from '../../../../src/detect/extractors/extractor';
import type { ExtractedParam } from '../../../../src/detect/param-model';
import { moduleConstants } from '../../../../src/detect/python-literal';
import { parsePython, readPythonSource } from '../../../../src/detect/python-parser';
import { tempDir } from '../../../helpers/temp-dir';

export interface Analysed extends ExtractionResult {
  readonly file: string;
  readonly text: string;
}

/** Writes `source` to a temp train.py and runs `extract` on it as analyze-script would. */
export async function analyseWith(extract: (ctx: ExtractionContext) => ExtractionResult, t: TestContext, source: string): Promise<Analysed> {
  const file = path.join(tempDir(t), 'train.py');
  fs.writeFileSync(file, source);
  const text = readPythonSource(file);
  const tree = await parsePython(text);
  return { file, text, ...extract({ file, text, tree, constants: moduleConstants(tree) }) };
}

export function row(p: ExtractedParam): Record<string, unknown> {
  const { location, ...rest } = p;
  return { ...rest, line: location.line };
}

export function byName(result: ExtractionResult, name: string): ExtractedParam {
  const found = result.params.find((p) => p.name === name);
  assert.ok(found, `no parameter "${name}" among ${result.params.map((p) => p.name).join(', ')}`);
  return found;
}

export function valueText(result: Analysed, name: string): string | undefined {
  const { valueStart, valueEnd } = byName(result, name).location;
  return valueStart === undefined ? undefined : result.text.slice(valueStart, valueEnd);
}
