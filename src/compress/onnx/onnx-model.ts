/**
 * ONNX ModelProto as typed objects, decoded and encoded with our own wire codec. Field numbers
 * are those of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, proto2).
 *
 * Only the fields Tunekit reads or rewrites are modelled; every other field of a message is kept
 * as its raw bytes (tag included) in `unknown`, and encoding emits modelled and raw fields merged
 * in ascending field-number order, which is the order protobuf's own serializers use. So
 * encode(decode(x)) is byte-identical for a file written by onnx / torch.onnx, and a model Tunekit
 * changed differs only in the tensors and nodes it touched.
 */
import { WireReader, WireType, WireWriter } from './protobuf-wire';
import type { FieldTag } from './protobuf-wire';

/** A field the codec does not model, kept verbatim (tag + payload). */
export interface RawField {
  field: number;
  bytes: Uint8Array;
}

export interface OperatorSetId {
  domain?: string; // 1
  version?: number; // 2
  unknown: RawField[];
}

export interface StringStringEntry {
  key?: string; // 1
  value?: string; // 2
  unknown: RawField[];
}

export interface OnnxTensor {
  dims: number[]; // 1, repeated int64 (unpacked in proto2)
  dataType?: number; // 2
  /** float_data (4, packed): float32 values when the writer did not use raw_data. */
  floatData?: Float32Array;
  name?: string; // 8
  /** raw_data (9): little-endian values; a subarray of the source file until replaced. */
  rawData?: Uint8Array;
  externalData: StringStringEntry[]; // 13
  dataLocation?: number; // 14 (1 = EXTERNAL)
  /** segment, int32_data, string_data, int64_data, doc_string, double_data, uint64_data. */
  unknown: RawField[];
}

export interface OnnxAttribute {
  name?: string; // 1
  f?: number; // 2
  i?: bigint; // 3
  s?: Uint8Array; // 4
  ints: bigint[]; // 8 (unpacked in proto2)
  type?: number; // 20
  /** t, g, floats, strings, tensors, graphs, doc_string, ref_attr_name, sparse / type protos. */
  unknown: RawField[];
}

export interface OnnxNode {
  input: string[]; // 1
  output: string[]; // 2
  name?: string; // 3
  opType?: string; // 4
  attribute: OnnxAttribute[]; // 5
  domain?: string; // 7
  unknown: RawField[]; // doc_string, overload...
}

export interface ValueInfo {
  name?: string; // 1
  /** TypeProto, kept encoded: Tunekit only drops or adds whole entries. */
  type?: Uint8Array; // 2
  unknown: RawField[];
}

export interface OnnxGraph {
  node: OnnxNode[]; // 1
  name?: string; // 2
  initializer: OnnxTensor[]; // 5
  input: ValueInfo[]; // 11
  output: ValueInfo[]; // 12
  valueInfo: ValueInfo[]; // 13
  /** doc_string, sparse_initializer, quantization_annotation. */
  unknown: RawField[];
}

export interface OnnxModel {
  irVersion?: number; // 1
  graph?: OnnxGraph; // 7
  opsetImport: OperatorSetId[]; // 8
  /** producer_name/version, domain, model_version, doc_string, metadata_props, functions... */
  unknown: RawField[];
}

// ---------------------------------------------------------------------------------- decoding

/** Decodes a ModelProto; `what` names the file in error messages. */
export function decodeModel(bytes: Uint8Array, what: string): OnnxModel {
  return decodeModelFrom(new WireReader(bytes, 0, what));
}

function keep(r: WireReader, tag: FieldTag, unknown: RawField[]): void {
  r.skip(tag.wire);
  unknown.push({ field: tag.field, bytes: r.rawSince(tag) });
}

function decodeModelFrom(r: WireReader): OnnxModel {
  const m: OnnxModel = { opsetImport: [], unknown: [] };
  while (!r.atEnd()) {
    const tag = r.tag();
    switch (tag.field) {
      case 1:
        r.expectWire(tag, WireType.Varint, 'ModelProto.ir_version');
        m.irVersion = r.int64Number();
        break;
      case 7:
        r.expectWire(tag, WireType.LengthDelimited, 'ModelProto.graph');
        m.graph = decodeGraph(r.subReader());
        break;
      case 8:
        r.expectWire(tag, WireType.LengthDelimited, 'ModelProto.opset_import');
        m.opsetImport.push(decodeOpset(r.subReader()));
        break;
      default:
        keep(r, tag, m.unknown);
    }
  }
  return m;
}

function decodeOpset(r: WireReader): OperatorSetId {
  const o: OperatorSetId = { unknown: [] };
  while (!r.atEnd()) {
    const tag = r.tag();
    if (tag.field === 1 && tag.wire === WireType.LengthDelimited) o.domain = r.string();
    else if (tag.field === 2 && tag.wire === WireType.Varint) o.version = r.int64Number();
    else keep(r, tag, o.unknown);
  }
  return o;
}

function decodeEntry(r: WireReader): StringStringEntry {
  const e: StringStringEntry = { unknown: [] };
  while (!r.atEnd()) {
    const tag = r.tag();
    if (tag.field === 1 && tag.wire === WireType.LengthDelimited) e.key = r.string();
    else if (tag.field === 2 && tag.wire === WireType.LengthDelimited) e.value = r.string();
    else keep(r, tag, e.unknown);
  }
  return e;
}

function decodeGraph(r: WireReader): OnnxGraph {
  const g: OnnxGraph = { node: [], initializer: [], input: [], output: [], valueInfo: [], unknown: [] };
  while (!r.atEnd()) {
    const tag = r.tag();
    const ld = tag.wire === WireType.LengthDelimited;
    if (tag.field === 1 && ld) g.node.push(decodeNode(r.subReader()));
    else if (tag.field === 2 && ld) g.name = r.string();
    else if (tag.field === 5 && ld) g.initializer.push(decodeTensor(r.subReader()));
    else if (tag.field === 11 && ld) g.input.push(decodeValueInfo(r.subReader()));
    else if (tag.field === 12 && ld) g.output.push(decodeValueInfo(r.subReader()));
    else if (tag.field === 13 && ld) g.valueInfo.push(decodeValueInfo(r.subReader()));
    else keep(r, tag, g.unknown);
  }
  return g;
}

function decodeNode(r: WireReader): OnnxNode {
  const n: OnnxNode = { input: [], output: [], attribute: [], unknown: [] };
  while (!r.atEnd()) {
    const tag = r.tag();
    const ld = tag.wire === WireType.LengthDelimited;
    if (tag.field === 1 && ld) n.input.push(r.string());
    else if (tag.field === 2 && ld) n.output.push(r.string());
    else if (tag.field === 3 && ld) n.name = r.string();
    else if (tag.field === 4 && ld) n.opType = r.string();
    else if (tag.field === 5 && ld) n.attribute.push(decodeAttribute(r.subReader()));
    else if (tag.field === 7 && ld) n.domain = r.string();
    else keep(r, tag, n.unknown);
  }
  return n;
}

function decodeAttribute(r: WireReader): OnnxAttribute {
  const a: OnnxAttribute = { ints: [], unknown: [] };
  while (!r.atEnd()) {
    const tag = r.tag();
    if (tag.field === 1 && tag.wire === WireType.LengthDelimited) a.name = r.string();
    else if (tag.field === 2 && tag.wire === WireType.Fixed32) a.f = r.float();
    else if (tag.field === 3 && tag.wire === WireType.Varint) a.i = r.int64();
    else if (tag.field === 4 && tag.wire === WireType.LengthDelimited) a.s = r.bytesField();
    else if (tag.field === 8 && (tag.wire === WireType.Varint || tag.wire === WireType.LengthDelimited)) r.repeated(tag, a.ints, (x) => x.int64());
    else if (tag.field === 20 && tag.wire === WireType.Varint) a.type = r.int32();
    else keep(r, tag, a.unknown);
  }
  return a;
}

function decodeValueInfo(r: WireReader): ValueInfo {
  const v: ValueInfo = { unknown: [] };
  while (!r.atEnd()) {
    const tag = r.tag();
    if (tag.field === 1 && tag.wire === WireType.LengthDelimited) v.name = r.string();
    else if (tag.field === 2 && tag.wire === WireType.LengthDelimited) v.type = r.bytesField();
    else keep(r, tag, v.unknown);
  }
  return v;
}

function decodeTensor(r: WireReader): OnnxTensor {
  const t: OnnxTensor = { dims: [], externalData: [], unknown: [] };
  // float_data is normally one packed run; writers may also split it or send values one by one.
  const runs: Uint8Array[] = [];
  while (!r.atEnd()) {
    const tag = r.tag();
    if (tag.field === 1 && (tag.wire === WireType.Varint || tag.wire === WireType.LengthDelimited)) {
      r.repeated(tag, t.dims, (x) => x.int64Number());
    } else if (tag.field === 2 && tag.wire === WireType.Varint) {
      t.dataType = r.int32();
    } else if (tag.field === 4 && tag.wire === WireType.LengthDelimited) {
      const run = r.bytesField();
      if (run.length % 4 !== 0) throw r.corrupt(`packed float_data of ${run.length} bytes is not a whole number of floats (before byte ${r.offset})`);
      runs.push(run);
    } else if (tag.field === 4 && tag.wire === WireType.Fixed32) {
      runs.push(r.fixed32Bytes());
    } else if (tag.field === 8 && tag.wire === WireType.LengthDelimited) {
      t.name = r.string();
    } else if (tag.field === 9 && tag.wire === WireType.LengthDelimited) {
      t.rawData = r.bytesField();
    } else if (tag.field === 13 && tag.wire === WireType.LengthDelimited) {
      t.externalData.push(decodeEntry(r.subReader()));
    } else if (tag.field === 14 && tag.wire === WireType.Varint) {
      t.dataLocation = r.int32();
    } else {
      keep(r, tag, t.unknown);
    }
  }
  if (runs.length > 0) {
    // Copied into an aligned array: the file's bytes may start at any offset.
    const floats = new Float32Array(runs.reduce((n, run) => n + run.length, 0) / 4);
    const view = new Uint8Array(floats.buffer);
    let at = 0;
    for (const run of runs) {
      view.set(run, at);
      at += run.length;
    }
    t.floatData = floats;
  }
  return t;
}

// ---------------------------------------------------------------------------------- encoding

type Emitter = [field: number, emit: (w: WireWriter) => void];

/** Emits modelled fields and raw unknown fields merged by field number (stable). */
function emitOrdered(w: WireWriter, modelled: Emitter[], unknown: RawField[]): void {
  const all: Emitter[] = [...modelled, ...unknown.map((u): Emitter => [u.field, (x) => void x.raw(u.bytes)])];
  all.sort((a, b) => a[0] - b[0]);
  for (const [, emit] of all) emit(w);
}

/** Encodes a ModelProto as a list of chunks (tensor payloads are referenced, not copied). */
export function encodeModel(m: OnnxModel): Uint8Array[] {
  const w = new WireWriter();
  encodeModelTo(w, m);
  return w.finish();
}

function encodeModelTo(w: WireWriter, m: OnnxModel): void {
  const graph = m.graph;
  emitOrdered(
    w,
    [
      [1, (x) => void (m.irVersion !== undefined && x.varintField(1, m.irVersion))],
      [7, (x) => void (graph && x.messageField(7, (g) => encodeGraph(g, graph)))],
      [8, (x) => m.opsetImport.forEach((o) => x.messageField(8, (y) => encodeOpset(y, o)))],
    ],
    m.unknown,
  );
}

function encodeOpset(w: WireWriter, o: OperatorSetId): void {
  emitOrdered(
    w,
    [
      [1, (x) => void (o.domain !== undefined && x.stringField(1, o.domain))],
      [2, (x) => void (o.version !== undefined && x.varintField(2, o.version))],
    ],
    o.unknown,
  );
}

function encodeEntry(w: WireWriter, e: StringStringEntry): void {
  emitOrdered(
    w,
    [
      [1, (x) => void (e.key !== undefined && x.stringField(1, e.key))],
      [2, (x) => void (e.value !== undefined && x.stringField(2, e.value))],
    ],
    e.unknown,
  );
}

function encodeGraph(w: WireWriter, g: OnnxGraph): void {
  emitOrdered(
    w,
    [
      [1, (x) => g.node.forEach((n) => x.messageField(1, (y) => encodeNode(y, n)))],
      [2, (x) => void (g.name !== undefined && x.stringField(2, g.name))],
      [5, (x) => g.initializer.forEach((t) => x.messageField(5, (y) => encodeTensor(y, t)))],
      [11, (x) => g.input.forEach((v) => x.messageField(11, (y) => encodeValueInfo(y, v)))],
      [12, (x) => g.output.forEach((v) => x.messageField(12, (y) => encodeValueInfo(y, v)))],
      [13, (x) => g.valueInfo.forEach((v) => x.messageField(13, (y) => encodeValueInfo(y, v)))],
    ],
    g.unknown,
  );
}

function encodeNode(w: WireWriter, n: OnnxNode): void {
  emitOrdered(
    w,
    [
      [1, (x) => n.input.forEach((s) => x.stringField(1, s))],
      [2, (x) => n.output.forEach((s) => x.stringField(2, s))],
      [3, (x) => void (n.name !== undefined && x.stringField(3, n.name))],
      [4, (x) => void (n.opType !== undefined && x.stringField(4, n.opType))],
      [5, (x) => n.attribute.forEach((a) => x.messageField(5, (y) => encodeAttribute(y, a)))],
      [7, (x) => void (n.domain !== undefined && x.stringField(7, n.domain))],
    ],
    n.unknown,
  );
}

function encodeAttribute(w: WireWriter, a: OnnxAttribute): void {
  emitOrdered(
    w,
    [
      [1, (x) => void (a.name !== undefined && x.stringField(1, a.name))],
      [2, (x) => void (a.f !== undefined && x.floatField(2, a.f))],
      [3, (x) => void (a.i !== undefined && x.varintField(3, a.i))],
      [4, (x) => void (a.s !== undefined && x.bytesField(4, a.s))],
      [8, (x) => a.ints.forEach((v) => x.varintField(8, v))],
      [20, (x) => void (a.type !== undefined && x.varintField(20, a.type))],
    ],
    a.unknown,
  );
}

function encodeValueInfo(w: WireWriter, v: ValueInfo): void {
  emitOrdered(
    w,
    [
      [1, (x) => void (v.name !== undefined && x.stringField(1, v.name))],
      [2, (x) => void (v.type !== undefined && x.bytesField(2, v.type))],
    ],
    v.unknown,
  );
}

function encodeTensor(w: WireWriter, t: OnnxTensor): void {
  const floatData = t.floatData;
  emitOrdered(
    w,
    [
      [1, (x) => t.dims.forEach((d) => x.varintField(1, d))],
      [2, (x) => void (t.dataType !== undefined && x.varintField(2, t.dataType))],
      [4, (x) => void (floatData && x.packedField(4, (y) => floatData.forEach((f) => y.float(f))))],
      [8, (x) => void (t.name !== undefined && x.stringField(8, t.name))],
      [9, (x) => void (t.rawData !== undefined && x.bytesField(9, t.rawData))],
      [13, (x) => t.externalData.forEach((e) => x.messageField(13, (y) => encodeEntry(y, e)))],
      [14, (x) => void (t.dataLocation !== undefined && x.varintField(14, t.dataLocation))],
    ],
    t.unknown,
  );
}

/** Encodes a TypeProto for a tensor value: elem_type (1) and a static shape (2). */
export function encodeTensorType(elemType: number, dims: readonly number[]): Uint8Array {
  const w = new WireWriter();
  w.messageField(1, (tensor) => {
    tensor.varintField(1, elemType);
    tensor.messageField(2, (shape) => dims.forEach((d) => shape.messageField(1, (dim) => dim.varintField(1, d))));
  });
  return w.toBytes();
}
