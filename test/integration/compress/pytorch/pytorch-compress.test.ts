/**
 * compressPytorch / verifyPytorch / inspectPytorch against the real helper and Debian's torch 1.13:
 * every checkpoint kind (state_dict, nested state_dict, pickled module, TorchScript), the
 * methods on each, and the failures a user meets (no torch, a truncated file, a state_dict asked
 * for dynamic int8, a taken output path, a cancelled job).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compressCheckpoint } from '../../../../src/compress/compress-checkpoint';
import { CompressError } from '../../../../src/compress/compress-error';
import { compressPytorch, compressPytorchDetailed, inspectPytorch, verifyPytorch } from '../../../../src/compress/pytorch/pytorch-compress';
import type { FormatJob } from '../../../../src/compress/format-job';
import { DEBIAN_PYTHON, missingPythonModules, runPythonJson } from '../../../helpers/debian-python';
import { tempDir } from '../../../helpers/temp-dir';

const skip = missingPythonModules('torch');

/** Writes the fixture checkpoints with torch itself (seeded, so sizes and values repeat). */
function makeCheckpoints(dir: string): void {
  runPythonJson(
    [
      'import json, os, sys, torch',
      'from torch import nn',
      'torch.manual_seed(0)',
      'd = sys.argv[1]',
      'mlp = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 4))',
      'torch.save(mlp, os.path.join(d, "mlp.pt"))',
      'torch.save(mlp.state_dict(), os.path.join(d, "mlp-state.pt"))',
      'torch.jit.save(torch.jit.script(mlp), os.path.join(d, "mlp-script.pt"))',
      '# The step below changes mlp: the files above hold the same weights, nested.pt newer ones.',
      'opt = torch.optim.SGD(mlp.parameters(), lr=0.1, momentum=0.9)',
      'mlp(torch.randn(2, 32)).sum().backward(); opt.step()',
      'torch.save({"model_state_dict": mlp.state_dict(), "optimizer": opt.state_dict(), "epoch": 7}, os.path.join(d, "nested.pt"))',
      'class Tagger(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.embed = nn.Embedding(50, 16)',
      '        self.norm = nn.LayerNorm(16)',
      '        self.lstm = nn.LSTM(16, 32)',
      '        self.head = nn.Linear(32, 5)',
      '    def forward(self, x):',
      '        return self.head(self.lstm(self.norm(x))[0])',
      'torch.save(Tagger().state_dict(), os.path.join(d, "tagger-state.pt"))',
      'torch.save(nn.Sequential(nn.LSTM(8, 24)), os.path.join(d, "lstm.pt"))',
      'conv = nn.Sequential(nn.Conv2d(8, 16, 3), nn.ReLU(), nn.Conv2d(16, 6, 3, bias=False), nn.BatchNorm2d(6))',
      'torch.save(conv, os.path.join(d, "conv.pt"))',
      'print(json.dumps(True))',
    ].join('\n'),
    [dir],
  );
}

function job(dir: string, source: string, output: string, method: FormatJob['method'], extra: Partial<FormatJob> = {}): FormatJob {
  return { source: path.join(dir, source), output: path.join(dir, output), method, selection: {}, python: DEBIAN_PYTHON, ...extra };
}

/** The folder's files, temporaries included (they start with a dot). */
function files(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

async function rejectsWith(promise: Promise<unknown>, reason: CompressError['reason'], message: RegExp): Promise<CompressError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(CompressError.is(err, reason), `expected CompressError(${reason}), got ${String(err)}`);
    assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected CompressError(${reason}), but it succeeded`);
}

function py<T>(code: string, ...args: string[]): T {
  return runPythonJson(['import json, sys, torch', ...code.split('\n')].join('\n'), args) as T;
}

// One set of fixtures for the whole file: each test writes outputs under its own names.
let dir = '';

describe('PyTorch checkpoints through the helper', { skip, timeout: 600_000 }, () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-pt-'));
    makeCheckpoints(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('each checkpoint kind is detected, and its eligible weights are the layer weights only', async () => {
    const kinds = await Promise.all(
      ['mlp.pt', 'mlp-state.pt', 'nested.pt', 'mlp-script.pt'].map((f) => inspectPytorch(path.join(dir, f), { python: DEBIAN_PYTHON })),
    );
    assert.deepEqual(
      kinds.map((k) => k.checkpoint),
      [
        { kind: 'module', container: null, className: 'Sequential' },
        { kind: 'state_dict', container: null, className: null },
        { kind: 'state_dict', container: 'model_state_dict', className: null },
        { kind: 'torchscript', container: null, className: 'Sequential' },
      ],
    );
    for (const k of kinds) {
      assert.deepEqual(k.eligible.map((e) => e.name), ['0.weight', '2.weight', '4.weight']);
      assert.equal(k.params, 32 * 64 + 64 + 64 * 16 + 16 + 16 * 4 + 4);
    }
    assert.deepEqual(kinds[0]!.eligible.map((e) => e.op), ['Linear', 'Linear', 'Linear']);

    // A bare state_dict: names and ranks decide; embeddings only when asked, never norms or biases.
    const tagger = path.join(dir, 'tagger-state.pt');
    const plain = await inspectPytorch(tagger, { python: DEBIAN_PYTHON });
    assert.deepEqual(plain.eligible.map((e) => e.name), ['lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'head.weight']);
    const withEmbeddings = await inspectPytorch(tagger, { python: DEBIAN_PYTHON, selection: { embeddings: true, exclude: '^lstm\\.' } });
    assert.deepEqual(withEmbeddings.eligible.map((e) => e.name), ['embed.weight', 'head.weight']);
  });

  test('pruning a nested state_dict keeps the optimizer and epoch, and surviving weights bit-identical', async () => {
    const result = await compressPytorch(job(dir, 'nested.pt', 'nested-pruned.pt', { kind: 'prune', pattern: 'unstructured', scope: 'layer', sparsity: 0.25 }));
    assert.deepEqual(result.layers.map((l) => [l.name, l.op, l.sparsityAfter]), [
      ['0.weight', 'tensor', 0.25],
      ['2.weight', 'tensor', 0.25],
      ['4.weight', 'tensor', 0.25],
    ]);
    const check = py<{ keys: string[]; epoch: number; sameOptimizer: boolean; survivorsIdentical: boolean; biasesIdentical: boolean }>(
      [
        'a, b = torch.load(sys.argv[1]), torch.load(sys.argv[2])',
        'sa, sb = a["model_state_dict"], b["model_state_dict"]',
        'surv = all(bool(torch.equal(sb[k][sb[k] != 0], sa[k][sb[k] != 0])) for k in ("0.weight", "2.weight", "4.weight"))',
        'bias = all(bool(torch.equal(sa[k], sb[k])) for k in sa if k.endswith("bias"))',
        'opt = all(bool(torch.equal(x["momentum_buffer"], y["momentum_buffer"])) for x, y in zip(a["optimizer"]["state"].values(), b["optimizer"]["state"].values()))',
        'print(json.dumps({"keys": sorted(b), "epoch": b["epoch"], "sameOptimizer": opt and a["optimizer"]["param_groups"] == b["optimizer"]["param_groups"], "survivorsIdentical": surv, "biasesIdentical": bias}))',
      ].join('\n'),
      path.join(dir, 'nested.pt'),
      path.join(dir, 'nested-pruned.pt'),
    );
    assert.deepEqual(check, { keys: ['epoch', 'model_state_dict', 'optimizer'], epoch: 7, sameOptimizer: true, survivorsIdentical: true, biasesIdentical: true });
  });

  test('weight-int8 on a state_dict: int8 <name> plus a float32 <name>_scale per output channel, within scale/2', async () => {
    const result = await compressPytorch(job(dir, 'mlp-state.pt', 'mlp-w8.pt', { kind: 'quantize', scheme: 'weight-int8' }));
    assert.deepEqual(result.layers.map((l) => [l.name, l.dtypeBefore, l.dtypeAfter]), [
      ['0.weight', 'float32', 'int8'],
      ['2.weight', 'float32', 'int8'],
      ['4.weight', 'float32', 'int8'],
    ]);
    const check = py<{ dtypes: Record<string, string>; worst: number }>(
      [
        'a, b = torch.load(sys.argv[1]), torch.load(sys.argv[2])',
        'worst = 0.0',
        'for k in ("0.weight", "2.weight", "4.weight"):',
        '    s = b[k + "_scale"]',
        '    err = (b[k].float() * s.view(-1, 1) - a[k]).abs() / s.view(-1, 1)',
        '    worst = max(worst, float(err.max()))',
        'print(json.dumps({"dtypes": {k: str(v.dtype) for k, v in b.items()}, "worst": worst}))',
      ].join('\n'),
      path.join(dir, 'mlp-state.pt'),
      path.join(dir, 'mlp-w8.pt'),
    );
    assert.deepEqual(check.dtypes, {
      '0.weight': 'torch.int8',
      '0.bias': 'torch.float32',
      '2.weight': 'torch.int8',
      '2.bias': 'torch.float32',
      '4.weight': 'torch.int8',
      '4.bias': 'torch.float32',
      '0.weight_scale': 'torch.float32',
      '2.weight_scale': 'torch.float32',
      '4.weight_scale': 'torch.float32',
    });
    assert.ok(check.worst <= 0.5 + 1e-4, `dequantized error ${check.worst} scales`);
  });

  test('TorchScript: pruned in place and saved with torch.jit.save; dynamic int8 through quantize_dynamic_jit runs', async () => {
    const pruned = await compressPytorchDetailed(job(dir, 'mlp-script.pt', 'script-pruned.pt', { kind: 'prune', pattern: 'unstructured', scope: 'global', sparsity: 0.5 }));
    assert.equal(pruned.checkpoint.kind, 'torchscript');
    const zeros = py<{ zeros: number; total: number; script: boolean }>(
      [
        'm = torch.jit.load(sys.argv[1])',
        'w = [p for n, p in m.named_parameters() if n.endswith("weight")]',
        'print(json.dumps({"zeros": sum(int((p == 0).sum()) for p in w), "total": sum(p.numel() for p in w), "script": isinstance(m, torch.jit.ScriptModule)}))',
      ].join('\n'),
      path.join(dir, 'script-pruned.pt'),
    );
    assert.deepEqual(zeros, { zeros: (32 * 64 + 64 * 16 + 16 * 4) / 2, total: 32 * 64 + 64 * 16 + 16 * 4, script: true });

    const quantized = await compressPytorch(job(dir, 'mlp-script.pt', 'script-int8.pt', { kind: 'quantize', scheme: 'dynamic-int8' }));
    assert.deepEqual(quantized.layers.map((l) => l.dtypeAfter), ['qint8', 'qint8', 'qint8']);
    const verified = await verifyPytorch({ original: path.join(dir, 'mlp-script.pt'), compressed: path.join(dir, 'script-int8.pt'), inputs: { kind: 'generated', batch: 16 }, runs: 5, python: DEBIAN_PYTHON });
    assert.equal(verified.agreement.inputsFrom, 'generated');
    assert.equal(verified.agreement.samples, 16);
    assert.deepEqual(verified.outputShape, [16, 4]);
    assert.ok(verified.agreement.maxAbsDiff > 0 && verified.agreement.maxAbsDiff < 0.1, `max abs diff ${verified.agreement.maxAbsDiff}`);
    assert.ok(fs.statSync(path.join(dir, 'script-int8.pt')).size < fs.statSync(path.join(dir, 'mlp-script.pt')).size);
  });

  test('LSTM layers are quantized dynamically and still run; include / exclude choose the layers', async () => {
    const lstm = await compressPytorch(job(dir, 'lstm.pt', 'lstm-int8.pt', { kind: 'quantize', scheme: 'dynamic-int8' }));
    assert.deepEqual(lstm.layers.map((l) => [l.name, l.op, l.dtypeAfter]), [
      ['0.weight_ih_l0', 'LSTM', 'qint8'],
      ['0.weight_hh_l0', 'LSTM', 'qint8'],
    ]);
    const verified = await verifyPytorch({ original: path.join(dir, 'lstm.pt'), compressed: path.join(dir, 'lstm-int8.pt'), inputs: { kind: 'generated', shape: [5, 3, 8] }, runs: 3, python: DEBIAN_PYTHON });
    assert.deepEqual(verified.outputShape, [5, 3, 24]);
    assert.equal(verified.agreement.top1Agreement, undefined, 'not a [batch, classes] output');
    assert.ok(verified.agreement.maxAbsDiff < 0.05);

    const some = await compressPytorch(job(dir, 'mlp.pt', 'mlp-some.pt', { kind: 'quantize', scheme: 'dynamic-int8' }, { selection: { exclude: '^4\\.' } }));
    assert.deepEqual(some.layers.map((l) => l.name), ['0.weight', '2.weight']);
    const dynamic = py<boolean[]>('m = torch.load(sys.argv[1])\nprint(json.dumps(["quantized.dynamic" in type(x).__module__ for x in m]))', path.join(dir, 'mlp-some.pt'));
    assert.deepEqual(dynamic, [true, false, true, false, false], 'the excluded last Linear stays float');

    await rejectsWith(compressPytorch(job(dir, 'mlp.pt', 'never.pt', { kind: 'quantize', scheme: 'fp16' }, { selection: { include: '(' } })), 'bad-input', /include pattern "\(" is not a valid regular expression/);
    assert.ok(!fs.existsSync(path.join(dir, 'never.pt')));
  });

  test('2:4 on Conv2d groups along the input channels; BatchNorm and biases untouched', async () => {
    const result = await compressPytorch(job(dir, 'conv.pt', 'conv-24.pt', { kind: 'prune', pattern: 'n:m', n: 2, m: 4 }));
    assert.deepEqual(result.layers.map((l) => [l.name, l.op, l.shape]), [
      ['0.weight', 'Conv2d', [16, 8, 3, 3]],
      ['2.weight', 'Conv2d', [6, 16, 3, 3]],
    ]);
    const groups = py<number[][]>(
      [
        'm = torch.load(sys.argv[1])',
        'out = []',
        'for c in (m[0], m[2]):',
        '    z = (c.weight == 0).permute(0, 2, 3, 1).reshape(-1, 4).sum(-1)',
        '    out.append([int(z.min()), int(z.max())])',
        'out.append([int((m[0].bias == 0).sum()), int((m[3].weight == 0).sum())])',
        'print(json.dumps(out))',
      ].join('\n'),
      path.join(dir, 'conv-24.pt'),
    );
    assert.deepEqual(groups, [[2, 2], [2, 2], [0, 0]]);
  });

  test('fp16 module: every floating tensor cast, half the size, verified in float32 with a warning where the CPU lacks fp16 kernels', async (t) => {
    const result = await compressPytorch(job(dir, 'mlp.pt', 'mlp-fp16.pt', { kind: 'quantize', scheme: 'fp16' }));
    assert.equal(result.layers.length, 6, 'weights and biases: a module runs only when its tensors share a dtype');
    assert.ok(result.layers.every((l) => l.dtypeAfter === 'float16'));
    const ratio = fs.statSync(path.join(dir, 'mlp.pt')).size / fs.statSync(path.join(dir, 'mlp-fp16.pt')).size;
    // Not 2x: torch.save's zip keeps ~4 KB of records and names whatever the dtype, much of a 2.7k-parameter file.
    assert.ok(ratio > 1.5, `fp16 is only ${ratio.toFixed(2)}x smaller`);
    const verified = await verifyPytorch({ original: path.join(dir, 'mlp.pt'), compressed: path.join(dir, 'mlp-fp16.pt'), inputs: { kind: 'generated' }, runs: 3, python: DEBIAN_PYTHON });
    assert.ok(verified.agreement.maxAbsDiff < 0.01);
    assert.equal(verified.agreement.top1Agreement, 1);
    t.diagnostic(`warnings: ${JSON.stringify(verified.warnings)}`);
  });

  test('a state_dict asked for dynamic int8 is refused with what to do instead; nothing is written', async () => {
    const before = files(dir);
    await rejectsWith(compressPytorch(job(dir, 'mlp-state.pt', 'out.pt', { kind: 'quantize', scheme: 'dynamic-int8' })), 'bad-input', /mlp-state\.pt is a state_dict.*weight-int8.*torch\.save\(model\)/s);
    assert.deepEqual(files(dir), before);
    await rejectsWith(
      verifyPytorch({ original: path.join(dir, 'mlp.pt'), compressed: path.join(dir, 'mlp-state.pt'), inputs: { kind: 'generated' }, python: DEBIAN_PYTHON }),
      'bad-input',
      /compressed checkpoint .*mlp-state\.pt is a state_dict.*cannot run it/,
    );
  });

  test('a truncated .pt fails as corrupt with torch\'s message, and leaves no output or temporary file', async () => {
    const whole = fs.readFileSync(path.join(dir, 'mlp.pt'));
    fs.writeFileSync(path.join(dir, 'cut.pt'), whole.subarray(0, Math.floor(whole.length / 2)));
    const before = files(dir);
    const err = await rejectsWith(compressPytorch(job(dir, 'cut.pt', 'cut-int8.pt', { kind: 'quantize', scheme: 'dynamic-int8' })), 'corrupt', /cut\.pt is not a readable PyTorch checkpoint \(a zip archive .* without its end-of-central-directory record: it is truncated\); torch says: /);
    assert.match(String((err.cause as Error).message), /Traceback/, 'the Python traceback is kept as the cause, not shown');
    assert.deepEqual(files(dir), before);
  });

  test('verification inputs from a raw float32 file; a file of the wrong size is refused with both sizes', async () => {
    const raw = path.join(dir, 'inputs.f32');
    const values = Float32Array.from({ length: 6 * 32 }, (_, i) => Math.sin(i));
    fs.writeFileSync(raw, Buffer.from(values.buffer));
    const same = await verifyPytorch({ original: path.join(dir, 'mlp.pt'), compressed: path.join(dir, 'mlp-script.pt'), inputs: { kind: 'raw', path: raw, shape: [6, 32] }, runs: 2, python: DEBIAN_PYTHON });
    // The same weights as a module and as TorchScript: identical outputs on the same inputs.
    assert.deepEqual(same.agreement, { samples: 6, inputsFrom: 'file', maxAbsDiff: 0, meanAbsDiff: 0, top1Agreement: 1 });
    await rejectsWith(
      verifyPytorch({ original: path.join(dir, 'mlp.pt'), compressed: path.join(dir, 'mlp-script.pt'), inputs: { kind: 'raw', path: raw, shape: [7, 32] }, python: DEBIAN_PYTHON }),
      'bad-input',
      /inputs\.f32 holds 768 bytes, but shape \[7, 32\] of float32 needs 896/,
    );
  });

  test('an existing output is never replaced', async () => {
    fs.writeFileSync(path.join(dir, 'taken.pt'), 'mine');
    await rejectsWith(compressPytorch(job(dir, 'mlp.pt', 'taken.pt', { kind: 'quantize', scheme: 'bf16' })), 'exists', /taken\.pt already exists/);
    assert.equal(fs.readFileSync(path.join(dir, 'taken.pt'), 'utf8'), 'mine');
  });

});

test('without torch: CompressError torch-missing naming the interpreter and the setting to change', async (t) => {
  const bare = process.env.TUNEKIT_TEST_PYTHON ?? 'python3';
  if (spawnSync(bare, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) {
    t.skip(`${bare} has torch`);
    return;
  }
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'model.pt'), 'not read: torch is missing first');
  await rejectsWith(compressPytorch(job(dir, 'model.pt', 'out.pt', { kind: 'quantize', scheme: 'fp16' }, { python: bare })), 'torch-missing', /cannot import torch.*tunekit\.pythonPath.*--python/s);
  await rejectsWith(
    compressPytorch(job(dir, 'model.pt', 'out.pt', { kind: 'quantize', scheme: 'fp16' }, { python: path.join(dir, 'no-such-python') })),
    'torch-missing',
    /Cannot run the Python interpreter ".*no-such-python" \(ENOENT\).*tunekit\.pythonPath/s,
  );
  assert.deepEqual(files(dir), ['model.pt']);
});

test('cancelling kills the helper and leaves nothing behind, whenever it comes', { skip }, async (t) => {
  const dir = tempDir(t);
  makeCheckpoints(dir);
  const before = files(dir);
  // At the first progress line (loading) and as the write starts (the helper may finish the file
  // before SIGTERM lands: then the file it made is removed).
  for (const stage of ['read', 'write'] as const) {
    const controller = new AbortController();
    const run = compressPytorch(
      job(dir, 'mlp.pt', `cancelled-${stage}.pt`, { kind: 'prune', pattern: 'n:m', n: 2, m: 4 }, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage === stage) controller.abort();
        },
      }),
    );
    await assert.rejects(run, (err: Error) => err.name === 'AbortError');
    assert.deepEqual(files(dir), before, `cancelled at ${stage}`);
  }
  await assert.rejects(compressPytorch(job(dir, 'mlp.pt', 'x.pt', { kind: 'quantize', scheme: 'fp16' }, { signal: AbortSignal.abort() })), (err: Error) => err.name === 'AbortError');
});

test('a stop during verification ends the job as interrupted, not as a report with a note', { skip }, async (t) => {
  const dir = tempDir(t);
  makeCheckpoints(dir);
  const controller = new AbortController();
  const job = compressCheckpoint({
    source: path.join(dir, 'mlp.pt'),
    output: path.join(dir, 'stopped.pt'),
    python: DEBIAN_PYTHON,
    method: { kind: 'quantize', scheme: 'fp16' },
    signal: controller.signal,
    onProgress: (p) => {
      if (p.stage === 'verify') controller.abort(new CompressError('interrupted', 'interrupted'));
    },
  });
  await assert.rejects(job, (err: unknown) => CompressError.is(err, 'interrupted'));
});

test('a GPT-2 style state dict (Conv1D weights stored [in, out]) is read as a safetensors file of it would be', { skip }, async (t) => {
  const dir = tempDir(t);
  py(
    [
      'torch.manual_seed(0)',
      'sd = {"h.0.mlp.c_fc.weight": torch.randn(8, 16), "h.0.mlp.c_fc.bias": torch.randn(16), "h.0.ln_1.weight": torch.randn(8), "wpe.weight": torch.randn(12, 8), "position_table.weight": torch.randn(12, 8)}',
      'torch.save(sd, sys.argv[1])',
      'print(json.dumps(True))',
    ].join('\n'),
    path.join(dir, 'gpt.pt'),
  );
  const pruned = await compressPytorch(job(dir, 'gpt.pt', 'gpt-24.pt', { kind: 'prune', pattern: 'n:m', n: 2, m: 4 }));
  assert.deepEqual(pruned.layers.map((l) => l.name), ['h.0.mlp.c_fc.weight'], 'position tables are embeddings, as in safetensors');
  // Groups of 4 run along the 8 inputs (axis 0), so every column has 2 zeros in each group.
  const groups = py<number[]>('w = torch.load(sys.argv[1])["h.0.mlp.c_fc.weight"]\nz = (w == 0).t().reshape(-1, 4).sum(-1)\nprint(json.dumps([int(z.min()), int(z.max())]))', path.join(dir, 'gpt-24.pt'));
  assert.deepEqual(groups, [2, 2]);

  await compressPytorch(job(dir, 'gpt.pt', 'gpt-w8.pt', { kind: 'quantize', scheme: 'weight-int8' }));
  const scale = py<{ shape: number[]; error: number }>(
    [
      'a = torch.load(sys.argv[1]); b = torch.load(sys.argv[2])',
      'q, s = b["h.0.mlp.c_fc.weight"], b["h.0.mlp.c_fc.weight_scale"]',
      'w = a["h.0.mlp.c_fc.weight"]',
      'print(json.dumps({"shape": list(s.shape), "error": float(((q.float() * s.view(1, -1) - w).abs().amax(0) / w.abs().amax(0)).max())}))',
    ].join('\n'),
    path.join(dir, 'gpt.pt'),
    path.join(dir, 'gpt-w8.pt'),
  );
  assert.deepEqual(scale.shape, [16], 'one scale per output channel (axis 1 of a Conv1D weight)');
  // Per output channel: off by at most half a step, a step being that channel's largest |w| / 127.
  assert.ok(scale.error <= 0.5001 / 127, `per-channel error ${scale.error} of the channel's largest weight`);
});
