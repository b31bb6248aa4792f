/**
 * The prior on the kernel's hyperparameters, maximised together with the marginal likelihood
 * (a MAP fit). The densities are those of Optuna 4's default GP prior (optuna/_gp/prior.py):
 *   - each inverse squared length scale lambda: log p = -(0.1 / lambda + 0.1 lambda), which
 *     keeps lambda away from 0 (a dimension switched off for good) and from infinity
 *     (a kernel that sees every trial as unrelated) while being flat around 1;
 *   - the signal variance s ~ Gamma(2, 1) (the objective is standardised, so s ~ 1);
 *   - the noise variance ~ Gamma(1.1, 30), which prefers small noise but allows some.
 * With tens of trials the likelihood alone overfits length scales; these priors are what keep
 * the early fits sane.
 */
import type { KernelParams } from './kernel-params';

/** log of a Gamma(concentration, rate) density up to its constant. */
function gammaLogPrior(x: number, concentration: number, rate: number): number {
  return (concentration - 1) * Math.log(x) - rate * x;
}

export function defaultLogPrior(params: KernelParams): number {
  let s = 0;
  for (const l of params.inverseSquaredLengthscales) s -= 0.1 / l + 0.1 * l;
  return s + gammaLogPrior(params.kernelScale, 2, 1) + gammaLogPrior(params.noiseVar, 1.1, 30);
}

/**
 * Gradient of defaultLogPrior with respect to the log of each parameter (what the fit
 * optimises): d/d(log lambda), d/d(log s), and d/d(noise) (the caller applies the noise chain rule).
 */
export function defaultLogPriorGradient(params: KernelParams): { lengthscales: Float64Array; logKernelScale: number; noiseVar: number } {
  const lengthscales = new Float64Array(params.inverseSquaredLengthscales.length);
  params.inverseSquaredLengthscales.forEach((l, i) => {
    lengthscales[i] = 0.1 / l - 0.1 * l;
  });
  return {
    lengthscales,
    logKernelScale: 1 - params.kernelScale,
    noiseVar: 0.1 / params.noiseVar - 30,
  };
}
