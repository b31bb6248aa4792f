/**
 * Log expected improvement over a fitted GP, as a function of a model coordinate vector, with
 * its gradient (for the numeric coordinates) by the chain rule through the posterior:
 *   a(p) = log sigma(p) + log h(z),  z = (f* - mu(p)) / sigma(p)
 *   da = dsigma / sigma * (1 - z h'/h) - (h'/h) dmu / sigma
 * where h'/h = d log h / dz (log-ei.ts).
 */
import type { GaussianProcess } from './gaussian-process';
import { logExpectedImprovement, logH, logHDerivative } from './log-ei';

export interface Acquisition {
  readonly dimensions: number;
  /** The score to maximise at p. */
  value(p: Float64Array): number;
  /** The score at p, its gradient with respect to p written to `grad`. */
  valueAndGradient(p: Float64Array, grad: Float64Array): number;
}

export class LogEiAcquisition implements Acquisition {
  readonly dimensions: number;
  private readonly dMean: Float64Array;
  private readonly dVariance: Float64Array;

  /** `best` is the incumbent in the GP's (standardised, minimised) units. */
  constructor(
    private readonly gp: GaussianProcess,
    private readonly best: number,
  ) {
    this.dimensions = gp.inputs.d;
    this.dMean = new Float64Array(this.dimensions);
    this.dVariance = new Float64Array(this.dimensions);
  }

  value(p: Float64Array): number {
    const { mean, variance } = this.gp.predict(p);
    return logExpectedImprovement(mean, variance, this.best);
  }

  valueAndGradient(p: Float64Array, grad: Float64Array): number {
    const { mean, variance } = this.gp.predictWithGradient(p, this.dMean, this.dVariance);
    const sigma = Math.sqrt(variance);
    const z = (this.best - mean) / sigma;
    const r = logHDerivative(z);
    for (let c = 0; c < this.dimensions; c++) {
      const dSigma = (this.dVariance[c] as number) / (2 * sigma);
      grad[c] = (dSigma / sigma) * (1 - z * r) - (r * (this.dMean[c] as number)) / sigma;
    }
    return Math.log(sigma) + logH(z);
  }
}
