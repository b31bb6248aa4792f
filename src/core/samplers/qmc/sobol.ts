/**
 * The Sobol sequence (Sobol' 1967) in base 2 with 32-bit resolution, points in Gray-code order
 * (Antonov & Saleev 1979) as Joe & Kuo's reference generator and SciPy emit them, computed
 * directly from the index so that point k needs no earlier point. Optional scrambling is
 * SciPy's: a random linear matrix scramble of the direction numbers plus a random digital shift
 * (Matousek 1998, "On the L2-discrepancy for anchored boxes"; Owen 2003), which keeps the
 * (t, s)-net structure while removing the corner point 0 and the alignment artefacts.
 */
import { Rng } from '../../random/rng';
import { SOBOL_DIRECTIONS } from './sobol-direction-numbers';

export const SOBOL_MAX_DIMENSIONS = SOBOL_DIRECTIONS.length;
const BITS = 32;
const SCALE = 2 ** -BITS;

/** The 32 direction numbers v_1..v_32 of dimension `dim` (0-based), as left-aligned integers. */
export function directionNumbers(dim: number): Uint32Array {
  const entry = SOBOL_DIRECTIONS[dim];
  if (!entry) throw new RangeError(`Sobol dimension ${dim} is beyond the ${SOBOL_MAX_DIMENSIONS} embedded ones`);
  const [poly, m] = entry;
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let i = 0; i < BITS; i++) v[i] = (1 << (BITS - 1 - i)) >>> 0;
    return v;
  }
  const s = Math.floor(Math.log2(poly));
  for (let i = 0; i < Math.min(s, BITS); i++) v[i] = ((m[i] as number) << (BITS - 1 - i)) >>> 0;
  // Bratley & Fox (1988) recurrence: v_i = a_1 v_(i-1) ^ ... ^ a_(s-1) v_(i-s+1) ^ v_(i-s) ^ (v_(i-s) >> s).
  for (let i = s; i < BITS; i++) {
    let x = ((v[i - s] as number) ^ ((v[i - s] as number) >>> s)) >>> 0;
    for (let k = 1; k < s; k++) if ((poly >>> (s - k)) & 1) x = (x ^ (v[i - k] as number)) >>> 0;
    v[i] = x;
  }
  return v;
}

/** Randomly scrambled direction numbers and shift for one dimension, fixed by `seed`. */
export function scrambledDirections(dim: number, seed: number): { directions: Uint32Array; shift: number } {
  const rng = new Rng(seed);
  const v = directionNumbers(dim);
  // Lower-triangular matrix with a unit diagonal: row r (bit r from the top) mixes bits 0..r.
  const rows: number[] = [];
  for (let r = 0; r < BITS; r++) {
    const below = r === 0 ? 0 : (rng.nextUint32() >>> (BITS - r)) << (BITS - r);
    rows.push((below | (1 << (BITS - 1 - r))) >>> 0);
  }
  const out = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    let y = 0;
    for (let r = 0; r < BITS; r++) if (parity(((rows[r] as number) & (v[i] as number)) >>> 0)) y |= 1 << (BITS - 1 - r);
    out[i] = y >>> 0;
  }
  return { directions: out, shift: rng.nextUint32() };
}

/** Coordinate of point `index` (Gray-code order) for the given direction numbers. */
export function sobolCoordinate(directions: Uint32Array, index: number, shift = 0): number {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** BITS) throw new RangeError(`Sobol index ${index} is outside [0, 2^32)`);
  let gray = (index ^ (index >>> 1)) >>> 0;
  let x = shift >>> 0;
  for (let i = 0; gray !== 0; i++, gray >>>= 1) if (gray & 1) x = (x ^ (directions[i] as number)) >>> 0;
  return x * SCALE;
}

function parity(x: number): boolean {
  let y = x ^ (x >>> 16);
  y ^= y >>> 8;
  y ^= y >>> 4;
  y ^= y >>> 2;
  y ^= y >>> 1;
  return (y & 1) === 1;
}
