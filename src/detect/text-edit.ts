/**
 * Minimal text edits, the currency of apply-back: computed as data so the extension can show
 * a diff and apply one undoable WorkspaceEdit, and the CLI can print or write them.
 */
export interface TextEdit {
  /** JS string indices [start, end) in the original text. */
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** Applies non-overlapping edits to a text. Throws on overlap: two edits for one span are a bug. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error(`overlapping edits at offset ${e.start}`);
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}
