/**
 * Magnitude pruning on float32 weights, in place: the weights of smallest |w| become exact zeros
 * (Han et al. 2015, "Learning both Weights and Connections for Efficient Neural Networks"; the
 * same criterion as torch.nn.utils.prune.l1_unstructured / global_unstructured).
 *
 * Unstructured pruning picks the k-th smallest |w| with a two-pass radix select on the float bit
 * patterns instead of sorting a copy: for non-negative IEEE floats the bit pattern, read as an
 * unsigned integer, orders exactly like the value, so two 65536-bin histograms (high 16 bits,
 * then low 16 bits inside the one high bin that holds the k-th value) find the exact threshold
 * in three linear passes and 1 MiB of memory, whatever the model size. findMagnitudeCutoff /
 * applyMagnitudeCutoff expose the same passes one tensor at a time, for checkpoints that do not
 * fit in memory.
 *
 * N:M pruning keeps the N largest |w| of every M consecutive weights along the layer's input
 * dimension: the 2:4 pattern NVIDIA's sparse tensor cores run (Mishra et al. 2021, "Accelerating
 * Sparse Deep Neural Networks", arXiv:2104.08378).
 */
import { CompressError } from '../compress-error';

export interface PruneTarget {
  name: string;
  data: Float32Array;
  shape: number[];
  /**
   * The axis that runs over the layer's inputs: MatMul B [in, out] -> 0, Gemm B with transB=1
   * [out, in] -> 1, Conv W [out, in, kh, kw] -> 1, torch Linear weight [out, in] -> 1.
   */
  inputAxis: number;
}

const ABS_MASK = 0x7fffffff;
/** |w| bit patterns at or above this are inf or NaN. */
const NON_FINITE = 0x7f800000;
const BINS = 65536;

function magnitudeBits(data: Float32Array): Uint32Array {
  return new Uint32Array(data.buffer, data.byteOffset, data.length);
}

function nonFiniteError(target: PruneTarget, index: number): CompressError {
  return new CompressError(
    'bad-input',
    `Tensor "${target.name}" holds ${target.data[index]} at element ${index}: magnitude pruning needs finite weights. Fix or retrain the checkpoint before compressing it.`,
  );
}

function checkSparsity(sparsity: number): void {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new CompressError('bad-input', `Sparsity must be between 0 and 1, got ${sparsity}.`);
}

/**
 * The cut-off of a magnitude prune: every weight whose |w| bit pattern is below `key` is pruned,
 * plus the first `tiesLeft` weights equal to `key` in visiting order (a deterministic tie
 * break). applyMagnitudeCutoff counts `tiesLeft` down, so apply targets in the order they were
 * visited.
 */
export interface MagnitudeCutoff {
  readonly key: number;
  tiesLeft: number;
}

/**
 * Finds the cut-off that prunes the `k` smallest |w| over every target `visitAll` visits, while
 * holding one target at a time: `visitAll` is called twice and must visit the same targets in
 * the same order each time (e.g. reading tensors one by one from a checkpoint). Throws on a
 * non-finite weight during the first pass, so before anything is modified.
 */
export function findMagnitudeCutoff(k: number, visitAll: (visit: (target: PruneTarget) => void) => void): MagnitudeCutoff {
  if (k <= 0) return { key: 0, tiesLeft: 0 };
  const high = new Float64Array(BINS);
  visitAll((target) => {
    const bits = magnitudeBits(target.data);
    for (let i = 0; i < bits.length; i++) {
      const m = (bits[i] as number) & ABS_MASK;
      if (m >= NON_FINITE) throw nonFiniteError(target, i);
      high[m >>> 16]! += 1;
    }
  });
  let highBin = 0;
  let below = 0;
  // The bin holding the k-th smallest (1-based) value.
  while (highBin < BINS - 1 && below + (high[highBin] as number) < k) below += high[highBin++] as number;

  const low = new Float64Array(BINS);
  visitAll((target) => {
    const bits = magnitudeBits(target.data);
    for (let i = 0; i < bits.length; i++) {
      const m = (bits[i] as number) & ABS_MASK;
      if (m >>> 16 === highBin) low[m & 0xffff]! += 1;
    }
  });
  let lowBin = 0;
  while (lowBin < BINS - 1 && below + (low[lowBin] as number) < k) below += low[lowBin++] as number;
  return { key: ((highBin << 16) | lowBin) >>> 0, tiesLeft: k - below };
}

/** Zeroes, in place, the weights of `target` that `cutoff` prunes. */
export function applyMagnitudeCutoff(target: PruneTarget, cutoff: MagnitudeCutoff): void {
  const bits = magnitudeBits(target.data);
  const data = target.data;
  const key = cutoff.key;
  let ties = cutoff.tiesLeft;
  for (let i = 0; i < bits.length; i++) {
    const m = (bits[i] as number) & ABS_MASK;
    if (m < key) {
      // Writing 0 over -0 would change bytes of a weight that was already pruned: leave it.
      if (m !== 0) data[i] = 0;
    } else if (m === key && ties > 0) {
      if (m !== 0) data[i] = 0;
      ties--;
    }
  }
  cutoff.tiesLeft = ties;
}

function pruneSmallest(targets: PruneTarget[], k: number): void {
  const cutoff = findMagnitudeCutoff(k, (visit) => targets.forEach(visit));
  for (const target of targets) applyMagnitudeCutoff(target, cutoff);
}

function checkFinite(target: PruneTarget): void {
  const bits = magnitudeBits(target.data);
  for (let i = 0; i < bits.length; i++) if (((bits[i] as number) & ABS_MASK) >= NON_FINITE) throw nonFiniteError(target, i);
}

/**
 * Zeroes exactly round(sparsity * count) of the smallest |w|, in place: over all targets together
 * ('global', so layers with many small weights give up more, as torch's global_unstructured does)
 * or per target ('layer', every layer ends at the same sparsity). Weights that are already zero
 * are the smallest, so they count as pruned. Ties at the threshold go to the earlier target and
 * element. A non-finite weight anywhere throws before any target is touched.
 */
export function pruneUnstructured(targets: PruneTarget[], sparsity: number, scope: 'global' | 'layer'): void {
  checkSparsity(sparsity);
  if (scope === 'global') {
    const count = targets.reduce((sum, t) => sum + t.data.length, 0);
    pruneSmallest(targets, Math.round(sparsity * count));
    return;
  }
  for (const target of targets) checkFinite(target);
  for (const target of targets) pruneSmallest([target], Math.round(sparsity * target.data.length));
}

/** The tensor seen as [outer, axisLength, inner] around `axis` (row-major). */
function splitAroundAxis(target: PruneTarget): { outer: number; axisLength: number; inner: number } {
  const { shape, inputAxis, name, data } = target;
  if (!Number.isInteger(inputAxis) || inputAxis < 0 || inputAxis >= shape.length) {
    throw new CompressError('bad-input', `Tensor "${name}" of shape [${shape.join(', ')}] has no axis ${inputAxis}.`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new CompressError('bad-input', `Tensor "${name}" has shape [${shape.join(', ')}] (${count} values) but holds ${data.length} values.`);
  }
  const outer = shape.slice(0, inputAxis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(inputAxis + 1).reduce((a, b) => a * b, 1);
  return { outer, axisLength: shape[inputAxis] as number, inner };
}

/**
 * In every group of `m` consecutive weights along `target.inputAxis`, keeps the `n` largest |w|
 * and zeroes the rest, in place (ties keep the earlier weight). Returns pruned: false, leaving the
 * tensor unchanged, where the axis length is not a multiple of `m`.
 */
export function pruneNM(target: PruneTarget, n: number, m: number): { pruned: boolean; reason?: string } {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 2 || n >= m || m > 64) {
    throw new CompressError('bad-input', `N:M pruning needs whole numbers 1 <= N < M <= 64, got ${n}:${m}.`);
  }
  const { outer, axisLength, inner } = splitAroundAxis(target);
  if (axisLength % m !== 0) {
    return {
      pruned: false,
      reason: `"${target.name}" [${target.shape.join(', ')}]: input dimension ${axisLength} (axis ${target.inputAxis}) is not a multiple of ${m}, so ${n}:${m} groups do not fit; left dense.`,
    };
  }
  checkFinite(target);
  if (m === 4) {
    pruneGroupsOfFour(target.data, n, outer, axisLength, inner);
    return { pruned: true };
  }
  const data = target.data;
  const magnitudes = new Float64Array(m);
  const positions = new Float64Array(m);
  for (let o = 0; o < outer; o++) {
    for (let group = 0; group < axisLength; group += m) {
      for (let i = 0; i < inner; i++) {
        for (let j = 0; j < m; j++) {
          const at = (o * axisLength + group + j) * inner + i;
          positions[j] = at;
          magnitudes[j] = Math.abs(data[at] as number);
        }
        // Rank of each weight in its group (0 = largest; ties: the earlier one ranks higher).
        // m is small (4 for 2:4), so the O(m^2) count beats any sort.
        for (let j = 0; j < m; j++) {
          const mj = magnitudes[j] as number;
          let rank = 0;
          for (let q = 0; q < m; q++) {
            const mq = magnitudes[q] as number;
            if (mq > mj || (mq === mj && q < j)) rank++;
          }
          if (rank >= n) {
            const at = positions[j] as number;
            if (data[at] !== 0) data[at] = 0;
          }
        }
      }
    }
  }
  return { pruned: true };
}

/**
 * N:4 (the 2:4 of sparse tensor cores) unrolled: four magnitudes in locals and their ranks from
 * six comparisons, about 5x faster than the general loop. Same ranking rule: a weight's rank is
 * the number of weights larger than it plus the earlier ones equal to it.
 */
function pruneGroupsOfFour(data: Float32Array, n: number, outer: number, axisLength: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    const base = o * axisLength * inner;
    for (let group = 0; group < axisLength; group += 4) {
      for (let i = 0; i < inner; i++) {
        const p0 = base + group * inner + i;
        const p1 = p0 + inner;
        const p2 = p1 + inner;
        const p3 = p2 + inner;
        const a0 = Math.abs(data[p0] as number);
        const a1 = Math.abs(data[p1] as number);
        const a2 = Math.abs(data[p2] as number);
        const a3 = Math.abs(data[p3] as number);
        const r0 = (a1 > a0 ? 1 : 0) + (a2 > a0 ? 1 : 0) + (a3 > a0 ? 1 : 0);
        const r1 = (a0 >= a1 ? 1 : 0) + (a2 > a1 ? 1 : 0) + (a3 > a1 ? 1 : 0);
        const r2 = (a0 >= a2 ? 1 : 0) + (a1 >= a2 ? 1 : 0) + (a3 > a2 ? 1 : 0);
        const r3 = (a0 >= a3 ? 1 : 0) + (a1 >= a3 ? 1 : 0) + (a2 >= a3 ? 1 : 0);
        if (r0 >= n && a0 !== 0) data[p0] = 0;
        if (r1 >= n && a1 !== 0) data[p1] = 0;
        if (r2 >= n && a2 !== 0) data[p2] = 0;
        if (r3 >= n && a3 !== 0) data[p3] = 0;
      }
    }
  }
}

/** Exact zeros (+0 and -0). */
export function countZeros(data: Float32Array): number {
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  return zeros;
}
