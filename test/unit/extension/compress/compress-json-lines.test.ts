import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompressJsonLineReader } from '../../../../src/extension/compress/compress-json-lines';
import type { CompressCliEvent } from '../../../../src/extension/compress/compress-json-lines';
import { sampleReport } from './sample-report';

function read(chunks: readonly string[]): { events: CompressCliEvent[]; ignored: [string, string][] } {
  const events: CompressCliEvent[] = [];
  const ignored: [string, string][] = [];
  const reader = new CompressJsonLineReader({ event: (e) => events.push(e), ignored: (line, why) => ignored.push([line, why]) });
  for (const c of chunks) reader.push(c);
  reader.end();
  return { events, ignored };
}

test('progress, then the report, are read in order, whole even when a line arrives in pieces', () => {
  const report = sampleReport();
  const text =
    [
      { type: 'progress', progress: { stage: 'read', done: 1, total: 1 } },
      { type: 'progress', progress: { stage: 'quantize', done: 2, total: 3 } },
      { type: 'report', report },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n') + '\n';
  // Cut at arbitrary places, as pipes deliver it.
  const chunks = [text.slice(0, 7), text.slice(7, 90), text.slice(90, 91), text.slice(91)];
  const { events, ignored } = read(chunks);
  assert.deepEqual(ignored, []);
  assert.deepEqual(events, [
    { type: 'progress', progress: { stage: 'read', done: 1, total: 1 } },
    { type: 'progress', progress: { stage: 'quantize', done: 2, total: 3 } },
    { type: 'report', report },
  ]);
});

test('an error line becomes an error event with its reason and message; a last line without newline is read', () => {
  const { events } = read(['{"type":"progress","progress":{"stage":"read","done":0,"total":1}}\r\n', '{"type":"error","reason":"truncated","message":"model.onnx is truncated: the initializer fc1.weight ends at byte 70412, the file at 1000"}']);
  assert.deepEqual(events[1], { type: 'error', reason: 'truncated', message: 'model.onnx is truncated: the initializer fc1.weight ends at byte 70412, the file at 1000' });
});

test('garbage lines are ignored with a log entry that says why, and do not stop the reading', () => {
  const lines = [
    'Warning: onnx opset 13 is old',
    '{"type":"progress","progress":{"stage":"read","done":1',
    '[1,2,3]',
    '{"type":"progress","progress":{"stage":"bake","done":1,"total":2}}',
    '{"type":"progress","progress":{"stage":"read","done":"1","total":2}}',
    '{"type":"report","report":{"format":"onnx"}}',
    '{"type":"error","reason":"corrupt"}',
    '{"type":"hello"}',
    '',
    '{"type":"progress","progress":{"stage":"write","done":1,"total":1}}',
  ];
  const { events, ignored } = read([lines.join('\n') + '\n']);
  assert.deepEqual(events, [{ type: 'progress', progress: { stage: 'write', done: 1, total: 1 } }]);
  assert.deepEqual(
    ignored.map(([line, why]) => [line.slice(0, 20), why]),
    [
      ['Warning: onnx opset ', 'not JSON'],
      ['{"type":"progress","', 'not JSON'],
      ['[1,2,3]', 'not a JSON object'],
      ['{"type":"progress","', 'a progress line without a known stage and counts'],
      ['{"type":"progress","', 'a progress line without a known stage and counts'],
      ['{"type":"report","re', 'a report that fails validation (report.method: expected an object, got nothing)'],
      ['{"type":"error","rea', 'an error line without a message'],
      ['{"type":"hello"}', 'an unknown type "hello"'],
    ],
  );
});
