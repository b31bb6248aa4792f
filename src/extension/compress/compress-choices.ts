/**
 * What the "Compress Checkpoint…" quick pick offers for a checkpoint, and the answers' checks:
 * pure data and functions (no vscode), so the choices a user sees are unit tested.
 *
 * One pick lists every method the file's format supports, quantization first and the
 * recommended one on top, so the common case (dynamic int8 of an ONNX model) is: right-click,
 * Enter. The schemes per format follow issue 5: ONNX quantizes dynamically (int8 weights per
 * channel + DynamicQuantizeLinear at run time), weight-only int8 or fp16; safetensors stores
 * weights as int8 with scales, fp16 or bf16 (no graph to quantize activations in); PyTorch is
 * quantized with torch's quantize_dynamic (Linear / LSTM). Every format prunes.
 */
import * as path from 'node:path';
import { formatOfExtension } from '../../compress/checkpoint-format';
import type { CheckpointFormat, CompressionMethod, QuantizeScheme } from '../../protocol/compression';

/**
 * File name endings the menus offer, as in package.json's `resourceExtname` clause: the formats
 * the compressor reads, less the ambiguous .bin and .ckpt (too many other tools write those).
 */
const MENU_EXTENSIONS: readonly string[] = ['.onnx', '.safetensors', '.pt', '.pth'];

/** For workspace.findFiles: every checkpoint the commands accept. */
export const CHECKPOINT_GLOB = `**/*.{${MENU_EXTENSIONS.map((e) => e.slice(1)).join(',')}}`;

export function checkpointFormatOf(file: string): CheckpointFormat | undefined {
  return MENU_EXTENSIONS.includes(path.extname(file).toLowerCase()) ? formatOfExtension(file) : undefined;
}

/** One row of the method pick. `method` undefined: ask for the sparsity first (customSparsity). */
export interface MethodChoice {
  readonly label: string;
  readonly description?: string;
  readonly detail: string;
  /** The group it is listed under. */
  readonly group: 'Quantize' | 'Prune';
  readonly method?: CompressionMethod;
  /** Set on the rows that ask for a sparsity: the scope it applies to. */
  readonly customScope?: 'global' | 'layer';
}

const SCHEMES: Readonly<Record<CheckpointFormat, readonly QuantizeScheme[]>> = {
  onnx: ['dynamic-int8', 'weight-int8', 'fp16'],
  safetensors: ['weight-int8', 'fp16', 'bf16'],
  pytorch: ['dynamic-int8'],
};

const SCHEME_TEXT: Readonly<Record<QuantizeScheme, { label: string; detail: string }>> = {
  'dynamic-int8': { label: 'Dynamic int8', detail: 'int8 weights per channel, activations quantized at run time: about 4x smaller, usually faster on CPU' },
  'weight-int8': { label: 'Weight-only int8', detail: 'int8 weights with scales, computed in float: about 4x smaller, same arithmetic' },
  fp16: { label: 'fp16', detail: 'weights at half precision: 2x smaller, for GPUs' },
  bf16: { label: 'bf16', detail: 'weights as bfloat16 (float32 range, fewer digits): 2x smaller' },
};

/** The rows of the method pick for a checkpoint of `format`, the recommended one first. */
export function methodChoices(format: CheckpointFormat): MethodChoice[] {
  const quantize = SCHEMES[format].map(
    (scheme, i): MethodChoice => ({
      label: SCHEME_TEXT[scheme].label,
      ...(i === 0 ? { description: 'recommended' } : {}),
      detail: SCHEME_TEXT[scheme].detail,
      group: 'Quantize',
      method: { kind: 'quantize', scheme },
    }),
  );
  const prune: MethodChoice[] = [
    {
      label: '50% global magnitude',
      detail: 'the smallest half of all eligible weights (MatMul / Gemm / Conv / Linear) become zeros',
      group: 'Prune',
      method: { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 },
    },
    {
      label: '2:4 structured',
      detail: 'two zeros in every four weights along the input dimension (what sparse tensor cores run)',
      group: 'Prune',
      method: { kind: 'prune', pattern: 'n:m', n: 2, m: 4 },
    },
    { label: 'Custom sparsity, global…', detail: 'you give the share of zeros, taken from the smallest weights of the whole model', group: 'Prune', customScope: 'global' },
    { label: 'Custom sparsity, per layer…', detail: 'you give the share of zeros, reached in every layer on its own', group: 'Prune', customScope: 'layer' },
  ];
  return [...quantize, ...prune];
}

/**
 * The sparsity a user typed ("70", "70%", "0.7" all mean 70 % zeros), or the reason it is not
 * one, for the input box's validation message. 0 and 100 % are refused: nothing to do, or a
 * model of zeros.
 */
export function parseSparsity(text: string): { sparsity: number } | { problem: string } {
  const trimmed = text.trim();
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(%)?$/.exec(trimmed);
  if (!m) return { problem: 'Type a percentage such as 70 or 70%, or a fraction such as 0.7.' };
  const number = Number(m[1]);
  // "0.7" is a fraction; "70" or "0.7%" a percentage.
  const fraction = m[2] || number > 1 ? number / 100 : number;
  if (!(fraction > 0 && fraction < 1)) return { problem: 'The sparsity must be above 0% and below 100%.' };
  return { sparsity: Math.round(fraction * 10_000) / 10_000 };
}
