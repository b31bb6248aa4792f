import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonValue } from '../../../../src/core/space/distributions';
import type { ParamType } from '../../../../src/detect/param-model';
import { pythonLiteralShape, pythonLiteralText, pythonScalarValue, pythonString } from '../../../../src/detect/apply/python-apply';
import { literalValue } from '../../../../src/detect/python-literal';
import { parsePython } from '../../../../src/detect/python-parser';

function text(value: JsonValue, old: string, type: ParamType): string {
  const written = pythonLiteralText(value, old, type);
  assert.ok('text' in written, `expected text for ${JSON.stringify(value)} over ${old}, got ${JSON.stringify(written)}`);
  return written.text;
}

/** What Python reads from the literal: the tree-sitter parse plus the project's literal reader. */
async function readBack(literal: string): Promise<JsonValue | undefined> {
  const tree = await parsePython(`x = ${literal}\n`);
  const assign = tree.rootNode.namedChildren[0]?.namedChildren[0];
  const value = literalValue(assign?.childForFieldName('right'));
  const hasError = tree.rootNode.hasError;
  tree.delete();
  return hasError ? undefined : value?.value;
}

test('numbers keep their notation', () => {
  assert.equal(text(3e-4, '1e-3', 'float'), '3e-4');
  assert.equal(text(3e-4, '1E-3', 'float'), '3E-4');
  assert.equal(text(0.05, '0.1', 'float'), '0.05');
  assert.equal(text(1e-5, '0.001', 'float'), '1e-05'); // repr's choice where fixed would need many zeros
  assert.equal(text(64, '32', 'int'), '64');
  assert.equal(text(2000, '1_000', 'int'), '2_000');
  assert.equal(text(-2, '-1', 'int'), '-2');
  assert.equal(text(2, '-1', 'int'), '2');
  assert.equal(text(-0.5, '- 1.0', 'float'), '-0.5');
});

test('ints stay ints and floats stay floats', () => {
  assert.equal(text(1, '0.5', 'float'), '1.0');
  assert.equal(text(3, '2', 'float'), '3'); // the old literal was an int: the script saw an int before too
  assert.equal(text(2.5, '2', 'float'), '2.5');
  assert.equal(text(8, 'None', 'int'), '8');
  assert.equal(text(8, 'None', 'float'), '8.0');
});

test('strings keep their quotes and prefix, escaping only what they must', () => {
  assert.equal(text('sgd', "'adam'", 'str'), "'sgd'");
  assert.equal(text('sgd', '"adam"', 'str'), '"sgd"');
  assert.equal(text("it's", "'adam'", 'str'), "'it\\'s'");
  assert.equal(text('say "hi"', '"adam"', 'str'), '"say \\"hi\\""');
  assert.equal(text('two\nlines', "'x'", 'str'), "'two\\nlines'");
  assert.equal(text('two\nlines', "'''x'''", 'str'), "'''two\nlines'''");
  assert.equal(text('C:\\data', "r'x'", 'str'), "r'C:\\data'");
  assert.equal(text("it's\\", "r'x'", 'str'), "'it\\'s\\\\'"); // a raw string cannot hold these
  assert.equal(text('café', "u'x'", 'str'), "u'café'");
  assert.equal(text('sgd', 'None', 'str'), "'sgd'");
});

test('every string written reads back as the same value', async () => {
  const values = ['plain', "it's", 'say "hi"', 'back\\slash', 'tab\there', 'nl\nhere', 'bell\x07', 'end\\', "both ' and \"", 'ünï'];
  for (const old of ["'x'", '"x"', "r'x'", "'''x'''", '"""x"""', "u'x'"]) {
    for (const v of values) assert.equal(await readBack(text(v, old, 'str')), v, `${JSON.stringify(v)} over ${old}`);
  }
});

test('booleans, None, lists, tuples and dicts', () => {
  assert.equal(text(true, 'False', 'bool'), 'True');
  assert.equal(text(false, 'True', 'bool'), 'False');
  assert.equal(text(null, '0.1', 'unknown'), 'None');
  assert.equal(text([128, 64], '[64, 64]', 'list'), '[128, 64]');
  assert.equal(text([128, 64], '(64, 64)', 'list'), '(128, 64)');
  assert.equal(text([128], '(64, 64)', 'list'), '(128,)');
  assert.equal(text([0.5, 1], '[0.1, 0.2]', 'list'), '[0.5, 1.0]');
  assert.equal(text(['a', 'b'], '["x"]', 'list'), '["a", "b"]');
  assert.equal(text({ lr: 0.1, name: 'x' }, "{'lr': 1.0}", 'unknown'), "{'lr': 0.1, 'name': 'x'}");
});

test('what is not a plain literal is refused with the reason', () => {
  for (const old of ['2 * BASE', 'os.environ["LR"]', 'f"{x}"', "b'x'", 'LR', '-LR']) {
    const written = pythonLiteralText(1, old, 'unknown');
    assert.ok('error' in written, old);
  }
  assert.match((pythonLiteralText('x', 'f"{a}"', 'str') as { error: string }).error, /f-string/);
  assert.ok('error' in pythonLiteralText(Number.POSITIVE_INFINITY, '1.0', 'float'));
});

test('pythonLiteralShape and pythonScalarValue read a literal from its text', () => {
  assert.deepEqual(pythonLiteralShape("r'x'"), { kind: 'string', prefix: 'r', quote: "'" });
  assert.equal(pythonLiteralShape('(1, 2)').kind, 'sequence');
  assert.equal(pythonScalarValue('1e-3'), 0.001);
  assert.equal(pythonScalarValue('-1_000'), -1000);
  assert.equal(pythonScalarValue('0x10'), 16);
  assert.equal(pythonScalarValue('True'), true);
  assert.equal(pythonScalarValue('None'), null);
  assert.equal(pythonScalarValue("'adam'"), 'adam');
  assert.equal(pythonScalarValue("'a' 'b'"), undefined); // implicit concatenation: needs the parser
  assert.equal(pythonScalarValue("'a\\n'"), undefined);
  assert.equal(pythonScalarValue('[1]'), undefined);
});

test('pythonString picks quotes as repr does when there is no old literal', () => {
  assert.equal(pythonString('x'), "'x'");
  assert.equal(pythonString("it's"), '"it\'s"');
  assert.equal(pythonString('both \' and "'), "'both \\' and \"'");
});
