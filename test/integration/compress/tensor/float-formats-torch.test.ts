/**
 * float16 / bfloat16 narrowing and widening checked bit for bit against torch 1.13 (Debian's
 * /usr/bin/python3) on random bit patterns over the whole float32 range plus the edge cases
 * (ties, subnormals, overflow), and on all 65536 narrow patterns for widening.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from '../../../../src/compress/tensor/float-formats';
import { missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { tempDir } from '../../../helpers/temp-dir';

const skip = missingPythonModules('torch', 'numpy');

/** Deterministic 32-bit generator (mulberry32) so a failure reproduces. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function sampleFloats(): Float32Array {
  const next = mulberry32(20260528);
  const bits: number[] = [];
  // Uniform bit patterns: every exponent, NaNs and infs included.
  for (let i = 0; i < 3000; i++) bits.push(next());
  // Around float16's range: exponents 2^-26 .. 2^17, random mantissas, both signs.
  for (let i = 0; i < 3000; i++) bits.push((((next() & 1) << 31) | ((101 + (next() % 44)) << 23) | (next() & 0x7fffff)) >>> 0);
  // Exact ties for float16 (dropped 13 bits = 0x1000) and bfloat16 (dropped 16 bits = 0x8000).
  for (let i = 0; i < 1000; i++) bits.push(((((101 + (next() % 44)) << 23) | (next() & 0x7fe000)) | 0x1000) >>> 0);
  for (let i = 0; i < 1000; i++) bits.push(((next() & 0xffff0000) | 0x8000) >>> 0);
  const values = new Float32Array(new Uint32Array(bits).buffer);
  const edges = [0, -0, 1, -1, 65504, 65519.996, 65520, 65536, Infinity, -Infinity, 2 ** -14, 2 ** -24, 2 ** -25, 1.5 * 2 ** -24, 3.4e38, 1e-45];
  const out = new Float32Array(values.length + edges.length);
  out.set(values);
  out.set(edges, values.length);
  return out;
}

const TORCH_NARROW = `
import sys, json, numpy as np, torch
src = torch.from_numpy(np.fromfile(sys.argv[1], dtype=np.float32))
src.half().view(torch.int16).numpy().astype(np.uint16).tofile(sys.argv[2])
src.bfloat16().view(torch.int16).numpy().astype(np.uint16).tofile(sys.argv[3])
every = torch.arange(65536, dtype=torch.int32).to(torch.int16)
every.view(torch.float16).float().numpy().tofile(sys.argv[4])
every.view(torch.bfloat16).float().numpy().tofile(sys.argv[5])
print(json.dumps({"n": int(src.numel()), "torch": torch.__version__}))
`;

function isHalfNaN(h: number): boolean {
  return (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
}
function isBfloatNaN(h: number): boolean {
  return (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
}

test('float32 -> float16 / bfloat16 matches torch bit for bit; widening all 65536 patterns too', { skip }, (t) => {
  const dir = tempDir(t);
  const src = sampleFloats();
  const file = (name: string) => path.join(dir, name);
  fs.writeFileSync(file('src.f32'), src);
  const summary = runPythonJson(TORCH_NARROW, [file('src.f32'), file('half.u16'), file('bf16.u16'), file('every-half.f32'), file('every-bf16.f32')]) as { n: number };
  assert.equal(summary.n, src.length);

  const read16 = (name: string) => new Uint16Array(new Uint8Array(fs.readFileSync(file(name))).buffer);
  const read32 = (name: string) => new Uint32Array(new Uint8Array(fs.readFileSync(file(name))).buffer);
  const check = (label: string, ours: Uint16Array, theirs: Uint16Array, isNaN: (h: number) => boolean) => {
    assert.equal(ours.length, theirs.length);
    let mismatches = 0;
    const examples: string[] = [];
    for (let i = 0; i < ours.length; i++) {
      const a = ours[i] as number;
      const b = theirs[i] as number;
      if (a === b || (isNaN(a) && isNaN(b))) continue;
      mismatches++;
      if (examples.length < 5) examples.push(`${src[i]}: ours 0x${a.toString(16)}, torch 0x${b.toString(16)}`);
    }
    assert.equal(mismatches, 0, `${label}: ${examples.join('; ')}`);
  };
  check('float16', float32ToFloat16(src), read16('half.u16'), isHalfNaN);
  check('bfloat16', float32ToBfloat16(src), read16('bf16.u16'), isBfloatNaN);

  const every = new Uint16Array(65536).map((_, i) => i);
  for (const [label, ours, theirs, isNaN] of [
    ['float16', float16ToFloat32(every), read32('every-half.f32'), isHalfNaN],
    ['bfloat16', bfloat16ToFloat32(every), read32('every-bf16.f32'), isBfloatNaN],
  ] as const) {
    const oursBits = new Uint32Array(ours.buffer);
    for (let h = 0; h < 65536; h++) {
      if (isNaN(h)) assert.ok(Number.isNaN(ours[h]), `${label} 0x${h.toString(16)} widens to NaN`);
      else assert.equal(oursBits[h], theirs[h], `${label} 0x${h.toString(16)} widens like torch`);
    }
  }
});
