/**
 * Polynomial mutation, bounded form (Deb & Goyal 1996, "A combined genetic adaptive search
 * (GeneAS) for engineering design"; as in Deb's NSGA-II reference code, real_mutate_ind). On a
 * coordinate of [0, 1]: small moves are likely, the whole range stays reachable, and the
 * distribution is shaped so that the result never leaves the bounds.
 */
import type { Rng } from '../../random/rng';

/** The mutated coordinate. `eta` larger = smaller moves. */
export function polynomialMutation(x: number, eta: number, rng: Rng): number {
  const u = rng.random();
  const power = 1 / (eta + 1);
  let delta: number;
  if (u < 0.5) {
    const v = 2 * u + (1 - 2 * u) * (1 - x) ** (eta + 1);
    delta = v ** power - 1;
  } else {
    const v = 2 * (1 - u) + 2 * (u - 0.5) * x ** (eta + 1);
    delta = 1 - v ** power;
  }
  return Math.min(1, Math.max(0, x + delta));
}
