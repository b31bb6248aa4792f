/**
 * safetensors against an independent implementation: Debian's torch 1.13 + numpy with a
 * hand-written reader / writer (fixtures/st_tool.py; the `safetensors` package is not on this
 * machine). A file Python wrote reads in Tunekit, a file Tunekit wrote reads in Python with the
 * same bytes and values, and every compression's output loads into the torch model it came from.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { CompressionMethod, TensorSelection } from '../../../../src/protocol/compression';
import { compressSafetensors } from '../../../../src/compress/safetensors/safetensors-compress';
import { SafetensorsReader, writeSafetensors } from '../../../../src/compress/safetensors/safetensors-file';
import type { SafetensorsDtype, SafetensorsTensorSpec } from '../../../../src/compress/safetensors/safetensors-file';
import { bfloat16ToFloat32, float16ToFloat32 } from '../../../../src/compress/tensor/float-formats';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { tempDir } from '../../../helpers/temp-dir';

const skip = missingPythonModules('torch', 'numpy');
const TOOL = path.join(import.meta.dirname, 'fixtures', 'st_tool.py');

interface Described {
  metadata: Record<string, string> | null;
  tensors: Record<string, { dtype: SafetensorsDtype; shape: number[]; sha256: string; sum?: number }>;
}
interface Checked {
  metadata: Record<string, string> | null;
  changed: string[];
  added: string[];
  sparsity: Record<string, number>;
  two_of_four: Record<string, boolean>;
  int8_within_half_step?: Record<string, boolean>;
  matches_torch_cast?: boolean;
  same_mask_as_torch?: Record<string, boolean>;
  max_abs_diff: number;
  top1_agreement: number;
}

const tool = (...args: string[]) => runPythonJson(`import runpy, sys; sys.argv = ['st_tool.py', *sys.argv[1:]]; runpy.run_path(${JSON.stringify(TOOL)}, run_name='__main__')`, args);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function floatSum(dtype: SafetensorsDtype, bytes: Uint8Array): number | undefined {
  const u16 = () => new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  const values =
    dtype === 'F32' ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
    : dtype === 'F64' ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8)
    : dtype === 'F16' ? float16ToFloat32(u16())
    : dtype === 'BF16' ? bfloat16ToFloat32(u16())
    : undefined;
  if (values === undefined) return undefined;
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

/** The Python-made checkpoint, made once for the whole file (importing torch takes seconds). */
let sharedModel: string | undefined;
after(() => {
  if (sharedModel) fs.rmSync(path.dirname(sharedModel), { recursive: true, force: true });
});

/** A private copy of the Python-made checkpoint in a fresh directory. */
function makeModel(t: TestContext): { dir: string; source: string } {
  if (sharedModel === undefined) {
    sharedModel = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-st-model-')), 'net.safetensors');
    tool('make-model', sharedModel);
  }
  const dir = tempDir(t);
  const source = path.join(dir, 'net.safetensors');
  fs.copyFileSync(sharedModel, source);
  return { dir, source };
}

test('a file written in Python reads in Tunekit: names, dtypes, shapes, bytes and values', { skip }, (t) => {
  const { source } = makeModel(t);
  const python = tool('describe', source) as Described;
  const reader = SafetensorsReader.open(source);
  t.after(() => reader.close());
  assert.deepEqual(reader.header.metadata, python.metadata);
  assert.deepEqual(reader.header.tensors.map((x) => x.name).sort(), Object.keys(python.tensors).sort());
  for (const info of reader.header.tensors) {
    const want = python.tensors[info.name]!;
    const bytes = reader.readTensorBytes(info);
    assert.equal(info.dtype, want.dtype, info.name);
    assert.deepEqual(info.shape, want.shape, info.name);
    assert.equal(sha256(bytes), want.sha256, `${info.name} bytes`);
    if (want.sum !== undefined) assert.ok(Math.abs(floatSum(info.dtype, bytes)! - want.sum) <= 1e-9 * Math.max(1, Math.abs(want.sum)), `${info.name} values`);
  }
});

test('a file written by Tunekit reads in Python with the same bytes and values, every dtype', { skip }, async (t) => {
  const file = path.join(tempDir(t), 'tunekit.safetensors');
  let seed = 5;
  const rand = (n: number) => Uint8Array.from({ length: n }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed >>> 24));
  const finite = (dtype: SafetensorsDtype, bytes: Uint8Array): Uint8Array => {
    // Random bytes would hold NaNs and infs, whose sums cannot be compared: clear one exponent
    // bit of every all-ones exponent, keeping every other random bit (subnormals included).
    if (dtype === 'F16' || dtype === 'BF16') {
      const exponent = dtype === 'F16' ? 0x7c00 : 0x7f80;
      return new Uint8Array(Uint16Array.from(new Uint16Array(bytes.buffer), (h) => ((h & exponent) === exponent ? h & ~0x0400 : h)).buffer);
    }
    const n = bytes.length / (dtype === 'F64' ? 8 : 4);
    const values = Float64Array.from({ length: n }, (_, i) => ((bytes[i] as number) - 128) / 7);
    return new Uint8Array(dtype === 'F64' ? values.buffer : Float32Array.from(values).buffer);
  };
  const dtypes: [SafetensorsDtype, number][] = [['F64', 8], ['F32', 4], ['F16', 2], ['BF16', 2], ['I64', 8], ['I32', 4], ['I16', 2], ['I8', 1], ['U8', 1], ['BOOL', 1]];
  const specs = dtypes.map(([dtype, size], i): SafetensorsTensorSpec & { bytes: Uint8Array } => {
    const raw = rand(4 * (i + 2) * size);
    return { name: `t.${dtype}`, dtype, shape: [4, i + 2], bytes: dtype === 'BOOL' ? raw.map((b) => b & 1) : dtype.startsWith('F') || dtype === 'BF16' ? finite(dtype, raw) : raw };
  });
  await writeSafetensors(file, specs, { written_by: 'tunekit' }, (_s, i) => specs[i]!.bytes);
  const python = tool('describe', file) as Described;
  assert.deepEqual(python.metadata, { written_by: 'tunekit' });
  for (const spec of specs) {
    const got = python.tensors[spec.name]!;
    assert.equal(got.dtype, spec.dtype);
    assert.deepEqual(got.shape, spec.shape);
    assert.equal(got.sha256, sha256(spec.bytes), `${spec.name} bytes`);
    if (got.sum !== undefined) assert.ok(Math.abs(got.sum - floatSum(spec.dtype, spec.bytes)!) < 1e-9 * Math.max(1, Math.abs(got.sum)), `${spec.name} values as torch decodes them`);
  }
});

async function compress(t: TestContext, method: CompressionMethod, selection: TensorSelection = {}): Promise<{ checked: Checked; result: Awaited<ReturnType<typeof compressSafetensors>> }> {
  const { dir, source } = makeModel(t);
  const sourceHash = sha256(fs.readFileSync(source));
  const output = path.join(dir, 'net.compressed.safetensors');
  const result = await compressSafetensors({ source, output, method, selection });
  assert.equal(sha256(fs.readFileSync(source)), sourceHash, 'the original is untouched');
  const name = method.kind === 'quantize' ? method.scheme : method.pattern === 'n:m' ? `${method.n}:${method.m}` : method.scope;
  return { checked: tool('check', source, output, name) as Checked, result };
}

const WEIGHTS = ['conv1.weight', 'conv2.weight', 'extra.bf16.weight', 'extra.half.weight', 'fc1.weight', 'fc2.weight', 'head.weight'];

test('global 50% pruning: torch sees the same weights go as torch.nn.utils.prune.global_unstructured, the rest byte-identical', { skip }, async (t) => {
  // The extra.* tensors are not in the torch model: leave them out so both rank the same weights.
  const { checked, result } = await compress(t, { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 }, { exclude: '^extra\\.' });
  assert.deepEqual(checked.changed, WEIGHTS.filter((w) => !w.startsWith('extra.')), 'only the weights changed: biases, norms, BatchNorm stats, embeddings, excluded tensors are byte-identical');
  assert.deepEqual(checked.added, []);
  assert.deepEqual(Object.values(checked.same_mask_as_torch ?? {}), [true, true, true, true, true], JSON.stringify(checked.same_mask_as_torch));
  const pruned = result.layers.reduce((s, l) => s + l.sparsityAfter * l.params, 0) / result.layers.reduce((s, l) => s + l.params, 0);
  assert.ok(Math.abs(pruned - 0.5) < 1e-3, `sparsity ${pruned}`);
  assert.equal(checked.metadata?.format, 'pt');
  assert.ok(checked.top1_agreement > 0, 'the pruned state dict loads into the torch model and runs');
});

test('per-layer 30% pruning matches torch.nn.utils.prune.l1_unstructured layer by layer', { skip }, async (t) => {
  const { checked, result } = await compress(t, { kind: 'prune', pattern: 'unstructured', scope: 'layer', sparsity: 0.3 });
  assert.deepEqual(Object.values(checked.same_mask_as_torch ?? {}), [true, true, true, true, true], JSON.stringify(checked.same_mask_as_torch));
  for (const l of result.layers) assert.ok(Math.abs(checked.sparsity[l.name]! - l.sparsityAfter) < 1e-12, `${l.name}: the report says what the file holds`);
});

test('2:4 pruning: torch finds 2 zeros in every 4 along dim 1 of each pruned weight; conv1 (1 input channel) is left and reported', { skip }, async (t) => {
  const { checked, result } = await compress(t, { kind: 'prune', pattern: 'n:m', n: 2, m: 4 });
  assert.deepEqual(checked.changed, WEIGHTS.filter((w) => w !== 'conv1.weight'));
  assert.ok(Object.values(checked.two_of_four).length === 6 && Object.values(checked.two_of_four).every(Boolean), JSON.stringify(checked.two_of_four));
  assert.ok(result.warnings.some((w) => w.includes('conv1.weight')));
});

test('weight-int8: torch dequantizes q * scale within half a step, and the model still agrees', { skip }, async (t) => {
  const { checked } = await compress(t, { kind: 'quantize', scheme: 'weight-int8' });
  assert.deepEqual(checked.added, WEIGHTS.map((w) => `${w}_scale`).sort());
  assert.equal(checked.metadata?.['tunekit.quantization'], 'weight-int8');
  assert.ok(Object.values(checked.int8_within_half_step ?? {}).length === 5 && Object.values(checked.int8_within_half_step ?? {}).every(Boolean));
  assert.ok(checked.max_abs_diff < 0.05, `max |logit diff| ${checked.max_abs_diff}`);
  assert.ok(checked.top1_agreement >= 0.97, `top-1 agreement ${checked.top1_agreement}`);
});

test('fp16 and bf16: every float32 tensor equals torch .half() / .bfloat16() bit for bit', { skip }, async (t) => {
  for (const scheme of ['fp16', 'bf16'] as const) {
    const { checked } = await compress(t, { kind: 'quantize', scheme });
    assert.equal(checked.matches_torch_cast, true, scheme);
    assert.ok(checked.top1_agreement >= 0.97, `${scheme} top-1 agreement ${checked.top1_agreement}`);
  }
});
