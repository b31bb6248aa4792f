/**
 * Reads inputs written as JSON, `{"input": [[0.1, 0.2, ...], ...], "labels": [3, 1, ...]}`:
 * each value a nested array of numbers, rectangular, turned into dims and row-major values.
 */
import { CompressError } from '../compress-error';
import type { InputTensor } from './input-tensors';

export function parseJsonInputs(text: string, file: string): InputTensor[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CompressError('bad-input', `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CompressError('bad-input', `${file} must hold an object of input name -> nested array of numbers, e.g. {"input": [[0.1, 0.2]]}`);
  }
  return Object.entries(json as Record<string, unknown>).map(([name, value]) => nestedArrayTensor(name, value, file));
}

function nestedArrayTensor(name: string, value: unknown, file: string): InputTensor {
  const dims: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    dims.push(probe.length);
    probe = probe[0];
  }
  if (dims.length === 0) throw new CompressError('bad-input', `${file}: "${name}" must be an array (a tensor of at least one dimension), got ${JSON.stringify(value)?.slice(0, 40)}`);
  const values: number[] = [];
  const walk = (node: unknown, depth: number, where: string): void => {
    if (depth === dims.length) {
      if (typeof node !== 'number') throw new CompressError('bad-input', `${file}: "${name}"${where} is ${JSON.stringify(node)?.slice(0, 40)}, not a number`);
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth]) {
      throw new CompressError('bad-input', `${file}: "${name}"${where} should be an array of ${dims[depth]} (the tensor must be rectangular, shape [${dims.join(', ')}])`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${where}[${i}]`));
  };
  walk(value, 0, '');
  return { name, dims, data: Float64Array.from(values) };
}
