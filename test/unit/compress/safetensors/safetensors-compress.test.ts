/**
 * compressSafetensors on real files built here: what the user sees in the new file (exact zeros,
 * untouched tensors byte-identical, int8 + scales, half precision), the report, and the refusals.
 * The cross-check of the same outputs in Python / torch is in
 * test/integration/compress/safetensors/safetensors-python.test.ts.
 */
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompressError } from '../../../../src/compress/compress-error';
import type { FormatJob } from '../../../../src/compress/format-job';
import type { CompressionMethod, CompressionProgress } from '../../../../src/protocol/compression';
import { compressSafetensors } from '../../../../src/compress/safetensors/safetensors-compress';
import { SafetensorsReader, writeSafetensors } from '../../../../src/compress/safetensors/safetensors-file';
import type { SafetensorsDtype } from '../../../../src/compress/safetensors/safetensors-file';
import { float32ToBfloat16, float32ToFloat16, float16ToFloat32 } from '../../../../src/compress/tensor/float-formats';
import { tempDir } from '../../../helpers/temp-dir';

function gaussianish(count: number, seed: number, spread = 0.1): Float32Array {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  return Float32Array.from({ length: count }, () => (next() + next() + next() - 1.5) * spread);
}

interface Source {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  bytes: Uint8Array;
}

function f32(name: string, shape: number[], seed: number): Source {
  const data = gaussianish(shape.reduce((a, b) => a * b, 1), seed);
  return { name, dtype: 'F32', shape, bytes: new Uint8Array(data.buffer) };
}

/** A small CNN + MLP + transformer-ish state dict, the way torch names it. */
function modelTensors(): Source[] {
  const half = gaussianish(32 * 16, 90);
  return [
    f32('embed_tokens.weight', [50, 16], 1),
    f32('conv1.weight', [8, 4, 3, 3], 2),
    f32('conv1.bias', [8], 3),
    f32('bn1.weight', [8], 4),
    f32('bn1.running_mean', [8], 5),
    { name: 'bn1.num_batches_tracked', dtype: 'I64', shape: [], bytes: new Uint8Array(new BigInt64Array([7n]).buffer) },
    f32('fc1.weight', [32, 16], 6),
    f32('fc1.bias', [32], 7),
    f32('layers.0.input_layernorm.weight', [16], 8),
    { name: 'fc_half.weight', dtype: 'F16', shape: [32, 16], bytes: new Uint8Array(float32ToFloat16(half).buffer) },
    { name: 'fc_bf16.weight', dtype: 'BF16', shape: [32, 16], bytes: new Uint8Array(float32ToBfloat16(half).buffer) },
    f32('head.weight', [10, 32], 9),
    f32('head.bias', [10], 10),
  ];
}

async function writeSource(dir: string, tensors: Source[], metadata: Record<string, string> | undefined = { format: 'pt' }): Promise<string> {
  const file = path.join(dir, 'model.safetensors');
  await writeSafetensors(file, tensors, metadata, (_s, i) => tensors[i]!.bytes);
  return file;
}

function readAll(file: string): { metadata: Record<string, string> | undefined; tensors: Map<string, Source> } {
  const reader = SafetensorsReader.open(file);
  try {
    return {
      metadata: reader.header.metadata,
      tensors: new Map(reader.header.tensors.map((t) => [t.name, { name: t.name, dtype: t.dtype, shape: t.shape, bytes: reader.readTensorBytes(t) }])),
    };
  } finally {
    reader.close();
  }
}

function asF32(s: Source): Float32Array {
  return new Float32Array(s.bytes.buffer, s.bytes.byteOffset, s.bytes.length / 4);
}

const PRUNABLE = ['conv1.weight', 'fc1.weight', 'fc_half.weight', 'fc_bf16.weight', 'head.weight'];

async function run(t: TestContext, method: CompressionMethod, extra: Partial<FormatJob> = {}, tensors = modelTensors()) {
  const dir = tempDir(t);
  const source = await writeSource(dir, tensors);
  const sourceBytes = fs.readFileSync(source);
  const output = path.join(dir, 'model.compressed.safetensors');
  const progress: CompressionProgress[] = [];
  const result = await compressSafetensors({ source, output, method, selection: {}, onProgress: (p) => progress.push(p), ...extra });
  assert.deepEqual(fs.readFileSync(source), sourceBytes, 'the original file is never modified');
  return { result, source: readAll(source), output: readAll(output), progress, outputPath: output };
}

test('global 50% pruning: exact sparsity over the weights, everything else byte-identical', async (t) => {
  const { result, source, output, progress } = await run(t, { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 });
  assert.deepEqual([...output.tensors.keys()], [...source.tensors.keys()]);
  for (const [name, before] of source.tensors) {
    const after = output.tensors.get(name)!;
    assert.equal(after.dtype, before.dtype, `${name} keeps its dtype`);
    if (!PRUNABLE.includes(name)) assert.deepEqual(after.bytes, before.bytes, `${name} (bias / norm / embedding / buffer) is byte-identical`);
  }
  assert.deepEqual(result.layers.map((l) => l.name), PRUNABLE);
  const params = result.layers.reduce((s, l) => s + l.params, 0);
  const zeros = result.layers.reduce((s, l) => s + Math.round(l.sparsityAfter * l.params), 0);
  assert.equal(zeros, Math.round(params * 0.5));
  assert.deepEqual(result.layers.find((l) => l.name === 'conv1.weight')!.op, 'Conv');
  assert.deepEqual(result.layers.find((l) => l.name === 'fc1.weight')!.op, 'Linear');
  assert.equal(result.before.params, result.after.params);
  assert.equal(result.after.zeros - result.before.zeros, zeros);
  assert.equal(output.metadata?.format, 'pt', 'source metadata kept');
  assert.match(output.metadata?.['tunekit.pruning'] ?? '', /global.*0\.5/);
  assert.ok(progress.some((p) => p.stage === 'write' && p.done === p.total));
});

test('pruned F16 / BF16 weights stay half precision; the surviving weights keep their exact bits', async (t) => {
  const { source, output } = await run(t, { kind: 'prune', pattern: 'unstructured', scope: 'layer', sparsity: 0.25 });
  for (const name of ['fc_half.weight', 'fc_bf16.weight']) {
    const before = new Uint16Array(source.tensors.get(name)!.bytes.buffer);
    const after = new Uint16Array(output.tensors.get(name)!.bytes.buffer);
    let zeros = 0;
    for (let i = 0; i < before.length; i++) {
      if (after[i] === 0) zeros++;
      else assert.equal(after[i], before[i], `${name}[${i}]`);
    }
    assert.equal(zeros, Math.round(0.25 * before.length), `${name}: 25% of its own weights`);
  }
  // The float16 values that went are the smallest ones.
  const kept = float16ToFloat32(new Uint16Array(output.tensors.get('fc_half.weight')!.bytes.buffer));
  const all = float16ToFloat32(new Uint16Array(source.tensors.get('fc_half.weight')!.bytes.buffer));
  const smallestKept = Math.min(...[...kept].filter((v) => v !== 0).map(Math.abs));
  const largestPruned = Math.max(...[...all].filter((_, i) => kept[i] === 0).map(Math.abs));
  assert.ok(largestPruned <= smallestKept);
});

test('2:4 pruning: exactly 2 zeros in every 4 along the input dimension; a layer that does not fit is reported', async (t) => {
  const tensors = modelTensors();
  tensors.push(f32('odd.weight', [4, 6], 11)); // in = 6, not a multiple of 4
  tensors.push(f32('h.0.mlp.c_fc.weight', [16, 64], 12)); // GPT-2 Conv1D: [in, out]
  const { result, output } = await run(t, { kind: 'prune', pattern: 'n:m', n: 2, m: 4 }, {}, tensors);
  assert.ok(result.warnings.some((w) => w.includes('odd.weight') && w.includes('6')), result.warnings.join('\n'));
  assert.ok(!result.layers.some((l) => l.name === 'odd.weight'));
  for (const name of ['fc1.weight', 'head.weight', 'conv1.weight']) {
    const { shape } = output.tensors.get(name)!;
    const w = asF32(output.tensors.get(name)!);
    const inner = shape.slice(2).reduce((a, b) => a * b, 1);
    const [out, inputs] = shape as [number, number];
    for (let o = 0; o < out; o++)
      for (let g = 0; g < inputs; g += 4)
        for (let k = 0; k < inner; k++) {
          let zeros = 0;
          for (let j = 0; j < 4; j++) if (w[(o * inputs + g + j) * inner + k] === 0) zeros++;
          assert.equal(zeros, 2, `${name} out ${o} group ${g}`);
        }
  }
  // [in, out] layout: groups of 4 run down the columns.
  const c = asF32(output.tensors.get('h.0.mlp.c_fc.weight')!);
  for (let col = 0; col < 64; col++)
    for (let g = 0; g < 16; g += 4) {
      let zeros = 0;
      for (let j = 0; j < 4; j++) if (c[(g + j) * 64 + col] === 0) zeros++;
      assert.equal(zeros, 2, `c_fc column ${col} group ${g}`);
    }
  assert.ok(result.layers.every((l) => Math.abs(l.sparsityAfter - 0.5) < 1e-9));
});

test('weight-int8: I8 weights with broadcastable F32 scales, within half a step of the original', async (t) => {
  const { result, source, output } = await run(t, { kind: 'quantize', scheme: 'weight-int8' });
  assert.equal(output.metadata?.['tunekit.quantization'], 'weight-int8');
  assert.deepEqual(JSON.parse(output.metadata?.['tunekit.quantization.tensors'] ?? '[]'), PRUNABLE);
  for (const name of PRUNABLE) {
    const q = output.tensors.get(name)!;
    const scale = output.tensors.get(`${name}_scale`)!;
    assert.equal(q.dtype, 'I8');
    assert.equal(scale.dtype, 'F32');
    assert.deepEqual(scale.shape, q.shape.map((d, i) => (i === 0 ? d : 1)));
    const src = source.tensors.get(name)!;
    const original =
      src.dtype === 'F32' ? asF32(src) : src.dtype === 'F16' ? float16ToFloat32(new Uint16Array(src.bytes.buffer)) : null;
    if (!original) continue;
    const values = new Int8Array(q.bytes.buffer);
    const scales = asF32(scale);
    const perRow = values.length / scales.length;
    values.forEach((v, i) => {
      const s = scales[Math.floor(i / perRow)]!;
      assert.ok(Math.abs(v * s - original[i]!) <= (s / 2) * (1 + 1e-6), `${name}[${i}]`);
    });
  }
  for (const name of ['conv1.bias', 'bn1.weight', 'embed_tokens.weight', 'bn1.num_batches_tracked']) {
    assert.deepEqual(output.tensors.get(name)!.bytes, source.tensors.get(name)!.bytes, `${name} untouched`);
  }
  assert.ok(result.layers.every((l) => l.dtypeAfter === 'int8'));
  assert.deepEqual(result.layers.map((l) => l.dtypeBefore), ['float32', 'float32', 'float16', 'bfloat16', 'float32']);
});

test('fp16 / bf16: every float32 tensor is narrowed, biases and norms too; other dtypes are copied', async (t) => {
  for (const scheme of ['fp16', 'bf16'] as const) {
    const { result, source, output } = await run(t, { kind: 'quantize', scheme });
    const want = scheme === 'fp16' ? 'F16' : 'BF16';
    for (const [name, before] of source.tensors) {
      const after = output.tensors.get(name)!;
      if (before.dtype !== 'F32') {
        assert.deepEqual(after, before, `${name} (${before.dtype}) copied as is`);
        continue;
      }
      assert.equal(after.dtype, want, name);
      const expected = scheme === 'fp16' ? float32ToFloat16(asF32(before)) : float32ToBfloat16(asF32(before));
      assert.deepEqual(new Uint16Array(after.bytes.buffer), expected, `${name} narrowed with round-to-nearest-even`);
    }
    assert.equal(result.layers.find((l) => l.name === 'conv1.bias')?.op, 'tensor');
    assert.equal(output.metadata?.['tunekit.quantization'], scheme);
  }
});

test('fp16 warns about values beyond its range', async (t) => {
  const big = f32('fc.weight', [2, 2], 1);
  asF32(big)[3] = 1e6;
  const { result } = await run(t, { kind: 'quantize', scheme: 'fp16' }, {}, [big]);
  assert.ok(result.warnings.some((w) => w.includes('fc.weight') && w.includes('65504')), result.warnings.join('\n'));
});

test('refusals: dynamic int8, nothing eligible, a bad pattern, an existing output, NaN weights; nothing written', async (t) => {
  const dir = tempDir(t);
  const source = await writeSource(dir, modelTensors());
  const output = path.join(dir, 'out.safetensors');
  const attempt = (method: CompressionMethod, selection: FormatJob['selection'] = {}, out = output) => compressSafetensors({ source, output: out, method, selection });
  const prune: CompressionMethod = { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 };
  await assert.rejects(attempt({ kind: 'quantize', scheme: 'dynamic-int8' }), (e) => CompressError.is(e, 'bad-input') && /weight-int8/.test(e.message));
  await assert.rejects(attempt(prune, { include: '^nothing' }), (e) => CompressError.is(e, 'no-eligible') && e.message.includes(source));
  await assert.rejects(attempt(prune, { include: '(' }), (e) => CompressError.is(e, 'bad-input') && e.message.includes('include'));
  assert.ok(!fs.existsSync(output));

  const biasesOnly = path.join(tempDir(t), 'biases.safetensors');
  await writeSafetensors(biasesOnly, [{ name: 'fc.bias', dtype: 'F32', shape: [4] }], undefined, () => new Uint8Array(16));
  await assert.rejects(
    compressSafetensors({ source: biasesOnly, output: `${biasesOnly}.out`, method: prune, selection: {} }),
    (e) => CompressError.is(e, 'no-eligible') && e.message.includes('fc.bias'),
  );

  fs.writeFileSync(output, 'taken');
  await assert.rejects(attempt(prune), (e) => CompressError.is(e, 'exists'));
  assert.equal(fs.readFileSync(output, 'utf8'), 'taken');
  fs.rmSync(output);

  const nan = modelTensors();
  asF32(nan.find((x) => x.name === 'head.weight')!)[5] = NaN;
  const nanDir = tempDir(t);
  const nanSource = await writeSource(nanDir, nan);
  await assert.rejects(
    compressSafetensors({ source: nanSource, output: path.join(nanDir, 'o.safetensors'), method: { kind: 'quantize', scheme: 'weight-int8' }, selection: {} }),
    (e) => CompressError.is(e, 'bad-input') && e.message.includes('head.weight'),
  );
  assert.deepEqual(fs.readdirSync(nanDir), ['model.safetensors'], 'no half-written output or temporary left');
});

test('embeddings are pruned only when asked; include / exclude narrow the choice', async (t) => {
  const method: CompressionMethod = { kind: 'prune', pattern: 'unstructured', scope: 'layer', sparsity: 0.5 };
  const withEmbeddings = await run(t, method, { selection: { embeddings: true } });
  assert.ok(withEmbeddings.result.layers.some((l) => l.name === 'embed_tokens.weight'));
  const excluded = await run(t, method, { selection: { exclude: '^fc' } });
  assert.deepEqual(excluded.result.layers.map((l) => l.name), ['conv1.weight', 'head.weight']);
  assert.deepEqual(excluded.output.tensors.get('fc1.weight'), excluded.source.tensors.get('fc1.weight'));
});

test('an aborted job writes nothing', async (t) => {
  const dir = tempDir(t);
  const source = await writeSource(dir, modelTensors());
  const controller = new AbortController();
  const output = path.join(dir, 'out.safetensors');
  await assert.rejects(
    compressSafetensors({
      source,
      output,
      method: { kind: 'quantize', scheme: 'fp16' },
      selection: {},
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'write' && p.done === 3) controller.abort();
      },
    }),
    (e) => (e as Error).name === 'AbortError',
  );
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
});

test('a corrupt source is refused before anything is written', async (t) => {
  const dir = tempDir(t);
  const source = await writeSource(dir, modelTensors());
  fs.truncateSync(source, fs.statSync(source).size - 10);
  const output = path.join(dir, 'out.safetensors');
  await assert.rejects(
    compressSafetensors({ source, output, method: { kind: 'quantize', scheme: 'fp16' }, selection: {} }),
    (e) => CompressError.is(e, 'truncated') && e.message.includes('head.bias'),
  );
  assert.ok(!fs.existsSync(output));
});
