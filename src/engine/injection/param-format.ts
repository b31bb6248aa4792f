/**
 * One parameter value as the text a training script receives, in argv or the environment.
 * Numbers are written so that Python's float() and int() read back exactly the value sampled:
 * JavaScript's Number#toString is already the shortest string that round-trips a double, the
 * same algorithm as Python's repr(float), and integers print without ".0" so int() accepts them.
 */
import type { ParamValue } from '../../core/space/distributions';
import { stringifyJournalJson } from '../../core/storage/journal-json';

export function formatParamValue(value: ParamValue): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  // Lists and objects travel as JSON, which json.loads, yaml.safe_load and Hydra all read.
  return stringifyJournalJson(value);
}

function formatNumber(value: number): string {
  // float('nan') / float('inf') accept these; JavaScript's "NaN" / "Infinity" are also accepted
  // by float() but not by numpy or YAML, so use Python's own spelling.
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  // "-0" keeps the sign for float() and is still valid for int().
  if (Object.is(value, -0)) return '-0';
  // 1e21 and above print as "1e+21", which int() rejects; BigInt gives every digit exactly.
  if (Number.isInteger(value) && Math.abs(value) >= 1e21) return BigInt(value).toString();
  return String(value);
}
