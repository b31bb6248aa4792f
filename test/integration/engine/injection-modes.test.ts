/**
 * Every injection mode, end to end: buildTrialInvocation's command run as a real Python process
 * with the environment the study runner gives trials, and the script reporting what it saw,
 * value and type. Stdlib scripts run on python3; the YAML and click ones on Debian's python3 with
 * PyYAML / click (skipped with the reason where missing). Hydra is not installed here, so its
 * overrides are checked against a reference reading of Hydra's override grammar.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { JsonValue } from '../../../src/core/space/distributions';
import { createStudy } from '../../../src/core/study/study';
import { buildParamEnv } from '../../../src/engine/injection/env-injection';
import { InjectionError } from '../../../src/engine/injection/injection-error';
import type { TrialBase, TrialInvocation } from '../../../src/engine/injection/trial-invocation';
import { buildTrialInvocation, checkTrialInvocation, globalsShimPath } from '../../../src/engine/injection/trial-invocation';
import { pythonClientDir } from '../../../src/engine/python-client-path';
import { runStudy } from '../../../src/engine/study-runner';
import type { InjectionSpec } from '../../../src/protocol/study-file';
import { DEBIAN_PYTHON, missingPythonModules } from '../../helpers/debian-python';
import { tempDir } from '../../helpers/temp-dir';

/** Prints {name: [type name, value]} for the values the script ended up with. */
const REPORT = 'def report(values):\n    print(json.dumps({k: [type(v).__name__, v] for k, v in values.items()}))\n';

type Seen = Record<string, [string, unknown]>;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seen: Seen;
}

/** Runs the invocation as the study runner would: its env on top of the TUNEKIT_* variables every trial gets. */
function run(inv: TrialInvocation, params: Record<string, JsonValue>, fixed: Record<string, JsonValue>, cwd: string): Run {
  const env = {
    ...process.env,
    ...buildParamEnv({ ...fixed, ...params }, 'modes', 0, path.join(cwd, 'control')),
    ...inv.env,
    PYTHONPATH: pythonClientDir(),
  };
  const r = spawnSync(inv.file, inv.args, { cwd, env, encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let seen: Seen = {};
  try {
    seen = JSON.parse(last) as Seen;
  } catch {
    // The failing cases print no report; the assertions look at code and stderr.
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, seen };
}

function invoke(spec: InjectionSpec, base: TrialBase, params: Record<string, JsonValue>, fixed: Record<string, JsonValue>, trialDir: string, floats: string[] = []): TrialInvocation {
  return buildTrialInvocation(spec, base, params, fixed, trialDir, { floatParams: new Set(floats) });
}

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

// ---------------------------------------------------------------- flags

const ARGPARSE = `import argparse, ast, json
${REPORT}
p = argparse.ArgumentParser()
p.add_argument("--lr", type=float, default=0.1)
p.add_argument("--batch-size", type=int, default=32)
p.add_argument("--optimizer", default="sgd")
p.add_argument("--layers", type=json.loads, default=[1])
p.add_argument("--shuffle", action="store_true")
p.add_argument("--no-augment", action="store_false", dest="augment")
p.add_argument("--bn", action=argparse.BooleanOptionalAction, default=True)
p.add_argument("--nesterov", type=ast.literal_eval, default=False)
p.add_argument("--shift", type=float, default=0.0)
p.add_argument("--epochs", type=int, default=1)
report(vars(p.parse_args()))
`;

const ARGPARSE_BINDINGS: InjectionSpec = {
  mode: 'flags',
  params: {
    shuffle: { flag: '--shuffle', bool: 'store_true' },
    'no-augment': { flag: '--no-augment', bool: 'store_false' },
    bn: { flag: '--bn', bool: 'paired-flags' },
    nesterov: { flag: '--nesterov', bool: 'value' },
  },
};

test('flags: argparse receives every value with its type, and each boolean switched its own way', (t) => {
  const dir = tempDir(t);
  const script = write(dir, 'train.py', ARGPARSE);
  const base = { file: 'python3', args: [script], cwd: dir };
  const params = { lr: 1, 'batch-size': 64, optimizer: 'adam w', layers: [64, 128], shuffle: true, 'no-augment': false, bn: false, nesterov: true, shift: -1e-5 };
  const inv = invoke(ARGPARSE_BINDINGS, base, params, { epochs: 7 }, dir, ['lr', 'shift']);
  assert.deepEqual(inv.args.slice(1), ['--epochs', '7', '--lr', '1', '--batch-size', '64', '--optimizer', 'adam w', '--layers', '[64,128]', '--shuffle', '--no-augment', '--no-bn', '--nesterov', 'True', '--shift=-0.00001']);
  const r = run(inv, params, { epochs: 7 }, dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.seen, {
    lr: ['float', 1],
    batch_size: ['int', 64],
    optimizer: ['str', 'adam w'],
    layers: ['list', [64, 128]],
    shuffle: ['bool', true],
    augment: ['bool', false],
    bn: ['bool', false],
    nesterov: ['bool', true],
    shift: ['float', -1e-5],
    epochs: ['int', 7],
  });

  const flipped = { shuffle: false, 'no-augment': true, bn: true, nesterov: false };
  const inv2 = invoke(ARGPARSE_BINDINGS, base, flipped, {}, dir);
  assert.deepEqual(inv2.args.slice(1), ['--bn', '--nesterov', 'False'], 'a switch that is off is simply left out');
  const r2 = run(inv2, flipped, {}, dir);
  assert.equal(r2.code, 0, r2.stderr);
  assert.deepEqual([r2.seen.shuffle, r2.seen.augment, r2.seen.bn, r2.seen.nesterov], [['bool', false], ['bool', true], ['bool', true], ['bool', false]]);
});

test('flags: click --x/--no-x pairs, a custom off switch, and store_false all reach a real click command', (t) => {
  const missing = missingPythonModules('click');
  if (missing) return t.skip(missing);
  const dir = tempDir(t);
  const script = write(
    dir,
    'train.py',
    `import click, json
${REPORT}
@click.command()
@click.option("--lr", type=float, default=0.1)
@click.option("--shuffle/--no-shuffle", default=True)
@click.option("--fast/--slow", default=True)
@click.option("--amp/--no-amp", default=False)
def main(**kw):
    report(kw)
main()
`,
  );
  const spec: InjectionSpec = {
    mode: 'flags',
    params: {
      shuffle: { flag: '--shuffle', bool: 'paired-flags' },
      fast: { flag: '--fast/--slow', bool: 'paired-flags' },
      amp: { flag: '--amp', bool: 'paired-flags' },
    },
  };
  for (const [shuffle, fast, amp] of [
    [false, false, true],
    [true, true, false],
  ] as const) {
    const params = { lr: 0.25, shuffle, fast, amp };
    const inv = invoke(spec, { file: DEBIAN_PYTHON, args: [script], cwd: dir }, params, {}, dir);
    assert.ok(inv.args.includes(shuffle ? '--shuffle' : '--no-shuffle') && inv.args.includes(fast ? '--fast' : '--slow'), inv.args.join(' '));
    const r = run(inv, params, {}, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.seen, { lr: ['float', 0.25], shuffle: ['bool', shuffle], fast: ['bool', fast], amp: ['bool', amp] });
  }
});

test('flags: absl style is --name=value, booleans --name / --noname, and argv reaches Python intact', (t) => {
  const dir = tempDir(t);
  const script = write(dir, 'echo.py', 'import json, sys\nprint(json.dumps(sys.argv[1:]))\n');
  const spec: InjectionSpec = { mode: 'flags', style: 'equals', params: { use_bn: { flag: '--use_bn', bool: 'absl' }, amp: { flag: '--amp', bool: 'absl' } } };
  const params = { learning_rate: 0.01, use_bn: false, amp: true, name: 'a=b c' };
  const inv = invoke(spec, { file: 'python3', args: [script], cwd: dir }, params, {}, dir);
  // absl documents `--flag=value`, `--flag` and `--noflag` (absl/flags/_flagvalues.py).
  const expected = ['--learning_rate=0.01', '--nouse_bn', '--amp', '--name=a=b c'];
  assert.deepEqual(inv.args.slice(1), expected);
  const r = spawnSync(inv.file, inv.args, { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(r.stdout), expected);
});

// ---------------------------------------------------------------- env

test('env: the script reads TUNEKIT_PARAM_<NAME> and TUNEKIT_PARAMS, fixed values included; argv is untouched', (t) => {
  const dir = tempDir(t);
  const script = write(
    dir,
    'train.py',
    `import json, os, sys
${REPORT}
import tunekit
p = tunekit.params()
report({"lr": float(os.environ["TUNEKIT_PARAM_LR"]), "batch": int(os.environ["TUNEKIT_PARAM_BATCH_SIZE"]), "epochs": p["epochs"], "opt": p["opt"], "layers": p["layers"], "argv": sys.argv[1:]})
`,
  );
  const params = { lr: 0.003, batch_size: 16, opt: 'adam', layers: [8, 8] };
  const inv = invoke({ mode: 'env' }, { file: 'python3', args: [script, '--keep'], cwd: dir }, params, { epochs: 4 }, dir);
  assert.deepEqual(inv.args, [script, '--keep']);
  const r = run(inv, params, { epochs: 4 }, dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.seen, { lr: ['float', 0.003], batch: ['int', 16], epochs: ['int', 4], opt: ['str', 'adam'], layers: ['list', [8, 8]], argv: ['list', ['--keep']] });
});

// ---------------------------------------------------------------- globals

const CONSTANTS = `"""A script that keeps its hyperparameters in constants."""
import json, os, pickle, sys
${REPORT}
LR = 0.1
BATCH: int = 32
SCALE = 1
OPTIMIZER = "sgd"
AMP = False
LAYERS = [64, 64]
BETAS = (0.9, 0.999)
CRASH = False

class Model:
    pass

pickle.loads(pickle.dumps(Model()))  # classes defined here pickle through __main__
report({"LR": LR, "BATCH": BATCH, "SCALE": SCALE, "OPTIMIZER": OPTIMIZER, "AMP": AMP, "LAYERS": LAYERS, "BETAS": BETAS,
        "name": __name__, "file": __file__, "argv": sys.argv, "path0": sys.path[0], "doc": __doc__})
if CRASH:
    raise RuntimeError("diverged")
`;

/** The 1-based line of the raise above. */
const RAISE_LINE = CONSTANTS.split('\n').findIndex((l) => l.includes('raise RuntimeError')) + 1;

test('globals: the shim sets module constants with the script\'s own types and runs it as __main__', (t) => {
  const dir = tempDir(t);
  const script = write(dir, 'train.py', CONSTANTS);
  const cwd = tempDir(t);
  const params = { LR: 2, BATCH: 64, SCALE: 3, OPTIMIZER: 'adam w', AMP: true, LAYERS: [128], BETAS: [0.5, 0.6] };
  const inv = invoke({ mode: 'globals' }, { file: 'python3', args: [script, '--flag', 'x'], cwd }, params, {}, dir, ['SCALE']);
  assert.deepEqual(inv.args, [globalsShimPath(), script, '--flag', 'x']);
  const r = run(inv, params, {}, cwd);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.seen, {
    LR: ['float', 2], // written 0.1 in the script: an integral value stays a float
    BATCH: ['int', 64],
    SCALE: ['float', 3], // an int in the script, but sampled from a float distribution
    OPTIMIZER: ['str', 'adam w'],
    AMP: ['bool', true],
    LAYERS: ['list', [128]],
    BETAS: ['tuple', [0.5, 0.6]],
    name: ['str', '__main__'],
    file: ['str', script],
    argv: ['list', [script, '--flag', 'x']],
    path0: ['str', dir],
    doc: ['str', 'A script that keeps its hyperparameters in constants.'],
  });
});

test('globals: a traceback names the original file and line, not the shim', (t) => {
  const dir = tempDir(t);
  const script = write(dir, 'train.py', CONSTANTS);
  const inv = invoke({ mode: 'globals' }, { file: 'python3', args: [script], cwd: dir }, { CRASH: true, LR: 0.5 }, {}, dir);
  const r = run(inv, { CRASH: true }, {}, dir);
  assert.equal(r.code, 1);
  assert.ok(RAISE_LINE > 20);
  assert.ok(r.stderr.includes(`File "${script}", line ${RAISE_LINE}, in <module>\n    raise RuntimeError("diverged")\n`), r.stderr);
  assert.match(r.stderr, /RuntimeError: diverged\s*$/);
  assert.doesNotMatch(r.stderr, /_globals_shim/);
});

test('globals: a name the script does not assign stops with exit code 2 and a clear message, before any trial with the check', async (t) => {
  const dir = tempDir(t);
  const script = write(dir, 'train.py', CONSTANTS);
  const base = { file: 'python3', args: [script], cwd: dir };
  const r = run(invoke({ mode: 'globals' }, base, { LR: 0.5, DROPOUT: 0.2 }, {}, dir), {}, {}, dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /tunekit: cannot set DROPOUT in .*train\.py: it has no top-level assignment `DROPOUT = \.\.\.` \(top-level names: AMP, BATCH, BETAS, CRASH, LAYERS, LR, OPTIMIZER, SCALE\)/);
  assert.equal(r.seen.LR, undefined, 'the script did not run');

  await assert.rejects(checkTrialInvocation({ mode: 'globals' }, base, ['LR', 'DROPOUT']), (e: unknown) => InjectionError.is(e) && /cannot set DROPOUT/.test(e.message));
  await checkTrialInvocation({ mode: 'globals' }, base, ['LR', 'BATCH']);
  await assert.rejects(
    checkTrialInvocation({ mode: 'globals' }, { file: 'bash', args: ['run.sh'], cwd: dir }, ['LR']),
    (e: unknown) => InjectionError.is(e) && /needs the script run by an interpreter/.test(e.message),
  );
});

// ---------------------------------------------------------------- config

const YAML_CONFIG = `# training settings
optimizer:
  name: adam      # or sgd
  lr: 0.001
  weight_decay: 0.0
batch_size: 32
model:
  layers:
    - 64
    - 64
  use_amp: false
tag: run
`;

const YAML_SCRIPT = (loadPath: string): string => `import argparse, json, os, yaml
${REPORT}
HERE = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--config", default=${loadPath})
cfg = yaml.safe_load(open(p.parse_args().config))
report({"lr": cfg["optimizer"]["lr"], "wd": cfg["optimizer"]["weight_decay"], "name": cfg["optimizer"]["name"], "batch": cfg["batch_size"],
        "layers": cfg["model"]["layers"], "amp": cfg["model"]["use_amp"], "tag": cfg["tag"], "loaded": p.parse_args().config})
`;

test('config (YAML): a per-trial copy with the keys set, comments kept, swapped in for --config; PyYAML reads the types back', (t) => {
  const missing = missingPythonModules('yaml');
  if (missing) return t.skip(missing);
  const dir = tempDir(t);
  const original = write(dir, 'config.yaml', YAML_CONFIG);
  const script = write(dir, 'train.py', YAML_SCRIPT('"config.yaml"'));
  const trialDir = path.join(dir, 'trial-0001');
  // 1e-7 is where PyYAML (YAML 1.1) would read plain "1e-07" as a string; "yes" would be a bool.
  const params = { 'optimizer.lr': 1, 'optimizer.weight_decay': 1e-7, batch_size: 64, 'model.layers': [128, 32], 'model.use_amp': true, tag: 'yes' };
  const spec: InjectionSpec = { mode: 'config', file: original, format: 'yaml' };
  const inv = invoke(spec, { file: DEBIAN_PYTHON, args: [script, '--config', 'config.yaml'], cwd: dir }, params, { 'optimizer.name': 'sgd' }, trialDir, ['optimizer.lr', 'optimizer.weight_decay']);
  const copy = path.join(trialDir, 'config.yaml');
  assert.deepEqual(inv.args, [script, '--config', copy]);
  assert.deepEqual(inv.files, [copy]);
  const r = run(inv, params, {}, dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.seen, {
    lr: ['float', 1],
    wd: ['float', 1e-7],
    name: ['str', 'sgd'],
    batch: ['int', 64],
    layers: ['list', [128, 32]],
    amp: ['bool', true],
    tag: ['str', 'yes'],
    loaded: ['str', copy],
  });
  const text = fs.readFileSync(copy, 'utf8');
  assert.match(text, /^# training settings\n/);
  assert.match(text, /name: sgd {6}# or sgd\n/, 'a comment after a replaced value stays');
  assert.equal(fs.readFileSync(original, 'utf8'), YAML_CONFIG, 'the original is untouched');
});

test('config (YAML): a script that hard-codes the path gets the copy through the shim\'s redirect', async (t) => {
  const missing = missingPythonModules('yaml');
  if (missing) return t.skip(missing);
  const dir = tempDir(t);
  const original = write(dir, 'conf/config.yaml', YAML_CONFIG);
  const script = write(dir, 'train.py', YAML_SCRIPT('os.path.join(HERE, "conf/config.yaml")'));
  const cwd = tempDir(t); // the path is relative to the script's folder, not the working directory
  const spec: InjectionSpec = { mode: 'config', file: original, format: 'yaml' };
  const base = { file: DEBIAN_PYTHON, args: [script], cwd };
  await checkTrialInvocation(spec, base, ['optimizer.lr', 'batch_size']);
  const trialDir = path.join(cwd, 'trial-0002');
  const inv = invoke(spec, base, { 'optimizer.lr': 0.02, batch_size: 8 }, {}, trialDir);
  assert.equal(inv.args[0], globalsShimPath());
  const r = run(inv, {}, {}, cwd);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([r.seen.lr, r.seen.batch, r.seen.loaded], [['float', 0.02], ['int', 8], ['str', path.join(trialDir, 'config.yaml')]]);
});

test('config: a missing key, or no way to point the script at the copy, is refused before any trial', async (t) => {
  const dir = tempDir(t);
  const original = write(dir, 'config.yaml', YAML_CONFIG);
  const spec: InjectionSpec = { mode: 'config', file: original, format: 'yaml' };
  const silent = write(dir, 'train.py', 'import yaml\nprint("loss=1")\n');
  await assert.rejects(
    checkTrialInvocation(spec, { file: 'python3', args: [silent, '--config', 'config.yaml'], cwd: dir }, ['optimizer.lrr']),
    (e: unknown) => InjectionError.is(e) && /config\.yaml: cannot set "optimizer\.lrr" under "optimizer": it has no key "lrr" \(keys there: name, lr, weight_decay\)/.test(e.message),
  );
  await assert.rejects(
    checkTrialInvocation(spec, { file: 'python3', args: [silent], cwd: dir }, ['batch_size']),
    (e: unknown) => InjectionError.is(e) && /never names .*config\.yaml as one string literal/.test(e.message),
  );
  await assert.rejects(
    checkTrialInvocation(spec, { file: './train.sh', args: [], cwd: dir }, ['batch_size']),
    (e: unknown) => InjectionError.is(e) && /--config FILE/.test(e.message),
  );
  assert.throws(() => buildTrialInvocation(spec, { file: 'python3', args: [silent, 'config.yaml'], cwd: dir }, { 'model.width': 3 }, {}, path.join(dir, 't')), /cannot set "model\.width" under "model": it has no key "width"/);
});

test('config (JSON): stdlib json reads floats as floats, --config=PATH is swapped too', (t) => {
  const dir = tempDir(t);
  const original = write(dir, 'params.json', '{\n\t"lr": 0.5,\n\t"steps": 10,\n\t"opt": {"name": "adam", "betas": [0.9, 0.999]}\n}\n');
  const script = write(
    dir,
    'train.py',
    `import json, sys
${REPORT}
cfg = json.load(open(sys.argv[1].split("=", 1)[1]))
report({"lr": cfg["lr"], "steps": cfg["steps"], "name": cfg["opt"]["name"], "betas": cfg["opt"]["betas"]})
`,
  );
  const spec: InjectionSpec = { mode: 'config', file: original, format: 'json' };
  const params = { lr: 2, 'opt.name': 'say "hi"', 'opt.betas': [0.5, 0.75] };
  const inv = invoke(spec, { file: 'python3', args: [script, '--config=params.json'], cwd: dir }, params, { steps: 20 }, path.join(dir, 'trial'), ['lr']);
  assert.equal(inv.args[1], `--config=${path.join(dir, 'trial', 'params.json')}`);
  const r = run(inv, params, {}, dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.seen, { lr: ['float', 2], steps: ['int', 20], name: ['str', 'say "hi"'], betas: ['list', [0.5, 0.75]] });
});

// ---------------------------------------------------------------- hydra

/**
 * A reference reading of Hydra's override grammar (hydra/grammar/OverrideLexer.g4 and
 * OverrideParser.g4, Hydra 1.3), written from the grammar, not from the code under test:
 * ANTLR's longest-match lexing with ties to the earlier rule, then `key=value` where value is one
 * element (a sweep `a,b` is rejected), and the visitor's typing of primitives.
 */
type Typed =
  | { t: 'int' | 'float'; v: number }
  | { t: 'str'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'list'; v: Typed[] }
  | { t: 'dict'; v: Record<string, Typed> };

const INT_U = '(?:0|[1-9](?:_?[0-9])*)';
const DIGITS = '[0-9](?:_?[0-9])*';
const POINT = `(?:${INT_U}?\\.${DIGITS}|${INT_U}\\.)`;
const EXPONENT = `(?:(?:${POINT}|${INT_U})[eE][+-]?${DIGITS})`;
const VALUE_TOKENS: [string, RegExp][] = [
  ['POPEN', /[ \t]*\([ \t]*/y],
  ['COMMA', /[ \t]*,[ \t]*/y],
  ['PCLOSE', /[ \t]*\)/y],
  ['BRACKET_OPEN', /\[[ \t]*/y],
  ['BRACKET_CLOSE', /[ \t]*\]/y],
  ['BRACE_OPEN', /\{[ \t]*/y],
  ['BRACE_CLOSE', /[ \t]*\}/y],
  ['COLON', /[ \t]*:[ \t]*/y],
  ['EQUAL', /[ \t]*=[ \t]*/y],
  ['FLOAT', new RegExp(`[+-]?(?:${EXPONENT}|${POINT}|[Ii][Nn][Ff]|[Nn][Aa][Nn])`, 'y')],
  ['INT', new RegExp(`[+-]?${INT_U}`, 'y')],
  ['BOOL', /[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]/y],
  ['NULL', /[Nn][Uu][Ll][Ll]/y],
  ['UNQUOTED_CHAR', /[/\-\\+.$%*@?|]/y],
  ['ID', /[A-Za-z_][A-Za-z0-9_-]*/y],
  ['ESC', /(?:\\\\|\\\(|\\\)|\\\[|\\\]|\\\{|\\\}|\\:|\\=|\\,|\\ |\\\t)+/y],
  ['WS', /[ \t]+/y],
  ['INTERPOLATION', /\$\{[^}]+\}/y],
];

function quotedLength(s: string, at: number): number | undefined {
  const q = s[at];
  if (q !== "'" && q !== '"') return undefined;
  for (let i = at + 1; i < s.length; i++) {
    if (s[i] !== q) continue;
    let slashes = 0;
    while (s[i - 1 - slashes] === '\\' && i - 1 - slashes > at) slashes++;
    if (slashes % 2 === 0) return i - at + 1;
  }
  return undefined;
}

function lexValue(s: string): { type: string; text: string }[] {
  const tokens: { type: string; text: string }[] = [];
  let at = 0;
  while (at < s.length) {
    let best: { type: string; text: string } | undefined;
    for (const [type, re] of VALUE_TOKENS) {
      re.lastIndex = at;
      const m = re.exec(s);
      if (m && m[0].length > 0 && (!best || m[0].length > best.text.length)) best = { type, text: m[0] };
    }
    const q = quotedLength(s, at);
    if (q !== undefined && (!best || q > best.text.length)) best = { type: 'QUOTED_VALUE', text: s.slice(at, at + q) };
    if (!best) throw new Error(`Hydra's lexer stops at ${JSON.stringify(s.slice(at))}`);
    tokens.push(best);
    at += best.text.length;
  }
  return tokens;
}

/** hydra/core/override_parser/overrides_visitor.py: _unescape_quoted_string. */
function unescapeQuoted(text: string): string {
  const q = text[0] as string;
  let rest = text.slice(1);
  const pattern = new RegExp(`(\\\\)+${q}`);
  let out = '';
  for (let m = pattern.exec(rest); m; m = pattern.exec(rest)) {
    out += rest.slice(0, m.index);
    const match = rest.slice(m.index, m.index + m[0].length);
    for (let i = 1; i < match.length; i += 2) out += match[i];
    rest = rest.slice(m.index + m[0].length);
  }
  return out + rest.slice(0, -1);
}

const PRIMITIVE_PARTS = new Set(['ID', 'NULL', 'INT', 'FLOAT', 'BOOL', 'INTERPOLATION', 'UNQUOTED_CHAR', 'COLON', 'ESC', 'WS']);

function parseHydraOverride(arg: string): { key: string; value: Typed } {
  const eq = arg.indexOf('=');
  const key = arg.slice(0, eq);
  const segment = '(?:[A-Za-z_$][A-Za-z0-9_$-]*|0|[1-9][0-9]*)';
  assert.match(key, new RegExp(`^(?:${segment}(?:\\.${segment})*|[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)+)$`), `key of ${arg}`);
  const tokens = lexValue(arg.slice(eq + 1));
  let at = 0;
  const peek = (): string | undefined => tokens[at]?.type;
  const element = (inDict = false): Typed => {
    if (peek() === 'BRACKET_OPEN') {
      at++;
      const items: Typed[] = [];
      while (peek() !== 'BRACKET_CLOSE') {
        items.push(element());
        if (peek() === 'COMMA') at++;
        else assert.equal(peek(), 'BRACKET_CLOSE', `list in ${arg}`);
      }
      at++;
      return { t: 'list', v: items };
    }
    if (peek() === 'BRACE_OPEN') {
      at++;
      const entries: Record<string, Typed> = {};
      while (peek() !== 'BRACE_CLOSE') {
        const k = tokens[at++];
        assert.equal(k?.type, 'ID', `dict key in ${arg}`);
        assert.equal(tokens[at++]?.type, 'COLON', `dict in ${arg}`);
        entries[(k as { text: string }).text] = element(true);
        if (peek() === 'COMMA') at++;
        else assert.equal(peek(), 'BRACE_CLOSE', `dict in ${arg}`);
      }
      at++;
      return { t: 'dict', v: entries };
    }
    if (peek() === 'QUOTED_VALUE') return { t: 'str', v: unescapeQuoted((tokens[at++] as { text: string }).text) };
    const parts: { type: string; text: string }[] = [];
    while (peek() !== undefined && PRIMITIVE_PARTS.has(peek() as string) && !(inDict && peek() === 'COLON')) parts.push(tokens[at++] as { type: string; text: string });
    while (parts[0]?.type === 'WS') parts.shift();
    while (parts[parts.length - 1]?.type === 'WS') parts.pop();
    assert.ok(parts.length > 0, `an element in ${arg}`);
    if (parts.length > 1) return { t: 'str', v: parts.map((p) => (p.type === 'ESC' ? [...p.text].filter((_, i) => i % 2 === 1).join('') : p.text)).join('') };
    const only = parts[0] as { type: string; text: string };
    switch (only.type) {
      case 'INT':
        return { t: 'int', v: Number(only.text.replace(/_/g, '')) };
      case 'FLOAT': {
        const lower = only.text.toLowerCase().replace(/_/g, '');
        const v = lower.endsWith('inf') ? (lower.startsWith('-') ? -Infinity : Infinity) : lower.endsWith('nan') ? NaN : Number(lower);
        return { t: 'float', v };
      }
      case 'BOOL':
        return { t: 'bool', v: only.text.toLowerCase() === 'true' };
      case 'NULL':
        return { t: 'null' };
      default:
        return { t: 'str', v: only.text };
    }
  };
  const value = element();
  assert.equal(peek(), undefined, `${arg} must be one element, not a sweep (tokens left: ${JSON.stringify(tokens.slice(at))})`);
  return { key, value };
}

test('hydra: overrides in Hydra\'s grammar read back as the exact value and type, argv intact through Python', (t) => {
  const dir = tempDir(t);
  const script = write(dir, 'app.py', 'import json, sys\nprint(json.dumps(sys.argv[1:]))\n');
  const values: Record<string, JsonValue> = {
    'optimizer.lr': 1,
    'optimizer.eps': 1e-8,
    'model.depth': 4,
    'model.shift': -0.5,
    'trainer.amp': true,
    'data.name': 'cifar10',
    'data.mode': 'true',
    'data.version': '1e-3',
    'data.title': 'it\'s a "run", ok',
    'data.glob': 'imgs/*.png',
    'data.root': '/data/sets',
    'data.slash': 'C:\\dir\\',
    'data.literal': '${not.interpolated}',
    'data.empty': '',
    'model.head': null,
    'model.layers': [64, 'wide', [2.5, false]],
    'model.act': { name: 'gelu', slope: 0.1 },
    'opt.big': 2 ** 70,
    'opt.inf': Infinity,
    'layers.0': 3,
  };
  const inv = invoke({ mode: 'hydra' }, { file: 'python3', args: [script], cwd: dir }, values, {}, path.join(dir, 'trial-0003'), ['optimizer.lr']);
  const r = spawnSync(inv.file, inv.args, { encoding: 'utf8' });
  const argv = JSON.parse(r.stdout) as string[];
  assert.deepEqual(argv, inv.args.slice(1));
  const parsed = Object.fromEntries(argv.map((a) => parseHydraOverride(a)).map((o) => [o.key, o.value]));
  const str = (v: string): Typed => ({ t: 'str', v });
  assert.deepEqual(parsed, {
    'optimizer.lr': { t: 'float', v: 1 },
    'optimizer.eps': { t: 'float', v: 1e-8 },
    'model.depth': { t: 'int', v: 4 },
    'model.shift': { t: 'float', v: -0.5 },
    'trainer.amp': { t: 'bool', v: true },
    'data.name': str('cifar10'),
    'data.mode': str('true'),
    'data.version': str('1e-3'),
    'data.title': str('it\'s a "run", ok'),
    'data.glob': str('imgs/*.png'),
    'data.root': str('/data/sets'),
    'data.slash': str('C:\\dir\\'),
    // OmegaConf turns the escaped `\${` back into a literal `${` instead of resolving it.
    'data.literal': str('\\${not.interpolated}'),
    'data.empty': str(''),
    'model.head': { t: 'null' },
    'model.layers': { t: 'list', v: [{ t: 'int', v: 64 }, str('wide'), { t: 'list', v: [{ t: 'float', v: 2.5 }, { t: 'bool', v: false }] }] },
    'model.act': { t: 'dict', v: { name: str('gelu'), slope: { t: 'float', v: 0.1 } } },
    'opt.big': { t: 'int', v: 2 ** 70 },
    'opt.inf': { t: 'float', v: Infinity },
    'layers.0': { t: 'int', v: 3 },
    // Each trial gets its own Hydra output folder inside its trial folder.
    'hydra.run.dir': str(path.join(dir, 'trial-0003', 'hydra')),
  });
  assert.throws(() => invoke({ mode: 'hydra' }, { file: 'python3', args: [script], cwd: dir }, { 'bad key': 1 }, {}, dir), /"bad key" is not a key Hydra can override/);
  const own = invoke({ mode: 'hydra' }, { file: 'python3', args: [script, 'hydra.run.dir=out'], cwd: dir }, { lr: 0.1 }, {}, dir);
  assert.deepEqual(own.args.slice(1), ['hydra.run.dir=out', 'lr=0.1'], 'a run dir the user sets is kept');
});

// ---------------------------------------------------------------- the study runner

test('the runner injects through the study\'s mode with its fixed values; a trial whose values cannot be passed fails alone', async (t) => {
  const dir = tempDir(t);
  const script = write(dir, 'train.py', 'LR = 0.1\nTAG = "x"\nEPOCHS = 1\nfor e in range(EPOCHS):\n    print(f"epoch {e} loss={LR + len(TAG)}")\n');
  const journal = path.join(dir, 'runs.journal');
  const study = createStudy({
    space: { TAG: { type: 'categorical', choices: ['ab', 'a\0b'] }, LR: { type: 'float', low: 1, high: 1 } },
    sampler: 'grid',
    storage: journal,
    studyName: 'runner',
  });
  const summary = await runStudy({
    study,
    journalPath: journal,
    command: { file: 'python3', args: [script], cwd: dir, injection: { mode: 'flags' }, fixed: { EPOCHS: 3 } },
    objective: 'loss',
    finalValue: 'last',
    trials: 2,
    parallel: 1,
    graceMs: 1000,
    gpus: null,
  });
  // argv cannot carry a NUL: that trial fails with the reason, and the run goes on to the other.
  assert.deepEqual([summary.started, summary.failed, summary.complete], [2, 1, 1]);
  const nul = study.trials.find((tr) => tr.params.TAG === 'a\0b');
  assert.equal(nul?.state, 'fail');
  assert.match(String(nul?.systemAttrs.fail_reason), /parameter "TAG" has a value containing a NUL character/);

  const globals = createStudy({ space: { TAG: { type: 'categorical', choices: ['abc'] }, LR: { type: 'float', low: 2, high: 2 } }, sampler: 'grid', storage: journal, studyName: 'runner-globals' });
  await runStudy({
    study: globals,
    journalPath: journal,
    command: { file: 'python3', args: [script], cwd: dir, injection: { mode: 'globals' }, fixed: { EPOCHS: 3 } },
    objective: 'loss',
    finalValue: 'last',
    trials: 1,
    parallel: 1,
    graceMs: 1000,
    gpus: null,
  });
  const trial = globals.trials[0];
  assert.equal(trial?.state, 'complete', JSON.stringify(trial));
  assert.equal(trial?.values?.[0], 5, 'LR=2.0 and TAG="abc" reached the constants');
  const stdout = fs.readFileSync(path.join(String(trial?.userAttrs.log_dir), 'stdout.log'), 'utf8');
  assert.equal(stdout.split('\n').filter((l) => l.startsWith('epoch')).length, 3, 'the fixed EPOCHS=3 reached the script');
  assert.deepEqual((trial?.userAttrs.command as string[]).slice(0, 3), ['python3', globalsShimPath(), script]);
});
