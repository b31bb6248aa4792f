/**
 * Fields of `@dataclass` configs as hyperparameters. Two libraries turn a dataclass into
 * command-line flags, so its fields are injected as flags:
 *   - transformers' HfArgumentParser((ModelArguments, TrainingArguments)): `--field_name value`
 *     (booleans take a value: `--fp16 true`); TrainingArguments itself is defined in
 *     transformers, so its well-known tunable fields come from hf-training-arguments.ts;
 *   - tyro.cli(Args): `--field-name value`, booleans as `--flag` / `--no-flag`.
 * Any other dataclass is still listed (source 'dataclass', no flag): it is read as a config
 * object, and its defaults are where apply-back writes.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { ExtractedParam } from '../param-model';
import { literalValue } from '../python-literal';
import type { SyntaxNode } from '../python-parser';
import type { ConstantExpression } from './constant-expression';
import { constantExpression } from './constant-expression';
import type { ExtractionContext, ExtractionResult } from './extractor';
import { HF_TRAINING_ARGUMENTS, HF_TRAINING_ARGUMENT_CLASSES } from './hf-training-arguments';
import { calleeName, descendantsOfType, dottedName, lastSegment } from './python-call';
import { callArguments } from './call-arguments';
import type { AnnotationInfo } from './type-annotation';
import { annotationInfo } from './type-annotation';

interface Dataclass {
  readonly name: string;
  readonly node: SyntaxNode;
  /** Base classes as written (`TrainingArguments`, `transformers.TrainingArguments`). */
  readonly bases: readonly string[];
}

interface Field {
  readonly name: SyntaxNode;
  readonly annotation: AnnotationInfo;
  /** The default's expression as written (`5e-5`, `LR`, `os.cpu_count()`); undefined for a required field. */
  readonly defaultExpr?: SyntaxNode;
  /** Its value, when it is a literal (or a constant holding one). */
  readonly value?: ConstantExpression;
  readonly help?: string;
  readonly choices?: readonly JsonValue[];
}

type CliStyle = 'hf' | 'tyro';

export function extractDataclasses(ctx: ExtractionContext): ExtractionResult {
  const classes = new Map<string, Dataclass>();
  for (const node of descendantsOfType(ctx.tree.rootNode, 'class_definition')) {
    const dataclass = asDataclass(node);
    if (dataclass) classes.set(dataclass.name, dataclass);
  }
  const cli = cliBindings(ctx, classes);

  const params: ExtractedParam[] = [];
  const consumed = new Set<string>();
  for (const dataclass of classes.values()) {
    const style = cli.styles.get(dataclass.name);
    for (const field of fields(dataclass, ctx)) {
      const param = fieldParam(ctx, dataclass, field, style, classes);
      if (!param) continue;
      if (field.value?.viaConstant) consumed.add(field.value.viaConstant);
      params.push(param);
    }
  }
  params.push(...cli.known);
  return { params, consumedConstants: [...consumed] };
}

function asDataclass(node: SyntaxNode): Dataclass | undefined {
  const decorated = node.parent;
  if (decorated?.type !== 'decorated_definition') return undefined;
  const isDataclass = decorated.namedChildren.some((d) => {
    if (d?.type !== 'decorator') return false;
    const expr = d.namedChildren[0];
    const name = expr?.type === 'call' ? calleeName(expr) : dottedName(expr);
    // dataclasses.dataclass, pydantic.dataclasses.dataclass, flax.struct.dataclass, chex.dataclass.
    return lastSegment(name) === 'dataclass';
  });
  if (!isDataclass) return undefined;
  const name = node.childForFieldName('name')?.text;
  if (!name) return undefined;
  const superclasses = node.childForFieldName('superclasses');
  const bases = (superclasses?.namedChildren ?? []).map((b) => dottedName(b)).filter((b): b is string => b !== undefined);
  return { name, node, bases };
}

function fields(dataclass: Dataclass, ctx: ExtractionContext): Field[] {
  const out: Field[] = [];
  const body = dataclass.node.childForFieldName('body');
  for (const statement of body?.namedChildren ?? []) {
    if (statement?.type !== 'expression_statement') continue;
    const assignment = statement.namedChildren[0];
    if (assignment?.type !== 'assignment') continue;
    const name = assignment.childForFieldName('left');
    const typeNode = assignment.childForFieldName('type');
    // Without an annotation it is a class attribute, not a field.
    if (name?.type !== 'identifier' || !typeNode) continue;
    const annotation = annotationInfo(typeNode);
    if (annotation.classVar) continue;
    const right = assignment.childForFieldName('right');
    if (!right) {
      out.push({ name, annotation });
      continue;
    }
    if (right.type === 'call' && /^(field|Field)$/.test(lastSegment(calleeName(right)) ?? '')) {
      const parsed = fieldCall(right, ctx);
      if (parsed) out.push({ name, annotation, ...parsed });
      continue;
    }
    out.push({ name, annotation, defaultExpr: right, value: constantExpression(right, ctx.constants) });
  }
  return out;
}

/** `field(default=..., metadata={"help": ...})`; undefined for `field(init=False)`, which no caller sets. */
function fieldCall(call: SyntaxNode, ctx: ExtractionContext): Omit<Field, 'name' | 'annotation'> | undefined {
  const { keywords } = callArguments(call);
  if (literalValue(keywords.get('init'))?.value === false) return undefined;
  const metadata = metadataOf(keywords.get('metadata'));
  let defaultExpr = keywords.get('default');
  const factory = keywords.get('default_factory');
  // default_factory=lambda: [64, 64] holds a literal apply-back can rewrite; list / dict / a class does not.
  if (!defaultExpr && factory?.type === 'lambda') defaultExpr = factory.childForFieldName('body') ?? undefined;
  const value = defaultExpr ? constantExpression(defaultExpr, ctx.constants) : undefined;
  return {
    ...(defaultExpr ? { defaultExpr } : {}),
    ...(value ? { value } : {}),
    ...metadata,
  };
}

/** help and choices from `metadata={"help": ..., "choices": [...]}` or `metadata=dict(help=...)`. */
function metadataOf(node: SyntaxNode | undefined): { help?: string; choices?: JsonValue[] } {
  const entries = new Map<string, SyntaxNode>();
  if (node?.type === 'dictionary') {
    for (const pair of node.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const key = literalValue(pair.childForFieldName('key'))?.value;
      const value = pair.childForFieldName('value');
      if (typeof key === 'string' && value) entries.set(key, value);
    }
  } else if (node?.type === 'call' && calleeName(node) === 'dict') {
    for (const [key, value] of callArguments(node).keywords) entries.set(key, value);
  }
  const help = literalValue(entries.get('help'))?.value;
  const choices = literalValue(entries.get('choices'))?.value;
  return {
    ...(typeof help === 'string' ? { help: help.replace(/\s+/g, ' ').trim() } : {}),
    ...(Array.isArray(choices) ? { choices } : {}),
  };
}

function fieldParam(ctx: ExtractionContext, dataclass: Dataclass, field: Field, style: CliStyle | undefined, classes: ReadonlyMap<string, Dataclass>): ExtractedParam | undefined {
  const { annotation, value } = field;
  // A field holding another config (`optim: OptimConfig = field(default_factory=OptimConfig)`):
  // that config's own fields are listed where it is defined.
  if (annotation.className && classes.has(annotation.className)) return undefined;
  const type = annotation.type !== 'unknown' ? annotation.type : value ? value.type : 'unknown';
  // Neither a known type nor a literal default: nothing Tunekit could propose or write.
  if (type === 'unknown' && !(value && value.value === null)) return undefined;
  const name = field.name.text;
  const choices = annotation.choices ?? field.choices;
  return {
    name,
    source: 'dataclass',
    ...(style ? { flag: style === 'hf' ? `--${name}` : `--${name.replace(/_/g, '-')}` } : {}),
    dest: `${dataclass.name}.${name}`,
    type,
    ...(value ? { default: value.value } : {}),
    ...(field.defaultExpr ? { defaultText: field.defaultExpr.text } : {}),
    ...(choices ? { choices } : {}),
    ...(field.help ? { help: field.help } : {}),
    ...(type === 'bool' && style ? { boolStyle: style === 'hf' ? 'value' : 'paired-flags' } : {}),
    location: {
      file: ctx.file,
      line: field.name.startPosition.row + 1,
      column: field.name.startPosition.column + 1,
      ...(value ? { valueStart: value.node.startIndex, valueEnd: value.node.endIndex } : {}),
    },
    tunable: true,
  };
}

interface CliBindings {
  /** Local dataclass name -> how its fields arrive as flags. */
  readonly styles: Map<string, CliStyle>;
  /** Fields of library dataclasses (transformers.TrainingArguments) the script accepts as flags. */
  readonly known: ExtractedParam[];
}

function cliBindings(ctx: ExtractionContext, classes: ReadonlyMap<string, Dataclass>): CliBindings {
  const styles = new Map<string, CliStyle>();
  const known: ExtractedParam[] = [];
  const knownNames = new Set<string>();
  for (const call of descendantsOfType(ctx.tree.rootNode, 'call')) {
    const callee = calleeName(call);
    const last = lastSegment(callee);
    let style: CliStyle;
    let arg: SyntaxNode | undefined;
    const args = callArguments(call);
    if (last === 'HfArgumentParser') {
      style = 'hf';
      arg = args.positional[0] ?? args.keywords.get('dataclass_types');
    } else if (callee === 'tyro.cli') {
      style = 'tyro';
      arg = args.positional[0] ?? args.keywords.get('f');
    } else {
      continue;
    }
    const named = arg?.type === 'tuple' || arg?.type === 'list' ? arg.namedChildren : [arg];
    for (const node of named) {
      const name = dottedName(node);
      if (!name) continue;
      // The class and its local bases: HfArgumentParser reads inherited fields too.
      for (const local of withLocalBases(name, classes)) if (!styles.has(local)) styles.set(local, style);
      if (style !== 'hf' || !inheritsTrainingArguments(name, classes)) continue;
      const overridden = new Set(withLocalBases(name, classes).flatMap((c) => fieldNames(classes.get(c))));
      for (const field of HF_TRAINING_ARGUMENTS) {
        if (overridden.has(field.name) || knownNames.has(field.name)) continue;
        knownNames.add(field.name);
        known.push({
          name: field.name,
          source: 'dataclass',
          flag: `--${field.name}`,
          dest: `TrainingArguments.${field.name}`,
          type: field.type,
          default: field.default,
          ...(field.choices ? { choices: field.choices } : {}),
          help: `${field.help} (transformers.TrainingArguments; the default comes from the installed transformers)`,
          // Declared inside transformers: the script has no default to rewrite, so the location is the parser call.
          location: { file: ctx.file, line: call.startPosition.row + 1, column: call.startPosition.column + 1 },
          tunable: true,
        });
      }
    }
  }
  return { styles, known };
}

function withLocalBases(name: string, classes: ReadonlyMap<string, Dataclass>): string[] {
  const out: string[] = [];
  const visit = (n: string): void => {
    const local = lastSegment(n) as string;
    const dataclass = classes.get(local);
    if (!dataclass || out.includes(local)) return;
    out.push(local);
    dataclass.bases.forEach(visit);
  };
  visit(name);
  return out;
}

/** TrainingArguments itself (imported from transformers), or a local dataclass built on it. */
function inheritsTrainingArguments(name: string, classes: ReadonlyMap<string, Dataclass>, seen = new Set<string>()): boolean {
  const local = lastSegment(name) as string;
  const dataclass = classes.get(local);
  if (!dataclass) return HF_TRAINING_ARGUMENT_CLASSES.has(local);
  if (seen.has(local)) return false;
  seen.add(local);
  return dataclass.bases.some((b) => inheritsTrainingArguments(b, classes, seen));
}

function fieldNames(dataclass: Dataclass | undefined): string[] {
  const body = dataclass?.node.childForFieldName('body');
  return (body?.namedChildren ?? []).flatMap((s) => {
    const assignment = s?.type === 'expression_statement' ? s.namedChildren[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
    return left?.type === 'identifier' ? [left.text] : [];
  });
}
