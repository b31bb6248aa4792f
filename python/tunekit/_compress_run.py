"""Verification: run the original and the compressed checkpoint on the same inputs and compare.

Inputs come from a raw little-endian float32 file plus a shape, from a safetensors file (an
input tensor and, optionally, integer labels for accuracy), or are generated (seeded normal
values) from a shape the user gives or from the first Linear layer's in_features.
"""

import json
import struct
import time

import torch
from torch import nn

from ._compress_checkpoint import load_checkpoint
from ._compress_protocol import HelperError, emit_progress

_SAFETENSORS_DTYPES = {
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "F64": torch.float64,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
}


def _numel(shape):
    count = 1
    for d in shape:
        count *= d
    return count


def read_raw_float32(path, shape):
    with open(path, "rb") as f:
        data = f.read()
    want = _numel(shape) * 4
    if len(data) != want:
        raise HelperError(
            "bad-input",
            "%s holds %d bytes, but shape %s of float32 needs %d (raw little-endian float32, no header)" % (path, len(data), list(shape), want),
        )
    return torch.frombuffer(bytearray(data), dtype=torch.float32).reshape(shape).clone()


def read_safetensors(path, names):
    """The named tensors of a safetensors file (8-byte LE header length, JSON header, data)."""
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise HelperError("truncated", "%s: shorter than the 8-byte safetensors header length at byte offset 0" % path)
        (length,) = struct.unpack("<Q", head)
        raw = f.read(length)
        if len(raw) < length:
            raise HelperError("truncated", "%s: the header says %d bytes of JSON at byte offset 8, the file ends first" % (path, length))
        try:
            header = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise HelperError("corrupt", "%s: the safetensors header at byte offset 8 is not JSON (%s)" % (path, err))
        base = 8 + length
        out = {}
        for name in names:
            entry = header.get(name)
            if not isinstance(entry, dict):
                raise HelperError("bad-input", "%s has no tensor %r (it has %s)" % (path, name, ", ".join(k for k in header if k != "__metadata__")))
            dtype = _SAFETENSORS_DTYPES.get(entry.get("dtype"))
            if dtype is None:
                raise HelperError("unsupported-dtype", "%s: tensor %r has dtype %r" % (path, name, entry.get("dtype")))
            start, end = entry["data_offsets"]
            f.seek(base + start)
            data = f.read(end - start)
            if len(data) != end - start:
                raise HelperError("truncated", "%s: tensor %r ends at byte offset %d, past the end of the file" % (path, name, base + end))
            shape = entry["shape"]
            tensor = torch.frombuffer(bytearray(data), dtype=dtype) if data else torch.empty(0, dtype=dtype)
            if tensor.numel() != _numel(shape):
                raise HelperError("corrupt", "%s: tensor %r has %d bytes for shape %s" % (path, name, len(data), shape))
            out[name] = tensor.reshape(shape).clone()
        return out


def _first_in_features(model):
    for _, module in model.named_modules():
        if isinstance(module, nn.Linear) or getattr(module, "original_name", "") == "Linear":
            weight = getattr(module, "weight", None)
            if isinstance(weight, torch.Tensor):
                return weight.shape[1]
            in_features = getattr(module, "in_features", None)
            if isinstance(in_features, int):
                return in_features
    return None


def make_inputs(spec, model):
    """(inputs tensor, labels tensor or None, 'file' | 'generated')."""
    kind = spec["kind"]
    if kind == "raw":
        return read_raw_float32(spec["path"], spec["shape"]), None, "file"
    if kind == "safetensors":
        wanted = [spec["input"]] + ([spec["labels"]] if spec.get("labels") else [])
        tensors = read_safetensors(spec["path"], wanted)
        labels = tensors.get(spec["labels"]) if spec.get("labels") else None
        return tensors[spec["input"]].to(torch.float32), labels, "file"
    shape = spec.get("shape")
    if shape is None:
        features = _first_in_features(model)
        if features is None:
            raise HelperError("bad-input", "cannot tell this model's input shape (it has no Linear layer first): give an input shape or an inputs file")
        shape = [spec.get("batch", 64), features]
    generator = torch.Generator().manual_seed(int(spec.get("seed", 0)))
    return torch.randn(*shape, generator=generator), None, "generated"


def _first_tensor(output):
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, (tuple, list)) and output:
        return _first_tensor(output[0])
    if isinstance(output, dict) and output:
        return _first_tensor(next(iter(output.values())))
    raise HelperError("bad-input", "the model returned %s, not a tensor Tunekit can compare" % type(output).__name__)


def _missing_kernel(err):
    """The line of torch's message that names the missing kernel (TorchScript wraps it in a trace)."""
    lines = [l.strip() for l in str(err).splitlines() if "not implemented for" in l]
    return lines[-1] if lines else str(err).strip().splitlines()[0]


def _model_dtype(model):
    for p in model.parameters():
        if p.is_floating_point():
            return p.dtype
    return torch.float32


class _Runner(object):
    """Calls one model; a half-precision model whose kernels the CPU lacks runs in float32."""

    def __init__(self, label, model, warnings):
        self.label = label
        self.model = model
        self.dtype = _model_dtype(model)
        self.warnings = warnings

    def __call__(self, x):
        with torch.no_grad():
            try:
                return _first_tensor(self.model(x.to(self.dtype)))
            except RuntimeError as err:
                if self.dtype not in (torch.float16, torch.bfloat16) or "not implemented for" not in str(err):
                    raise HelperError("bad-input", "the %s model failed on inputs of shape %s: %s" % (self.label, list(x.shape), str(err).strip().splitlines()[0]))
                self.warnings.append(
                    "the %s model's %s kernels are missing on this CPU (%s); it ran in float32, so its latency is the float32 one"
                    % (self.label, str(self.dtype).replace("torch.", ""), _missing_kernel(err))
                )
                self.model = self.model.float()
                self.dtype = torch.float32
                return _first_tensor(self.model(x))


def _latency(run, x, runs, warmup):
    for _ in range(warmup):
        run(x)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(x)
        times.append((time.perf_counter() - start) * 1000.0)
    times.sort()
    median = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    # Nearest-rank percentile.
    p90 = times[min(len(times) - 1, max(0, -(-9 * len(times) // 10) - 1))]
    return {"medianMs": median, "p90Ms": p90, "runs": runs}


def _runnable(ckpt, role):
    if ckpt.kind == "state_dict":
        raise HelperError(
            "bad-input",
            "the %s checkpoint %s is a state_dict: weights without the code that runs them, so Tunekit cannot run it "
            "to compare outputs. Save the full module (torch.save(model)) or TorchScript to verify; sizes and sparsity are still reported."
            % (role, ckpt.path),
        )
    ckpt.model.eval()
    return ckpt.model


def run_models(request):
    torch.set_num_threads(int(request.get("threads", 1)))
    torch.manual_seed(0)
    emit_progress("verify", 0, 2)
    original = _runnable(load_checkpoint(request["original"]), "original")
    compressed = _runnable(load_checkpoint(request["compressed"]), "compressed")
    x, labels, inputs_from = make_inputs(request["inputs"], original)
    warnings = []
    run_a = _Runner("original", original, warnings)
    run_b = _Runner("compressed", compressed, warnings)
    out_a = run_a(x).float()
    out_b = run_b(x).float()
    if out_a.shape != out_b.shape:
        raise HelperError("bad-input", "the models disagree on the output shape: %s before, %s after" % (list(out_a.shape), list(out_b.shape)))
    emit_progress("verify", 1, 2)
    diff = (out_a - out_b).abs()
    samples = x.shape[0] if x.dim() > 0 else 1
    result = {
        "op": "run",
        "samples": int(samples),
        "inputsFrom": inputs_from,
        "outputShape": list(out_a.shape),
        "maxAbsDiff": float(diff.max().item()) if diff.numel() else 0.0,
        "meanAbsDiff": float(diff.mean().item()) if diff.numel() else 0.0,
        "top1Agreement": None,
        "accuracy": None,
        "warnings": warnings,
    }
    classifier = out_a.dim() == 2 and out_a.shape[1] > 1
    if classifier:
        top_a, top_b = out_a.argmax(dim=1), out_b.argmax(dim=1)
        result["top1Agreement"] = float((top_a == top_b).float().mean().item())
        if labels is not None:
            labels = labels.reshape(-1).to(torch.int64)
            if labels.shape[0] != out_a.shape[0]:
                raise HelperError("bad-input", "%d labels for %d input rows" % (labels.shape[0], out_a.shape[0]))
            result["accuracy"] = {
                "before": float((top_a == labels).float().mean().item()),
                "after": float((top_b == labels).float().mean().item()),
            }
    elif labels is not None:
        warnings.append("labels were given but the output has shape %s, not [batch, classes]: no accuracy" % list(out_a.shape))
    runs, warmup = int(request.get("runs", 50)), int(request.get("warmup", 5))
    result["latencyBefore"] = _latency(run_a, x, runs, warmup)
    result["latencyAfter"] = _latency(run_b, x, runs, warmup)
    result["threads"] = torch.get_num_threads()
    emit_progress("verify", 2, 2)
    return result
