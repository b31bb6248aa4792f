/**
 * Unified diffs (`diff -u` / `git diff` format) for apply-back previews: `--- a/file`,
 * `+++ b/file`, then `@@ -l,n +l,n @@` hunks with `context` lines around each change, hunks
 * closer than twice the context merged, and `\ No newline at end of file` where a side lacks
 * its last newline. Lines are matched with Myers' O(ND) algorithm (Myers 1986, "An O(ND)
 * Difference Algorithm and Its Variations") after the common prefix and suffix are set aside,
 * which is all an apply-back edit of a few literals leaves.
 */

/** Beyond this many differing lines the middle is shown as one replacement: still a correct diff, no longer minimal, and the search stays bounded. */
const MAX_EDIT_DISTANCE = 2000;

interface Line {
  readonly text: string;
  /** False for a last line without a newline: it differs from the same text with one. */
  readonly eol: boolean;
}

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: Line };

export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  // An absolute path is labelled as git labels it (`a/tmp/x.py`), so `patch -p1` still applies it from the root.
  const label = file.replace(/^\/+/, '');
  const out = [`--- a/${label}`, `+++ b/${label}`];
  for (const hunk of hunks(ops, context)) out.push(...renderHunk(ops, hunk));
  return out.join('\n') + '\n';
}

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.pop() as string;
  const lines: Line[] = parts.map((t) => ({ text: t, eol: true }));
  if (last !== '') lines.push({ text: last, eol: false });
  return lines;
}

const same = (x: Line, y: Line): boolean => x.text === y.text && x.eol === y.eol;

/** The edit script: every line of a and b once, in order, deletions before insertions within a change. */
function diffLines(a: readonly Line[], b: readonly Line[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && same(a[prefix] as Line, b[prefix] as Line)) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && same(a[a.length - 1 - suffix] as Line, b[b.length - 1 - suffix] as Line)) suffix++;
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const ops: Op[] = a.slice(0, prefix).map((line) => ({ kind: ' ', line }));
  ops.push(...(myers(midA, midB) ?? [...midA.map((line): Op => ({ kind: '-', line })), ...midB.map((line): Op => ({ kind: '+', line }))]));
  ops.push(...a.slice(a.length - suffix).map((line): Op => ({ kind: ' ', line })));
  return groupChanges(ops);
}

/** Myers' greedy forward search, keeping each round's frontier to walk the path back; undefined past MAX_EDIT_DISTANCE. */
function myers(a: readonly Line[], b: readonly Line[]): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  if (max === 0) return [];
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(max, MAX_EDIT_DISTANCE); d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && same(a[x] as Line, b[y] as Line)) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, d);
    }
  }
  return undefined;
}

function backtrack(trace: readonly Int32Array[], a: readonly Line[], b: readonly Line[], dEnd: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d > 0; d--) {
    // trace[d] is the frontier before round d: index (k + d + 1) holds V[k].
    const vPrev = trace[d] as Int32Array;
    const at = (k: number): number => vPrev[k + d + 1] as number;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x] as Line });
      y--;
    }
    if (down) ops.push({ kind: '+', line: b[--y] as Line });
    else ops.push({ kind: '-', line: a[--x] as Line });
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: ' ', line: a[--x] as Line });
    y--;
  }
  return ops.reverse();
}

/** Within each run of changed lines, deletions first, as diff and git print them. */
function groupChanges(ops: Op[]): Op[] {
  const out: Op[] = [];
  for (let i = 0; i < ops.length; ) {
    if ((ops[i] as Op).kind === ' ') {
      out.push(ops[i++] as Op);
      continue;
    }
    const run: Op[] = [];
    while (i < ops.length && (ops[i] as Op).kind !== ' ') run.push(ops[i++] as Op);
    out.push(...run.filter((o) => o.kind === '-'), ...run.filter((o) => o.kind === '+'));
  }
  return out;
}

/** [first, last) op indices of each hunk. */
function hunks(ops: readonly Op[], context: number): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < ops.length) {
    if ((ops[i] as Op).kind === ' ') {
      i++;
      continue;
    }
    let end = i;
    // Extend over later changes separated by at most 2 * context unchanged lines.
    for (;;) {
      while (end < ops.length && (ops[end] as Op).kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && (ops[gap] as Op).kind === ' ') gap++;
      if (gap < ops.length && gap - end <= 2 * context) end = gap;
      else break;
    }
    out.push([Math.max(0, i - context), Math.min(ops.length, end + context)]);
    i = end;
  }
  return out;
}

function renderHunk(ops: readonly Op[], [first, last]: [number, number]): string[] {
  let oldLine = 1;
  let newLine = 1;
  for (let i = 0; i < first; i++) {
    const kind = (ops[i] as Op).kind;
    if (kind !== '+') oldLine++;
    if (kind !== '-') newLine++;
  }
  let oldCount = 0;
  let newCount = 0;
  const body: string[] = [];
  for (let i = first; i < last; i++) {
    const op = ops[i] as Op;
    if (op.kind !== '+') oldCount++;
    if (op.kind !== '-') newCount++;
    body.push(op.kind + op.line.text);
    if (!op.line.eol) body.push('\\ No newline at end of file');
  }
  return [`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`, ...body];
}

/** `l,n`, `l` alone when n is 1, and the line before (`l-1,0`) for an empty side, as diff writes them. */
function range(start: number, count: number): string {
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}
