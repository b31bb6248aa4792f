/**
 * Simulated binary crossover, bounded form (Deb & Agrawal 1995, "Simulated binary crossover for
 * continuous search space"; the bounded spread factor of Deb's NSGA-II reference code,
 * realcross in nsga2-gnu). Works on coordinates of [0, 1]: children spread around their
 * parents like one-point crossover of binary strings does, never outside the bounds.
 */
import type { Rng } from '../../random/rng';

/** One child coordinate from two parent coordinates in [0, 1]. `eta` larger = children nearer the parents. */
export function sbxChild(x1: number, x2: number, eta: number, rng: Rng): number {
  if (Math.abs(x1 - x2) < 1e-14) return x1;
  const lo = Math.min(x1, x2);
  const hi = Math.max(x1, x2);
  const u = rng.random();
  const c1 = 0.5 * (lo + hi - spread(1 + (2 * lo) / (hi - lo), u, eta) * (hi - lo));
  const c2 = 0.5 * (lo + hi + spread(1 + (2 * (1 - hi)) / (hi - lo), u, eta) * (hi - lo));
  const child = rng.random() < 0.5 ? c1 : c2;
  return Math.min(1, Math.max(0, child));
}

/** The spread factor beta_q, with the probability mass beyond a bound folded back inside. */
function spread(beta: number, u: number, eta: number): number {
  const alpha = 2 - beta ** -(eta + 1);
  return u <= 1 / alpha ? (u * alpha) ** (1 / (eta + 1)) : (1 / (2 - u * alpha)) ** (1 / (eta + 1));
}
