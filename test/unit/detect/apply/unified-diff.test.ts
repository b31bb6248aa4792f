import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unifiedDiff } from '../../../../src/detect/apply/unified-diff';
import { tempDir } from '../../../helpers/temp-dir';

const lines = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `line ${i + from}\n`).join('');

test('one changed line in the middle: three lines of context, counts in the header', () => {
  const before = lines(10);
  const after = before.replace('line 5\n', 'line five\n');
  assert.equal(
    unifiedDiff('train.py', before, after),
    ['--- a/train.py', '+++ b/train.py', '@@ -2,7 +2,7 @@', ' line 2', ' line 3', ' line 4', '-line 5', '+line five', ' line 6', ' line 7', ' line 8', ''].join('\n'),
  );
});

test('identical texts give an empty diff', () => {
  assert.equal(unifiedDiff('a.py', 'x\n', 'x\n'), '');
});

test('a hunk of one line omits its count; an empty side counts from the line before', () => {
  assert.equal(unifiedDiff('f', 'a\n', 'b\n'), '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n');
  assert.equal(unifiedDiff('f', '', 'a\nb\n'), '--- a/f\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  assert.equal(unifiedDiff('f', 'a\nb\n', 'a\nb\nc\n', 0), '--- a/f\n+++ b/f\n@@ -2,0 +3 @@\n+c\n');
});

test('a missing newline at the end of a file is marked', () => {
  assert.equal(unifiedDiff('f', 'a\nb', 'a\nc'), '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
  assert.equal(unifiedDiff('f', 'a\nb', 'a\nb\n'), '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
});

test('changes up to twice the context apart share a hunk; farther apart they do not', () => {
  const before = lines(30);
  const close = before.replace('line 5\n', 'X\n').replace('line 12\n', 'Y\n'); // 6 lines between
  const far = before.replace('line 5\n', 'X\n').replace('line 13\n', 'Y\n'); // 7 lines between
  assert.equal(unifiedDiff('f', before, close).match(/^@@/gm)?.length, 1);
  assert.equal(unifiedDiff('f', before, far).match(/^@@/gm)?.length, 2);
});

function gnuDiff(dir: string, before: string, after: string, context: number): string {
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.writeFileSync(a, before);
  fs.writeFileSync(b, after);
  try {
    execFileSync('diff', [`-U${context}`, '--label', 'a/f', '--label', 'b/f', a, b]);
    return '';
  } catch (err) {
    return (err as { stdout: Buffer }).stdout.toString();
  }
}

function hasDiff(): string | undefined {
  try {
    execFileSync('diff', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'GNU diff is not installed';
  }
}

test('byte for byte what `diff -u` prints, over random edits of random files', { skip: hasDiff() }, (t) => {
  const dir = tempDir(t);
  let seed = 11;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let c = 0; c < 150; c++) {
    // Distinct lines edited by deletions, replacements and insertions of fresh lines: the
    // longest common subsequence is unique, so any correct minimal diff equals GNU's.
    const a = Array.from({ length: Math.floor(random() * 40) }, (_, i) => `line ${i}`);
    const b: string[] = [];
    let fresh = 0;
    for (const l of a) {
      const r = random();
      if (r < 0.08) continue;
      if (r < 0.16) {
        b.push(`changed ${fresh++}`);
        continue;
      }
      if (r < 0.22) b.push(`inserted ${fresh++}`);
      b.push(l);
    }
    if (random() < 0.2) b.push(`appended ${fresh++}`);
    const before = a.join('\n') + (a.length > 0 && random() < 0.8 ? '\n' : '');
    const after = b.join('\n') + (b.length > 0 && random() < 0.8 ? '\n' : '');
    const context = [0, 1, 3, 5][Math.floor(random() * 4)] as number;
    assert.equal(unifiedDiff('f', before, after, context), gnuDiff(dir, before, after, context), `case ${c}: ${JSON.stringify(before)} -> ${JSON.stringify(after)} -U${context}`);
  }
});

test('a 20,000-line file edited at both ends and in the middle matches diff', { skip: hasDiff() }, (t) => {
  const dir = tempDir(t);
  const before = lines(20000);
  const after = 'header\n' + before.replace('line 10000\n', 'middle\n') + 'footer\n';
  assert.equal(unifiedDiff('f', before, after), gnuDiff(dir, before, after, 3));
});

test('an absolute path is labelled without a doubled slash, as git does', () => {
  assert.match(unifiedDiff('/work/train.py', 'a\n', 'b\n'), /^--- a\/work\/train\.py\n\+\+\+ b\/work\/train\.py\n/);
});
