/**
 * Checks at the boundaries of a compression report's journey: the CLI's `--json` report line
 * read by the extension host (another process's stdout), the host's `report` message read by the
 * report webview, and the webview's messages read by the host. Each side treats what it
 * receives as untrusted until it passes these guards (STYLE.md: "data from a webview, a trial's
 * stdout or a file on disk is untrusted until validated").
 *
 * Order of the report webview's messages: the webview posts `ready` once its script runs; only
 * then does the host post `report`. After a window reload the serializer hands the report the
 * webview saved with setState() back to the host, which validates it again before reuse.
 */
import type { CompressionReport } from './compression';

/** Host -> report webview. */
export type CompressReportToWebview = { readonly type: 'report'; readonly report: CompressionReport };

/**
 * Report webview -> host. The buttons name no path: the host acts on the compressed file of the
 * report it posted itself, so a compromised page cannot make it reveal or open anything else.
 */
export type CompressReportFromWebview = { readonly type: 'ready' } | { readonly type: 'reveal-output' } | { readonly type: 'open-folder' };

type Check = (value: unknown, where: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const finite: Check = (v, where) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `${where}: expected a finite number, got ${describe(v)}`);
const count: Check = (v, where) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? undefined : `${where}: expected a whole number >= 0, got ${describe(v)}`);
const nonNegative: Check = (v, where) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : `${where}: expected a number >= 0, got ${describe(v)}`);
const fraction: Check = (v, where) => (typeof v === 'number' && v >= 0 && v <= 1 ? undefined : `${where}: expected a fraction in 0..1, got ${describe(v)}`);
const text: Check = (v, where) => (typeof v === 'string' ? undefined : `${where}: expected a string, got ${describe(v)}`);
const oneOf =
  (...allowed: readonly string[]): Check =>
  (v, where) =>
    typeof v === 'string' && allowed.includes(v) ? undefined : `${where}: expected one of ${allowed.join(' | ')}, got ${describe(v)}`;

/** Runs the checks of an object's fields; optional fields may be absent (not null). */
function fields(value: unknown, where: string, required: Record<string, Check>, optional: Record<string, Check> = {}): string | undefined {
  if (!isObject(value)) return `${where}: expected an object, got ${describe(value)}`;
  for (const [key, check] of Object.entries(required)) {
    const problem = check(value[key], `${where}.${key}`);
    if (problem) return problem;
  }
  for (const [key, check] of Object.entries(optional)) {
    if (value[key] === undefined) continue;
    const problem = check(value[key], `${where}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

function listOf(item: Check): Check {
  return (v, where) => {
    if (!Array.isArray(v)) return `${where}: expected a list, got ${describe(v)}`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${where}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

const method: Check = (v, where) => {
  if (!isObject(v)) return `${where}: expected an object, got ${describe(v)}`;
  if (v.kind === 'quantize') return fields(v, where, { scheme: oneOf('dynamic-int8', 'weight-int8', 'fp16', 'bf16') });
  if (v.kind !== 'prune') return `${where}.kind: expected prune | quantize, got ${describe(v.kind)}`;
  if (v.pattern === 'unstructured') return fields(v, where, { scope: oneOf('global', 'layer'), sparsity: fraction });
  if (v.pattern === 'n:m') {
    const problem = fields(v, where, { n: count, m: count });
    if (problem) return problem;
    return (v.n as number) < (v.m as number) && (v.m as number) > 0 ? undefined : `${where}: expected n < m, got ${String(v.n)}:${String(v.m)}`;
  }
  return `${where}.pattern: expected unstructured | n:m, got ${describe(v.pattern)}`;
};

const latency: Check = (v, where) => fields(v, where, { medianMs: nonNegative, p90Ms: nonNegative, runs: count });

const modelSide: Check = (v, where) => {
  const problem = fields(v, where, { path: text, bytes: count, params: count, zeros: count }, { latency });
  if (problem) return problem;
  const side = v as { params: number; zeros: number };
  return side.zeros <= side.params ? undefined : `${where}.zeros: ${side.zeros} zeros in ${side.params} parameters`;
};

const layer: Check = (v, where) =>
  fields(v, where, {
    name: text,
    op: text,
    shape: listOf(count),
    params: count,
    sparsityBefore: fraction,
    sparsityAfter: fraction,
    dtypeBefore: text,
    dtypeAfter: text,
  });

const agreement: Check = (v, where) =>
  fields(v, where, { samples: count, inputsFrom: oneOf('file', 'generated'), maxAbsDiff: nonNegative, meanAbsDiff: nonNegative }, { top1Agreement: fraction });

const accuracy: Check = (v, where) => fields(v, where, { source: oneOf('labels', 'eval-command'), metric: text, before: finite, after: finite });

const report: Check = (v, where) =>
  fields(
    v,
    where,
    {
      format: oneOf('onnx', 'safetensors', 'pytorch'),
      method,
      before: modelSide,
      after: modelSide,
      layers: listOf(layer),
      warnings: listOf(text),
      durationMs: nonNegative,
    },
    { agreement, accuracy },
  );

/** What is wrong with `value` as a CompressionReport ("report.layers[2].sparsityAfter: ..."), or undefined when nothing is. */
export function compressionReportProblem(value: unknown): string | undefined {
  return report(value, 'report');
}

export function isCompressionReport(value: unknown): value is CompressionReport {
  return compressionReportProblem(value) === undefined;
}

/** Validates a message to the report webview; anything else is dropped. */
export function parseCompressReportToWebview(data: unknown): CompressReportToWebview | undefined {
  if (!isObject(data) || data.type !== 'report' || !isCompressionReport(data.report)) return undefined;
  return { type: 'report', report: data.report };
}

/** Validates a message from the report webview; anything else is dropped by the host. */
export function parseCompressReportFromWebview(data: unknown): CompressReportFromWebview | undefined {
  if (!isObject(data)) return undefined;
  switch (data.type) {
    case 'ready':
    case 'reveal-output':
    case 'open-folder':
      return { type: data.type };
    default:
      return undefined;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : String(v);
}
