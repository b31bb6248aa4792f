/**
 * An ONNX model on disk: loading it (with a memory check before anything big is allocated),
 * reading its tensors' values wherever they live (raw_data, float_data, an external file), and
 * writing a new model beside it, atomically, with its weights inline or in a new `<output>.data`
 * file when the source kept them outside.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAll, writeFileAtomically } from '../atomic-write';
import { CompressError } from '../compress-error';
import { copyExternal, externalLength, externalRef, EXTERNAL, isExternal, readExternal } from './onnx-external-data';
import { dataTypeBytes, dataTypeName, OnnxDataType } from './onnx-data-type';
import { decodeModel, encodeModel } from './onnx-model';
import type { OnnxModel, OnnxTensor } from './onnx-model';

export interface LoadedOnnxModel {
  path: string;
  model: OnnxModel;
  fileBytes: number;
  /** Bytes of tensor data kept in external files. */
  externalBytes: number;
}

export interface LoadOptions {
  /** Bytes the job may use; default 70% of the memory the OS reports available. */
  memoryBudgetBytes?: number;
}

/** protobuf cannot represent a message of 2 GiB or more (the reason external data exists). */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

function defaultBudget(): number {
  return Math.floor(os.freemem() * 0.7);
}

function tooLarge(file: string, needed: number, budget: number): CompressError {
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
  return new CompressError(
    'too-large',
    `${file} needs about ${mb(needed)} of memory to compress but only ${mb(budget)} is available to Tunekit; close other programs or compress it on a machine with more memory.`,
  );
}

/**
 * Reads and decodes a model. The job holds the source bytes plus a working copy of the weights
 * and the output's new tensors, so roughly twice the weights must fit in the budget; this is
 * checked before the file (and again before external data) is read.
 */
export function loadOnnxModel(file: string, options: LoadOptions = {}): LoadedOnnxModel {
  const budget = options.memoryBudgetBytes ?? defaultBudget();
  let fileBytes: number;
  try {
    fileBytes = fs.statSync(file).size;
  } catch (err) {
    throw new CompressError('bad-input', `Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (fileBytes > PROTOBUF_LIMIT) throw new CompressError('corrupt', `${file} is ${fileBytes} bytes; an ONNX protobuf cannot exceed 2 GiB (large models keep weights in external data).`);
  if (2 * fileBytes > budget) throw tooLarge(file, 2 * fileBytes, budget);
  if (fileBytes === 0) throw new CompressError('truncated', `${file} is empty.`);
  const bytes = fs.readFileSync(file);
  const model = decodeModel(bytes, file);
  if (!model.graph) throw new CompressError('corrupt', `${file} has no graph (ModelProto field 7): not an ONNX model, or truncated.`);
  if (model.opsetImport.length === 0) throw new CompressError('corrupt', `${file} has no opset_import (ModelProto field 8): not an ONNX model, or truncated.`);
  checkEveryInputDefined(model, file);
  let externalBytes = 0;
  for (const t of model.graph.initializer) {
    if (isExternal(t)) externalBytes += externalLength(externalRef(t, file), t.name ?? '', file);
  }
  if (2 * (fileBytes + externalBytes) > budget) throw tooLarge(file, 2 * (fileBytes + externalBytes), budget);
  return { path: file, model, fileBytes, externalBytes };
}

/**
 * Every value a node reads must be a graph input, an initializer or the output of an earlier
 * node (onnx/docs/IR.md, "Graphs": nodes are topologically sorted). A file cut at a field
 * boundary still parses, so this is how a truncation that lost an initializer or the tail of
 * the node list is caught before anything is written from it.
 */
function checkEveryInputDefined(model: OnnxModel, file: string): void {
  const graph = model.graph;
  // Sparse initializers (GraphProto field 15) also define names; Tunekit does not model them.
  if (!graph || graph.unknown.some((f) => f.field === 15)) return;
  const defined = new Set<string>(['']);
  for (const v of graph.input) if (v.name !== undefined) defined.add(v.name);
  for (const t of graph.initializer) if (t.name !== undefined) defined.add(t.name);
  for (const [i, node] of graph.node.entries()) {
    const missing = node.input.find((name) => !defined.has(name));
    if (missing !== undefined) {
      throw new CompressError(
        'corrupt',
        `${file}: node ${i} (${node.opType ?? '?'} "${node.name ?? ''}") reads "${missing}", which no graph input, initializer or earlier node defines; the file is truncated or not a valid model.`,
      );
    }
    for (const out of node.output) defined.add(out);
  }
  const undefinedOutput = graph.output.find((o) => o.name !== undefined && !defined.has(o.name));
  if (undefinedOutput) throw new CompressError('corrupt', `${file}: the graph output "${undefinedOutput.name}" is never computed; the file is truncated or not a valid model.`);
}

/** Number of elements a tensor's dims describe. */
export function elementCount(tensor: OnnxTensor): number {
  return tensor.dims.reduce((a, b) => a * b, 1);
}

/** The tensor's little-endian element bytes (raw_data or external data), checked against its dims. */
export function tensorRawBytes(loaded: LoadedOnnxModel, tensor: OnnxTensor): Uint8Array | undefined {
  const name = tensor.name ?? '(unnamed)';
  const bytes = isExternal(tensor) ? readExternal(externalRef(tensor, loaded.path), name, loaded.path) : tensor.rawData;
  if (bytes === undefined) return undefined;
  const size = dataTypeBytes(tensor.dataType);
  if (size !== undefined && bytes.length !== elementCount(tensor) * size) {
    throw new CompressError(
      'corrupt',
      `${loaded.path}: tensor "${name}" has shape [${tensor.dims.join(', ')}] of ${dataTypeName(tensor.dataType)} (${elementCount(tensor) * size} bytes) but holds ${bytes.length} bytes.`,
    );
  }
  return bytes;
}

/** A float32 tensor's values as a fresh array (never a view of the file). */
export function readFloat32(loaded: LoadedOnnxModel, tensor: OnnxTensor): Float32Array {
  const name = tensor.name ?? '(unnamed)';
  if (tensor.dataType !== OnnxDataType.FLOAT) {
    throw new CompressError('unsupported-dtype', `${loaded.path}: weight "${name}" is ${dataTypeName(tensor.dataType)}; Tunekit compresses float32 weights only.`);
  }
  if (tensor.floatData) {
    if (tensor.floatData.length !== elementCount(tensor)) {
      throw new CompressError('corrupt', `${loaded.path}: tensor "${name}" has shape [${tensor.dims.join(', ')}] but ${tensor.floatData.length} float_data values.`);
    }
    return tensor.floatData.slice();
  }
  const bytes = tensorRawBytes(loaded, tensor);
  if (bytes === undefined) {
    if (elementCount(tensor) === 0) return new Float32Array(0);
    throw new CompressError('corrupt', `${loaded.path}: tensor "${name}" has shape [${tensor.dims.join(', ')}] but no data.`);
  }
  // Copy into an aligned buffer: raw_data may start at any byte of the file. ONNX raw_data is
  // little-endian, as are the typed arrays of every platform Node ships for but s390x.
  if (os.endianness() === 'BE') throw new CompressError('bad-input', 'Tunekit reads ONNX tensors on little-endian machines only.');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Little-endian bytes of a typed array (a view, no copy: this runs on little-endian hosts only). */
export function bytesOf(values: Float32Array | Int8Array | Uint8Array | Uint16Array | Int32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Replaces a tensor's data with new raw bytes and type, dropping every other data field. */
export function setTensorData(tensor: OnnxTensor, dataType: number, raw: Uint8Array, dims: number[] = tensor.dims): void {
  tensor.dataType = dataType;
  tensor.dims = dims;
  tensor.rawData = raw;
  tensor.floatData = undefined;
  tensor.externalData = [];
  tensor.dataLocation = undefined;
  // Fields 3-7, 10, 11 hold data or a segment of it; doc_string (12) stays.
  tensor.unknown = tensor.unknown.filter((f) => f.field === 12);
}

export interface SaveOptions {
  /** Write tensors of at least `externalThreshold` bytes to `<output>.data` (the source used external data). */
  externalData: boolean;
  /** Path of the model the unchanged external tensors are copied from. */
  sourcePath: string;
}

/** onnx.save_model's default size_threshold: smaller tensors stay inline. */
const EXTERNAL_THRESHOLD = 1024;

export interface SavedModel {
  /** Bytes of the model file plus its external data file, if any. */
  bytes: number;
  dataFile?: string;
}

/**
 * Writes `model` to `output` through writeFileAtomically; with external data, the weights go to
 * `<output>.data` first (also atomically), and the model references it by its base name. If the
 * model cannot be written, the data file is removed again.
 */
export async function saveOnnxModel(model: OnnxModel, output: string, options: SaveOptions): Promise<SavedModel> {
  const graph = model.graph;
  if (!graph) throw new CompressError('corrupt', 'model has no graph');
  const dataFile = `${output}.data`;
  for (const p of options.externalData ? [output, dataFile] : [output]) {
    if (fs.existsSync(p)) throw new CompressError('exists', `${p} already exists; Tunekit never replaces a file. Choose another output path.`);
  }
  let outModel = model;
  let dataBytes = 0;
  if (options.externalData) {
    const initializer: OnnxTensor[] = [];
    const location = path.basename(dataFile);
    await writeFileAtomically(dataFile, (fd) => {
      let offset = 0;
      for (const t of graph.initializer) {
        const name = t.name ?? '(unnamed)';
        let length: number;
        if (isExternal(t)) {
          length = copyExternal(externalRef(t, options.sourcePath), name, options.sourcePath, fd);
        } else {
          const raw = t.rawData ?? (t.floatData ? bytesOf(t.floatData) : undefined);
          if (raw === undefined || raw.length < EXTERNAL_THRESHOLD) {
            initializer.push(t);
            continue;
          }
          writeAll(fd, [raw]);
          length = raw.length;
        }
        const moved: OnnxTensor = { ...t, rawData: undefined, floatData: undefined, dataLocation: EXTERNAL, unknown: t.unknown.filter((f) => f.field === 12) };
        moved.externalData = [
          { key: 'location', value: location, unknown: [] },
          { key: 'offset', value: String(offset), unknown: [] },
          { key: 'length', value: String(length), unknown: [] },
        ];
        initializer.push(moved);
        offset += length;
      }
      dataBytes = offset;
    });
    outModel = { ...model, graph: { ...graph, initializer } };
  }
  const chunks = encodeModel(outModel);
  const modelBytes = chunks.reduce((a, c) => a + c.length, 0);
  try {
    if (modelBytes > PROTOBUF_LIMIT) throw new CompressError('too-large', `${output} would be ${modelBytes} bytes; an ONNX protobuf cannot exceed 2 GiB.`);
    await writeFileAtomically(output, (fd) => writeAll(fd, chunks));
  } catch (err) {
    if (options.externalData) fs.rmSync(dataFile, { force: true });
    throw err;
  }
  return { bytes: modelBytes + dataBytes, ...(options.externalData ? { dataFile } : {}) };
}
