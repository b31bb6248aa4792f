"""Pretrain a small decoder-only transformer on pre-tokenized data (a flat uint16 .bin file).
Settings are the TrainConfig dataclass; edit the defaults or construct it from a notebook."""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TrainConfig:
    # data
    data_path: str = "data/tokens.bin"
    vocab_size: int = 32000
    seq_len: int = 512
    # model
    n_layer: int = 8
    n_head: int = 8
    d_model: int = 512
    dropout: float = 0.0
    # optimisation
    lr: float = 3e-4
    min_lr_ratio: float = 0.1
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    warmup_steps: int = 1_000
    batch_size: int = 32
    grad_accum: int = 4
    max_steps: int = 20_000
    # runtime
    eval_every: int = 500
    checkpoint_path: str = "checkpoints/pretrain.pt"
    seed: int = 1337
    device: str = "cuda"
    tags: list[str] = field(default_factory=lambda: ["pretrain", "baseline"])


class Block(nn.Module):
    def __init__(self, cfg: TrainConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = nn.MultiheadAttention(cfg.d_model, cfg.n_head, dropout=cfg.dropout, batch_first=True)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = nn.Sequential(nn.Linear(cfg.d_model, 4 * cfg.d_model), nn.GELU(), nn.Linear(4 * cfg.d_model, cfg.d_model))

    def forward(self, x, mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class Decoder(nn.Module):
    def __init__(self, cfg: TrainConfig):
        super().__init__()
        self.tok = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos = nn.Parameter(torch.zeros(1, cfg.seq_len, cfg.d_model))
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)

    def forward(self, idx):
        t = idx.size(1)
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool, device=idx.device), 1)
        x = self.tok(idx) + self.pos[:, :t]
        for block in self.blocks:
            x = block(x, mask)
        return self.head(self.ln(x))


def lr_at(step: int, cfg: TrainConfig) -> float:
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = (step - cfg.warmup_steps) / max(1, cfg.max_steps - cfg.warmup_steps)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + 0.5 * (cfg.lr - floor) * (1 + math.cos(math.pi * progress))


def main() -> None:
    cfg = TrainConfig()
    print(asdict(cfg))
    torch.manual_seed(cfg.seed)
    device = cfg.device if torch.cuda.is_available() else "cpu"
    data = np.memmap(cfg.data_path, dtype=np.uint16, mode="r")
    model = Decoder(cfg).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, betas=cfg.betas, weight_decay=cfg.weight_decay)

    def batch():
        ix = np.random.randint(0, len(data) - cfg.seq_len - 1, cfg.batch_size)
        x = torch.from_numpy(np.stack([data[i:i + cfg.seq_len] for i in ix]).astype(np.int64))
        y = torch.from_numpy(np.stack([data[i + 1:i + 1 + cfg.seq_len] for i in ix]).astype(np.int64))
        return x.to(device), y.to(device)

    t0 = time.time()
    for step in range(cfg.max_steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, cfg)
        for _ in range(cfg.grad_accum):
            x, y = batch()
            loss = F.cross_entropy(model(x).view(-1, cfg.vocab_size), y.view(-1)) / cfg.grad_accum
            loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        if step % cfg.eval_every == 0:
            print(f"step {step} loss={loss.item() * cfg.grad_accum:.4f} lr={lr_at(step, cfg):.2e} {time.time() - t0:.1f}s")
            torch.save({"model": model.state_dict(), "config": asdict(cfg), "step": step}, cfg.checkpoint_path)


if __name__ == "__main__":
    main()
