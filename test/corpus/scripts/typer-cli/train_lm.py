"""Train a small GPT-style language model on a byte-level corpus, with a typer CLI.

    python train_lm.py --learning-rate 6e-4 --num-layers 8 --no-weight-tying
"""
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import typer

app = typer.Typer(add_completion=False)


class Optimizer(str, Enum):
    adam = "adam"
    adamw = "adamw"
    lion = "lion"


class TinyGPT(nn.Module):
    def __init__(self, vocab, context, layers, heads, dim, dropout, tie):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(context, dim)
        block = nn.TransformerEncoderLayer(dim, heads, 4 * dim, dropout, activation="gelu", batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(block, layers)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)
        if tie:
            self.head.weight = self.tok.weight

    def forward(self, idx):
        t = idx.size(1)
        mask = torch.triu(torch.full((t, t), float("-inf"), device=idx.device), diagonal=1)
        h = self.tok(idx) + self.pos(torch.arange(t, device=idx.device))
        return self.head(self.norm(self.blocks(h, mask=mask)))


def batches(data: np.ndarray, batch_size: int, context: int, device: str):
    while True:
        ix = np.random.randint(0, len(data) - context - 1, batch_size)
        x = torch.from_numpy(np.stack([data[i:i + context] for i in ix]).astype(np.int64))
        y = torch.from_numpy(np.stack([data[i + 1:i + 1 + context] for i in ix]).astype(np.int64))
        yield x.to(device), y.to(device)


@app.command()
def train(
    data_file: Path = typer.Option(Path("data/input.txt"), help="Plain-text training corpus."),
    learning_rate: float = typer.Option(3e-4, "--learning-rate", "--lr", help="Peak learning rate."),
    batch_size: int = 32,
    context_length: int = typer.Option(256, min=16, max=4096, help="Tokens per training sequence."),
    num_layers: Annotated[int, typer.Option(min=1, max=48, help="Transformer blocks.")] = 6,
    num_heads: Annotated[int, typer.Option(help="Attention heads per block.")] = 8,
    hidden_dim: int = 512,
    dropout: float = 0.1,
    weight_tying: bool = True,
    optimizer: Optimizer = Optimizer.adamw,
    max_steps: int = 5000,
    eval_interval: int = 250,
    seed: int = 42,
    out_dir: Optional[Path] = None,
    wandb: bool = typer.Option(False, help="Log to Weights & Biases."),
):
    """Train and report val_loss every EVAL_INTERVAL steps."""
    torch.manual_seed(seed)
    np.random.seed(seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    raw = np.frombuffer(data_file.read_bytes(), dtype=np.uint8)
    split = int(0.9 * len(raw))
    train_data, val_data = raw[:split], raw[split:]
    model = TinyGPT(256, context_length, num_layers, num_heads, hidden_dim, dropout, weight_tying).to(device)
    if optimizer is Optimizer.adam:
        opt = torch.optim.Adam(model.parameters(), lr=learning_rate)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.1)
    if wandb:
        import wandb as wb
        wb.init(project="tiny-gpt", config=locals())

    train_iter = batches(train_data, batch_size, context_length, device)
    val_iter = batches(val_data, batch_size, context_length, device)
    for step in range(1, max_steps + 1):
        x, y = next(train_iter)
        loss = F.cross_entropy(model(x).view(-1, 256), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % eval_interval == 0:
            model.eval()
            with torch.no_grad():
                val_loss = sum(F.cross_entropy(model(vx).view(-1, 256), vy.view(-1)).item()
                               for vx, vy in (next(val_iter) for _ in range(20))) / 20
            model.train()
            typer.echo(f"step={step} train_loss={loss.item():.4f} val_loss={val_loss:.4f}")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), out_dir / "model.pt")


if __name__ == "__main__":
    app()
