/**
 * What the shell lends a view of ours beyond the ChartView contract: selecting trials from a
 * chart (click a point, a line, a bar) and remembering the view's own choice (a metric, a scale)
 * across reloads. Optional, so each view still builds with no arguments, as ChartView's users do.
 */
export type SelectMode = 'replace' | 'toggle';

export interface ViewContext {
  select(numbers: readonly number[], mode: SelectMode): void;
  /** The view's saved choice, if any. */
  choice(): string | undefined;
  saveChoice(value: string): void;
}
