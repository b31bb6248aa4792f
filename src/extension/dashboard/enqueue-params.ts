/**
 * Checks parameters a user chose in the dashboard before they are queued as a trial. The
 * webview's message was validated for shape only; the values come from a form, so each must be
 * a parameter of the study and lie in its range, on its grid, among its choices. Study.enqueue
 * checks ranges too, but stops at the first problem and accepts names it does not know; here
 * every problem is listed, in words the user can act on.
 */
import type { JsonValue } from '../../core/space/distributions';
import { contains, jsonEquals } from '../../core/space/distributions';
import type { SearchSpace } from '../../core/space/search-space';

export function enqueueProblems(space: SearchSpace, params: Readonly<Record<string, JsonValue>>): string[] {
  const problems: string[] = [];
  const names = space.parameters.map((p) => p.name);
  for (const [name, value] of Object.entries(params)) {
    const spec = space.parameters.find((p) => p.name === name);
    if (!spec) {
      problems.push(`"${name}" is not a parameter of this study (its parameters: ${names.join(', ') || 'none'})`);
      continue;
    }
    const d = spec.distribution;
    if (!contains(d, value)) {
      const range =
        d.type === 'categorical'
          ? `one of ${d.choices.map((c) => JSON.stringify(c)).join(', ')}`
          : `${d.type === 'int' ? 'an integer' : 'a number'} from ${d.low} to ${d.high}${d.step ? ` in steps of ${d.step}` : ''}`;
      problems.push(`${name}=${JSON.stringify(value)} is outside the search space: it must be ${range}`);
      continue;
    }
    const condition = spec.condition;
    if (condition && condition.parent in params) {
      const parentValue = params[condition.parent] as JsonValue;
      if (!condition.values.some((v) => jsonEquals(v, parentValue))) {
        problems.push(
          `${name} only exists when ${condition.parent} is ${condition.values.map((v) => JSON.stringify(v)).join(' or ')}, not ${JSON.stringify(parentValue)}`,
        );
      }
    }
  }
  return problems;
}
