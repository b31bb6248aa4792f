"""Magnitude pruning of a PyTorch checkpoint with torch.nn.utils.prune, made permanent.

* unstructured, global: prune.global_unstructured with L1Unstructured over all targets, so the
  smallest |w| of the whole model go (Han et al. 2015, "Learning both Weights and Connections").
* unstructured, per layer: prune.l1_unstructured on each target to the same sparsity.
* N:M (2:4): in every group of M consecutive weights along the input dimension keep the N
  largest |w| (Mishra et al. 2021, "Accelerating Sparse Deep Neural Networks", the pattern
  Ampere sparse tensor cores run), applied with prune.custom_from_mask.

prune.remove then bakes the mask into the weight, so the result is a plain checkpoint.

A weight that is not a float32 / float64 parameter of a real nn.Module (a state_dict entry, a
TorchScript parameter, a half-precision layer) is pruned through a tiny module holding a float32
copy as `weight`, and the mask torch chose is applied to the original tensor, so values that
survive stay bit-identical and the dtype is unchanged.
"""

import torch
from torch import nn
from torch.nn.utils import prune

from ._compress_checkpoint import dtype_name
from ._compress_protocol import HelperError, emit_progress


class _Holder(nn.Module):
    def __init__(self, tensor):
        nn.Module.__init__(self)
        self.weight = nn.Parameter(tensor.detach().to(torch.float32).clone(), requires_grad=False)


def _handle(ckpt, target):
    """(module, attr) torch's prune works on, and whether it is the model's own module."""
    own = ckpt.kind == "module" and target.module is not None and target.tensor.dtype in (torch.float32, torch.float64)
    if own:
        return (target.module, target.attr), True
    return (_Holder(target.tensor), "weight"), False


def nm_mask(weight, n, m, input_dim):
    """1 where a weight survives N:M pruning along input_dim, 0 elsewhere."""
    moved = weight.detach().abs().to(torch.float32).movedim(input_dim, -1)
    width = moved.shape[-1]
    groups = moved.reshape(*moved.shape[:-1], width // m, m)
    keep = groups.topk(n, dim=-1).indices
    mask = torch.zeros_like(groups)
    mask.scatter_(-1, keep, 1.0)
    return mask.reshape(moved.shape).movedim(-1, input_dim)


def _zeros(tensor):
    return int((tensor == 0).sum().item())


def prune_checkpoint(ckpt, targets, method):
    """Prunes targets in place (in the loaded checkpoint); returns (layer reports, warnings)."""
    warnings = []
    pattern = method["pattern"]
    if pattern == "n:m":
        n, m = method["n"], method["m"]
        kept = []
        for t in targets:
            width = t.tensor.shape[t.input_dim]
            if width % m != 0:
                warnings.append(
                    "%s (%s, shape %s) skipped: its input dimension (%d) is not a multiple of %d, so it cannot hold a %d:%d pattern"
                    % (t.name, t.op, list(t.tensor.shape), width, m, n, m)
                )
            else:
                kept.append(t)
        targets = kept
        if not targets:
            raise HelperError("no-eligible", "no weight has an input dimension divisible by %d, so none can be pruned %d:%d" % (m, n, m))

    before = [(_zeros(t.tensor), dtype_name(t.tensor.dtype)) for t in targets]
    for t in targets:
        t.parameter_order = list(t.module._parameters.keys()) if t.module is not None and ckpt.kind == "module" else []
    handles = [_handle(ckpt, t) for t in targets]
    total = len(targets)

    if pattern == "unstructured" and method["scope"] == "global":
        emit_progress("prune", 0, total)
        prune.global_unstructured([h for h, _ in handles], pruning_method=prune.L1Unstructured, amount=float(method["sparsity"]))
        for i, ((module, attr), _) in enumerate(handles):
            _commit(targets[i], module, attr)
            emit_progress("prune", i + 1, total)
    else:
        for i, (target, ((module, attr), _)) in enumerate(zip(targets, handles)):
            if pattern == "unstructured":
                prune.l1_unstructured(module, attr, amount=float(method["sparsity"]))
            else:
                mask = nm_mask(getattr(module, attr), method["n"], method["m"], target.input_dim)
                prune.custom_from_mask(module, attr, mask)
            _commit(target, module, attr)
            emit_progress("prune", i + 1, total)

    layers = []
    for target, (zeros_before, dtype_before) in zip(targets, before):
        numel = target.tensor.numel()
        layers.append(
            {
                "name": target.name,
                "op": target.op,
                "shape": list(target.tensor.shape),
                "params": numel,
                "sparsityBefore": zeros_before / numel if numel else 0.0,
                "sparsityAfter": _zeros(target.tensor) / numel if numel else 0.0,
                "dtypeBefore": dtype_before,
                "dtypeAfter": dtype_name(target.tensor.dtype),
            }
        )
    return layers, warnings


def _commit(target, module, attr):
    """prune.remove makes the mask permanent; a holder's mask is then applied to the original."""
    mask = getattr(module, attr + "_mask").detach().clone()
    prune.remove(module, attr)
    if module is target.module:
        # prune re-registers the weight after the bias; put it back so state_dict() lists the
        # keys in the original order, as a user comparing the two files expects.
        order = target.parameter_order
        module._parameters = type(module._parameters)(
            sorted(module._parameters.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
        )
        target.tensor = getattr(module, attr).detach()
        return
    original = target.tensor
    target.set(original.masked_fill(mask == 0, 0))
