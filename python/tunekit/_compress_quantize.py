"""Quantization of a PyTorch checkpoint.

* dynamic-int8: torch.ao.quantization.quantize_dynamic of nn.Linear / nn.LSTM / nn.GRU with
  torch's default dynamic qconfig (int8 weights, activations quantized at run time; Jacob et al.
  2018). TorchScript goes through quantize_dynamic_jit, which handles Linear only. A state_dict
  has no layers for int8 kernels to run in, so it is refused with what to do instead.
  torch's default qconfig quantizes each weight per tensor; per channel stores a float64 scale and
  an int64 zero point per output channel, which for small models costs more bytes than it saves
  error (digits at hidden 256: 3.7x smaller per tensor, 3.3x per channel).
* weight-int8 (state_dicts): each eligible weight becomes int8 with a float32 scale per output
  channel (axis 0; axis 1 for a GPT-2 Conv1D [in, out]), symmetric, q = round_half_even(w / scale), scale = max|w| / 127, an all-zero
  channel gets scale 1: the same rule as src/compress/tensor/int8-quantize.ts. Stored as
  ``<name>`` (torch.int8, original shape) and ``<name>_scale`` (torch.float32, [out]); to
  dequantize: ``w = q.float() * scale.view(-1, *[1] * (q.dim() - 1))`` (Conv1D: ``scale.view(1, -1)``).
* fp16 / bf16: floating tensors cast (all of them that the include / exclude patterns allow).
"""

import torch
from torch import nn

from ._compress_checkpoint import dtype_name
from ._compress_protocol import HelperError, emit_progress
from ._compress_selection import NameFilter, all_floating, weight_targets

_DYNAMIC_TYPES = (nn.Linear, nn.LSTM, nn.GRU)
SCALE_SUFFIX = "_scale"


def _report(name, op, tensor_before, zeros_after, dtype_after, shape=None):
    numel = tensor_before.numel()
    return {
        "name": name,
        "op": op,
        "shape": list(shape if shape is not None else tensor_before.shape),
        "params": numel,
        "sparsityBefore": int((tensor_before == 0).sum().item()) / numel if numel else 0.0,
        "sparsityAfter": zeros_after / numel if numel else 0.0,
        "dtypeBefore": dtype_name(tensor_before.dtype),
        "dtypeAfter": dtype_after,
    }


def _dynamic_zeros(weight, qconfig):
    """Zeros of the int8 weight quantize_dynamic stores: the qconfig's own weight observer decides
    scale and zero point, exactly as torch does when it converts the layer."""
    observer = qconfig.weight()
    observer(weight.detach().float())
    scale, zero_point = observer.calculate_qparams()
    if observer.qscheme in (torch.per_channel_affine, torch.per_channel_symmetric):
        q = torch.quantize_per_channel(weight.detach().float(), scale, zero_point, observer.ch_axis, observer.dtype)
        return int((q.int_repr() == q.q_per_channel_zero_points().view(-1, *[1] * (weight.dim() - 1))).sum().item())
    q = torch.quantize_per_tensor(weight.detach().float(), float(scale), int(zero_point), observer.dtype)
    return int((q.int_repr() == q.q_zero_point()).sum().item())


def _dynamic_module_layers(model, names):
    """(module name, module, [(param name, weight)]) for each Linear / LSTM / GRU the filter allows."""
    chosen = []
    for prefix, module in model.named_modules():
        if not isinstance(module, _DYNAMIC_TYPES):
            continue
        weights = [
            (prefix + "." + attr if prefix else attr, p)
            for attr, p in module.named_parameters(recurse=False)
            if attr.startswith("weight")
        ]
        if weights and any(names.allows(n) for n, _ in weights):
            chosen.append((prefix, module, weights))
    return chosen


def quantize_dynamic(ckpt, selection):
    from torch.ao.quantization import default_dynamic_qconfig, quantize_dynamic as torch_quantize_dynamic

    if ckpt.kind == "state_dict":
        raise HelperError(
            "bad-input",
            "%s is a state_dict: it holds weights but no layers for int8 kernels to run in, so dynamic int8 "
            "cannot apply. Use weight-int8 (int8 weights + scales) or fp16 / bf16 on it, or quantize a full "
            "module (torch.save(model)) or a TorchScript file (torch.jit.save) instead." % ckpt.path,
        )
    if torch.backends.quantized.engine == "none":
        raise HelperError("bad-input", "this torch build has no quantized engine (fbgemm / qnnpack), so it cannot run int8 layers")
    names = NameFilter(selection)
    if ckpt.kind == "torchscript":
        return _quantize_dynamic_script(ckpt, names)
    chosen = _dynamic_module_layers(ckpt.model, names)
    if not chosen:
        raise HelperError("no-eligible", "%s has no nn.Linear / nn.LSTM / nn.GRU layer to quantize%s" % (ckpt.path, _filter_note(selection)))
    emit_progress("quantize", 0, len(chosen))
    spec = {prefix: default_dynamic_qconfig for prefix, _, _ in chosen}
    # In place: the loaded model is this process's own copy, and a deep copy would double peak memory.
    quantized = torch_quantize_dynamic(ckpt.model, spec, dtype=torch.qint8, inplace=True)
    layers = []
    for i, (prefix, module, weights) in enumerate(chosen):
        for name, weight in weights:
            layers.append(_report(name, type(module).__name__, weight, _dynamic_zeros(weight, default_dynamic_qconfig), "qint8"))
        emit_progress("quantize", i + 1, len(chosen))
    ckpt.replace_model(quantized)
    return layers, []


def _quantize_dynamic_script(ckpt, names):
    from torch.ao.quantization import default_dynamic_qconfig, quantize_dynamic_jit

    warnings = []
    chosen = []
    for prefix, module in ckpt.model.named_modules():
        kind = getattr(module, "original_name", "")
        if kind in ("LSTM", "GRU"):
            warnings.append("%s (%s) left in float: TorchScript dynamic quantization handles Linear layers only" % (prefix, kind))
        if kind != "Linear":
            continue
        name = prefix + ".weight" if prefix else "weight"
        if names.allows(name):
            chosen.append((prefix, name, module.weight.detach().clone()))
    if not chosen:
        raise HelperError("no-eligible", "%s (TorchScript) has no Linear layer to quantize" % ckpt.path)
    emit_progress("quantize", 0, 1)
    try:
        quantized = quantize_dynamic_jit(ckpt.model, {prefix: default_dynamic_qconfig for prefix, _, _ in chosen})
    except Exception as err:  # torch raises plain RuntimeError / AssertionError from its JIT passes
        raise HelperError(
            "bad-input",
            "torch could not quantize this TorchScript model dynamically (%s). Save the full module with "
            "torch.save(model) and quantize that instead, or use fp16 / bf16." % (str(err).strip().splitlines() or ["?"])[0],
        )
    emit_progress("quantize", 1, 1)
    layers = [_report(name, "Linear", w, _dynamic_zeros(w, default_dynamic_qconfig), "qint8") for _, name, w in chosen]
    ckpt.replace_model(quantized)
    return layers, warnings


def quantize_weight_int8(ckpt, selection):
    if ckpt.kind != "state_dict":
        raise HelperError(
            "bad-input",
            "weight-int8 stores int8 tensors plus scales, which a %s cannot run: use dynamic-int8 for a full "
            "module or TorchScript, or fp16 / bf16" % ("TorchScript model" if ckpt.kind == "torchscript" else "pickled nn.Module"),
        )
    targets = weight_targets(ckpt, selection)
    if not targets:
        raise HelperError("no-eligible", "%s has no weight tensor (floating, rank >= 2, not a bias / norm / embedding) to quantize%s" % (ckpt.path, _filter_note(selection)))
    for t in targets:
        if t.name + SCALE_SUFFIX in ckpt.model:
            raise HelperError("bad-input", "%s already has a tensor named %r, where the scales of %r would go" % (ckpt.path, t.name + SCALE_SUFFIX, t.name))
    layers = []
    for i, t in enumerate(targets):
        # Output channels first (a GPT-2 Conv1D keeps them on axis 1), and back after.
        w = t.tensor.detach().to(torch.float32).movedim(t.output_dim, 0)
        reduce_dims = tuple(range(1, w.dim()))
        max_abs = w.abs().amax(dim=reduce_dims)
        scale = torch.where(max_abs > 0, max_abs / 127.0, torch.ones_like(max_abs)).to(torch.float32)
        view = scale.view(-1, *[1] * (w.dim() - 1))
        q = torch.round(w / view).clamp_(-127, 127).to(torch.int8).movedim(0, t.output_dim).contiguous()
        layers.append(_report(t.name, t.op, t.tensor, int((q == 0).sum().item()), "int8"))
        t.set(q)
        ckpt.model[t.name + SCALE_SUFFIX] = scale
        emit_progress("quantize", i + 1, len(targets))
    return layers, []


def quantize_cast(ckpt, selection, scheme):
    dtype = torch.float16 if scheme == "fp16" else torch.bfloat16
    targets = [t for t in all_floating(ckpt, selection) if t.tensor.dtype != dtype]
    if not targets:
        raise HelperError("no-eligible", "%s has no floating tensor to cast to %s%s" % (ckpt.path, dtype_name(dtype), _filter_note(selection)))
    layers = []
    for i, t in enumerate(targets):
        cast = t.tensor.to(dtype)
        layers.append(_report(t.name, t.op, t.tensor, int((cast == 0).sum().item()), dtype_name(dtype)))
        if ckpt.kind == "state_dict":
            t.set(cast)
        else:
            # Replace the storage, not copy into it: a copy_ would cast back to the old dtype.
            getattr(t.module, t.attr).data = cast
        emit_progress("quantize", i + 1, len(targets))
    return layers, []


def _filter_note(selection):
    parts = []
    if selection.get("include"):
        parts.append("include %r" % selection["include"])
    if selection.get("exclude"):
        parts.append("exclude %r" % selection["exclude"])
    return " (with %s)" % ", ".join(parts) if parts else ""
