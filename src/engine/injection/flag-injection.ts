/**
 * Parameters as command-line flags, for scripts that read argparse / click / typer / absl
 * options. The result is an argv array handed to execa without a shell, so no value is ever
 * re-parsed by one: spaces, quotes and `$` arrive exactly as sampled.
 */
import type { ParamValue } from '../../core/space/distributions';
import { InjectionError } from './injection-error';
import { formatParamValue } from './param-format';

export interface FlagOptions {
  /** `--lr 0.1` (two argv entries, the default) or `--lr=0.1` (one). */
  readonly style?: 'space' | 'equals';
  readonly prefix?: '--' | '-';
  /**
   * `value` (default): `--amp true` / `--amp false`, for `type=str2bool`-style options.
   * `switch`: `--amp` when true and nothing when false, for argparse `store_true` / click flags.
   */
  readonly booleans?: 'value' | 'switch';
}

/**
 * Flags for every parameter, in the order given. Names are used as written (`batch_size` stays
 * `--batch_size`; a name that already starts with `-` is used verbatim). A null value adds no
 * flag, so the script keeps its own default (argparse's None). A value starting with `-` is
 * always joined with `=`: argparse would read `--lr -1e-05` as two options, since it only
 * recognises plain decimals like `-0.5` as negative numbers.
 */
export function buildFlagArgs(params: Readonly<Record<string, ParamValue>>, options: FlagOptions = {}): string[] {
  const style = options.style ?? 'space';
  const prefix = options.prefix ?? '--';
  const booleans = options.booleans ?? 'value';
  const args: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    const flag = flagName(name, prefix);
    if (value === null) continue;
    if (typeof value === 'boolean' && booleans === 'switch') {
      if (value) args.push(flag);
      continue;
    }
    const text = formatParamValue(value);
    if (text.includes('\0')) throw nulError(name);
    if (style === 'equals' || text.startsWith('-')) args.push(`${flag}=${text}`);
    else args.push(flag, text);
  }
  return args;
}

/** The OS cannot pass a NUL byte in argv; spawn would fail with a message naming no parameter. */
function nulError(name: string): InjectionError {
  return new InjectionError(name, `parameter "${name}" has a value containing a NUL character, which cannot be passed to a process; remove it from the study's choices`);
}

function flagName(name: string, prefix: string): string {
  // An `=` would split the flag in two for every parser; whitespace or control characters
  // cannot be typed as an option name, so both mean a mistake in the study file.
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || /[=\s\x00-\x1f\x7f]/.test(name) || /^-+$/.test(name)) {
    throw new InjectionError(
      name,
      `parameter name ${JSON.stringify(name)} cannot be passed as a command-line flag; ` +
        'rename it in the study file to the option name the script expects (for example "learning_rate")',
    );
  }
  return name.startsWith('-') ? name : `${prefix}${name}`;
}
