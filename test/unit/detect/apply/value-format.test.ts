import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { formatFloatLike, formatInteger, numberStyle, pythonFloatRepr, scientific } from '../../../../src/detect/apply/value-format';
import type { NumberStyle } from '../../../../src/detect/apply/value-format';

function pythonAvailable(): string | undefined {
  try {
    execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'python3 is not on PATH';
  }
}

test('pythonFloatRepr writes what Python repr(float) writes, for thousands of doubles of every magnitude', { skip: pythonAvailable() }, () => {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const xs: number[] = [0, 1, 3, 0.1, 0.05, 0.3, 1e-4, 1e-5, 9.999e-5, 1e15, 1e16, 9999999999999998, 123456789012345680, 5e-324, 1.7976931348623157e308, 2.5e-7, -1e-3];
  for (let i = 0; i < 3000; i++) xs.push((random() - 0.3) * 10 ** Math.floor(random() * 80 - 40));
  const py = JSON.parse(
    execFileSync('python3', ['-c', 'import sys, json; print(json.dumps([repr(float(x)) for x in json.load(sys.stdin)]))'], { input: JSON.stringify(xs) }).toString(),
  ) as string[];
  const wrong = xs.map((x, i) => [x, pythonFloatRepr(x), py[i]] as const).filter(([, ours, theirs]) => ours !== theirs);
  assert.deepEqual(wrong.slice(0, 5), []);
});

test('pythonFloatRepr: shortest digits, never the binary noise', () => {
  assert.equal(pythonFloatRepr(0.05), '0.05');
  assert.equal(pythonFloatRepr(0.1 + 0.2), '0.30000000000000004'); // that one really is the value
  assert.equal(pythonFloatRepr(1), '1.0');
  assert.equal(pythonFloatRepr(-0), '-0.0');
  assert.equal(pythonFloatRepr(1e-5), '1e-05');
  assert.equal(pythonFloatRepr(3e-4), '0.0003');
  assert.equal(pythonFloatRepr(1e16), '1e+16');
  assert.throws(() => pythonFloatRepr(Number.NaN), RangeError);
});

test('numberStyle reads the notation of a literal', () => {
  assert.equal(numberStyle('1e-3')?.scientific, true);
  assert.equal(numberStyle('1e-3')?.mantissaPoint, false);
  assert.equal(numberStyle('1.0E-03')?.exponentUpper, true);
  assert.equal(numberStyle('1.0E-03')?.exponentWidth, 2);
  assert.equal(numberStyle('1e+3')?.exponentPlus, true);
  assert.equal(numberStyle('0.1')?.kind, 'float');
  assert.equal(numberStyle('.5')?.kind, 'float');
  assert.equal(numberStyle('1.')?.kind, 'float');
  assert.equal(numberStyle('32')?.kind, 'int');
  assert.equal(numberStyle('1_000')?.thousands, true);
  assert.equal(numberStyle('10_00')?.thousands, false);
  assert.equal(numberStyle('0xFF')?.base, 16);
  assert.equal(numberStyle('adam'), undefined);
  assert.equal(numberStyle('1e'), undefined);
  assert.equal(numberStyle('.'), undefined);
});

test('scientific keeps the old literal shape: point, exponent sign, case, padding', () => {
  const style = (text: string): NumberStyle => numberStyle(text) as NumberStyle;
  assert.equal(scientific(3e-4, style('1e-3')), '3e-4');
  assert.equal(scientific(2.5e-4, style('1e-3')), '2.5e-4');
  assert.equal(scientific(3e-4, style('1.0e-3')), '3.0e-4');
  assert.equal(scientific(3e-4, style('1.e-3')), '3.e-4');
  assert.equal(scientific(3e-4, style('1.0E-03')), '3.0E-04');
  assert.equal(scientific(2000, style('1e+3')), '2e+3');
  assert.equal(scientific(2000, style('1e3')), '2e3');
  assert.equal(scientific(-5e-5, style('1e-3')), '-5e-5');
});

test('formatInteger keeps base, prefix case and thousands grouping', () => {
  const style = (text: string): NumberStyle => numberStyle(text) as NumberStyle;
  assert.equal(formatInteger(2000, style('1_000')), '2_000');
  assert.equal(formatInteger(1234567, style('1_000')), '1_234_567');
  assert.equal(formatInteger(999, style('1_000')), '999');
  assert.equal(formatInteger(255, style('0x10')), '0xff');
  assert.equal(formatInteger(255, style('0X1A')), '0XFF');
  assert.equal(formatInteger(8, style('0o7')), '0o10');
  assert.equal(formatInteger(-3), '-3');
  assert.equal(formatInteger(1e21), '1000000000000000000000');
});

test('formatFloatLike: fixed stays fixed, scientific stays scientific, tiny fixed values use the writer\'s exponent form', () => {
  const fixed = numberStyle('0.1');
  const sci = numberStyle('1e-3');
  const marker = (x: number): string => `SAFE(${x})`;
  assert.equal(formatFloatLike(0.05, fixed, marker), '0.05');
  assert.equal(formatFloatLike(0.05, sci, marker), '5e-2');
  assert.equal(formatFloatLike(1e-5, fixed, marker), 'SAFE(0.00001)');
  assert.equal(formatFloatLike(2, undefined, marker), '2.0');
});
