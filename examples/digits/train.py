"""A PyTorch MLP on scikit-learn's bundled 8x8 digits (no download), tuned by Tunekit.

Hyperparameters come from the command line (Tunekit injects `--lr 0.003 --hidden 96 ...`).
Metrics go through the tunekit client when it is importable (Tunekit puts it on PYTHONPATH),
otherwise as plain `epoch N train_loss=... val_loss=... val_acc=...` lines, which Tunekit parses
too. The trained model can be exported to ONNX, saved as a state_dict or as the whole module for
Tunekit's prune / quantize tools, and the held-out split written as safetensors so Tunekit can
measure accuracy before and after.

    /usr/bin/python3 examples/digits/train.py --optimizer sgd --lr 0.05 --momentum 0.9
    /usr/bin/python3 examples/digits/train.py --export-onnx out/digits.onnx --save-state out/digits.pt
    /usr/bin/python3 examples/digits/train.py --save-model out/digits-model.pt --export-test-set out/digits-test.safetensors
"""

import argparse
import json
import os
import struct
import sys
import time

try:
    import torch
    from torch import nn
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
except ImportError as err:
    sys.stderr.write(
        "digits/train.py needs PyTorch and scikit-learn (%s). Install them with `npm run setup:python`, "
        "or `apt-get install python3-torch python3-sklearn`, and run this with /usr/bin/python3.\n" % err
    )
    sys.exit(2)

try:
    import tunekit
except ImportError:  # run by hand, without Tunekit's python/ on the path
    tunekit = None

N_FEATURES = 64  # 8x8 pixels
N_CLASSES = 10


def build_model(hidden, dropout):
    """64 -> hidden -> hidden/2 -> 10, ReLU, dropout after each hidden layer."""
    second = max(hidden // 2, 8)
    return nn.Sequential(
        nn.Linear(N_FEATURES, hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, second),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(second, N_CLASSES),
    )


def load_data():
    """Train / validation tensors; the split is fixed (random_state) so trials are comparable."""
    digits = load_digits()
    x = digits.data.astype("float32") / 16.0  # pixel intensities are 0..16
    y = digits.target.astype("int64")
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
    return (torch.from_numpy(x_train), torch.from_numpy(y_train), torch.from_numpy(x_val), torch.from_numpy(y_val))


def make_optimizer(args, model):
    if args.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    return torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)


def evaluate(model, x, y, loss_fn):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = loss_fn(logits, y).item()
        acc = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, acc


def emit(epoch, train_loss, val_loss, val_acc):
    if tunekit is not None:
        tunekit.report(epoch, train_loss=train_loss, val_loss=val_loss, val_acc=val_acc)
    else:
        print("epoch %d train_loss=%.4f val_loss=%.4f val_acc=%.4f" % (epoch, train_loss, val_loss, val_acc), flush=True)


def train(args):
    # Trials run side by side: one intra-op thread each avoids oversubscribing the cores, and
    # for a model this small it is also the fastest setting.
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    x_train, y_train, x_val, y_val = load_data()
    model = build_model(args.hidden, args.dropout)
    optimizer = make_optimizer(args, model)
    loss_fn = nn.CrossEntropyLoss()
    order_rng = torch.Generator().manual_seed(args.seed)
    n = x_train.shape[0]

    val_loss = val_acc = float("nan")
    for epoch in range(1, args.epochs + 1):
        model.train()
        total = 0.0
        for idx in torch.randperm(n, generator=order_rng).split(args.batch_size):
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * idx.numel()
        val_loss, val_acc = evaluate(model, x_val, y_val, loss_fn)
        emit(epoch, total / n, val_loss, val_acc)
        # Stop at an epoch boundary when the engine asks; the SIGTERM that follows the request
        # would also stop us, just at a less tidy point.
        if tunekit is not None and tunekit.should_prune():
            raise tunekit.TrialPruned()

    if tunekit is not None:
        tunekit.final(val_loss=val_loss, val_acc=val_acc)
    model.eval()
    if args.save_state:
        _ensure_parent(args.save_state)
        torch.save(model.state_dict(), args.save_state)
    if args.save_model:
        # The whole nn.Module: an nn.Sequential of torch's own layers, so it loads wherever torch is,
        # and torch.ao.quantization.quantize_dynamic can work on it (a state_dict has no layers).
        _ensure_parent(args.save_model)
        torch.save(model, args.save_model)
    if args.export_test_set:
        _ensure_parent(args.export_test_set)
        write_safetensors(args.export_test_set, [("input", x_val), ("labels", y_val)])
    if args.export_onnx:
        _ensure_parent(args.export_onnx)
        torch.onnx.export(
            model,
            torch.zeros(1, N_FEATURES),
            args.export_onnx,
            opset_version=13,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        )


_SAFETENSORS_DTYPES = {torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8")}


def write_safetensors(path, named_tensors):
    """Writes tensors in the safetensors format (github.com/huggingface/safetensors, "Format"): an
    8-byte little-endian header length, a JSON header of dtype / shape / data_offsets per tensor,
    then the little-endian bytes. Hand-encoded so the example needs no safetensors package."""
    header = {"__metadata__": {"source": "examples/digits/train.py held-out split (test_size=0.2, random_state=0, stratified)"}}
    blobs = []
    offset = 0
    for name, tensor in named_tensors:
        code, layout = _SAFETENSORS_DTYPES[tensor.dtype]
        data = tensor.contiguous().numpy().astype(layout).tobytes()
        header[name] = {"dtype": code, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad with spaces so the data starts 8-byte aligned, as the format allows
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def _ensure_parent(path):
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Train an MLP on scikit-learn's digits with PyTorch.")
    parser.add_argument("--lr", type=float, default=1e-3, help="learning rate")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=128, help="units in the first hidden layer (the second has half)")
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default="adam")
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum (ignored by adam)")
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--export-onnx", metavar="PATH", help="write the trained model as ONNX (opset 13)")
    parser.add_argument("--save-state", metavar="PATH", help="write the trained model's state_dict (.pt)")
    parser.add_argument("--save-model", metavar="PATH", help="write the whole trained nn.Module (torch.save(model), .pt)")
    parser.add_argument(
        "--export-test-set",
        metavar="PATH",
        help='write the held-out split as safetensors: "input" F32 [N, 64] and "labels" I64 [N]',
    )
    args = parser.parse_args(argv)
    if args.batch_size < 1 or args.hidden < 1 or args.epochs < 1:
        parser.error("--batch-size, --hidden and --epochs must be at least 1")
    if not 0.0 <= args.dropout < 1.0:
        parser.error("--dropout must be in [0, 1)")
    return args


if __name__ == "__main__":
    started = time.perf_counter()
    train(parse_args())
    sys.stderr.write("trained in %.2f s\n" % (time.perf_counter() - started))
