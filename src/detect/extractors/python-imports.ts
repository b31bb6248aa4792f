/**
 * What imported names stand for, so `import click as c; @c.option(...)`,
 * `from absl import flags` and `from argparse import BooleanOptionalAction` are recognised
 * by their real module path rather than by the local spelling.
 */
import type { SyntaxNode, SyntaxTree } from '../python-parser';

/** Local name -> dotted path it is bound to (`c` -> `click`, `flags` -> `absl.flags`). */
export type ImportTable = ReadonlyMap<string, string>;

/**
 * Every import in the file, top level or inside functions: training scripts often import
 * inside `main()`, and a name bound twice to different modules is rare enough to ignore.
 */
export function importTable(tree: SyntaxTree): ImportTable {
  const table = new Map<string, string>();
  for (const stmt of tree.rootNode.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!stmt) continue;
    if (stmt.type === 'import_statement') {
      for (const item of stmt.childrenForFieldName('name')) {
        if (!item) continue;
        if (item.type === 'aliased_import') {
          const target = item.childForFieldName('name');
          const alias = item.childForFieldName('alias');
          if (target && alias) table.set(alias.text, target.text);
        } else {
          // `import absl.flags` binds `absl`; the rest is reached by attribute access.
          const head = item.text.split('.')[0];
          if (head) table.set(head, head);
        }
      }
    } else {
      const module = stmt.childForFieldName('module_name');
      if (!module || module.type === 'relative_import') continue;
      for (const item of stmt.childrenForFieldName('name')) {
        if (!item) continue;
        if (item.type === 'aliased_import') {
          const target = item.childForFieldName('name');
          const alias = item.childForFieldName('alias');
          if (target && alias) table.set(alias.text, `${module.text}.${target.text}`);
        } else {
          table.set(item.text, `${module.text}.${item.text}`);
        }
      }
    }
  }
  return table;
}

/**
 * The dotted path an identifier or attribute chain refers to, with its first name resolved
 * through the imports (`c.option` -> `click.option`); names that were not imported stay as
 * written. Undefined for anything else (a call, a subscript).
 */
export function qualifiedName(node: SyntaxNode | null | undefined, imports: ImportTable): string | undefined {
  const parts = dottedParts(node);
  if (!parts) return undefined;
  const [head, ...rest] = parts;
  return [imports.get(head!) ?? head, ...rest].join('.');
}

function dottedParts(node: SyntaxNode | null | undefined): string[] | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return [node.text];
  if (node.type !== 'attribute') return undefined;
  const object = dottedParts(node.childForFieldName('object'));
  const attribute = node.childForFieldName('attribute');
  return object && attribute ? [...object, attribute.text] : undefined;
}
