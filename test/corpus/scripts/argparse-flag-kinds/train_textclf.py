"""Fine-tune a small transformer encoder for text classification on JSONL data
({"text": ..., "label": ...} per line)."""
from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--train-file", type=Path, default=Path("data/train.jsonl"))
    p.add_argument("--eval-file", type=Path, default=Path("data/dev.jsonl"))
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--max-len", type=int, default=256, help="tokens per example after truncation")
    p.add_argument("--hidden-dims", type=int, nargs="+", default=[256, 128],
                   help="widths of the classifier head's hidden layers")
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--activation", choices=["relu", "gelu", "silu"], default="gelu")
    p.add_argument("--optimizer", type=str, choices=("adamw", "sgd", "adafactor"), default="adamw")
    p.add_argument("--scheduler", default="cosine", choices=["cosine", "linear", "constant"])
    p.add_argument("--warmup-ratio", type=float, default=0.06)
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--grad-accum-steps", type=int, default=1)
    p.add_argument("--use-layernorm", action=argparse.BooleanOptionalAction, default=True,
                   help="layer norm before the classifier head")
    p.add_argument("--freeze-embeddings", action="store_true",
                   help="keep the token embeddings fixed")
    p.add_argument("--no-augment", action="store_false", dest="augment",
                   help="disable token dropout augmentation")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("-v", "--verbose", action="count", default=0)
    p.add_argument("--tags", nargs="*", default=[], help="labels attached to the run in the tracker")
    return p


class JsonlDataset(Dataset):
    def __init__(self, path: Path, max_len: int, vocab: dict[str, int]):
        self.rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        self.max_len = max_len
        self.vocab = vocab

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        ids = [self.vocab.get(tok, 1) for tok in row["text"].lower().split()][: self.max_len]
        ids += [0] * (self.max_len - len(ids))
        return torch.tensor(ids), torch.tensor(row["label"])


class Classifier(nn.Module):
    def __init__(self, vocab_size: int, num_labels: int, args: argparse.Namespace):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, 256, padding_idx=0)
        layer = nn.TransformerEncoderLayer(256, 4, 1024, args.dropout, activation=args.activation, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=4)
        self.norm = nn.LayerNorm(256) if args.use_layernorm else nn.Identity()
        dims = [256, *args.hidden_dims]
        head: list[nn.Module] = []
        for a, b in zip(dims, dims[1:]):
            head += [nn.Linear(a, b), nn.GELU(), nn.Dropout(args.dropout)]
        head.append(nn.Linear(dims[-1], num_labels))
        self.head = nn.Sequential(*head)
        if args.freeze_embeddings:
            self.embed.weight.requires_grad_(False)

    def forward(self, ids):
        mask = ids == 0
        h = self.encoder(self.embed(ids), src_key_padding_mask=mask)
        return self.head(self.norm(h.mean(dim=1)))


def lr_lambda(kind: str, warmup: int, total: int):
    def f(step: int) -> float:
        if step < warmup:
            return step / max(1, warmup)
        progress = (step - warmup) / max(1, total - warmup)
        if kind == "cosine":
            return 0.5 * (1 + math.cos(math.pi * progress))
        if kind == "linear":
            return max(0.0, 1 - progress)
        return 1.0
    return f


def main() -> None:
    args = build_parser().parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    words = {w for line in args.train_file.read_text().splitlines() for w in json.loads(line)["text"].lower().split()}
    vocab = {w: i + 2 for i, w in enumerate(sorted(words))}
    train_ds = JsonlDataset(args.train_file, args.max_len, vocab)
    eval_ds = JsonlDataset(args.eval_file, args.max_len, vocab)
    num_labels = len({r["label"] for r in train_ds.rows})
    model = Classifier(len(vocab) + 2, num_labels, args)

    params = [p for p in model.parameters() if p.requires_grad]
    if args.optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=args.lr, momentum=0.9)
    else:
        opt = torch.optim.AdamW(params, lr=args.lr)
    loader = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    total = len(loader) * args.epochs // args.grad_accum_steps
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda(args.scheduler, int(args.warmup_ratio * total), total))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)

    for epoch in range(args.epochs):
        model.train()
        for step, (ids, labels) in enumerate(loader):
            if args.augment:
                ids = ids.masked_fill(torch.rand(ids.shape) < 0.05, 1)
            loss = loss_fn(model(ids), labels) / args.grad_accum_steps
            loss.backward()
            if (step + 1) % args.grad_accum_steps == 0:
                opt.step()
                sched.step()
                opt.zero_grad()
            if args.verbose > 1:
                print(f"step {step} loss={loss.item():.4f}")
        model.eval()
        with torch.no_grad():
            correct = sum((model(x).argmax(-1) == y).sum().item() for x, y in DataLoader(eval_ds, batch_size=128))
        print(json.dumps({"epoch": epoch, "eval_acc": correct / len(eval_ds), "tags": args.tags}))


if __name__ == "__main__":
    main()
