/**
 * Conversions between float32 and the two 16-bit float formats checkpoints store weights in:
 * IEEE 754 binary16 ("float16", 1 sign, 5 exponent, 10 mantissa bits) and bfloat16 (the top half
 * of a float32: 1 sign, 8 exponent, 7 mantissa bits).
 *
 * Narrowing rounds to nearest, ties to even (IEEE 754-2019 section 4.3.1, the default rounding
 * that numpy's astype(float16) and torch's .half()/.bfloat16() use), so a value already
 * representable in the narrow format comes back bit for bit. Overflow becomes +/-inf, values
 * below half the smallest subnormal become signed zero, and NaN stays NaN (quiet, sign kept).
 * Widening is exact.
 */
import { roundHalfToEven } from './round-half-to-even';

/** Bit views of a float32, shared by the scalar conversions below (no allocation per value). */
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/** 2^24: float16's smallest subnormal is 2^-24, so a subnormal's mantissa is |x| * 2^24. */
const FLOAT16_SUBNORMAL_SCALE = 16777216;

function float32BitsToFloat16Bits(bits: number, value: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const magnitude = bits & 0x7fffffff;
  if (magnitude >= 0x7f800000) {
    // inf stays inf; NaN becomes float16's canonical quiet NaN (as torch's c10::Half does).
    return magnitude === 0x7f800000 ? sign | 0x7c00 : sign | 0x7e00;
  }
  // 65520 = the midpoint between float16's largest finite value (65504) and 2^16: it and
  // everything above it round to inf under round-to-nearest-even.
  if (magnitude >= 0x477ff000) return sign | 0x7c00;
  if (magnitude < 0x38800000) {
    // Below 2^-14 the result is subnormal (or zero): |x| * 2^24 is exact in a double (only the
    // exponent changes), so rounding it to an integer is the correctly rounded mantissa. A
    // mantissa of 1024 that rounds up is exactly the smallest normal's bit pattern.
    return sign | roundHalfToEven(Math.abs(value) * FLOAT16_SUBNORMAL_SCALE);
  }
  // Normal: rebias the exponent (127 -> 15), then round the 23-bit mantissa to 10 bits. The add
  // may carry into the exponent, which is exactly the rounded-up value (and 0x7c00 = inf at the top).
  // Adding 0xfff plus the lowest kept bit rounds the dropped 13 bits to nearest, ties to even.
  const rebiased = magnitude - 0x38000000;
  return sign | ((rebiased + 0xfff + ((rebiased >>> 13) & 1)) >>> 13);
}

export function float32ToFloat16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) out[i] = float32BitsToFloat16Bits(bits[i] as number, src[i] as number);
  return out;
}

/** All 65536 float16 patterns widened once (256 KiB), so widening a tensor is one lookup per value. */
let float16Table: Float32Array | undefined;

function float16ToFloat32Table(): Float32Array {
  if (float16Table) return float16Table;
  const table = new Float32Array(65536);
  const tableBits = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) {
      // Zero or subnormal: mantissa * 2^-24, exact in float32.
      table[h] = (sign ? -mantissa : mantissa) / FLOAT16_SUBNORMAL_SCALE;
    } else if (exponent === 0x1f) {
      // inf or NaN; a NaN keeps its payload in the top mantissa bits.
      tableBits[h] = (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
    } else {
      tableBits[h] = (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
    }
  }
  float16Table = table;
  return table;
}

export function float16ToFloat32(src: Uint16Array): Float32Array {
  const table = float16ToFloat32Table();
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = table[src[i] as number] as number;
  return out;
}

export function float32ToBfloat16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) {
    const b = bits[i] as number;
    if ((b & 0x7fffffff) > 0x7f800000) {
      // NaN: the round-up trick below could carry a NaN into inf; keep it a quiet NaN.
      out[i] = ((b >>> 16) & 0x8000) | 0x7fc0;
      continue;
    }
    // Round to nearest even on the dropped 16 bits: add 0x7fff plus the lowest kept bit, then
    // truncate (the same trick as torch's c10::BFloat16 and TensorFlow's bfloat16). A carry out
    // of the top finite value gives inf, as IEEE rounding does.
    out[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
  return out;
}

export function bfloat16ToFloat32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) outBits[i] = ((src[i] as number) << 16) >>> 0;
  return out;
}

/** One value, for callers converting scalars (an ONNX attribute, a scale). */
export function float32ToFloat16Scalar(value: number): number {
  scratchFloat[0] = value;
  return float32BitsToFloat16Bits(scratchBits[0] as number, scratchFloat[0] as number);
}

/** One float16 bit pattern as a number (exact). */
export function float16ToFloat32Scalar(bits: number): number {
  return float16ToFloat32Table()[bits & 0xffff] as number;
}
