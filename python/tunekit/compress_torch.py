"""Tunekit's PyTorch checkpoint helper: ``python -m tunekit.compress_torch`` with one JSON request
on stdin. Runs with the user's own interpreter, so it needs only the standard library and torch.
The protocol is in _compress_protocol; the TypeScript side is src/compress/pytorch/torch-helper.ts.

Requests (``op``):

* ``{"op": "inspect", "source": PATH, "selection": {...}}``: checkpoint kind, every tensor (name,
  shape, dtype, zeros), the eligible ones.
* ``{"op": "prune", "source": PATH, "output": PATH, "method": PruneMethod, "selection": {...}}``
* ``{"op": "quantize", "source": PATH, "output": PATH, "scheme": "dynamic-int8" | "weight-int8" |
  "fp16" | "bf16", "selection": {...}}``
* ``{"op": "run", "original": PATH, "compressed": PATH, "inputs": {...}, "runs": 50, "warmup": 5,
  "threads": 1}`` where inputs is ``{"kind": "raw", "path", "shape"}``, ``{"kind": "safetensors",
  "path", "input", "labels"?}`` or ``{"kind": "generated", "shape"? , "batch"?, "seed"?}``.

PruneMethod and the selection are those of src/protocol/compression.ts.
"""

import json
import os
import signal
import sys
import traceback

from ._compress_protocol import HelperError, emit_error, emit_result


class _Stopped(BaseException):
    """SIGTERM from Tunekit (the user cancelled): unwind so temporary files are removed."""


def _on_sigterm(signum, frame):
    raise _Stopped()


def _fail(what):
    raise HelperError("bad-input", "invalid request: %s" % what)


def _require_str(request, key):
    value = request.get(key)
    if not isinstance(value, str) or not value:
        _fail("%r must be a non-empty string" % key)
    return value


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _shape(value, key):
    if not isinstance(value, list) or not value or not all(_is_int(d) and d > 0 for d in value):
        _fail("%r must be a list of positive integers, got %r" % (key, value))
    return value


def validate_selection(value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        _fail("'selection' must be an object")
    for key in ("include", "exclude"):
        if value.get(key) is not None and not isinstance(value[key], str):
            _fail("selection.%s must be a string" % key)
    if value.get("embeddings") is not None and not isinstance(value["embeddings"], bool):
        _fail("selection.embeddings must be true or false")
    return value


def validate_prune_method(method):
    if not isinstance(method, dict) or method.get("kind") != "prune":
        _fail("'method' must be a prune method")
    pattern = method.get("pattern")
    if pattern == "unstructured":
        sparsity = method.get("sparsity")
        if isinstance(sparsity, bool) or not isinstance(sparsity, (int, float)) or not 0 < sparsity < 1:
            _fail("sparsity must be a number between 0 and 1 (exclusive), got %r" % (sparsity,))
        if method.get("scope") not in ("global", "layer"):
            _fail("scope must be 'global' or 'layer', got %r" % (method.get("scope"),))
    elif pattern == "n:m":
        n, m = method.get("n"), method.get("m")
        if not (_is_int(n) and _is_int(m) and 0 < n < m <= 64):
            _fail("n:m needs integers 0 < n < m <= 64, got n=%r m=%r" % (n, m))
    else:
        _fail("pattern must be 'unstructured' or 'n:m', got %r" % (pattern,))
    return method


def validate_inputs(spec):
    if not isinstance(spec, dict):
        _fail("'inputs' must be an object")
    kind = spec.get("kind")
    if kind == "raw":
        _require_str(spec, "path")
        _shape(spec.get("shape"), "inputs.shape")
    elif kind == "safetensors":
        _require_str(spec, "path")
        _require_str(spec, "input")
        if spec.get("labels") is not None and not isinstance(spec["labels"], str):
            _fail("inputs.labels must be a tensor name")
    elif kind == "generated":
        if spec.get("shape") is not None:
            _shape(spec["shape"], "inputs.shape")
        if spec.get("batch") is not None and not (_is_int(spec["batch"]) and spec["batch"] > 0):
            _fail("inputs.batch must be a positive integer")
    else:
        _fail("inputs.kind must be 'raw', 'safetensors' or 'generated', got %r" % (kind,))
    return spec


def _check_output(source, output):
    if os.path.lexists(output):
        raise HelperError("exists", "%s already exists; Tunekit never replaces a file. Choose another output path." % output)
    if os.path.abspath(output) == os.path.abspath(source):
        raise HelperError("exists", "the output %s is the checkpoint itself; Tunekit never modifies the original" % output)
    if not os.path.isdir(os.path.dirname(os.path.abspath(output))):
        raise HelperError("bad-input", "the folder of %s does not exist" % output)


def _compress(request, op):
    from ._compress_checkpoint import load_checkpoint, param_count, save_checkpoint
    from ._compress_protocol import emit_progress
    from ._compress_prune import prune_checkpoint
    from ._compress_quantize import quantize_cast, quantize_dynamic, quantize_weight_int8
    from ._compress_selection import weight_targets

    source = _require_str(request, "source")
    output = _require_str(request, "output")
    selection = validate_selection(request.get("selection"))
    if op == "prune":
        method = validate_prune_method(request.get("method"))
    else:
        scheme = request.get("scheme")
        if scheme not in ("dynamic-int8", "weight-int8", "fp16", "bf16"):
            _fail("scheme must be one of dynamic-int8, weight-int8, fp16, bf16; got %r" % (scheme,))
    _check_output(source, output)

    emit_progress("read", 0, 1)
    ckpt = load_checkpoint(source)
    emit_progress("read", 1, 1)
    before = param_count(ckpt)
    if op == "prune":
        targets = weight_targets(ckpt, selection)
        if not targets:
            raise HelperError(
                "no-eligible",
                "%s (%s) has no weight of a Linear / Conv layer%s to prune (biases, norms and embeddings are never pruned unless asked)"
                % (source, ckpt.kind, " matching the include / exclude patterns" if selection.get("include") or selection.get("exclude") else ""),
            )
        layers, warnings = prune_checkpoint(ckpt, targets, method)
    elif scheme == "dynamic-int8":
        layers, warnings = quantize_dynamic(ckpt, selection)
    elif scheme == "weight-int8":
        layers, warnings = quantize_weight_int8(ckpt, selection)
    else:
        layers, warnings = quantize_cast(ckpt, selection, scheme)

    # Counted from the layer reports: a quantized module packs its weights where state_dict()
    # no longer lists them as floating tensors.
    zeros_after = before["zeros"] + sum(round(l["sparsityAfter"] * l["params"]) - round(l["sparsityBefore"] * l["params"]) for l in layers)
    emit_progress("write", 0, 1)
    size = save_checkpoint(ckpt, output)
    emit_progress("write", 1, 1)
    return {
        "op": op,
        "checkpoint": ckpt.describe(),
        "layers": layers,
        "before": before,
        "after": {"params": before["params"], "zeros": int(zeros_after)},
        "warnings": warnings,
        "output": output,
        "bytes": size,
    }


def _inspect(request):
    from ._compress_checkpoint import dtype_name, load_checkpoint, named_tensors, param_count, zeros_of
    from ._compress_selection import weight_targets

    source = _require_str(request, "source")
    selection = validate_selection(request.get("selection"))
    ckpt = load_checkpoint(source)
    tensors = [
        {"name": n, "shape": list(t.shape), "dtype": dtype_name(t.dtype), "zeros": zeros_of(t)} for n, t in named_tensors(ckpt)
    ]
    eligible = [{"name": t.name, "op": t.op} for t in weight_targets(ckpt, selection)]
    result = {"op": "inspect", "checkpoint": ckpt.describe(), "tensors": tensors, "eligible": eligible}
    result.update(param_count(ckpt))
    return result


def handle(request):
    if not isinstance(request, dict):
        _fail("the request must be a JSON object")
    op = request.get("op")
    if op == "inspect":
        return _inspect(request)
    if op in ("prune", "quantize"):
        return _compress(request, op)
    if op == "run":
        from ._compress_run import run_models

        _require_str(request, "original")
        _require_str(request, "compressed")
        validate_inputs(request.get("inputs"))
        for key in ("runs", "warmup", "threads"):
            value = request.get(key)
            if value is not None and not (_is_int(value) and value >= (1 if key != "warmup" else 0)):
                _fail("%r must be a positive integer" % key)
        return run_models(request)
    _fail("unknown op %r (inspect, prune, quantize, run)" % (op,))


def main():
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        try:
            request = json.loads(sys.stdin.read())
        except ValueError as err:
            raise HelperError("bad-input", "the request on stdin is not JSON: %s" % err)
        try:
            import torch  # noqa: F401  (the helper's only dependency outside the standard library)
        except ImportError as err:
            raise HelperError(
                "torch-missing",
                "%s cannot import torch (%s): PyTorch checkpoints are compressed with the Python that has torch" % (sys.executable, err),
            )
        emit_result(handle(request))
        return 0
    except HelperError as err:
        emit_error(err.reason, err.message, err.detail if err.detail is not None else traceback.format_exc())
        return 1
    except _Stopped:
        return 143
    except MemoryError as err:
        emit_error("too-large", "out of memory: %s" % err, traceback.format_exc())
        return 1
    except Exception as err:  # the helper's own bug or torch's: keep the traceback for the report
        emit_error("helper-failed", "%s: %s" % (type(err).__name__, err), traceback.format_exc())
        return 1


if __name__ == "__main__":
    sys.exit(main())
