/**
 * Apply-back planning: a trial's parameter values become the smallest text edits that make
 * them the defaults in the script and its config files. The plan is data (edits per file, what
 * was refused and why, what already had that value), so the CLI can print a diff or write, and
 * the extension can preview and apply it as one undoable edit. A value equal to the current
 * default produces no edit, so applying the same trial twice changes nothing the second time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JsonValue } from '../../core/space/distributions';
import { jsonEquals } from '../../core/space/distributions';
import type { ExtractedParam } from '../param-model';
import type { TextEdit } from '../text-edit';
import { applyEdits } from '../text-edit';
import type { ConfigFormat } from './config-apply';
import { configScalarValue, jsonValueText, parseConfigText, valueAtDottedKey, yamlValueText } from './config-apply';
import type { LiteralText } from './python-apply';
import { pythonLiteralText, pythonScalarValue } from './python-apply';

export interface ApplyRefusal {
  readonly name: string;
  /** A sentence for the user: the parameter, the file:line, what is wrong and what to do. */
  readonly reason: string;
}

/** One default rewritten. */
export interface PlannedChange {
  readonly name: string;
  readonly value: JsonValue;
  readonly file: string;
  /** 1-based line of the rewritten literal. */
  readonly line: number;
  readonly oldText: string;
  readonly newText: string;
}

export interface ApplyPlan {
  /** Non-overlapping edits per file, against the text in `texts`. */
  readonly edits: Map<string, TextEdit[]>;
  readonly refused: ApplyRefusal[];
  /** Parameters whose default already has the value. */
  readonly unchanged: string[];
  readonly changes: PlannedChange[];
  /** The text each edited file had when planned: write only if the file still holds it. */
  readonly texts: Map<string, string>;
}

export interface PlanApplyOptions {
  /** Reads a file's current text (default: from disk, UTF-8); the extension passes open documents. */
  readonly readFile?: (file: string) => string;
  /** How files are named in messages (default: relative to the working directory when inside it). */
  readonly displayPath?: (file: string) => string;
}

type Format = ConfigFormat | 'python';

interface Pending extends PlannedChange {
  readonly edit: TextEdit;
  readonly format: Format;
  readonly source: ExtractedParam['source'];
}

export function planApply(
  analysis: { readonly params: readonly ExtractedParam[] },
  values: Readonly<Record<string, JsonValue>>,
  options: PlanApplyOptions = {},
): ApplyPlan {
  const readFile = options.readFile ?? ((file: string) => fs.readFileSync(file, 'utf8'));
  const display = options.displayPath ?? defaultDisplayPath;
  const texts = new Map<string, string>();
  const unreadable = new Map<string, string>();
  const textOf = (file: string): string | undefined => {
    if (!texts.has(file) && !unreadable.has(file)) {
      try {
        texts.set(file, readFile(file));
      } catch (err) {
        unreadable.set(file, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
      }
    }
    return texts.get(file);
  };

  const refused: ApplyRefusal[] = [];
  const unchanged: string[] = [];
  const pending: Pending[] = [];

  for (const [name, value] of Object.entries(values)) {
    const candidates = matchParams(analysis.params, name);
    if ('error' in candidates) {
      refused.push({ name, reason: `${name}: ${candidates.error}` });
      continue;
    }
    const said = `${name}=${show(value)}`;
    let edited = false;
    let refusedHere = false;
    const refuse = (reason: string): void => {
      refused.push({ name, reason: `${said}: ${reason}` });
      refusedHere = true;
    };
    for (const param of candidates.params) {
      const where = `${display(param.location.file)}:${param.location.line}`;
      const misfit = fitError(value, param);
      if (misfit) {
        refuse(`${misfit} (${where})`);
        continue;
      }
      if (param.default !== undefined && jsonEquals(value, param.default)) continue;
      const { valueStart, valueEnd } = param.location;
      if (valueStart === undefined || valueEnd === undefined) {
        refuse(
          param.defaultText !== undefined
            ? `its default \`${param.defaultText}\` at ${where} is not a literal Tunekit can rewrite; set it by hand`
            : `it has no default written at ${where} to rewrite; add one by hand`,
        );
        continue;
      }
      const file = param.location.file;
      const text = textOf(file);
      if (text === undefined) {
        refuse(`cannot read ${display(file)} (${unreadable.get(file)})`);
        continue;
      }
      const format = formatOf(param);
      const line = lineAt(text, valueStart);
      const at = `${display(file)}:${line}`;
      if (valueStart < 0 || valueEnd > text.length || valueStart >= valueEnd) {
        refuse(`the analysis points outside ${display(file)} (offsets ${valueStart}-${valueEnd}); it changed since: analyse it again`);
        continue;
      }
      // A YAML block collection's range runs to the next key's line: keep that line break.
      const oldRaw = text.slice(valueStart, valueEnd);
      const oldText = format === 'yaml' ? oldRaw.trimEnd() : oldRaw;
      // A YAML block's later lines are indented as in the file: indent its first line alike.
      const column = valueStart - (text.lastIndexOf('\n', valueStart - 1) + 1);
      const now = format === 'python' ? pythonScalarValue(oldText) : configScalarValue(format, format === 'yaml' ? ' '.repeat(column) + oldText : oldText);
      if (param.default !== undefined && now !== undefined && !jsonEquals(now, param.default)) {
        refuse(`${at} now reads \`${oldText}\`, not the default ${show(param.default)} the analysis saw; the file changed since: analyse it again`);
        continue;
      }
      const written = writeValue(format, value, oldText, param);
      if ('error' in written) {
        refuse(`${written.error} (${at}); set it by hand`);
        continue;
      }
      if (written.text === oldText) continue;
      const edit: TextEdit = { start: valueStart, end: valueStart + oldText.length, newText: written.text };
      const clash = pending.find((p) => p.file === file && p.edit.start < edit.end && edit.start < p.edit.end);
      if (clash) {
        const same = clash.edit.start === edit.start && clash.edit.end === edit.end && clash.edit.newText === edit.newText;
        if (same) {
          edited = true;
          continue;
        }
        refuse(`${at} also holds ${clash.name}'s default, set to ${show(clash.value)}; one literal cannot take both values`);
        continue;
      }
      pending.push({ name, value, file, line, oldText, newText: written.text, edit, format, source: param.source });
      edited = true;
    }
    if (!edited && !refusedHere) unchanged.push(name);
  }

  verifyConfigFiles(pending, texts, display, refused);

  const edits = new Map<string, TextEdit[]>();
  for (const p of pending) {
    const list = edits.get(p.file) ?? [];
    list.push(p.edit);
    edits.set(p.file, list);
  }
  for (const list of edits.values()) list.sort((a, b) => a.start - b.start);
  for (const file of [...texts.keys()]) if (!edits.has(file)) texts.delete(file);
  const changes = pending.map(({ name, value, file, line, oldText, newText }) => ({ name, value, file, line, oldText, newText }));
  return { edits, refused, unchanged, changes, texts };
}

/**
 * Config files are parsed again with the edits in: a file that would no longer parse, or whose
 * key would not read back the value, loses all its edits rather than being written half-right.
 */
function verifyConfigFiles(pending: Pending[], texts: ReadonlyMap<string, string>, display: (file: string) => string, refused: ApplyRefusal[]): void {
  const files = new Set(pending.filter((p) => p.format !== 'python').map((p) => p.file));
  for (const file of files) {
    const mine = pending.filter((p) => p.file === file);
    const format = (mine[0] as Pending).format as ConfigFormat;
    const after = applyEdits(texts.get(file) as string, mine.map((p) => p.edit));
    const parsed = parseConfigText(format, after);
    let problem: string | undefined;
    if ('error' in parsed) problem = `${display(file)} would no longer parse (${parsed.error})`;
    else {
      for (const p of mine) {
        // A Hydra group file's keys sit under the group's package, not at the dotted name.
        const readBack = p.source === 'yaml' || p.source === 'json' ? valueAtDottedKey(parsed.value, p.name) : undefined;
        if (readBack !== undefined && !jsonEquals(readBack, p.value)) {
          problem = `${display(file)} would read ${p.name} back as ${show(readBack)}`;
          break;
        }
      }
    }
    if (!problem) continue;
    for (const p of mine) {
      refused.push({ name: p.name, reason: `${p.name}=${show(p.value)}: not written, ${problem} (${display(file)}:${p.line}); set it by hand` });
      pending.splice(pending.indexOf(p), 1);
    }
  }
}

/** The parameters a trial's name refers to: exact names first, then `-` / `_` and case folded. */
function matchParams(params: readonly ExtractedParam[], name: string): { params: ExtractedParam[] } | { error: string } {
  const exact = params.filter((p) => p.name === name);
  if (exact.length > 0) return { params: exact };
  const folded = params.filter((p) => fold(p.name) === fold(name));
  const names = [...new Set(folded.map((p) => p.name))];
  if (names.length === 1) return { params: folded };
  if (names.length > 1) return { error: `matches several parameters (${names.join(', ')}); rename it in the study to one of them` };
  const files = [...new Set(params.map((p) => defaultDisplayPath(p.location.file)))];
  const known = [...new Set(params.map((p) => p.name))];
  return {
    error:
      known.length === 0
        ? 'the script has no parameter Tunekit can find, so there is nowhere to write it'
        : `no parameter of that name in ${files.join(', ')} (it has: ${known.join(', ')}); a value the script reads some other way must be set by hand`,
  };
}

function fold(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}

/** Why a value does not fit a parameter, or undefined when it does. */
function fitError(value: JsonValue, param: ExtractedParam): string | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} cannot be written as a default`;
  if (param.choices && param.choices.length > 0 && !param.choices.some((c) => jsonEquals(c, value))) {
    return `not one of the script's choices (${param.choices.map(show).join(', ')})`;
  }
  if (value === null) {
    const allowed = param.type === 'unknown' || param.default === null || (param.choices?.includes(null) ?? false);
    return allowed ? undefined : `None does not fit a ${param.type} parameter`;
  }
  const kind = Array.isArray(value) ? 'list' : typeof value === 'object' ? 'dict' : typeof value === 'boolean' ? 'bool' : typeof value === 'string' ? 'string' : Number.isInteger(value) ? 'int' : 'float';
  const fits: Record<ExtractedParam['type'], readonly string[]> = {
    float: ['float', 'int'],
    int: ['int'],
    bool: ['bool'],
    str: ['string'],
    list: ['list'],
    unknown: ['float', 'int', 'bool', 'string', 'list', 'dict'],
  };
  if (fits[param.type].includes(kind)) return undefined;
  const article = param.type === 'int' ? 'an' : 'a';
  return `a ${kind} does not fit ${article} ${param.type} parameter`;
}

function formatOf(param: ExtractedParam): Format {
  if (param.source === 'yaml' || param.source === 'hydra') return 'yaml';
  if (param.source === 'json') return 'json';
  return 'python';
}

function writeValue(format: Format, value: JsonValue, oldText: string, param: ExtractedParam): LiteralText {
  if (format === 'yaml') return yamlValueText(value, oldText, param.type);
  if (format === 'json') return jsonValueText(value, oldText, param.type);
  return pythonLiteralText(value, oldText, param.type);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function show(value: JsonValue): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function defaultDisplayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
