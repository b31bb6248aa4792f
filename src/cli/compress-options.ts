/**
 * The flags `tunekit prune` and `tunekit quantize` share: which tensors, where the result goes,
 * how it is verified and evaluated, and how progress is shown. Each command adds its method's
 * flags (--sparsity / --scope / --pattern, --scheme) and turns them into a CompressionMethod.
 */
import * as path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { TensorSelection } from '../protocol/compression';
import type { CompressRequest } from '../compress/compress-checkpoint';
import { CliUsageError } from './cli-error';
import { readStudyFile } from './study-file';

export const SHARED_COMPRESS_USAGE = `  --include RE          only tensors whose name matches RE
  --exclude RE          never tensors whose name matches RE
  --embeddings          also compress embedding tables (left alone by default)
  --output PATH         where the new checkpoint goes (default: beside MODEL, named after the
                        method, e.g. model.int8.onnx; an existing file is never replaced)
  --inputs FILE         verification inputs: safetensors named after the model's inputs (plus
                        "labels" for accuracy), .npy (one input) or JSON {input: nested arrays};
                        default: 32 generated rows
  --study FILE          a study file whose "evaluate" command measures the metric before and after
  --python PATH         Python with torch, for PyTorch checkpoints (default: the study's, else python3)
  --no-verify           do not run the models to compare them
  --json                JSON lines on stdout (progress, then the report), for programs`;

export const SHARED_COMPRESS_OPTIONS = {
  include: { type: 'string' },
  exclude: { type: 'string' },
  embeddings: { type: 'boolean' },
  output: { type: 'string' },
  inputs: { type: 'string' },
  study: { type: 'string' },
  python: { type: 'string' },
  'no-verify': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export interface SharedCompressValues {
  include?: string;
  exclude?: string;
  embeddings?: boolean;
  output?: string;
  inputs?: string;
  study?: string;
  python?: string;
  'no-verify'?: boolean;
  json?: boolean;
}

/** The parts of a CompressRequest the shared flags decide (all but the method and progress). */
export function sharedRequest(model: string, values: SharedCompressValues): Omit<CompressRequest, 'method'> {
  const selection: TensorSelection = {
    ...(values.include !== undefined ? { include: values.include } : {}),
    ...(values.exclude !== undefined ? { exclude: values.exclude } : {}),
    ...(values.embeddings ? { embeddings: true } : {}),
  };
  let evaluate: CompressRequest['evaluate'];
  let python = values.python;
  if (values.study !== undefined) {
    const study = readStudyFile(values.study);
    if (!study.evaluate) {
      throw new CliUsageError(
        `${values.study} has no "evaluate" command; add one, e.g. "evaluate": { "command": ["python3", "evaluate.py", "--model", "{model}"], "metric": "accuracy" }`,
      );
    }
    evaluate = { spec: study.evaluate, cwd: path.dirname(path.resolve(values.study)) };
    python ??= study.python;
  }
  return {
    source: model,
    selection,
    ...(values.output !== undefined ? { output: values.output } : {}),
    ...(values.inputs !== undefined ? { inputs: values.inputs } : {}),
    ...(evaluate ? { evaluate } : {}),
    ...(python !== undefined ? { python } : {}),
    verify: values['no-verify'] !== true,
  };
}

/** A number flag within [min, max]; `what` names it in the message. */
export function parseFraction(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new CliUsageError(`${flag} takes a fraction of the weights to zero, between 0 and 1 (e.g. 0.5), not "${text}"`);
  }
  return value;
}

/** The one checkpoint a compress command takes; none or several is a usage error. */
export function singleModel(positionals: readonly string[], verb: string, usage: string): string {
  const model = positionals[0];
  if (model === undefined) throw new CliUsageError(`name the checkpoint to ${verb}.\n\n${usage}`);
  if (positionals.length > 1) throw new CliUsageError(`unexpected arguments: ${positionals.slice(1).join(' ')}`);
  return model;
}
