import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineSplitter } from '../../../src/engine/process/line-splitter';
import type { LineEnd } from '../../../src/engine/process/line-splitter';

function split(chunks: ReadonlyArray<string | Buffer>, max?: number): Array<[string, LineEnd]> {
  const lines: Array<[string, LineEnd]> = [];
  const splitter = new LineSplitter((line, end) => lines.push([line, end]), max);
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  test('LF, CRLF, a partial last line and empty lines', () => {
    assert.deepEqual(split(['a\nb\r\n\nc']), [['a', 'lf'], ['b', 'lf'], ['', 'lf'], ['c', 'eof']]);
  });

  test('a CRLF split across two chunks is one line break', () => {
    assert.deepEqual(split(['one\r', '\ntwo\r', '\r\n']), [['one', 'lf'], ['two', 'cr'], ['', 'lf']]);
    assert.deepEqual(split(['one\r', 'two\n']), [['one', 'cr'], ['two', 'lf']]);
    assert.deepEqual(split(['last\r']), [['last', 'lf']]);
  });

  test('progress-bar redraws end with cr; empty redraw segments are dropped', () => {
    assert.deepEqual(split(['\r 10%|#\r 50%|#####\r100%|##########\n']), [[' 10%|#', 'cr'], [' 50%|#####', 'cr'], ['100%|##########', 'lf']]);
  });

  test('a UTF-8 character split across chunks is reassembled', () => {
    const bytes = Buffer.from('café ☃\n');
    const chunks = Array.from(bytes, (b) => Buffer.from([b]));
    assert.deepEqual(split(chunks), [['café ☃', 'lf']]);
  });

  test('an overlong line keeps its head and skips to the next break', () => {
    assert.deepEqual(split(['abcdefghij', 'klmnop\nnext\n'], 4), [['abcd', 'lf'], ['next', 'lf']]);
  });
});
