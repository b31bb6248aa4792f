/**
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/), just enough to
 * read and write ONNX models without a protobuf library: varints, fixed32/64, length-delimited
 * fields (read as zero-copy subarrays of the file so a 100 MB initializer is never copied on
 * read), packed repeated scalars. Every error names the absolute byte offset in the file.
 */
import { CompressError } from '../compress-error';

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export interface FieldTag {
  field: number;
  wire: WireType;
  /** Absolute file offset of the tag, for error messages and raw-field capture. */
  start: number;
}

/**
 * Reads one message's bytes. `base` is the absolute offset of `bytes[0]` in the file, so that
 * errors in nested messages still point at the right place; `what` names the file for messages.
 */
export class WireReader {
  private pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly base: number,
    readonly what: string,
  ) {}

  get offset(): number {
    return this.base + this.pos;
  }

  get position(): number {
    return this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  tag(): FieldTag {
    const start = this.pos;
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) throw this.corrupt(`field number 0 at byte ${this.base + start}`);
    if (wire > 5) throw this.corrupt(`invalid wire type ${wire} at byte ${this.base + start}`);
    // Groups were deprecated before ONNX existed; onnx.proto has none.
    if (wire === 3 || wire === 4) throw this.corrupt(`protobuf group (wire type ${wire}) at byte ${this.base + start}`);
    return { field, wire: wire as WireType, start };
  }

  /** An unsigned varint that must fit in 2^53 (lengths, field keys, enum values, dims). */
  varint(): number {
    const start = this.pos;
    let result = 0;
    let mult = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) throw this.truncated(start, 'a varint');
      const b = this.bytes[this.pos++] as number;
      result += (b & 0x7f) * mult;
      if ((b & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER) throw this.corrupt(`varint at byte ${this.base + start} exceeds 2^53; use varintBig`);
        return result;
      }
      mult *= 128;
    }
    throw this.corrupt(`varint longer than 10 bytes at byte ${this.base + start}`);
  }

  /** A full 64-bit varint as an unsigned bigint. */
  varintBig(): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) throw this.truncated(start, 'a varint');
      const b = this.bytes[this.pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw this.corrupt(`varint longer than 10 bytes at byte ${this.base + start}`);
  }

  /** An int64 field (two's complement, negatives take 10 bytes) as a signed bigint. */
  int64(): bigint {
    return BigInt.asIntN(64, this.varintBig());
  }

  /** An int64 that the caller needs as a number (dims, opset versions); refuses values past 2^53. */
  int64Number(): number {
    const start = this.offset;
    const v = this.int64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw this.corrupt(`integer ${v} at byte ${start} is out of range`);
    return Number(v);
  }

  /** An int32 field: negatives are sign-extended to 10 bytes on the wire. */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varintBig()));
  }

  fixed32Bytes(): Uint8Array {
    return this.take(4, 'a fixed32');
  }

  float(): number {
    const b = this.take(4, 'a float');
    return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
  }

  double(): number {
    const b = this.take(8, 'a double');
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  /** A length-delimited payload as a subarray of the file (no copy). */
  bytesField(): Uint8Array {
    const start = this.pos;
    const len = this.varint();
    return this.take(len, `a length-delimited field of ${len} bytes starting at byte ${this.base + start}`);
  }

  /** A length-delimited payload and its absolute offset, for nested readers. */
  subReader(): WireReader {
    const start = this.pos;
    const len = this.varint();
    const payloadStart = this.base + this.pos;
    const payload = this.take(len, `a sub-message of ${len} bytes starting at byte ${this.base + start}`);
    return new WireReader(payload, payloadStart, this.what);
  }

  string(): string {
    return new TextDecoder('utf-8').decode(this.bytesField());
  }

  /** Skips a field the caller does not model. */
  skip(wire: WireType): void {
    switch (wire) {
      case WireType.Varint:
        this.varintBig();
        return;
      case WireType.Fixed64:
        this.take(8, 'a fixed64');
        return;
      case WireType.LengthDelimited:
        this.bytesField();
        return;
      case WireType.Fixed32:
        this.take(4, 'a fixed32');
        return;
      default:
        throw this.corrupt(`protobuf group (wire type ${wire}) at byte ${this.offset}`);
    }
  }

  /** The raw bytes of a field (tag included) read since `tag.start`: kept for lossless re-encoding. */
  rawSince(tag: FieldTag): Uint8Array {
    return this.bytes.subarray(tag.start, this.pos);
  }

  /**
   * Repeated scalar fields may arrive packed (one length-delimited run) or unpacked (one tag per
   * value) whatever the .proto says; parsers must accept both (protobuf encoding guide, "Packed
   * Repeated Fields"). `readOne` reads one value from the given reader.
   */
  repeated<T>(tag: FieldTag, out: T[], readOne: (r: WireReader) => T): void {
    if (tag.wire === WireType.LengthDelimited) {
      const sub = this.subReader();
      while (!sub.atEnd()) out.push(readOne(sub));
    } else {
      out.push(readOne(this));
    }
  }

  expectWire(tag: FieldTag, wire: WireType, name: string): void {
    if (tag.wire !== wire) throw this.corrupt(`field ${name} (#${tag.field}) has wire type ${tag.wire}, expected ${wire}, at byte ${this.base + tag.start}`);
  }

  private take(n: number, what: string): Uint8Array {
    if (this.pos + n > this.bytes.length) throw this.truncated(this.pos, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private truncated(at: number, what: string): CompressError {
    return new CompressError(
      'truncated',
      `${this.what} is truncated or corrupt: ${what} at byte ${this.base + at} runs past the end of its message (which ends at byte ${this.base + this.bytes.length}).`,
    );
  }

  corrupt(detail: string): CompressError {
    return new CompressError('corrupt', `${this.what} is not a valid ONNX protobuf: ${detail}.`);
  }
}

/**
 * Builds a message as a list of chunks: small scalars go to a growing scratch buffer, big
 * payloads (tensor data) are referenced, never copied, so the output can be written with one
 * writev-style loop.
 */
export class WireWriter {
  private readonly chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(256);
  private used = 0;
  private total = 0;

  get byteLength(): number {
    return this.total + this.used;
  }

  tag(field: number, wire: WireType): this {
    return this.varint(field * 8 + wire);
  }

  varint(value: number | bigint): this {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff) {
      this.ensure(5);
      let v = value;
      while (v > 0x7f) {
        this.scratch[this.used++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.scratch[this.used++] = v;
      return this;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v > 0x7fn) {
      this.scratch[this.used++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.scratch[this.used++] = Number(v);
    return this;
  }

  float(value: number): this {
    this.ensure(4);
    new DataView(this.scratch.buffer, this.scratch.byteOffset + this.used, 4).setFloat32(0, value, true);
    this.used += 4;
    return this;
  }

  double(value: number): this {
    this.ensure(8);
    new DataView(this.scratch.buffer, this.scratch.byteOffset + this.used, 8).setFloat64(0, value, true);
    this.used += 8;
    return this;
  }

  /** Appends bytes as they are (a raw field captured on read, or a payload). Big ones are referenced, not copied. */
  raw(bytes: Uint8Array): this {
    if (bytes.length <= 64) {
      this.ensure(bytes.length);
      this.scratch.set(bytes, this.used);
      this.used += bytes.length;
    } else {
      this.flush();
      this.chunks.push(bytes);
      this.total += bytes.length;
    }
    return this;
  }

  bytesField(field: number, bytes: Uint8Array): this {
    return this.tag(field, WireType.LengthDelimited).varint(bytes.length).raw(bytes);
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  varintField(field: number, value: number | bigint): this {
    return this.tag(field, WireType.Varint).varint(value);
  }

  floatField(field: number, value: number): this {
    return this.tag(field, WireType.Fixed32).float(value);
  }

  /** A nested message: encoded into its own writer, then length-prefixed; its chunks are moved, not copied. */
  messageField(field: number, encode: (w: WireWriter) => void): this {
    const sub = new WireWriter();
    encode(sub);
    this.tag(field, WireType.LengthDelimited).varint(sub.byteLength);
    return this.append(sub);
  }

  /** A packed repeated field from a writer that holds only the values. */
  packedField(field: number, encodeValues: (w: WireWriter) => void): this {
    return this.messageField(field, encodeValues);
  }

  append(other: WireWriter): this {
    for (const chunk of other.finish()) this.raw(chunk);
    return this;
  }

  /** The message as chunks in order; the writer must not be used afterwards. */
  finish(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }

  /** Joins the chunks (tests and small messages). */
  toBytes(): Uint8Array {
    const chunks = this.finish();
    const out = new Uint8Array(this.total);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }

  private ensure(n: number): void {
    if (this.used + n <= this.scratch.length) return;
    const grown = new Uint8Array(Math.max(this.scratch.length * 2, this.used + n));
    grown.set(this.scratch.subarray(0, this.used));
    this.scratch = grown;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.chunks.push(this.scratch.slice(0, this.used));
    this.total += this.used;
    this.used = 0;
  }
}
