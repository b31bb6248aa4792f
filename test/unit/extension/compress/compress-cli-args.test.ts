import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from 'node:util';
import { PRUNE_OPTIONS } from '../../../../src/cli/commands/prune';
import { QUANTIZE_OPTIONS } from '../../../../src/cli/commands/quantize';
import { compressCliArgs } from '../../../../src/extension/compress/compress-cli-args';
import { methodChoices } from '../../../../src/extension/compress/compress-choices';

const base = { cliPath: '/ext/dist/cli.js', model: '/work/my models/digits.onnx' };

/**
 * Parsed with the CLI command's own flag table (node:util parseArgs, strict), so each value is
 * seen to arrive whole and a flag the CLI does not take fails here.
 */
function parse(args: string[]) {
  const options: Record<string, { type: 'string' | 'boolean' }> = { ...(args[1] === 'prune' ? PRUNE_OPTIONS : QUANTIZE_OPTIONS) };
  return parseArgs({ args: args.slice(1), allowPositionals: true, options }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

test('the recommended pick (dynamic int8) becomes `quantize MODEL --scheme dynamic-int8 --json`', () => {
  const first = methodChoices('onnx')[0];
  assert.equal(first?.description, 'recommended');
  const args = compressCliArgs({ ...base, method: first!.method! });
  // No --output: the CLI picks a free name beside the model, and its report says which.
  assert.deepEqual(args, ['/ext/dist/cli.js', 'quantize', '/work/my models/digits.onnx', '--scheme', 'dynamic-int8', '--json']);
});

test('every row of the method pick maps to the CLI flags of its method', () => {
  const byLabel = Object.fromEntries(methodChoices('onnx').map((c) => [c.label, c]));
  const flags = (label: string) => parse(compressCliArgs({ ...base, method: byLabel[label]!.method! }));
  assert.deepEqual(flags('Weight-only int8').values.scheme, 'weight-int8');
  assert.deepEqual(flags('fp16').values.scheme, 'fp16');
  const global = flags('50% global magnitude');
  assert.deepEqual(global.positionals, ['prune', '/work/my models/digits.onnx']);
  assert.deepEqual([global.values.sparsity, global.values.scope, global.values.pattern], ['0.5', 'global', undefined]);
  const structured = flags('2:4 structured');
  assert.deepEqual([structured.positionals[0], structured.values.pattern, structured.values.sparsity], ['prune', '2:4', undefined]);
  // Custom sparsity rows carry no method: the command asks for the number first.
  assert.equal(byLabel['Custom sparsity, per layer…']?.method, undefined);
  assert.equal(byLabel['Custom sparsity, per layer…']?.customScope, 'layer');
  const perLayer = parse(compressCliArgs({ ...base, method: { kind: 'prune', pattern: 'unstructured', scope: 'layer', sparsity: 0.7 } }));
  assert.deepEqual([perLayer.values.sparsity, perLayer.values.scope], ['0.7', 'layer']);
});

test('optional answers become flags only when given, each value one argument', () => {
  const args = compressCliArgs({
    ...base,
    method: { kind: 'quantize', scheme: 'dynamic-int8' },
    selection: { include: '^(fc|proj) .*', exclude: 'head', embeddings: true },
    output: '/work/my models/out/digits.int8.onnx',
    inputs: '/work/my models/inputs file.npz',
    study: '/work/my models/train.py.tunekit.json',
    python: '/opt/py 3/bin/python',
    verify: false,
  });
  const { values, positionals } = parse(args);
  assert.deepEqual(positionals, ['quantize', '/work/my models/digits.onnx']);
  assert.deepEqual({ ...values }, {
    scheme: 'dynamic-int8',
    include: '^(fc|proj) .*',
    exclude: 'head',
    embeddings: true,
    output: '/work/my models/out/digits.int8.onnx',
    inputs: '/work/my models/inputs file.npz',
    study: '/work/my models/train.py.tunekit.json',
    python: '/opt/py 3/bin/python',
    'no-verify': true,
    json: true,
  });
  const plain = parse(compressCliArgs({ ...base, method: { kind: 'quantize', scheme: 'fp16' } })).values;
  assert.deepEqual(Object.keys(plain).sort(), ['json', 'scheme']);
});
