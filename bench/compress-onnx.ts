/**
 * ONNX dynamic int8: Tunekit against torch.ao.quantization.quantize_dynamic on the same network,
 * in the same run. Debian's Python + torch builds an MLP with > 100 MB of float32 weights and
 * exports it (opset 13); Tunekit quantizes the .onnx in a child Node process (so its peak RSS is
 * the job's own); torch quantizes the nn.Module. Both are compared on the same random inputs with
 * the float32 network's outputs: Tunekit's model run by onnxruntime-node, torch's by torch.
 *
 *   npx tsx bench/compress-onnx.ts [--hidden 4096] [--layers 3] [--rows 512]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const DEBIAN_PYTHON = '/usr/bin/python3';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Child mode: quantize one model and report time and peak memory as one JSON line. */
async function child(source: string, output: string): Promise<void> {
  const { compressOnnx } = await import('../src/compress/onnx/onnx-compress');
  const started = performance.now();
  const result = await compressOnnx({ source, output, method: { kind: 'quantize', scheme: 'dynamic-int8' }, selection: {} });
  const ms = performance.now() - started;
  // maxRSS is in kilobytes (getrusage ru_maxrss on Linux).
  console.log(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, layers: result.layers.length, warnings: result.warnings }));
}

const PYTHON = String.raw`
import json, os, sys, time
import numpy as np
import torch
from torch import nn
out, inp, hidden, layers, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.manual_seed(0)
torch.set_num_threads(os.cpu_count() or 1)
widths = [inp] + [hidden] * layers + [1000]
mods = []
for a, b in zip(widths, widths[1:]):
    mods += [nn.Linear(a, b), nn.ReLU()]
model = nn.Sequential(*mods[:-1]).eval()
params = sum(p.numel() for p in model.parameters())
x = torch.randn(rows, inp)
t0 = time.perf_counter()
torch.onnx.export(model, x[:2], os.path.join(out, "model.onnx"), opset_version=13, input_names=["input"], output_names=["output"],
                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
export_s = time.perf_counter() - t0
with torch.no_grad():
    ref = model(x)
    t0 = time.perf_counter()
    q = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    quant_s = time.perf_counter() - t0
    qout = q(x)
    t0 = time.perf_counter(); model(x); fp32_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter(); q(x); q_ms = (time.perf_counter() - t0) * 1000
torch.save(q.state_dict(), os.path.join(out, "torch_quantized.pt"))
torch.save(model.state_dict(), os.path.join(out, "torch_fp32.pt"))
x.numpy().astype(np.float32).tofile(os.path.join(out, "inputs.bin"))
ref.numpy().astype(np.float32).tofile(os.path.join(out, "ref.bin"))
qout.numpy().astype(np.float32).tofile(os.path.join(out, "torch_q.bin"))
print(json.dumps({"params": params, "export_s": export_s, "quant_s": quant_s, "fp32_ms": fp32_ms, "q_ms": q_ms,
                  "torch_q_bytes": os.path.getsize(os.path.join(out, "torch_quantized.pt")),
                  "torch_fp32_bytes": os.path.getsize(os.path.join(out, "torch_fp32.pt")), "torch": torch.__version__}))
`;

function compare(ref: Float32Array, got: Float32Array, cols: number): { maxAbsDiff: number; meanAbsDiff: number; top1: number } {
  let max = 0;
  let sum = 0;
  let same = 0;
  const rows = ref.length / cols;
  for (let r = 0; r < rows; r++) {
    let ia = 0;
    let ib = 0;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const d = Math.abs((ref[i] as number) - (got[i] as number));
      max = Math.max(max, d);
      sum += d;
      if ((ref[i] as number) > (ref[r * cols + ia] as number)) ia = c;
      if ((got[i] as number) > (got[r * cols + ib] as number)) ib = c;
    }
    if (ia === ib) same++;
  }
  return { maxAbsDiff: max, meanAbsDiff: sum / ref.length, top1: same / rows };
}

function readF32(file: string): Float32Array {
  const b = fs.readFileSync(file);
  const out = new Float32Array(b.length / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

async function main(): Promise<void> {
  const inp = arg('input', 1024);
  const hidden = arg('hidden', 4096);
  const layers = arg('layers', 3);
  const rows = arg('rows', 512);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-bench-onnx-'));
  try {
    console.log(`building ${inp}-${Array(layers).fill(hidden).join('-')}-1000 MLP with torch (Debian ${DEBIAN_PYTHON}) in ${dir} ...`);
    const py = JSON.parse(execFileSync(DEBIAN_PYTHON, ['-c', PYTHON, dir, String(inp), String(hidden), String(layers), String(rows)], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop() as string) as {
      params: number;
      export_s: number;
      quant_s: number;
      fp32_ms: number;
      q_ms: number;
      torch_q_bytes: number;
      torch_fp32_bytes: number;
      torch: string;
    };
    const source = path.join(dir, 'model.onnx');
    const output = path.join(dir, 'model.int8.onnx');
    const sourceBytes = fs.statSync(source).size;

    const self = fileURLToPath(import.meta.url);
    const run = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', source, output], { encoding: 'utf8', cwd: path.dirname(path.dirname(self)) });
    if (run.status !== 0) throw new Error(`Tunekit child failed: ${run.stderr}`);
    const tk = JSON.parse(run.stdout.trim().split('\n').pop() as string) as { ms: number; maxRssKb: number; warnings: string[] };
    const outBytes = fs.statSync(output).size;

    const ort = await import('onnxruntime-node');
    const x = readF32(path.join(dir, 'inputs.bin'));
    const ref = readF32(path.join(dir, 'ref.bin'));
    const torchQ = readF32(path.join(dir, 'torch_q.bin'));
    const runOrt = async (file: string) => {
      const s = await ort.InferenceSession.create(file);
      const feeds = { input: new ort.Tensor('float32', x, [rows, inp]) };
      await s.run(feeds); // warm-up
      const t0 = performance.now();
      const y = (await s.run(feeds)).output?.data as Float32Array;
      const ms = performance.now() - t0;
      await s.release();
      return { y, ms };
    };
    const ortFp32 = await runOrt(source);
    const ortInt8 = await runOrt(output);
    const tkAgree = compare(ref, ortInt8.y, 1000);
    const torchAgree = compare(ref, torchQ, 1000);
    const ortFp32Agree = compare(ref, ortFp32.y, 1000);

    const mb = (n: number) => (n / 2 ** 20).toFixed(1);
    const rowsOut: [string, string, string][] = [
      ['', 'Tunekit dynamic-int8 (ONNX, run by onnxruntime-node)', `torch ${py.torch} quantize_dynamic (run by torch)`],
      ['fp32 source', `${mb(sourceBytes)} MB .onnx`, `${mb(py.torch_fp32_bytes)} MB state_dict`],
      ['quantized size', `${mb(outBytes)} MB (${(sourceBytes / outBytes).toFixed(2)}x smaller)`, `${mb(py.torch_q_bytes)} MB (${(py.torch_fp32_bytes / py.torch_q_bytes).toFixed(2)}x smaller)`],
      ['quantize time', `${(tk.ms / 1000).toFixed(2)} s (${(sourceBytes / 2 ** 20 / (tk.ms / 1000)).toFixed(0)} MB/s of model)`, `${py.quant_s.toFixed(2)} s`],
      ['peak memory', `${mb(tk.maxRssKb * 1024)} MB max RSS (child Node process)`, 'n/a (in the exporting process)'],
      ['max |diff| vs fp32', tkAgree.maxAbsDiff.toExponential(3), torchAgree.maxAbsDiff.toExponential(3)],
      ['mean |diff| vs fp32', tkAgree.meanAbsDiff.toExponential(3), torchAgree.meanAbsDiff.toExponential(3)],
      ['top-1 agreement', `${(tkAgree.top1 * 100).toFixed(1)}% of ${rows}`, `${(torchAgree.top1 * 100).toFixed(1)}% of ${rows}`],
      ['forward, batch ' + rows, `${ortInt8.ms.toFixed(1)} ms (fp32 in ORT: ${ortFp32.ms.toFixed(1)} ms)`, `${py.q_ms.toFixed(1)} ms (fp32 in torch: ${py.fp32_ms.toFixed(1)} ms)`],
    ];
    const w0 = Math.max(...rowsOut.map((r) => r[0].length));
    const w1 = Math.max(...rowsOut.map((r) => r[1].length));
    console.log(`\n${py.params.toLocaleString('en')} parameters (${mb(py.params * 4)} MB fp32); ${os.cpus().length} CPUs; ORT fp32 vs torch fp32 max |diff| ${ortFp32Agree.maxAbsDiff.toExponential(2)}`);
    for (const r of rowsOut) console.log(`${r[0].padEnd(w0)} | ${r[1].padEnd(w1)} | ${r[2]}`);
    if (tk.warnings.length > 0) console.log(`Tunekit warnings: ${tk.warnings.join(' ')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] as string, process.argv[4] as string);
else await main();
