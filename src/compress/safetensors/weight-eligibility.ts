/**
 * Which safetensors tensors are layer weights a compression may touch. A safetensors file has no
 * graph, so this goes by dtype, rank and name, following the naming of torch state dicts and
 * Hugging Face checkpoints: floating point, rank >= 2 (Linear [out, in], Conv [out, in, k...]),
 * and not a bias, a normalisation layer or (unless asked) an embedding table.
 */
import type { TensorSelection } from '../../protocol/compression';
import { isFloatDtype } from './safetensors-float';
import type { SafetensorsTensorInfo } from './safetensors-file';
import { selectionPattern } from '../selection-pattern';

/** Biases and norm layers: bias, *norm* (LayerNorm, RMSNorm, group_norm), ln_1 / ln_f (GPT-2), bn1 (ResNet). */
const NORM_OR_BIAS = /bias|norm|(^|[._])(ln|bn)(_?\d+|_f)?([._]|$)/i;
/** Embedding tables: embed_tokens / word_embeddings, GPT-2's wte / wpe, position tables. */
const EMBEDDING = /embed|(^|[._])(wte|wpe)([._]|$)|position/i;
/**
 * GPT-2 style Conv1D (transformers.pytorch_utils.Conv1D: attn.c_attn, attn.c_proj, mlp.c_fc,
 * mlp.c_proj) stores its weight [in, out], the transpose of nn.Linear.
 */
const CONV1D_IN_OUT = /(^|\.)c_(attn|fc|proj)\.weight$/;

export interface WeightLayout {
  /** The axis running over the layer's inputs (N:M groups run along it). */
  inputAxis: number;
  /** The output-channel axis (one int8 scale per index). */
  outputAxis: number;
  /** The layer kind for the report. */
  op: 'Linear' | 'Conv';
}

/** Layout of an eligible weight: [out, in, ...] unless the name says GPT-2 Conv1D [in, out]. */
export function weightLayout(name: string, shape: readonly number[]): WeightLayout {
  if (shape.length === 2 && CONV1D_IN_OUT.test(name)) return { inputAxis: 0, outputAxis: 1, op: 'Linear' };
  return { inputAxis: 1, outputAxis: 0, op: shape.length === 2 ? 'Linear' : 'Conv' };
}

export interface SelectionFilter {
  /** include / exclude regular expressions only. */
  allowsName(name: string): boolean;
  /** The full rule for pruning and int8: float, rank >= 2, not bias / norm / embedding, include / exclude. */
  isEligibleWeight(tensor: SafetensorsTensorInfo): boolean;
}

export function selectionFilter(selection: TensorSelection): SelectionFilter {
  const include = selectionPattern(selection, 'include');
  const exclude = selectionPattern(selection, 'exclude');
  const allowsName = (name: string) => (include === undefined || include.test(name)) && !(exclude?.test(name) ?? false);
  return {
    allowsName,
    isEligibleWeight: (t) =>
      isFloatDtype(t.dtype) && t.shape.length >= 2 && !NORM_OR_BIAS.test(t.name) && (selection.embeddings === true || !EMBEDDING.test(t.name)) && allowsName(t.name),
  };
}
