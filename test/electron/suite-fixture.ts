/**
 * The runner side of suite.electron.ts, shared by its two runners (desktop VS Code through
 * @vscode/test-electron, and code-server): the workspace and study file the suite starts from,
 * the environment that tells the suite about them, and the check of what it reports back.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { proposeStudyFile, studyFilePathFor, writeStudyFileOnce } from '../../src/cli/study-file';
import { analyzeScript } from '../../src/detect/analyze-script';
import { prepareExampleWorkspace } from '../e2e/helpers/example-workspace';
import type { ExampleWorkspace } from '../e2e/helpers/example-workspace';
import type { ElectronResults } from './suite.electron';

export const SUITE_TRIALS = 8;
export const SUITE_PARALLEL = 2;

export interface SuiteFixture {
  readonly ws: ExampleWorkspace;
  readonly resultsFile: string;
  /** TUNEKIT_ELECTRON_* for the extension host. */
  readonly env: Record<string, string>;
  /** The tunekit.* user settings the suite expects. */
  readonly settings: Record<string, unknown>;
}

/**
 * A copy of the example in `root`/workspace with the study file "Tune This Script" would
 * propose already written: an extension host cannot type into the objective quick pick (the
 * code-server browser test answers it).
 */
export async function prepareSuiteFixture(root: string): Promise<SuiteFixture> {
  const wsDir = path.join(root, 'workspace');
  fs.mkdirSync(wsDir);
  const ws = prepareExampleWorkspace(wsDir);
  const analysis = await analyzeScript(ws.script);
  const studyFile = studyFilePathFor(ws.script);
  writeStudyFileOnce(studyFile, proposeStudyFile(analysis, { studyFile, objective: ws.objective, direction: 'minimize' }).content);
  const resultsFile = path.join(root, 'results.json');
  return {
    ws,
    resultsFile,
    env: {
      TUNEKIT_ELECTRON_WORKSPACE: wsDir,
      // The CLI's default study name: <folder>-<script>.
      TUNEKIT_ELECTRON_STUDY: `${path.basename(wsDir)}-train`,
      TUNEKIT_ELECTRON_TRIALS: String(SUITE_TRIALS),
      TUNEKIT_ELECTRON_EPOCHS: String(ws.epochs),
      TUNEKIT_ELECTRON_RESULTS: resultsFile,
    },
    settings: {
      'tunekit.pythonPath': ws.python,
      'tunekit.trials': SUITE_TRIALS,
      'tunekit.parallel': SUITE_PARALLEL,
      'tunekit.gpus': 'none',
      // No automatic pruning: the only pruned trial is the one the suite stops.
      'tunekit.defaultPruner': 'none',
    },
  };
}

/**
 * The Apply preview the suite captured sets the script's defaults to the best trial's values
 * and leaves what was not tuned (epochs) alone. Returns the suite's results for printing.
 */
export async function checkSuiteResults(fixture: SuiteFixture): Promise<ElectronResults> {
  const results = JSON.parse(fs.readFileSync(fixture.resultsFile, 'utf8')) as ElectronResults;
  const proposed = await analyzeScript(fixture.ws.script, { text: results.proposedScript });
  const defaults = new Map(proposed.params.map((p) => [p.name, p.default]));
  for (const [name, value] of Object.entries(results.bestParams)) {
    const written = defaults.get(name);
    if (typeof value === 'number' && typeof written === 'number') {
      assert.ok(Math.abs(written - value) <= 1e-9 * Math.max(1, Math.abs(value)), `${name}: the Apply preview writes ${written}, the best trial has ${value}`);
    } else {
      assert.deepEqual(written, value, `${name} in the Apply preview`);
    }
  }
  assert.equal(defaults.get('epochs'), fixture.ws.epochs, 'the Apply preview changes epochs, which was not tuned');
  return results;
}
