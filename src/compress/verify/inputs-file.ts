/**
 * Inputs the user gives for verification: a safetensors file whose tensor names are the model's
 * input names (plus an optional "labels" tensor of class indices), a .npy array for a model with
 * a single input, or JSON {input_name: nested arrays}. Checked against what the model declares,
 * so a wrong file fails with the input, the dimension and the expected size.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompressError } from '../compress-error';
import type { InputSpec, InputTensor, VerificationInputs } from './input-tensors';
import { LABELS_TENSOR } from './input-tensors';
import { parseJsonInputs } from './json-inputs';
import { parseNpy } from './npy-file';
import { readSafetensorsInputs } from './safetensors-inputs';

export interface InputsFileResult {
  inputs: VerificationInputs;
  warnings: string[];
}

export function readInputsFile(file: string, specs: readonly InputSpec[]): InputsFileResult {
  if (!fs.existsSync(file)) throw new CompressError('bad-input', `the inputs file ${file} does not exist`);
  const ext = path.extname(file).toLowerCase();
  let tensors: InputTensor[];
  if (ext === '.safetensors') tensors = readSafetensorsInputs(file);
  else if (ext === '.json') tensors = parseJsonInputs(fs.readFileSync(file, 'utf8'), file);
  else if (ext === '.npy') {
    const only = specs[0];
    if (specs.length !== 1 || only === undefined) {
      throw new CompressError('bad-input', `${file}: a .npy file holds one array, but the model has ${specs.length} inputs (${specs.map((s) => s.name).join(', ')}): use a safetensors or JSON file with one tensor per input`);
    }
    tensors = [parseNpy(fs.readFileSync(file), file, only.name)];
  } else {
    throw new CompressError('bad-input', `${file}: an inputs file must be .safetensors, .npy or .json`);
  }
  return matchInputs(tensors, specs, file);
}

/** Pairs the file's tensors with the model's inputs and checks shapes, rows and labels. Pure, for tests. */
export function matchInputs(tensors: readonly InputTensor[], specs: readonly InputSpec[], file: string): InputsFileResult {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const warnings: string[] = [];
  const missing = specs.filter((s) => !byName.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    const present = tensors.map((t) => t.name).filter((n) => n !== LABELS_TENSOR);
    throw new CompressError(
      'bad-input',
      `${file} has no tensor for the model input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (it holds ${present.length > 0 ? present.map((n) => `"${n}"`).join(', ') : 'none'}): name each tensor after the input it feeds`,
    );
  }
  const chosen: InputTensor[] = [];
  let rows: number | undefined;
  for (const spec of specs) {
    const tensor = byName.get(spec.name) as InputTensor;
    if (tensor.dims.length !== spec.shape.length) {
      throw new CompressError('bad-input', `${file}: "${spec.name}" has shape [${tensor.dims.join(', ')}], but the model takes ${spec.shape.length} dimensions [${spec.shape.join(', ')}]`);
    }
    spec.shape.forEach((want, i) => {
      // Dimension 0 is the batch: a model with a fixed batch size gets the rows in several runs (input-batches.ts).
      if (i > 0 && typeof want === 'number' && want >= 0 && tensor.dims[i] !== want) {
        throw new CompressError('bad-input', `${file}: "${spec.name}" has ${tensor.dims[i]} in dimension ${i}, but the model takes exactly ${want} there (shape [${spec.shape.join(', ')}])`);
      }
    });
    const n = tensor.dims[0] ?? 1;
    if (rows !== undefined && n !== rows) throw new CompressError('bad-input', `${file}: "${spec.name}" has ${n} rows but another input has ${rows}: every input needs the same first dimension`);
    rows = n;
    chosen.push(tensor);
  }
  if (rows === undefined || rows === 0) throw new CompressError('bad-input', `${file}: no rows to verify with`);
  const extra = tensors.filter((t) => t.name !== LABELS_TENSOR && !specs.some((s) => s.name === t.name)).map((t) => `"${t.name}"`);
  if (extra.length > 0) warnings.push(`${path.basename(file)}: ignored tensor${extra.length > 1 ? 's' : ''} ${extra.join(', ')}, which no model input takes`);
  const labelsTensor = byName.get(LABELS_TENSOR);
  const labels = labelsTensor === undefined || specs.some((s) => s.name === LABELS_TENSOR) ? undefined : readLabels(labelsTensor, rows, file);
  return { inputs: { tensors: chosen, rows, from: 'file', ...(labels ? { labels } : {}) }, warnings };
}

function readLabels(tensor: InputTensor, rows: number, file: string): Int32Array {
  const flat = tensor.dims.length === 1 || (tensor.dims.length === 2 && tensor.dims[1] === 1);
  if (!flat || tensor.dims[0] !== rows) {
    throw new CompressError('bad-input', `${file}: "labels" has shape [${tensor.dims.join(', ')}]; it must hold one class index per row, shape [${rows}]`);
  }
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = Number(tensor.data[i]);
    if (!Number.isInteger(v) || v < 0) throw new CompressError('bad-input', `${file}: "labels"[${i}] is ${v}, not a class index (a non-negative integer)`);
    labels[i] = v;
  }
  return labels;
}
