/**
 * A JSON Schema (draft-07) validator for the keywords the study-file schema uses, written for
 * its test: a keyword it does not know is an error, never silently ignored, so the schema
 * cannot drift into keywords this check does not enforce. VS Code's own annotations
 * (markdownDescription, defaultSnippets, errorMessage...) are accepted and ignored.
 */

type Schema = boolean | { readonly [keyword: string]: unknown };

const ANNOTATIONS = new Set([
  '$schema', '$id', '$comment', 'title', 'description', 'markdownDescription', 'default', 'examples', 'definitions',
  'defaultSnippets', 'errorMessage', 'patternErrorMessage', 'markdownEnumDescriptions', 'enumDescriptions',
]);
const ASSERTIONS = new Set([
  'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'uniqueItems',
  'minLength', 'pattern', 'minimum', 'exclusiveMinimum', 'minProperties', 'maxProperties', 'allOf', 'anyOf', 'not',
  'if', 'then', 'else', '$ref',
]);

export interface SchemaError {
  /** JSON pointer of the value, e.g. /space/lr/low. */
  readonly at: string;
  readonly message: string;
}

export function validate(root: Schema, value: unknown): SchemaError[] {
  const errors: SchemaError[] = [];
  check(root, root, value, '', errors);
  return errors;
}

function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part];
  if (node === undefined) throw new Error(`dangling $ref ${ref}`);
  return node as Schema;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, type: string): boolean {
  if (type === 'integer') return typeof v === 'number' && Number.isInteger(v);
  return typeOf(v) === type;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

function check(root: Schema, schema: Schema, v: unknown, at: string, errors: SchemaError[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push({ at, message: 'no value is allowed here' });
    return;
  }
  for (const k of Object.keys(schema)) {
    if (!ANNOTATIONS.has(k) && !ASSERTIONS.has(k)) throw new Error(`the test validator does not know the keyword "${k}" (at ${at || '/'})`);
  }
  const s = schema as Record<string, unknown>;
  const fail = (message: string): void => void errors.push({ at, message });
  if (s.$ref !== undefined) check(root, resolveRef(root, s.$ref as string), v, at, errors);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => hasType(v, t))) return fail(`expected ${types.join(' or ')}, got ${typeOf(v)}`);
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => deepEqual(e, v))) fail(`not one of ${JSON.stringify(s.enum)}`);
  if (s.const !== undefined && !deepEqual(s.const, v)) fail(`must be ${JSON.stringify(s.const)}`);
  if (typeof v === 'string') {
    if (s.minLength !== undefined && v.length < (s.minLength as number)) fail('too short');
    if (s.pattern !== undefined && !new RegExp(s.pattern as string, 'u').test(v)) fail(`does not match ${s.pattern as string}`);
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < (s.minimum as number)) fail(`below ${s.minimum as number}`);
    if (s.exclusiveMinimum !== undefined && !(v > (s.exclusiveMinimum as number))) fail(`not above ${s.exclusiveMinimum as number}`);
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < (s.minItems as number)) fail(`fewer than ${s.minItems as number} items`);
    if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(canonical(x)))).size !== v.length) fail('items repeat');
    if (s.items !== undefined) v.forEach((item, i) => check(root, s.items as Schema, item, `${at}/${i}`, errors));
  }
  if (typeOf(v) === 'object') {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in obj)) fail(`missing "${r}"`);
    if (s.minProperties !== undefined && keys.length < (s.minProperties as number)) fail('too few properties');
    if (s.maxProperties !== undefined && keys.length > (s.maxProperties as number)) fail('too many properties');
    const props = (s.properties as Record<string, Schema> | undefined) ?? {};
    for (const k of keys) {
      if (k in props) check(root, props[k] as Schema, obj[k], `${at}/${k}`, errors);
      else if (s.additionalProperties !== undefined) check(root, s.additionalProperties as Schema, obj[k], `${at}/${k}`, errors);
    }
  }
  for (const sub of (s.allOf as Schema[] | undefined) ?? []) check(root, sub, v, at, errors);
  if (s.anyOf !== undefined && !(s.anyOf as Schema[]).some((sub) => validateAt(root, sub, v, at).length === 0)) fail('matches none of anyOf');
  if (s.not !== undefined && validateAt(root, s.not as Schema, v, at).length === 0) fail('matches a schema that is not allowed');
  if (s.if !== undefined) {
    const branch = validateAt(root, s.if as Schema, v, at).length === 0 ? s.then : s.else;
    if (branch !== undefined) check(root, branch as Schema, v, at, errors);
  }
}

function validateAt(root: Schema, schema: Schema, v: unknown, at: string): SchemaError[] {
  const errors: SchemaError[] = [];
  check(root, schema, v, at, errors);
  return errors;
}
