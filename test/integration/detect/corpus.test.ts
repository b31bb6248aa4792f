/**
 * Extraction quality over a corpus of realistic training scripts (test/corpus/scripts), written in
 * the styles found in the wild: argparse in every shape, click, typer, absl, LightningCLI, module
 * constants, nanoGPT-style globals, dataclasses (plain, tyro, HfArgumentParser), YAML / JSON / Hydra
 * config files, XGBoost / LightGBM params dicts.
 *
 * Each script has test/corpus/expected/<slug>.json listing every parameter a careful engineer would
 * say the script exposes, with its type, default and whether it is worth tuning. Found parameters
 * are matched to expected ones by (name, source); precision and recall are computed over the whole
 * corpus, and type / default / tunable / choices accuracy over the matched ones.
 *
 * How the expectations were written (the rules a reviewer of a miss should apply):
 * - Names: CLI sources use the long flag without dashes as written (`batch-size`, `batch_size`,
 *   `batchSize`; the first long flag when there are several; typer's derived `--learning-rate`);
 *   LightningCLI options are `model.<arg>` / `data.<arg>` (argparse source: jsonargparse is
 *   argparse); constants use the variable name, and entries of a params dict constant passed to a
 *   trainer use `PARAMS.<key>`; dataclass fields their field name; config files the dotted key
 *   (`optimizer.lr`), Hydra group keys prefixed by the group (`model.dropout`) and the group
 *   choice itself named by the group (`optimizer`).
 * - In scripts configured by module constants every UPPER_CASE literal constant is listed (dataset
 *   facts such as NUM_CLASSES as not tunable); constants consumed as a flag's default or choices are
 *   not listed again; loop state (best_acc1, iter_num) and computed values are not parameters.
 * - tunable is false for paths, logging / eval / save intervals and switches, device, workers and
 *   distributed settings, dry-run / resume switches, seeds, and training length (epochs, max
 *   steps). "why" in the expected files says which.
 * - "default" is given only where the script writes a literal one (resolved through constants and
 *   set_defaults); an expected entry without a field does not score that field.
 *
 * The two modules under not-training/ have "training": false: their detection score must stay
 * below every training script's, and their parameters are not scored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeScript } from '../../../src/detect/analyze-script';
import { parsePython, readPythonSource, syntaxErrorLines } from '../../../src/detect/python-parser';
import type { ExtractedParam, ParamSource, ParamType, ScriptAnalysis } from '../../../src/detect/param-model';
import type { JsonValue } from '../../../src/core/space/distributions';

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../corpus');
const SCRIPTS = path.join(CORPUS, 'scripts');
const EXPECTED = path.join(CORPUS, 'expected');

const MIN_PRECISION = 0.95;
const MIN_RECALL = 0.95;
const MIN_TRAINING_SCRIPTS = 25;

const SOURCES: readonly ParamSource[] = ['argparse', 'click', 'typer', 'absl', 'constant', 'dataclass', 'yaml', 'json', 'hydra'];
const TYPES: readonly ParamType[] = ['float', 'int', 'bool', 'str', 'list', 'unknown'];
const FIELDS = ['type', 'default', 'tunable', 'choices'] as const;
type Field = (typeof FIELDS)[number];

interface ExpectedParam {
  readonly name: string;
  readonly source: ParamSource;
  readonly type?: ParamType;
  readonly default?: JsonValue;
  readonly choices?: readonly JsonValue[];
  readonly tunable?: boolean;
}

interface ExpectedScript {
  /** The expected file's name without .json. */
  readonly slug: string;
  /** Absolute path of the script. */
  readonly file: string;
  readonly training: boolean;
  /** Config files the analysis must report, absolute. */
  readonly configFiles: readonly string[];
  readonly params: readonly ExpectedParam[];
}

interface FieldMismatch {
  readonly slug: string;
  readonly param: string;
  readonly field: Field;
  readonly expected: unknown;
  readonly found: unknown;
}

interface ScriptScore {
  readonly slug: string;
  readonly expected: number;
  readonly found: number;
  readonly matched: number;
  readonly missing: readonly ExpectedParam[];
  readonly extra: readonly ExtractedParam[];
  readonly mismatches: readonly FieldMismatch[];
  /** Per field: [correct, scored]. */
  readonly fields: Readonly<Record<Field, readonly [number, number]>>;
}

/** One script's analysis, or why it could not be produced. */
type Outcome = { readonly analysis: ScriptAnalysis } | { readonly error: unknown };

/** Reads and checks one expected file, so a typo in the corpus fails with the file's name. */
function loadExpected(jsonFile: string): ExpectedScript {
  const where = path.relative(process.cwd(), jsonFile);
  const doc = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as Record<string, unknown>;
  assert.equal(typeof doc.script, 'string', `${where}: "script" must be a path relative to test/corpus/scripts`);
  assert.ok(Array.isArray(doc.params), `${where}: "params" must be an array`);
  const scriptDir = path.dirname(path.join(SCRIPTS, doc.script as string));
  const params = (doc.params as Record<string, unknown>[]).map((p, i): ExpectedParam => {
    const at = `${where}: params[${i}]`;
    assert.equal(typeof p.name, 'string', `${at}: "name" must be a string`);
    assert.ok(SOURCES.includes(p.source as ParamSource), `${at} (${String(p.name)}): unknown source ${String(p.source)}`);
    assert.ok(p.type === undefined || TYPES.includes(p.type as ParamType), `${at} (${String(p.name)}): unknown type ${String(p.type)}`);
    assert.ok(p.tunable === undefined || typeof p.tunable === 'boolean', `${at} (${String(p.name)}): "tunable" must be a boolean`);
    assert.ok(p.choices === undefined || Array.isArray(p.choices), `${at} (${String(p.name)}): "choices" must be an array`);
    return p as unknown as ExpectedParam;
  });
  const keys = params.map(key);
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
  assert.equal(duplicate, undefined, `${where}: ${duplicate} is listed twice`);
  return {
    slug: path.basename(jsonFile, '.json'),
    file: path.join(SCRIPTS, doc.script as string),
    training: doc.training !== false,
    configFiles: ((doc.configFiles as string[] | undefined) ?? []).map((f) => path.resolve(scriptDir, f)),
    params,
  };
}

function key(p: { readonly name: string; readonly source: string }): string {
  return `${p.source}:${p.name}`;
}

/** JSON equality, with numbers equal up to rounding (1e-3 written as 0.001 or 1e-3). */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return sameJson(ka, kb) && ka.every((k) => sameJson(ra[k], rb[k]));
  }
  return a === b;
}

/** Choices compare as sets: Hydra group options have no order, argparse ones keep theirs anyway. */
function sameChoices(a: readonly JsonValue[], b: readonly JsonValue[] | undefined): boolean {
  if (!b) return false;
  const sorted = (xs: readonly JsonValue[]) => xs.map((x) => JSON.stringify(x)).sort();
  return sameJson(sorted(a), sorted(b));
}

function scoreScript(expected: ExpectedScript, found: readonly ExtractedParam[]): ScriptScore {
  const byKey = new Map(expected.params.map((p) => [key(p), p]));
  const seen = new Set<string>();
  const extra: ExtractedParam[] = [];
  const mismatches: FieldMismatch[] = [];
  const fields: Record<Field, [number, number]> = { type: [0, 0], default: [0, 0], tunable: [0, 0], choices: [0, 0] };
  for (const param of found) {
    const exp = byKey.get(key(param));
    // A second parameter under the same key is noise the user would see twice.
    if (!exp || seen.has(key(param))) {
      extra.push(param);
      continue;
    }
    seen.add(key(param));
    for (const field of FIELDS) {
      if (exp[field] === undefined) continue;
      const ok = field === 'choices' ? sameChoices(exp.choices ?? [], param.choices) : sameJson(exp[field], param[field]);
      fields[field][1] += 1;
      if (ok) fields[field][0] += 1;
      else mismatches.push({ slug: expected.slug, param: key(param), field, expected: exp[field], found: param[field] });
    }
  }
  return {
    slug: expected.slug,
    expected: expected.params.length,
    found: found.length,
    matched: seen.size,
    missing: expected.params.filter((p) => !seen.has(key(p))),
    extra,
    mismatches,
    fields,
  };
}

function ratio(n: number, d: number): number {
  return d === 0 ? 1 : n / d;
}

function pct(n: number, d: number): string {
  return `${(100 * ratio(n, d)).toFixed(1)}%`;
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** What to fix, per script: the missing and the extra parameters, with where the extras were found. */
function missesReport(scores: readonly ScriptScore[], outcomes: ReadonlyMap<string, Outcome>): string {
  const lines: string[] = [];
  for (const s of scores) {
    const outcome = outcomes.get(s.slug);
    const failed = outcome && 'error' in outcome ? `  analysis failed: ${describeError(outcome.error)}` : undefined;
    if (!failed && s.missing.length === 0 && s.extra.length === 0) continue;
    lines.push(`${s.slug}:`);
    if (failed) lines.push(failed);
    if (s.missing.length) lines.push(`  missing: ${s.missing.map(key).join(', ')}`);
    if (s.extra.length) lines.push(`  extra:   ${s.extra.map((p) => `${key(p)} (line ${p.location.line})`).join(', ')}`);
  }
  return lines.join('\n');
}

function table(scores: readonly ScriptScore[]): string {
  const head = ['script', 'expected', 'found', 'matched', 'missing', 'extra', 'precision', 'recall'];
  const rows = scores.map((s) => [s.slug, s.expected, s.found, s.matched, s.missing.length, s.extra.length, pct(s.matched, s.found), pct(s.matched, s.expected)].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

describe('extraction corpus', () => {
  const expectedFiles = fs.readdirSync(EXPECTED).filter((f) => f.endsWith('.json')).sort();
  const corpus = expectedFiles.map((f) => loadExpected(path.join(EXPECTED, f)));
  const training = corpus.filter((c) => c.training);
  const outcomes = new Map<string, Outcome>();

  before(async () => {
    for (const entry of corpus) {
      try {
        outcomes.set(entry.slug, { analysis: await analyzeScript(entry.file) });
      } catch (error) {
        outcomes.set(entry.slug, { error });
      }
    }
  });

  function paramsOf(slug: string): readonly ExtractedParam[] {
    const outcome = outcomes.get(slug);
    return outcome && 'analysis' in outcome ? outcome.analysis.params : [];
  }

  test(`holds at least ${MIN_TRAINING_SCRIPTS} training scripts and 2 other modules, all valid Python`, async () => {
    assert.ok(training.length >= MIN_TRAINING_SCRIPTS, `only ${training.length} training scripts in ${EXPECTED}`);
    assert.ok(corpus.length - training.length >= 2, 'the corpus needs at least 2 modules with "training": false');
    for (const entry of corpus) {
      assert.ok(fs.existsSync(entry.file), `${entry.slug}.json names ${entry.file}, which does not exist`);
      const errors = syntaxErrorLines(await parsePython(readPythonSource(entry.file)));
      assert.deepEqual(errors, [], `${path.relative(SCRIPTS, entry.file)}: syntax errors on lines ${errors.join(', ')}`);
      for (const config of entry.configFiles) assert.ok(fs.existsSync(config), `${entry.slug}.json: config file ${config} does not exist`);
    }
  });

  test(`extraction has precision >= ${MIN_PRECISION} and recall >= ${MIN_RECALL} over the corpus`, () => {
    const scores = training.map((entry) => scoreScript(entry, paramsOf(entry.slug)));
    const total = (f: (s: ScriptScore) => number) => scores.reduce((sum, s) => sum + f(s), 0);
    const expected = total((s) => s.expected);
    const found = total((s) => s.found);
    const matched = total((s) => s.matched);
    const precision = ratio(matched, found);
    const recall = ratio(matched, expected);

    const fieldLines = FIELDS.map((field) => {
      const correct = total((s) => s.fields[field][0]);
      const scored = total((s) => s.fields[field][1]);
      return `  ${field.padEnd(8)} ${pct(correct, scored).padStart(6)}  (${correct}/${scored})`;
    });
    const mismatches = scores.flatMap((s) => s.mismatches);
    console.log(
      [
        '',
        table(scores),
        '',
        `corpus: ${training.length} training scripts, ${expected} expected parameters, ${found} found, ${matched} matched`,
        `precision ${pct(matched, found)}  recall ${pct(matched, expected)}`,
        'field accuracy on matched parameters:',
        ...fieldLines,
        ...(mismatches.length ? ['field mismatches (expected -> found):'] : []),
        ...mismatches.map((m) => `  ${m.slug} ${m.param} ${m.field}: ${JSON.stringify(m.expected)} -> ${JSON.stringify(m.found) ?? 'undefined'}`),
        '',
      ].join('\n'),
    );

    const misses = missesReport(scores, outcomes);
    assert.ok(
      precision >= MIN_PRECISION && recall >= MIN_RECALL,
      `precision ${pct(matched, found)} (need ${MIN_PRECISION * 100}%), recall ${pct(matched, expected)} (need ${MIN_RECALL * 100}%)\n${misses}`,
    );
  });

  test('finds the config files each script loads and reports no problems on clean scripts', () => {
    const failures: string[] = [];
    for (const entry of corpus) {
      const outcome = outcomes.get(entry.slug);
      if (!outcome || 'error' in outcome) {
        failures.push(`${entry.slug}: analysis failed: ${outcome ? describeError(outcome.error) : 'not run'}`);
        continue;
      }
      const { analysis } = outcome;
      const dir = path.dirname(entry.file);
      const reported = analysis.configFiles.map((f) => path.resolve(dir, f));
      for (const config of entry.configFiles) {
        // A Hydra script may be reported by its config directory rather than the primary file.
        const ok = reported.some((r) => r === config || config.startsWith(r + path.sep));
        if (!ok) failures.push(`${entry.slug}: config file ${path.relative(SCRIPTS, config)} not reported (reported: ${reported.map((r) => path.relative(SCRIPTS, r)).join(', ') || 'none'})`);
      }
      if (analysis.problems.length) failures.push(`${entry.slug}: unexpected problems: ${analysis.problems.join(' | ')}`);
    }
    assert.deepEqual(failures, []);
  });

  test('modules that do not train score below every training script', () => {
    const scoreOf = (slug: string): number => {
      const outcome = outcomes.get(slug);
      assert.ok(outcome && 'analysis' in outcome, `${slug}: analysis failed: ${outcome && 'error' in outcome ? describeError(outcome.error) : 'not run'}`);
      return outcome.analysis.score;
    };
    const trainingScores = training.map((c) => ({ slug: c.slug, score: scoreOf(c.slug) })).sort((a, b) => a.score - b.score);
    const others = corpus.filter((c) => !c.training).map((c) => ({ slug: c.slug, score: scoreOf(c.slug) }));
    const lowest = trainingScores[0];
    assert.ok(lowest);
    console.log(`detection scores: lowest training ${lowest.slug}=${lowest.score}; not training ${others.map((o) => `${o.slug}=${o.score}`).join(', ')}`);
    for (const other of others) {
      assert.ok(other.score < lowest.score, `${other.slug} scores ${other.score}, not below ${lowest.slug} (${lowest.score}), the lowest-scoring training script`);
    }
  });
});
