/**
 * Turns the CLI's progress events (a stage and a count within it) into what the progress
 * notification shows: one bar across the whole job and a line naming the stage with its own
 * percentage. VS Code's progress bar only moves forward, by increments, so this keeps the share
 * already shown and hands out the difference.
 *
 * The stage weights are rough shares of a typical job's time on an MLP-sized ONNX model (read
 * and write are I/O, the method is arithmetic over the weights, verification runs both models
 * several times); they only shape the bar, never a figure the user reads as a measurement.
 */
import type { CompressionProgress } from '../../protocol/compression';

const ORDER: readonly CompressionProgress['stage'][] = ['read', 'prune', 'quantize', 'write', 'verify', 'evaluate'];
const WEIGHT: Readonly<Record<CompressionProgress['stage'], number>> = { read: 10, prune: 35, quantize: 35, write: 10, verify: 30, evaluate: 15 };
const LABEL: Readonly<Record<CompressionProgress['stage'], string>> = {
  read: 'Reading the checkpoint',
  prune: 'Pruning weights',
  quantize: 'Quantizing weights',
  write: 'Writing the compressed file',
  verify: 'Running both models to compare them',
  evaluate: "Running the study's evaluation",
};

export interface ProgressStep {
  /** "Quantizing weights 40%". */
  readonly message: string;
  /** Percent of the whole bar to add now (>= 0). */
  readonly increment: number;
}

export class CompressProgressTracker {
  private shown = 0;

  constructor(private readonly method: 'prune' | 'quantize') {}

  /** What to show for `progress`; the bar never moves back. */
  step(progress: CompressionProgress): ProgressStep {
    const stages = ORDER.filter((s) => s !== (this.method === 'prune' ? 'quantize' : 'prune'));
    const total = stages.reduce((sum, s) => sum + WEIGHT[s], 0);
    const index = stages.indexOf(progress.stage);
    const before = stages.slice(0, Math.max(0, index)).reduce((sum, s) => sum + WEIGHT[s], 0);
    const within = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
    const overall = index < 0 ? this.shown : (100 * (before + within * WEIGHT[progress.stage])) / total;
    const increment = Math.max(0, overall - this.shown);
    this.shown = Math.max(this.shown, overall);
    const percent = progress.total > 0 ? ` ${Math.floor(within * 100)}%` : '';
    return { message: `${LABEL[progress.stage]}${percent}`, increment };
  }
}
