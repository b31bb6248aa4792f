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

/** 1536 -> "1.5 KiB", 203973 -> "199 KiB": binary units, one decimal below 100. The CLI table, the quick picks and the report webview all size files this way. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit] as string}`;
}
