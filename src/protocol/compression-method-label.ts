/**
 * How a compression method is named to a user: the report panel's title (extension host) and
 * the report's heading (webview) say the same words, so both import them from here.
 */
import type { CompressionMethod, QuantizeScheme } from './compression';

const SCHEME_LABELS: Readonly<Record<QuantizeScheme, string>> = {
  'dynamic-int8': 'dynamic int8',
  'weight-int8': 'weight-only int8',
  fp16: 'fp16',
  bf16: 'bf16',
};

/** "dynamic int8", "50% global magnitude pruning", "2:4 structured pruning". */
export function compressionMethodLabel(method: CompressionMethod): string {
  if (method.kind === 'quantize') return SCHEME_LABELS[method.scheme];
  if (method.pattern === 'n:m') return `${method.n}:${method.m} structured pruning`;
  return `${formatPercent(method.sparsity)} ${method.scope === 'global' ? 'global' : 'per-layer'} magnitude pruning`;
}

/** 0.5 -> "50%", 0.125 -> "12.5%": no trailing zeros, at most one decimal. */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}
