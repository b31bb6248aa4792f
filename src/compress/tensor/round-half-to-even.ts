/**
 * Rounds to the nearest integer, ties to the even neighbour: IEEE 754's default rounding, and
 * what numpy.round / numpy.rint and ONNX QuantizeLinear use ("rounding to nearest ties to even",
 * onnx/docs/Operators.md#QuantizeLinear). Math.round rounds ties up, which would bias every
 * quantized tensor by half a step on exact ties.
 */

/**
 * 1.5 * 2^52: adding it moves any |x| < 2^51 into [2^52, 2^53), where doubles are spaced exactly
 * 1 apart, so the hardware's own round-to-nearest-even does the rounding; subtracting it back is
 * exact. Branch-free, which matters in loops over millions of weights.
 */
const ROUNDING_MAGIC = 6755399441055744;
const EXACT_INTEGERS = 2 ** 51;

export function roundHalfToEven(x: number): number {
  // At or beyond 2^51 every double is already an integer (and inf / NaN pass through).
  if (!(Math.abs(x) < EXACT_INTEGERS)) return x;
  return x + ROUNDING_MAGIC - ROUNDING_MAGIC;
}
