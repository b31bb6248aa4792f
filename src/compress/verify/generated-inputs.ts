/**
 * Inputs made up from the model's declared input shapes, for a verification without an inputs
 * file. Values are seeded standard-normal draws (what normalized features look like), so two
 * runs compare the same numbers. A symbolic first dimension is the batch and gets 32 rows; any
 * other symbolic dimension (a sequence length, an image size) has no safe guess, so the user is
 * asked for a file instead. Integer inputs (token ids, indices) have a valid range only the user
 * knows, so they are refused the same way.
 */
import { Rng } from '../../core/random/rng';
import { CompressError } from '../compress-error';
import type { InputSpec, InputTensor, VerificationInputs } from './input-tensors';
import { elementCount } from './input-tensors';

export const GENERATED_ROWS = 32;

const FLOAT_TYPES = new Set(['float32', 'float64', 'float16', 'bfloat16']);

export function generateInputs(specs: readonly InputSpec[], model: string, options: { rows?: number; seed?: number } = {}): VerificationInputs {
  const rows = options.rows ?? GENERATED_ROWS;
  const rng = new Rng(options.seed ?? 0);
  const tensors: InputTensor[] = specs.map((spec) => {
    if (!FLOAT_TYPES.has(spec.type)) {
      throw new CompressError(
        'bad-input',
        `${model}: input "${spec.name}" is ${spec.type}; Tunekit cannot guess valid values for it. Give the inputs with --inputs FILE (safetensors, .npy or JSON named after the inputs)`,
      );
    }
    const dims = spec.shape.map((d, i) => {
      if (typeof d === 'number' && d >= 0) return d;
      if (i === 0) return rows;
      throw new CompressError(
        'bad-input',
        `${model}: input "${spec.name}" has the symbolic dimension ${typeof d === 'string' && d !== '' ? `"${d}"` : '?'} at position ${i} of [${spec.shape.join(', ')}]; Tunekit cannot choose its size. Give the inputs with --inputs FILE`,
      );
    });
    const data = new Float64Array(elementCount(dims));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    return { name: spec.name, dims, data };
  });
  return { tensors, rows: tensors[0]?.dims[0] ?? rows, from: 'generated' };
}
