/**
 * The joint spaces multivariate TPE models, after Optuna's IntersectionSearchSpace and
 * _GroupDecomposedSearchSpace (TPESampler(group=True), Optuna 2.8).
 *
 * Without grouping, the joint space is the parameters every observed trial has: in a
 * conditional space that is only the unconditional ones, and the rest fall back to univariate
 * TPE. With grouping, the parameters are split into groups that always occur together: each
 * trial's parameter set cuts every existing group into the part inside it and the part outside
 * it, so in the end two parameters share a group exactly when no trial has one without the
 * other. Each group is then modelled jointly from the trials that hold it, which keeps the
 * correlations inside a branch of a conditional space instead of dropping them.
 */

/** Parameters present in every one of `paramSets`, in the order of `order`. */
export function intersectionGroup(paramSets: readonly ReadonlySet<string>[], order: readonly string[]): string[] {
  if (paramSets.length === 0) return [];
  return order.filter((name) => paramSets.every((s) => s.has(name)));
}

/** Groups of parameters that always co-occur in `paramSets`; each group and the list follow `order`. */
export function decomposeGroups(paramSets: readonly ReadonlySet<string>[], order: readonly string[]): string[][] {
  let groups: Set<string>[] = [];
  for (const params of paramSets) {
    const rest = new Set(params);
    const next: Set<string>[] = [];
    for (const group of groups) {
      const inside = new Set<string>();
      const outside = new Set<string>();
      for (const name of group) (params.has(name) ? inside : outside).add(name);
      if (inside.size > 0) next.push(inside);
      if (outside.size > 0) next.push(outside);
      for (const name of group) rest.delete(name);
    }
    if (rest.size > 0) next.push(rest);
    groups = next;
  }
  const rank = new Map(order.map((name, i) => [name, i]));
  return groups
    .map((g) => [...g].filter((name) => rank.has(name)).sort((a, b) => (rank.get(a) as number) - (rank.get(b) as number)))
    .filter((g) => g.length > 0)
    .sort((a, b) => (rank.get(a[0] as string) as number) - (rank.get(b[0] as string) as number));
}
