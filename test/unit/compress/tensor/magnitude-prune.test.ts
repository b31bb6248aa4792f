import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMagnitudeCutoff, countZeros, findMagnitudeCutoff, pruneNM, pruneUnstructured } from '../../../../src/compress/tensor/magnitude-prune';
import type { PruneTarget } from '../../../../src/compress/tensor/magnitude-prune';
import { CompressError } from '../../../../src/compress/compress-error';

/** Deterministic normal-ish weights (sum of uniforms), so failures reproduce. */
function weights(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (next() + next() + next() - 1.5) * 0.1;
  return out;
}

function target(name: string, shape: number[], inputAxis: number, seed: number): PruneTarget {
  return { name, shape, inputAxis, data: weights(shape.reduce((a, b) => a * b, 1), seed) };
}

/** The set of |w| that a sort-based reference would zero (k smallest over all). */
function sortedThreshold(all: Float32Array[], k: number): number {
  const magnitudes = Float64Array.from(all.flatMap((d) => [...d].map(Math.abs))).sort();
  return magnitudes[k - 1] as number;
}

test('global pruning zeroes exactly round(sparsity * count) weights, the smallest ones over all layers', () => {
  const targets = [target('fc1', [64, 100], 1, 1), target('fc2', [10, 64], 1, 2), target('conv', [8, 3, 3, 3], 1, 3)];
  targets[1]!.data.forEach((_, i, d) => (d[i] = (d[i] as number) * 0.1)); // fc2 has small weights: it should lose more
  const originals = targets.map((t) => Float32Array.from(t.data));
  const count = targets.reduce((s, t) => s + t.data.length, 0);
  pruneUnstructured(targets, 0.5, 'global');
  const zeros = targets.reduce((s, t) => s + countZeros(t.data), 0);
  assert.equal(zeros, Math.round(0.5 * count));
  const threshold = sortedThreshold(originals, Math.round(0.5 * count));
  targets.forEach((t, ti) =>
    t.data.forEach((w, i) => {
      const before = originals[ti]![i] as number;
      if (Math.abs(before) < threshold) assert.equal(w, 0, `${t.name}[${i}] below the threshold is pruned`);
      if (Math.abs(before) > threshold) assert.equal(w, before, `${t.name}[${i}] above the threshold is kept unchanged`);
    }),
  );
  assert.ok(countZeros(targets[1]!.data) / targets[1]!.data.length > 0.9, 'the layer of small weights gave up most of its weights');
});

test('layer pruning brings every layer to the same sparsity', () => {
  const targets = [target('a', [33, 7], 1, 4), target('b', [5, 5], 1, 5), target('c', [2, 3, 5, 5], 1, 6)];
  targets[0]!.data.forEach((_, i, d) => (d[i] = (d[i] as number) * 100));
  pruneUnstructured(targets, 0.3, 'layer');
  for (const t of targets) assert.equal(countZeros(t.data), Math.round(0.3 * t.data.length), t.name);
});

test('ties at the threshold are broken the same way every time, earlier weights first', () => {
  const make = (): PruneTarget[] => [
    { name: 'x', shape: [2, 4], inputAxis: 1, data: new Float32Array([0.5, -0.5, 0.5, 1, 0.5, 2, -0.5, 3]) },
    { name: 'y', shape: [1, 4], inputAxis: 1, data: new Float32Array([0.5, 0.25, 4, 0.5]) },
  ];
  const a = make();
  pruneUnstructured(a, 0.5, 'global'); // 6 of 12: 0.25 and five of the seven 0.5s
  assert.deepEqual([...a[0]!.data], [0, 0, 0, 1, 0, 2, 0, 3]);
  assert.deepEqual([...a[1]!.data], [0.5, 0, 4, 0.5]);
  const b = make();
  pruneUnstructured(b, 0.5, 'global');
  assert.deepEqual(b.map((t) => [...t.data]), a.map((t) => [...t.data]));
});

test('weights that are already zero count as pruned, and -0 keeps its bytes', () => {
  const data = new Float32Array([0, -0, 0.1, 0.2, 0.3, 0.4, 0, 0.5]);
  pruneUnstructured([{ name: 'w', shape: [2, 4], inputAxis: 1, data }], 0.5, 'global');
  assert.equal(countZeros(data), 4);
  assert.ok(Object.is(data[1], -0));
  // Three weights were zero already, so only 0.1 had to go.
  assert.deepEqual([...data], [0, -0, 0, 0.2, 0.3, 0.4, 0, 0.5].map(Math.fround));
});

test('sparsity 0 and 1 are the obvious extremes; out of range is refused', () => {
  const t0 = target('w', [4, 4], 1, 7);
  const copy = Float32Array.from(t0.data);
  pruneUnstructured([t0], 0, 'global');
  assert.deepEqual(t0.data, copy);
  pruneUnstructured([t0], 1, 'layer');
  assert.equal(countZeros(t0.data), 16);
  assert.throws(() => pruneUnstructured([t0], 1.5, 'global'), (e) => CompressError.is(e, 'bad-input'));
  assert.throws(() => pruneUnstructured([t0], NaN, 'global'), (e) => CompressError.is(e, 'bad-input'));
});

test('a NaN or inf weight is refused naming the tensor, and no layer is touched', () => {
  for (const scope of ['global', 'layer'] as const) {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const good = target('encoder.fc1.weight', [8, 8], 1, 8);
      const broken = target('decoder.fc2.weight', [8, 8], 1, 9);
      broken.data[13] = bad;
      const goodBefore = Float32Array.from(good.data);
      assert.throws(
        () => pruneUnstructured([good, broken], 0.5, scope),
        (e) => CompressError.is(e, 'bad-input') && e.message.includes('decoder.fc2.weight') && e.message.includes('element 13'),
      );
      assert.deepEqual(good.data, goodBefore, `${scope}: nothing pruned before the error`);
    }
  }
  const nm = target('head.weight', [4, 8], 1, 10);
  nm.data[3] = NaN;
  assert.throws(() => pruneNM(nm, 2, 4), (e) => CompressError.is(e, 'bad-input') && e.message.includes('head.weight'));
});

/** Zeros per group of m along `axis` of a row-major tensor. */
function zerosPerGroup(t: PruneTarget, m: number): number[] {
  const { shape, inputAxis: axis, data } = t;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const len = shape[axis] as number;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const counts: number[] = [];
  for (let o = 0; o < outer; o++)
    for (let g = 0; g < len; g += m)
      for (let i = 0; i < inner; i++) {
        let z = 0;
        for (let j = 0; j < m; j++) if (data[(o * len + g + j) * inner + i] === 0) z++;
        counts.push(z);
      }
  return counts;
}

test('2:4 pruning leaves exactly 2 zeros in every 4 along the input axis, for [out,in], [in,out] and conv layouts', () => {
  for (const t of [target('linear', [6, 16], 1, 11), target('matmul', [16, 6], 0, 12), target('conv', [4, 8, 3, 3], 1, 13)]) {
    const before = Float32Array.from(t.data);
    assert.deepEqual(pruneNM(t, 2, 4), { pruned: true });
    const groups = zerosPerGroup(t, 4);
    assert.equal(groups.length, t.data.length / 4);
    assert.ok(groups.every((z) => z === 2), `${t.name}: every group has exactly 2 zeros`);
    assert.equal(countZeros(t.data), t.data.length / 2);
    // The kept ones are the two largest of their group, unchanged.
    t.data.forEach((w, i) => assert.ok(w === 0 || w === before[i]));
  }
});

test('2:4 keeps the two largest magnitudes of each group, the earlier on ties', () => {
  const t: PruneTarget = { name: 'w', shape: [2, 4], inputAxis: 1, data: new Float32Array([0.1, -0.9, 0.5, 0.2, 0.3, 0.3, 0.3, -0.3]) };
  pruneNM(t, 2, 4);
  assert.deepEqual([...t.data], [0, Math.fround(-0.9), Math.fround(0.5), 0, Math.fround(0.3), Math.fround(0.3), 0, 0]);
  // Along axis 0 the groups are columns.
  const col: PruneTarget = { name: 'b', shape: [4, 2], inputAxis: 0, data: new Float32Array([1, 0.1, 2, 0.4, 3, 0.3, 0.5, 0.2]) };
  pruneNM(col, 2, 4);
  assert.deepEqual([...col.data], [0, 0, 2, Math.fround(0.4), 3, Math.fround(0.3), 0, 0]);
});

test('N:M refuses to prune where the input axis is not a multiple of M, and leaves the tensor unchanged', () => {
  const t = target('fc.weight', [8, 10], 1, 14);
  const before = Float32Array.from(t.data);
  const result = pruneNM(t, 2, 4);
  assert.equal(result.pruned, false);
  assert.match(result.reason ?? '', /fc\.weight.*10.*multiple of 4/);
  assert.deepEqual(t.data, before);
  assert.throws(() => pruneNM(t, 4, 4), (e) => CompressError.is(e, 'bad-input'));
  assert.throws(() => pruneNM({ ...t, inputAxis: 2 }, 2, 4), (e) => CompressError.is(e, 'bad-input') && e.message.includes('fc.weight'));
});

test('global pruning of 26M weights (104 MB) is exact, without a sorted copy', () => {
  const big = [target('big1', [4096, 4096], 1, 15), target('big2', [2500, 4000], 1, 16)];
  const count = big.reduce((s, t) => s + t.data.length, 0);
  assert.ok(count * 4 >= 100e6);
  const heapBefore = process.memoryUsage().arrayBuffers;
  pruneUnstructured(big, 0.5, 'global');
  assert.ok(process.memoryUsage().arrayBuffers - heapBefore < 8e6, 'no tensor-sized scratch buffers');
  assert.equal(countZeros(big[0]!.data) + countZeros(big[1]!.data), Math.round(0.5 * count));
});

test('the streaming cut-off (one tensor in memory at a time) prunes exactly what the in-memory prune does', () => {
  const shapes: [string, number[]][] = [['a', [40, 30]], ['b', [7, 9, 3, 3]], ['c', [64, 16]]];
  // Each visit regenerates the tensors, as reading them again from a checkpoint would.
  const load = () => shapes.map(([name, shape], i) => target(name, shape, 1, 100 + i));
  const inMemory = load();
  for (const t of inMemory) t.data[5] = 0.01; // a few exact ties across tensors
  pruneUnstructured(inMemory, 0.6, 'global');
  const count = inMemory.reduce((s, t) => s + t.data.length, 0);
  let visits = 0;
  const cutoff = findMagnitudeCutoff(Math.round(0.6 * count), (visit) => {
    visits++;
    for (const t of load()) {
      t.data[5] = 0.01;
      visit(t);
    }
  });
  assert.equal(visits, 2);
  const streamed = load().map((t) => {
    t.data[5] = 0.01;
    applyMagnitudeCutoff(t, cutoff);
    return t;
  });
  assert.deepEqual(streamed.map((t) => t.data), inMemory.map((t) => t.data));
  assert.equal(cutoff.tiesLeft, 0);
});

test('N:4 and N:8 agree with a sort-based reference, ties and zeros included', () => {
  for (const [n, m] of [[1, 4], [2, 4], [3, 4], [2, 8], [5, 8]] as const) {
    const t = target('w', [6, 16, 3], 1, 20 + n * m);
    // Quantize to a few levels so there are many exact ties, and add zeros.
    t.data.forEach((v, i, d) => (d[i] = i % 11 === 0 ? 0 : Math.round(v * 40) / 40));
    const before = Float32Array.from(t.data);
    pruneNM(t, n, m);
    for (let o = 0; o < 6; o++)
      for (let g = 0; g < 16; g += m)
        for (let k = 0; k < 3; k++) {
          const idx = Array.from({ length: m }, (_, j) => (o * 16 + g + j) * 3 + k);
          // Stable sort by |w| descending keeps the earlier of equal weights first.
          const keep = new Set([...idx].sort((x, y) => Math.abs(before[y]!) - Math.abs(before[x]!)).slice(0, n));
          for (const i of idx) assert.equal(t.data[i], keep.has(i) || before[i] === 0 ? before[i] : 0, `${n}:${m} element ${i}`);
        }
  }
});
