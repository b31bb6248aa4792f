/** The hyperparameters of the Matern 5/2 ARD kernel plus observation noise. */
export interface KernelParams {
  /** One per input dimension: 1 / lengthscale^2 (0 ignores the dimension). */
  readonly inverseSquaredLengthscales: Float64Array;
  /** Signal variance: k(x, x) without noise. */
  readonly kernelScale: number;
  /** Observation noise variance, added to the diagonal. */
  readonly noiseVar: number;
}

/** Optuna's starting point for a fit: unit length scales and variances. */
export function defaultKernelParams(dimensions: number): KernelParams {
  return { inverseSquaredLengthscales: new Float64Array(dimensions).fill(1), kernelScale: 1, noiseVar: 1 };
}
