/** What a quantizer hands back to onnx-compress.ts for the report. */
import type { LayerReport } from '../../protocol/compression';

export interface QuantizeOutcome {
  layers: LayerReport[];
  warnings: string[];
  /** Parameters and exact zeros of each touched weight after the change, for the report's totals. */
  touched: Map<string, { params: number; zeros: number }>;
}

/** Exact zeros among int8 values (a quantized weight's sparsity). */
export function countInt8Zeros(values: Int8Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) n++;
  return n;
}
