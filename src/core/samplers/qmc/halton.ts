/**
 * The Halton sequence (Halton 1960): coordinate j of point k is the radical inverse of k in the
 * j-th prime base. Unscrambled, high dimensions correlate badly (their bases are large); random
 * digit permutations, one per digit position and dimension (Owen-type scrambling as in
 * Matousek 1998 and SciPy's scipy.stats.qmc.Halton), break that while keeping each base-b
 * stratum filled evenly.
 */
import { Rng } from '../../random/rng';

/** The n-th prime (0-based: 2, 3, 5, ...). */
export function nthPrime(n: number): number {
  let count = -1;
  for (let p = 2; ; p++) {
    let prime = true;
    for (let d = 2; d * d <= p; d++) if (p % d === 0) { prime = false; break; }
    if (prime && ++count === n) return p;
  }
}

/** Digit permutations for one dimension: enough digits for 2^-52 resolution. */
export function haltonPermutations(base: number, seed: number | null): number[][] {
  const digits = Math.ceil((52 * Math.LN2) / Math.log(base));
  const rng = seed === null ? null : new Rng(seed);
  return Array.from({ length: digits }, () => {
    const perm = Array.from({ length: base }, (_, i) => i);
    if (rng) {
      for (let i = base - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
      }
    }
    return perm;
  });
}

/** Coordinate of point `index` in `base`, its digits passed through `permutations`. */
export function haltonCoordinate(base: number, index: number, permutations: readonly (readonly number[])[]): number {
  let k = index;
  let x = 0;
  let scale = 1 / base;
  for (const perm of permutations) {
    x += (perm[k % base] as number) * scale;
    k = Math.floor(k / base);
    scale /= base;
  }
  return Math.min(x, 1 - Number.EPSILON);
}
