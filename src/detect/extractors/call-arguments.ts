/**
 * A call's arguments split the way Python binds them: positional expressions in order, keyword
 * values by name. The CLI extractors read declarations like `add_argument('--lr', type=float)`
 * and `flags.DEFINE_float('lr', 0.1, 'help')` through this one view.
 */
import type { SyntaxNode } from '../python-parser';

export interface CallArguments {
  readonly positional: readonly SyntaxNode[];
  /** Keyword name -> its value expression. */
  readonly keywords: ReadonlyMap<string, SyntaxNode>;
  /** `*args` or `**kwargs` present: the call may receive more than is written. */
  readonly unpacked: boolean;
}

export function callArguments(call: SyntaxNode): CallArguments {
  const positional: SyntaxNode[] = [];
  const keywords = new Map<string, SyntaxNode>();
  let unpacked = false;
  const list = call.childForFieldName('arguments');
  // `f(x for x in y)` has a bare generator expression where the argument list would be.
  if (list && list.type !== 'argument_list') return { positional: [list], keywords, unpacked };
  for (const arg of list?.namedChildren ?? []) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name');
      const value = arg.childForFieldName('value');
      if (name && value) keywords.set(name.text, value);
    } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
      unpacked = true;
    } else {
      positional.push(arg);
    }
  }
  return { positional, keywords, unpacked };
}
