/**
 * Numbers written back into source the way the user wrote the old one: a float in scientific
 * notation stays scientific (`1e-3` -> `3e-4`, `1.0E-03` -> `3.0E-04`), a fixed float stays
 * fixed with the fewest digits that read back exactly (`0.1` -> `0.05`, never
 * `0.05000000000000001`), an int keeps its base and `1_000` grouping. Shared by the Python,
 * YAML and JSON writers; each decides which of these shapes its language and loaders accept.
 */

/** The shape of a number literal as written, to write the next one alike. */
export interface NumberStyle {
  readonly kind: 'int' | 'float';
  /** Scientific notation (`1e-3`, `2.5E+04`). */
  readonly scientific: boolean;
  /** The mantissa of a scientific literal has a point (`1.0e-3`, `1.e-3`). */
  readonly mantissaPoint: boolean;
  /** The mantissa ends in a bare point (`1.e-3`). */
  readonly mantissaBarePoint: boolean;
  /** A positive exponent is written with `+` (`1e+3`). */
  readonly exponentPlus: boolean;
  readonly exponentUpper: boolean;
  /** Digits the exponent is padded to (`1e-05` -> 2). */
  readonly exponentWidth: number;
  /** Integer base from its prefix; 10 without one. */
  readonly base: 2 | 8 | 10 | 16;
  /** The prefix as written (`0x`, `0X`, `0o`...), and whether hex digits were upper case. */
  readonly prefix: string;
  readonly upperDigits: boolean;
  /** `1_000` style: thousands grouped with underscores (Python; YAML 1.1). */
  readonly thousands: boolean;
}

/** The style of an unsigned number literal, or undefined when the text is not one. */
export function numberStyle(text: string): NumberStyle | undefined {
  const base: NumberStyle = {
    kind: 'int',
    scientific: false,
    mantissaPoint: false,
    mantissaBarePoint: false,
    exponentPlus: false,
    exponentUpper: false,
    exponentWidth: 1,
    base: 10,
    prefix: '',
    upperDigits: false,
    thousands: false,
  };
  const prefixed = /^0([xXoObB])((?:_?[0-9a-fA-F])+)$/.exec(text);
  if (prefixed) {
    const letter = (prefixed[1] as string).toLowerCase();
    const digits = prefixed[2] as string;
    return { ...base, base: letter === 'x' ? 16 : letter === 'o' ? 8 : 2, prefix: text.slice(0, 2), upperDigits: /[A-F]/.test(digits) };
  }
  if (/^\d(?:_?\d)*$/.test(text)) {
    return { ...base, thousands: /^\d{1,3}(?:_\d{3})+$/.test(text) };
  }
  const float = /^(\d(?:_?\d)*)?(\.)?(\d(?:_?\d)*)?(?:([eE])([+-]?)(\d(?:_?\d)*))?$/.exec(text);
  if (!float || (!float[1] && !float[3]) || (!float[2] && !float[4])) return undefined;
  const exponentDigits = float[6] ?? '';
  return {
    ...base,
    kind: 'float',
    scientific: float[4] !== undefined,
    mantissaPoint: float[2] !== undefined,
    mantissaBarePoint: float[2] !== undefined && float[3] === undefined,
    exponentPlus: float[5] === '+',
    exponentUpper: float[4] === 'E',
    exponentWidth: exponentDigits.startsWith('0') ? exponentDigits.length : 1,
  };
}

/** The shortest decimal digits that read back as exactly `x` (x finite, not negative), and the exponent of the first. */
function shortestDigits(x: number): { digits: string; exponent: number } {
  // toExponential() without an argument gives as many digits as needed to identify the double
  // uniquely: the same shortest round-trip digits Python's repr(float) uses.
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exponent: Number(exponent) };
}

/**
 * Python's repr(float): shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16,
 * otherwise `d.ddde-XX` with a signed exponent of at least two digits.
 */
export function pythonFloatRepr(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`${x} has no Python float literal`);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const { digits, exponent } = shortestDigits(Math.abs(x));
  // CPython float_repr_style 'short', format code 'r': exponent form when decpt <= -4 or decpt > 16.
  if (exponent < -4 || exponent >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent).toString().padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${e}`;
  }
  return sign + fixed(digits, exponent);
}

function fixed(digits: string, exponent: number): string {
  if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${whole}.${fraction || '0'}`;
}

/** `x` in scientific notation shaped like `style` (mantissa point, exponent sign, case, padding). */
export function scientific(x: number, style: NumberStyle): string {
  const sign = x < 0 ? '-' : '';
  const { digits, exponent } = x === 0 ? { digits: '0', exponent: 0 } : shortestDigits(Math.abs(x));
  let mantissa = digits[0] as string;
  if (digits.length > 1) mantissa += `.${digits.slice(1)}`;
  else if (style.mantissaPoint) mantissa += style.mantissaBarePoint ? '.' : '.0';
  const e = Math.abs(exponent).toString().padStart(style.exponentWidth, '0');
  const expSign = exponent < 0 ? '-' : style.exponentPlus ? '+' : '';
  return `${sign}${mantissa}${style.exponentUpper ? 'E' : 'e'}${expSign}${e}`;
}

/** An integer in the base, prefix and grouping of `style` (decimal without one). */
export function formatInteger(n: number, style?: NumberStyle): string {
  const sign = n < 0 ? '-' : '';
  // BigInt prints every digit of large integers, where toString would switch to `1e+21`.
  const magnitude = BigInt(Math.abs(n));
  if (style && style.base !== 10) {
    const digits = magnitude.toString(style.base);
    return sign + style.prefix + (style.upperDigits ? digits.toUpperCase() : digits);
  }
  const digits = magnitude.toString();
  return sign + (style?.thousands ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, '_') : digits);
}

/**
 * A float in the old literal's notation. `safeScientific` gives the exponent form for a fixed
 * old literal whose new value Python's repr would write in exponent form (`1e-05`): each writer
 * says what its loaders read as a float.
 */
export function formatFloatLike(x: number, style: NumberStyle | undefined, safeScientific: (x: number) => string): string {
  if (style?.scientific) return scientific(x, style);
  const repr = pythonFloatRepr(x);
  return /e/.test(repr) ? safeScientific(x) : repr;
}
