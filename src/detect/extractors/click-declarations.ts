/**
 * Click's option declarations (`'--lr'`, `'-b', '--batch-size'`, `'--amp/--no-amp'`, an
 * explicit Python name), read the way click reads them. Typer builds on click and accepts the
 * same declarations, so both extractors use this.
 */
import type { ExtractedParam } from '../param-model';

export interface OptionDeclarations {
  /** The option strings that switch on / carry the value, in order. */
  readonly flags: readonly string[];
  /** The off switches of `--x/--no-x` declarations. */
  readonly secondary: readonly string[];
  /** A declaration that is a plain identifier: the Python parameter name. */
  readonly explicitName?: string;
}

export function parseOptionDeclarations(declarations: readonly string[]): OptionDeclarations {
  const flags: string[] = [];
  const secondary: string[] = [];
  let explicitName: string | undefined;
  for (const declaration of declarations) {
    if (/^[A-Za-z_]\w*$/.test(declaration)) {
      explicitName = declaration;
      continue;
    }
    // `'--shout/--no-shout'`; `' /-S'` adds only an off switch.
    const slash = declaration.indexOf('/', 1);
    const on = (slash > 0 ? declaration.slice(0, slash) : declaration).trim();
    const off = slash > 0 ? declaration.slice(slash + 1).trim() : '';
    if (on) flags.push(on);
    if (off) secondary.push(off);
  }
  return { flags, secondary, ...(explicitName !== undefined ? { explicitName } : {}) };
}

/** The option that names the parameter: the first long one, else the first. */
export function primaryFlag(declarations: OptionDeclarations): string | undefined {
  return declarations.flags.find((f) => f.startsWith('--')) ?? declarations.flags[0];
}

/**
 * Click's parameter name: an explicit identifier, else the option with the longest prefix
 * (the first such), prefix stripped, `-` -> `_`, lower-cased.
 */
export function clickDest(declarations: OptionDeclarations): string | undefined {
  if (declarations.explicitName !== undefined) return declarations.explicitName;
  let best: string | undefined;
  let bestPrefix = -1;
  for (const flag of declarations.flags) {
    const prefix = /^[^A-Za-z0-9]*/.exec(flag)![0].length;
    if (prefix > bestPrefix) {
      best = flag;
      bestPrefix = prefix;
    }
  }
  return best?.slice(bestPrefix).replace(/-/g, '_').toLowerCase();
}

export interface Switch {
  /** The flag Tunekit passes. */
  readonly flag: string;
  readonly boolStyle: NonNullable<ExtractedParam['boolStyle']>;
}

/**
 * How to set a boolean option. `--x/--no-x` pairs are 'paired-flags' (the injector derives
 * `--no-x`). A pair with another off switch (`--accept/--reject`) cannot be described that
 * way, so it becomes a single switch: the on flag when the default is False, the off flag
 * (store_false) when it is True. A lone flag sets `not default` (click's flag_value rule), so a
 * flag defaulting to True is store_false.
 */
export function switchOf(primary: string, secondary: readonly string[], defaultValue: boolean): Switch {
  const off = secondary[0];
  if (off === undefined) return { flag: primary, boolStyle: defaultValue ? 'store_false' : 'store_true' };
  if (off === `--no-${primary.replace(/^-+/, '')}`) return { flag: primary, boolStyle: 'paired-flags' };
  return defaultValue ? { flag: off, boolStyle: 'store_false' } : { flag: primary, boolStyle: 'store_true' };
}
