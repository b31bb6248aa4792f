/**
 * Reading calls and names in a Python syntax tree: `a.b.c` chains, positional and keyword
 * arguments. Shared by the extractors that recognise library calls (`field(default=...)`,
 * `HfArgumentParser(...)`, `yaml.safe_load(...)`, `@hydra.main(...)`).
 */
import type { SyntaxNode } from '../python-parser';

/** `a.b.c` for an identifier or attribute chain; undefined for anything else (calls, subscripts). */
export function dottedName(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = dottedName(node.childForFieldName('object'));
    const attribute = node.childForFieldName('attribute');
    return object && attribute ? `${object}.${attribute.text}` : undefined;
  }
  return undefined;
}

/** The last segment of a dotted name: `dataclasses.dataclass` -> `dataclass`. */
export function lastSegment(name: string | undefined): string | undefined {
  return name?.slice(name.lastIndexOf('.') + 1);
}

/** The dotted name of the function a call invokes (`yaml.safe_load`), if it is a plain name. */
export function calleeName(call: SyntaxNode): string | undefined {
  return call.type === 'call' ? dottedName(call.childForFieldName('function')) : undefined;
}

/** Every node of a type under `root` (root included), in source order. */
export function descendantsOfType(root: SyntaxNode, type: string): SyntaxNode[] {
  // web-tree-sitter's own walk runs inside wasm: much faster than visiting nodes from JS.
  return root.descendantsOfType(type);
}
