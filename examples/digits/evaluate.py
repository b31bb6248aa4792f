"""Accuracy of a trained digits model on the held-out split that train.py never trains on.

This is the study's evaluation command: Tunekit runs it against a checkpoint before and after
pruning / quantizing and reports `accuracy` both times.

    /usr/bin/python3 examples/digits/evaluate.py --model out/digits-model.pt
    /usr/bin/python3 examples/digits/evaluate.py --model out/digits.pt --hidden 128   # a state_dict

It reads a whole pickled nn.Module (train.py --save-model, also after torch's quantize_dynamic),
TorchScript (torch.jit.save), or a state_dict (train.py --save-state) rebuilt with --hidden,
including Tunekit's weight-int8 state dicts (an int8 `<name>` with a float32 `<name>_scale` per
output channel) and fp16 / bf16 ones. Prints one line: `accuracy=0.9722`.
"""

import argparse
import os
import sys
import zipfile

try:
    import torch
    from torch import nn
except ImportError as err:
    sys.stderr.write(
        "digits/evaluate.py needs PyTorch (%s). Install it with `npm run setup:python` and run this with /usr/bin/python3.\n" % err
    )
    sys.exit(2)

from train import build_model, load_data

CONTAINER_KEYS = ("state_dict", "model", "model_state_dict")
SCALE_SUFFIX = "_scale"


def _is_torchscript(path):
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return any(n.endswith("constants.pkl") for n in archive.namelist())


def _dequantized(state):
    """A state_dict with Tunekit's weight-int8 pairs turned back into float32 weights."""
    out = {}
    for name, tensor in state.items():
        if name.endswith(SCALE_SUFFIX) and name[: -len(SCALE_SUFFIX)] in state:
            continue
        scale = state.get(name + SCALE_SUFFIX)
        if tensor.dtype == torch.int8 and scale is not None:
            tensor = tensor.float() * scale.float().view(-1, *[1] * (tensor.dim() - 1))
        out[name] = tensor.float() if tensor.is_floating_point() else tensor
    return out


def load_model(path, hidden, dropout):
    if _is_torchscript(path):
        return torch.jit.load(path, map_location="cpu")
    loaded = torch.load(path, map_location="cpu")
    if isinstance(loaded, nn.Module):
        return loaded
    if isinstance(loaded, dict):
        for key in CONTAINER_KEYS:
            if isinstance(loaded.get(key), (dict, nn.Module)):
                loaded = loaded[key]
                break
    if isinstance(loaded, nn.Module):
        return loaded
    if hidden is None:
        raise SystemExit("%s is a state_dict: give --hidden (the value it was trained with) to rebuild the model" % path)
    model = build_model(hidden, dropout)
    model.load_state_dict(_dequantized(loaded))
    return model


def _model_dtype(model):
    for p in model.parameters():
        if p.is_floating_point():
            return p.dtype
    return torch.float32


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        dtype = _model_dtype(model)
        try:
            logits = model(x.to(dtype))
        except RuntimeError:
            if dtype == torch.float32:
                raise
            # float16 matmul has no CPU kernel in older torch: the weights keep their fp16 values.
            logits = model.float()(x)
    return (logits.float().argmax(dim=1) == y).float().mean().item()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Accuracy of a digits model on train.py's held-out split.")
    parser.add_argument("--model", required=True, metavar="PATH", help="a .pt checkpoint: module, TorchScript or state_dict")
    parser.add_argument("--hidden", type=int, help="hidden units the state_dict was trained with (state dicts only)")
    parser.add_argument("--dropout", type=float, default=0.1, help="does not change evaluation; kept for symmetry with train.py")
    args = parser.parse_args(argv)
    if not os.path.isfile(args.model):
        parser.error("%s: no such file" % args.model)
    torch.set_num_threads(1)
    _, _, x_val, y_val = load_data()
    model = load_model(args.model, args.hidden, args.dropout)
    print("accuracy=%.4f" % accuracy(model, x_val, y_val))


if __name__ == "__main__":
    main()
