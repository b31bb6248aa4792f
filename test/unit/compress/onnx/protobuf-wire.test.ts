import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompressError } from '../../../../src/compress/compress-error';
import { WireReader, WireType, WireWriter } from '../../../../src/compress/onnx/protobuf-wire';

test('varints: the encoding guide examples, and negative int64 as ten bytes', () => {
  // https://protobuf.dev/programming-guides/encoding/: 150 is 96 01.
  assert.deepEqual(Array.from(new WireWriter().varint(150).toBytes()), [0x96, 0x01]);
  assert.deepEqual(Array.from(new WireWriter().varint(1).toBytes()), [0x01]);
  const minusOne = new WireWriter().varint(-1).toBytes();
  assert.deepEqual(Array.from(minusOne), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.equal(new WireReader(minusOne, 0, 'x').int64(), -1n);
  const big = new WireWriter().varint(2n ** 63n - 1n).toBytes();
  assert.equal(new WireReader(big, 0, 'x').int64(), 2n ** 63n - 1n);
  assert.throws(() => new WireReader(big, 0, 'x').varint(), (e) => CompressError.is(e, 'corrupt'), 'a number read refuses values past 2^53');
  for (const v of [0, 127, 128, 16383, 16384, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
    assert.equal(new WireReader(new WireWriter().varint(v).toBytes(), 0, 'x').varint(), v);
  }
});

test('packed and unpacked repeated fields read the same values', () => {
  const packed = new WireWriter().packedField(1, (w) => [1, 300, 5].forEach((v) => w.varint(v))).toBytes();
  const unpacked = new WireWriter().varintField(1, 1).varintField(1, 300).varintField(1, 5).toBytes();
  for (const bytes of [packed, unpacked]) {
    const r = new WireReader(bytes, 0, 'x');
    const out: number[] = [];
    while (!r.atEnd()) r.repeated(r.tag(), out, (x) => x.varint());
    assert.deepEqual(out, [1, 300, 5]);
  }
});

test('fixed32 floats, doubles and strings round-trip; sub-messages read in place', () => {
  const w = new WireWriter().floatField(2, 0.5).tag(3, WireType.Fixed64).double(-2.25).stringField(4, 'héllo');
  w.messageField(5, (m) => m.varintField(1, 7));
  const r = new WireReader(w.toBytes(), 100, 'x');
  assert.deepEqual([r.tag().field, r.float()], [2, 0.5]);
  assert.deepEqual([r.tag().field, r.double()], [3, -2.25]);
  assert.deepEqual([r.tag().field, r.string()], [4, 'héllo']);
  assert.equal(r.tag().field, 5);
  const sub = r.subReader();
  assert.equal(sub.offset, 100 + r.position - 2, 'the sub-reader knows its absolute offset');
  assert.deepEqual([sub.tag().field, sub.varint()], [1, 7]);
  assert.ok(r.atEnd() && sub.atEnd());
});

test('big payloads are referenced, not copied, by the writer', () => {
  const payload = new Uint8Array(1 << 16).fill(7);
  const chunks = new WireWriter().bytesField(9, payload).finish();
  assert.ok(chunks.includes(payload), 'the payload is one of the output chunks');
});

test('errors name the absolute byte offset', () => {
  // field 1, length-delimited, length 10, but only 2 bytes follow; the message starts at byte 40.
  const r = new WireReader(new Uint8Array([0x0a, 0x0a, 0x01, 0x02]), 40, 'model.onnx');
  r.tag();
  assert.throws(
    () => r.bytesField(),
    (e) => CompressError.is(e, 'truncated') && /model\.onnx is truncated.*starting at byte 41.*ends at byte 44/.test(e.message),
  );
  assert.throws(
    () => new WireReader(new Uint8Array([0x0f]), 12, 'model.onnx').tag(),
    (e) => CompressError.is(e, 'corrupt') && /wire type 7 at byte 12/.test(e.message),
  );
  assert.throws(() => new WireReader(new Uint8Array([0x80, 0x80]), 0, 'm').varint(), (e) => CompressError.is(e, 'truncated'));
});
