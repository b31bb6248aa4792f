/**
 * The default-domain ("" / "ai.onnx") opset of a model: which versions Tunekit accepts, and
 * raising it when a quantized graph needs a newer operator (DynamicQuantizeLinear needs 11,
 * per-axis DequantizeLinear needs 13).
 *
 * Raising an opset re-interprets every node at the new version, which is only safe when none of
 * the graph's operators changed meaning in between (Slice moved its attributes to inputs at 10,
 * Squeeze / Unsqueeze / Softmax changed at 13...). So Tunekit raises only graphs made of the
 * operators below, whose changes up to opset 13 only widened their accepted types or made an
 * input optional (https://github.com/onnx/onnx/blob/main/docs/Changelog.md); anything else is a
 * clear 'unsupported-opset' asking for a re-export.
 */
import { CompressError } from '../compress-error';
import type { OnnxModel } from './onnx-model';

export const MIN_OPSET = 7;
export const MAX_OPSET = 21;

const SAFE_TO_RAISE_TO_13 = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'MatMul', 'Gemm', 'Conv', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Elu',
  'Identity', 'Flatten', 'Reshape', 'Transpose', 'Concat', 'Gather', 'Shape', 'Cast', 'Constant',
  'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Sqrt', 'Pow', 'Exp', 'Log', 'Neg', 'Abs', 'Erf',
]);

function isDefaultDomain(domain: string | undefined): boolean {
  return domain === undefined || domain === '' || domain === 'ai.onnx';
}

/** The model's default-domain opset, checked to be one Tunekit supports. */
export function defaultOpset(model: OnnxModel, file: string): number {
  const entry = model.opsetImport.find((o) => isDefaultDomain(o.domain));
  if (entry?.version === undefined) {
    const domains = model.opsetImport.map((o) => `${o.domain || 'ai.onnx'} ${o.version ?? '?'}`).join(', ');
    throw new CompressError('unsupported-opset', `${file} imports no default-domain (ai.onnx) opset (it imports ${domains || 'none'}); Tunekit compresses standard ONNX graphs.`);
  }
  if (entry.version < MIN_OPSET || entry.version > MAX_OPSET) {
    throw new CompressError(
      'unsupported-opset',
      `${file} uses ai.onnx opset ${entry.version}; Tunekit supports opsets ${MIN_OPSET} to ${MAX_OPSET}. Re-export the model with an opset in that range (torch.onnx.export(..., opset_version=13)).`,
    );
  }
  return entry.version;
}

/**
 * Makes the default-domain opset at least `needed`, returning a warning that says so, or
 * undefined when nothing changed. Refuses graphs with an operator not known to keep its meaning.
 */
export function raiseOpset(model: OnnxModel, needed: number, why: string, file: string): string | undefined {
  const entry = model.opsetImport.find((o) => isDefaultDomain(o.domain));
  const current = entry?.version ?? 0;
  if (!entry || current >= needed) return undefined;
  if (needed > 13) throw new Error(`raiseOpset: no safe list for opset ${needed}`);
  const unsafe = [...new Set((model.graph?.node ?? []).filter((n) => isDefaultDomain(n.domain) && !SAFE_TO_RAISE_TO_13.has(n.opType ?? '')).map((n) => n.opType ?? '?'))];
  if (unsafe.length > 0) {
    throw new CompressError(
      'unsupported-opset',
      `${file} uses ai.onnx opset ${current}; ${why} needs opset ${needed}, and raising it would change the meaning of ${unsafe.join(', ')}. Re-export the model with opset_version=${needed} or newer.`,
    );
  }
  entry.version = needed;
  // The IR version that introduced each opset (onnx/helper.py VERSION_TABLE): 11 -> IR 6, 13 -> IR 7.
  const irNeeded = needed >= 12 ? 7 : needed >= 11 ? 6 : 5;
  if (model.irVersion !== undefined && model.irVersion < irNeeded) model.irVersion = irNeeded;
  return `Raised the model's ai.onnx opset from ${current} to ${needed}: ${why} needs it (every operator in the graph keeps its meaning at ${needed}).`;
}
