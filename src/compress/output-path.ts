/**
 * Where a compressed checkpoint goes: beside the original, named after what was done to it
 * (model.onnx -> model.int8.onnx), so a folder of variants explains itself. An existing file is
 * never chosen or replaced: the next free name gets -1, -2 ...; a path the user names must be free.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressionMethod } from '../protocol/compression';
import { CompressError } from './compress-error';

/** The name part that describes a method: pruned50, 2of4, int8, w8, fp16, bf16. */
export function methodTag(method: CompressionMethod): string {
  if (method.kind === 'quantize') {
    switch (method.scheme) {
      case 'dynamic-int8':
        return 'int8';
      case 'weight-int8':
        return 'w8';
      case 'fp16':
        return 'fp16';
      case 'bf16':
        return 'bf16';
    }
  }
  if (method.pattern === 'n:m') return `${method.n}of${method.m}`;
  // 0.5 -> "pruned50"; 0.625 -> "pruned62p5" (a dot would read as another extension).
  const percent = String(Math.round(method.sparsity * 1000) / 10).replace('.', 'p');
  return `pruned${percent}${method.scope === 'layer' ? 'l' : ''}`;
}

/** `dir/model.onnx` -> `dir/model.<tag>.onnx`, or `-1`, `-2` ... before the extension when taken. */
export function defaultOutputPath(source: string, method: CompressionMethod, exists: (p: string) => boolean = fs.existsSync): string {
  const ext = path.extname(source);
  const stem = path.join(path.dirname(source), path.basename(source, ext));
  const base = `${stem}.${methodTag(method)}`;
  if (!exists(base + ext)) return base + ext;
  for (let i = 1; i < 10_000; i++) {
    const candidate = `${base}-${i}${ext}`;
    if (!exists(candidate)) return candidate;
  }
  throw new CompressError('exists', `${base}${ext} and its numbered variants up to -9999 all exist: name the output with --output PATH`);
}

/**
 * The output path for a job: the user's (absolute, refused when it exists or is the source)
 * or the default beside the source.
 */
export function resolveOutputPath(source: string, method: CompressionMethod, userOutput?: string): string {
  if (userOutput === undefined) return defaultOutputPath(path.resolve(source), method);
  const output = path.resolve(userOutput);
  if (output === path.resolve(source)) throw new CompressError('exists', `--output ${userOutput} is the original checkpoint; Tunekit never modifies it. Choose another path.`);
  if (fs.existsSync(output)) throw new CompressError('exists', `${userOutput} already exists; Tunekit never replaces a file. Choose another --output path or remove it.`);
  const dir = path.dirname(output);
  if (!fs.existsSync(dir)) throw new CompressError('bad-input', `--output ${userOutput}: the folder ${dir} does not exist`);
  return output;
}
