"""Which tensors of a PyTorch checkpoint a compression may touch (TensorSelection in
src/protocol/compression.ts): the weights of Linear and Conv layers, embeddings only when asked,
never biases or norms; then the user's include / exclude regular expressions on the tensor name.
"""

import re

import torch
from torch import nn

from ._compress_protocol import HelperError

# A bare state_dict has no layer types, so names and ranks stand in for them: the same rules as
# a safetensors file (src/compress/safetensors/weight-eligibility.ts, which these mirror), so a
# checkpoint saved either way is compressed the same. Rank >= 2 already rules out biases and norm
# scales; these catch the rank-2 tables that are not layer weights.
_NORM_OR_BIAS = re.compile(r"bias|norm|(^|[._])(ln|bn)(_?\d+|_f)?([._]|$)", re.IGNORECASE)
_EMBEDDING_NAME = re.compile(r"embed|(^|[._])(wte|wpe)([._]|$)|position", re.IGNORECASE)
# GPT-2 style Conv1D (attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj) stores its weight [in, out].
_CONV1D_IN_OUT = re.compile(r"(^|\.)c_(attn|fc|proj)\.weight$")

_CONV_TYPES = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)
_SCRIPT_OPS = ("Linear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")


class NameFilter(object):
    """include / exclude regular expressions (JavaScript source text; the common subset means the
    same in Python's re, and a pattern Python rejects is reported as bad input)."""

    def __init__(self, selection):
        self.include = self._compile(selection.get("include"), "include")
        self.exclude = self._compile(selection.get("exclude"), "exclude")

    @staticmethod
    def _compile(source, what):
        if source is None:
            return None
        try:
            return re.compile(source)
        except re.error as err:
            raise HelperError("bad-input", "the %s pattern %r is not a valid regular expression: %s" % (what, source, err))

    def allows(self, name):
        if self.include is not None and not self.include.search(name):
            return False
        return self.exclude is None or not self.exclude.search(name)


class Target(object):
    """One weight tensor a method may touch.

    name: the state_dict name; op: "Linear", "Conv2d", "tensor"...; input_dim: the axis N:M
    groups run along; output_dim: the output-channel axis (one int8 scale per index).
    set(tensor) stores a new value where the old one was.
    """

    def __init__(self, name, op, tensor, input_dim, setter, module=None, attr=None):
        self.name = name
        self.op = op
        self.tensor = tensor
        self.input_dim = input_dim
        self.output_dim = 1 if input_dim == 0 else 0
        self._setter = setter
        self.module = module
        self.attr = attr
        # The owning module's parameter names before pruning (prune.remove reorders them).
        self.parameter_order = []

    def set(self, tensor):
        self._setter(tensor)
        self.tensor = tensor


def _join(prefix, attr):
    return attr if not prefix else prefix + "." + attr


def _module_op(module, embeddings):
    if isinstance(module, nn.Linear):
        return "Linear", 1
    if isinstance(module, _CONV_TYPES):
        # ConvTranspose weights are [in, out/groups, k...]: their input axis is 0.
        return type(module).__name__, 0 if "Transpose" in type(module).__name__ else 1
    if embeddings and isinstance(module, nn.Embedding):
        return "Embedding", 1
    return None, None


def _script_op(module, embeddings):
    name = getattr(module, "original_name", "")
    if name in _SCRIPT_OPS:
        return name, 0 if "Transpose" in name else 1
    if embeddings and name == "Embedding":
        return "Embedding", 1
    return None, None


def _param_setter(module, attr):
    def set_value(tensor):
        with torch.no_grad():
            getattr(module, attr).copy_(tensor)

    return set_value


def _dict_setter(state, name):
    def set_value(tensor):
        state[name] = tensor

    return set_value


def state_dict_eligible(name, tensor, embeddings):
    if not tensor.is_floating_point() or tensor.dim() < 2:
        return False
    if _NORM_OR_BIAS.search(name):
        return False
    return embeddings or not _EMBEDDING_NAME.search(name)


def state_dict_input_dim(name, tensor):
    """The input axis of a state_dict weight: 1 ([out, in, ...]) unless it is a GPT-2 Conv1D [in, out]."""
    return 0 if tensor.dim() == 2 and _CONV1D_IN_OUT.search(name) else 1


def weight_targets(ckpt, selection):
    """The layer weights a prune or weight quantization may touch, in model order."""
    names = NameFilter(selection)
    embeddings = bool(selection.get("embeddings"))
    targets = []
    if ckpt.kind == "state_dict":
        for name, tensor in ckpt.model.items():
            if isinstance(tensor, torch.Tensor) and state_dict_eligible(name, tensor, embeddings) and names.allows(name):
                targets.append(Target(name, "tensor", tensor, state_dict_input_dim(name, tensor), _dict_setter(ckpt.model, name)))
        return targets
    op_of = _script_op if ckpt.kind == "torchscript" else _module_op
    for prefix, module in ckpt.model.named_modules():
        op, input_dim = op_of(module, embeddings)
        if op is None:
            continue
        weight = getattr(module, "weight", None)
        name = _join(prefix, "weight")
        if isinstance(weight, torch.Tensor) and weight.is_floating_point() and names.allows(name):
            targets.append(Target(name, op, weight.detach(), input_dim, _param_setter(module, "weight"), module, "weight"))
    return targets


def all_floating(ckpt, selection):
    """Every floating tensor the include / exclude patterns allow (casts to fp16 / bf16 touch all of
    them, biases and norms included: a module runs only when its tensors share a dtype)."""
    names = NameFilter(selection)
    if ckpt.kind == "state_dict":
        return [
            Target(n, "tensor", t, 1, _dict_setter(ckpt.model, n))
            for n, t in ckpt.model.items()
            if isinstance(t, torch.Tensor) and t.is_floating_point() and names.allows(n)
        ]
    targets = []
    for prefix, module in ckpt.model.named_modules():
        if ckpt.kind == "torchscript":
            op = getattr(module, "original_name", type(module).__name__)
        else:
            op = type(module).__name__
        for attr, tensor in list(module.named_parameters(recurse=False)) + list(module.named_buffers(recurse=False)):
            name = _join(prefix, attr)
            if tensor.is_floating_point() and names.allows(name):
                targets.append(Target(name, op, tensor.detach(), 1, None, module, attr))
    return targets
