/**
 * Where a sampler's randomness comes from. Instead of one generator that advances with every
 * call, each proposal draws from a fresh Rng seeded by (sampler seed, study history, parameter).
 * So the same seed and the same history give the same proposal even in a new process, and a
 * study resumed after a window reload does not replay the proposals of its first trials (the
 * trap a single stateful generator falls into when it is recreated with the same seed).
 */
import { Rng } from '../random/rng';
import { type StudyView, hasParams } from '../study/trial';

/** A 32-bit seed for a sampler constructed without one: different in every instance. */
export function freshSeed(): number {
  return new Rng().nextUint32();
}

/** Mixes a base seed with further parts (numbers or strings) into one 32-bit seed. */
export function deriveSeed(base: number, ...parts: readonly (number | string)[]): number {
  let h = mix(0x811c9dc5, lowWord(base));
  h = mix(h, highWord(base));
  for (const part of parts) {
    h = mix(h, typeof part === 'string' ? hashString(part) : lowWord(part));
    if (typeof part === 'number') h = mix(h, highWord(part));
  }
  return h;
}

/**
 * The generator for one proposal of `key` (a parameter name) in this study. The history is
 * summarised by the trial count and the count of trials holding parameters: an ask that
 * creates a trial moves the first, an ask that starts an enqueued (waiting) trial moves the
 * second, so consecutive asks never share a generator.
 */
export function proposalRng(seed: number, study: StudyView, key: string): Rng {
  let withParams = 0;
  for (const t of study.trials) if (hasParams(t)) withParams++;
  return new Rng(deriveSeed(seed, study.trials.length, withParams, key));
}

function lowWord(x: number): number {
  return Number.isFinite(x) ? Math.trunc(x) >>> 0 : 0;
}

function highWord(x: number): number {
  return Number.isFinite(x) ? Math.floor(Math.trunc(x) / 0x100000000) >>> 0 : 0;
}

/** FNV-1a over UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One round of murmur3's finaliser over h ^ x: every input bit reaches every output bit. */
function mix(h: number, x: number): number {
  // The added constant keeps an all-zero input from mapping to zero.
  let z = Math.imul(((h ^ x) + 0x6a09e667) >>> 0, 0x9e3779b1);
  z ^= z >>> 16;
  z = Math.imul(z, 0x85ebca6b);
  z ^= z >>> 13;
  z = Math.imul(z, 0xc2b2ae35);
  z ^= z >>> 16;
  return z >>> 0;
}
