/**
 * Non-dominated trials of a multi-objective study, for the Pareto chart. The webview may import
 * only src/protocol, so this mirrors src/core/study/pareto.ts (same dominance rule) rather than
 * importing it.
 */
type Direction = 'minimize' | 'maximize';

/** Does a dominate b: no worse in every objective and better in one (values in minimise form)? */
function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if ((a[i] as number) > (b[i] as number)) return false;
    if ((a[i] as number) < (b[i] as number)) better = true;
  }
  return better;
}

/**
 * Indices of the non-dominated rows of `values` (one row of objective values per trial).
 * Sorting by the first objective first means a row can only be dominated by rows before it
 * (or equal to it in that objective), which skips most comparisons for large studies.
 */
export function paretoFrontIndices(values: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  const signed = values.map((row) => row.map((v, i) => (directions[i] === 'maximize' ? -v : v)));
  const order = signed.map((_, i) => i).sort((a, b) => (signed[a]?.[0] as number) - (signed[b]?.[0] as number));
  const front: number[] = [];
  for (const i of order) {
    const row = signed[i] as number[];
    let dominated = false;
    for (const j of front) {
      if (dominates(signed[j] as number[], row)) {
        dominated = true;
        break;
      }
    }
    if (!dominated) {
      // A later row equal in the first objective may dominate earlier front members.
      for (let k = front.length - 1; k >= 0; k--) if (dominates(row, signed[front[k] as number] as number[])) front.splice(k, 1);
      front.push(i);
    }
  }
  return front.sort((a, b) => a - b);
}

/**
 * The boundary of the region the front dominates, for two objectives: a staircase through the
 * front points (in data space). Sorted along the first objective, each step runs from one point
 * towards the next in the first objective while holding the second, then to the next point.
 */
export function paretoStaircase(points: readonly (readonly [number, number])[], firstDirection: Direction): [number, number][] {
  // The corner between two neighbours is (next x, previous y) whatever the directions are.
  const sx = firstDirection === 'maximize' ? -1 : 1;
  const sorted = [...points].sort((a, b) => sx * a[0] - sx * b[0]);
  const out: [number, number][] = [];
  sorted.forEach((p, k) => {
    if (k > 0) out.push([p[0], (sorted[k - 1] as readonly [number, number])[1]]);
    out.push([p[0], p[1]]);
  });
  return out;
}
