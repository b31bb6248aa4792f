import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { detectCommand } from '../../../src/cli/commands/detect';
import { CliUsageError } from '../../../src/cli/cli-error';
import { tempDir } from '../../helpers/temp-dir';

const FIXTURES = path.join(import.meta.dirname, '..', 'detect', 'fixtures');
const WORKSPACE = path.join(FIXTURES, 'workspace');

/** What the command printed, through a stand-in for process.stdout. */
async function detect(args: string[]): Promise<{ code: number; output: string }> {
  let output = '';
  const out = { isTTY: false, write: (chunk: string) => ((output += chunk), true) } as unknown as NodeJS.WriteStream;
  const code = await detectCommand(args, out);
  return { code, output };
}

test('a folder: ranked training scripts with evidence, parameters and proposed ranges', async () => {
  const { code, output } = await detect([WORKSPACE]);
  assert.equal(code, 0);
  assert.match(output, /^6 training scripts in .*workspace \(8 Python files scanned in \d+\.\d s\), most likely first:/);
  const ranked = [...output.matchAll(/^(\d+)\. (\S+) {2}\(score (\d+)\)$/gm)].map((m) => ({ rank: Number(m[1]), file: m[2], score: Number(m[3]) }));
  assert.equal(ranked.length, 6);
  assert.deepEqual(
    ranked.map((r) => r.rank),
    [1, 2, 3, 4, 5, 6],
  );
  assert.ok(ranked.every((r, i) => i === 0 || r.score <= ranked[i - 1]!.score), 'best first');
  assert.equal(ranked[0]!.file, 'train.py');
  // Evidence with lines, under the script it belongs to.
  const trainBlock = output.slice(output.indexOf('1. train.py'), output.indexOf('\n\n2. '));
  assert.match(trainBlock, /line 4 +imports torch/);
  assert.match(trainBlock, /line 37 +calls loss\.backward\(\)/);
  assert.match(trainBlock, /line 38 +calls optimizer\.step\(\)/);
  // Parameters, with their source, type, default and whether and how each is tuned.
  assert.match(trainBlock, /parameters \(5 of 10 tunable\):/);
  assert.match(trainBlock, /\n\s+lr +argparse +float +LR=0\.001 +yes +float \S+\.\.\S+ log\n/);
  assert.match(trainBlock, /\n\s+optimizer +argparse +str +"adam" +yes +\{(sgd, adam|adam, sgd)\}\n/);
  assert.match(trainBlock, /\n\s+epochs +argparse +int +10 +no +epochs are kept fixed unless asked\n/);
  assert.match(trainBlock, /\n\s+data-dir +argparse +str +"\.\/data" +no +a file or folder path\n/);
  // The utility module is mentioned, not detailed; the module with no ML at all is not.
  assert.match(output, /1 other file imports ML libraries but show no training loop: lib\/models\.py \(score \d\)\. --all details them\./);
  assert.doesNotMatch(output, /text\.py/);
});

test('--all details the utility modules too; --json gives the same ranking as data', async () => {
  const all = await detect([WORKSPACE, '--all']);
  assert.match(all.output, /^7\. lib\/models\.py {2}\(score \d\)$/m);
  const { code, output } = await detect([WORKSPACE, '--json']);
  assert.equal(code, 0);
  const data = JSON.parse(output) as {
    root: string;
    filesScanned: number;
    scripts: { file: string; score: number; trainingScript: boolean; evidence: { line: number; description: string }[]; params: { name: string; tunable: boolean }[]; proposal: { space: Record<string, unknown> } }[];
  };
  assert.equal(data.root, WORKSPACE);
  assert.equal(data.filesScanned, 8);
  assert.deepEqual(
    data.scripts.map((s) => s.trainingScript),
    [true, true, true, true, true, true, false],
  );
  const train = data.scripts[0]!;
  assert.equal(train.file, 'train.py');
  assert.ok(train.evidence.some((e) => e.line === 37 && e.description === 'calls loss.backward()'));
  assert.ok('lr' in train.proposal.space);
  assert.ok(!('epochs' in train.proposal.space));
});

test('one file, even with syntax errors: its parameters and each broken line', async () => {
  const { code, output } = await detect([path.join(FIXTURES, 'syntax_error.py')]);
  assert.equal(code, 0);
  assert.match(output, /syntax_error\.py {2}\(score \d+\)/);
  assert.match(output, /\n\s+momentum +argparse +float +0\.9 +yes /);
  assert.match(output, /\n\s+batch-size +argparse +int +32 +yes /);
  assert.match(output, /problems:\n\s+syntax_error\.py:10: syntax error\n\s+syntax_error\.py:14: syntax error/);
});

test('a training script without parameters says so', async () => {
  const { code, output } = await detect([path.join(FIXTURES, 'no_params.py')]);
  assert.equal(code, 0);
  assert.match(output, /parameters: none found \(no argparse \/ click \/ typer \/ absl flags, module constants, dataclass configs or config files\)/);
});

test('bad input gets a clear message, never a crash', async (t) => {
  const dir = tempDir(t);
  const binary = path.join(dir, 'model.py');
  fs.writeFileSync(binary, Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
  const huge = path.join(dir, 'weights.py');
  fs.writeFileSync(huge, 'W = [\n' + '    0.123456789, 0.123456789, 0.123456789, 0.123456789, 0.123456789,\n'.repeat(48_000) + ']\n');
  const cases: [string[], RegExp][] = [
    [[path.join(dir, 'missing')], /missing: no such file or folder\. Pass a training script or a folder to search\./],
    [[binary], /model\.py: binary content \(a NUL byte\), not Python source; skipped\. Point tunekit detect at a Python training script\./],
    [[huge], /weights\.py: 3\.\d MB is too large for a training script \(limit 2 MB\); skipped\./],
    [['a', 'b'], /detect takes one PATH, got 2: a b/],
  ];
  for (const [args, message] of cases) {
    await assert.rejects(detect(args), (err: unknown) => {
      assert.ok(CliUsageError.is(err), `${args.join(' ')}: ${String(err)}`);
      assert.match((err as Error).message, message);
      return true;
    });
  }
});

test('a folder with no training script: exit status 1 and what Tunekit looks for', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'util.py'), 'import os\n\nif __name__ == "__main__":\n    print(os.getcwd())\n');
  fs.mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules', 'x', 'train.py'), fs.readFileSync(path.join(FIXTURES, 'no_params.py')));
  const { code, output } = await detect([dir]);
  assert.equal(code, 1);
  assert.match(output, /^No training scripts found in .* \(1 Python file scanned in \d+\.\d s; virtual environments, node_modules, build output and hidden folders skipped\)\./);
  assert.match(output, /Run `tunekit detect FILE` to analyse one script anyway\./);
  const json = await detect([dir, '--json']);
  assert.equal(json.code, 1);
  assert.deepEqual((JSON.parse(json.output) as { scripts: unknown[] }).scripts, []);
});
