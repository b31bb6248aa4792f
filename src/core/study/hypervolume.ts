/**
 * The hypervolume indicator (Zitzler & Thiele 1998): the measure of the region that a set of
 * points dominates and that dominates the reference point, all objectives minimised. It is the
 * yardstick of multi-objective benchmarks (ZDT1/ZDT2 with reference (1.1, 1.1)).
 *
 * Two objectives: an exact sweep in O(n log n). More: WFG (While, Bradstreet & Barone 2012,
 * "A fast way of calculating exact hypervolumes"), exact and fast enough for the few
 * objectives and hundreds of points a study has.
 */

export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const m = reference.length;
  if (m === 0) throw new RangeError('hypervolume needs a reference point with at least one objective');
  for (const [i, p] of points.entries()) {
    if (p.length !== m) throw new RangeError(`point ${i} has ${p.length} objectives, the reference has ${m}`);
  }
  // Only points strictly better than the reference in every objective add volume.
  const inside = points.filter((p) => p.every((v, j) => v < (reference[j] as number)));
  if (inside.length === 0) return 0;
  if (m === 1) return (reference[0] as number) - Math.min(...inside.map((p) => p[0] as number));
  if (m === 2) return hypervolume2d(inside, reference);
  return wfg(nonDominated(inside), reference);
}

function hypervolume2d(points: readonly (readonly number[])[], reference: readonly number[]): number {
  const sorted = [...points].sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let volume = 0;
  let bestY = reference[1] as number;
  for (const p of sorted) {
    const y = p[1] as number;
    if (y < bestY) {
      volume += ((reference[0] as number) - (p[0] as number)) * (bestY - y);
      bestY = y;
    }
  }
  return volume;
}

/** WFG: the volume of a set is the sum of each point's exclusive contribution, in order. */
function wfg(points: readonly (readonly number[])[], reference: readonly number[]): number {
  if (reference.length === 2) return hypervolume2d(points, reference);
  // Sorting by the last objective makes the limited sets small (the paper's ordering).
  const sorted = [...points].sort((a, b) => (b[b.length - 1] as number) - (a[a.length - 1] as number));
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i] as readonly number[];
    volume += boxVolume(p, reference) - wfg(limited(sorted.slice(i + 1), p), reference);
  }
  return volume;
}

/** The points after p, each clipped so that it is no better than p: what p's box overlaps. */
function limited(rest: readonly (readonly number[])[], p: readonly number[]): number[][] {
  return nonDominated(rest.map((q) => q.map((v, j) => Math.max(v, p[j] as number))));
}

function boxVolume(p: readonly number[], reference: readonly number[]): number {
  let v = 1;
  for (let j = 0; j < p.length; j++) v *= (reference[j] as number) - (p[j] as number);
  return v;
}

function nonDominated(points: readonly (readonly number[])[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as readonly number[];
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      if (j === i) continue;
      const q = points[j] as readonly number[];
      // Weakly dominated duplicates keep only their first copy.
      dominated = weaklyDominates(q, p) && (!weaklyDominates(p, q) || j < i);
    }
    if (!dominated) out.push([...p]);
  }
  return out;
}

function weaklyDominates(a: readonly number[], b: readonly number[]): boolean {
  for (let j = 0; j < a.length; j++) if ((a[j] as number) > (b[j] as number)) return false;
  return true;
}
