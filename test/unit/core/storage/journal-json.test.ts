import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJournalJson, stringifyJournalJson } from '../../../../src/core/storage/journal-json';

test('reads the NaN and Infinity tokens Python writes, outside strings only', () => {
  const parsed = parseJournalJson('{"a": NaN, "b": -Infinity, "c": [Infinity, 1], "s": "NaN Infinity"}') as Record<string, unknown>;
  assert.ok(Number.isNaN(parsed.a));
  assert.equal(parsed.b, -Infinity);
  assert.deepEqual(parsed.c, [Infinity, 1]);
  assert.equal(parsed.s, 'NaN Infinity');
});

test('writes non-finite numbers as Python tokens and reads them back', () => {
  const text = stringifyJournalJson({ v: NaN, w: [Infinity, -Infinity], s: 'NaN' });
  assert.equal(text, '{"v":NaN,"w":[Infinity,-Infinity],"s":"NaN"}');
  const back = parseJournalJson(text) as { v: number; w: number[]; s: string };
  assert.ok(Number.isNaN(back.v));
  assert.deepEqual(back.w, [Infinity, -Infinity]);
  assert.equal(back.s, 'NaN');
});

test('still rejects text that is not JSON', () => {
  assert.throws(() => parseJournalJson('{"op_code": 4, "study_id"'), SyntaxError);
  assert.throws(() => parseJournalJson('NaNa'), SyntaxError);
});
