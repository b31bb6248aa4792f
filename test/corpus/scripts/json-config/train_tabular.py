"""Gradient-boosting-free tabular baseline: an MLP with embeddings for categorical columns.
Settings come from a JSON file (configs/base.json unless -c says otherwise)."""
import argparse
import json
import random

import numpy as np
import pandas as pd
import torch
import torch.nn as nn


class TabularMLP(nn.Module):
    def __init__(self, cardinalities, n_numeric, embed_dim, hidden, dropout):
        super().__init__()
        self.embeds = nn.ModuleList([nn.Embedding(c + 1, embed_dim) for c in cardinalities])
        dims = [embed_dim * len(cardinalities) + n_numeric, *hidden]
        layers = []
        for a, b in zip(dims, dims[1:]):
            layers += [nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU(), nn.Dropout(dropout)]
        layers.append(nn.Linear(dims[-1], 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, cat, num):
        x = torch.cat([e(cat[:, i]) for i, e in enumerate(self.embeds)] + [num], dim=1)
        return self.mlp(x).squeeze(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", default="configs/base.json", help="JSON config file")
    args = parser.parse_args()
    with open(args.config, "r") as f:
        config = json.load(f)

    random.seed(config["seed"])
    np.random.seed(config["seed"])
    torch.manual_seed(config["seed"])

    df = pd.read_csv(config["data"]["path"])
    y = torch.tensor((df.pop(config["data"]["target"]) == ">50K").astype("float32").values)
    cat_cols = [c for c in df.columns if df[c].dtype == object]
    num_cols = [c for c in df.columns if c not in cat_cols]
    cats = torch.tensor(np.stack([df[c].astype("category").cat.codes.values + 1 for c in cat_cols], 1), dtype=torch.long)
    nums = torch.tensor(((df[num_cols] - df[num_cols].mean()) / df[num_cols].std()).values, dtype=torch.float32)

    n_val = int(len(df) * config["data"]["val_fraction"])
    perm = torch.randperm(len(df))
    val_idx, train_idx = perm[:n_val], perm[n_val:]

    m = config["model"]
    model = TabularMLP([int(cats[:, i].max()) for i in range(cats.shape[1])], len(num_cols),
                       m["embed_dim"], m["hidden"], m["dropout"])
    o = config["optimizer"]
    optimizer = torch.optim.AdamW(model.parameters(), lr=o["lr"], weight_decay=o["weight_decay"])
    s = config["scheduler"]
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=s["step_size"], gamma=s["gamma"])
    loss_fn = nn.BCEWithLogitsLoss()

    t = config["training"]
    best, bad_epochs = float("inf"), 0
    for epoch in range(t["max_epochs"]):
        model.train()
        for batch in torch.split(train_idx[torch.randperm(len(train_idx))], t["batch_size"]):
            loss = loss_fn(model(cats[batch], nums[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scheduler.step()
        model.eval()
        with torch.no_grad():
            val_loss = loss_fn(model(cats[val_idx], nums[val_idx]), y[val_idx]).item()
        print(json.dumps({"epoch": epoch, "val_loss": round(val_loss, 5), "experiment": config["experiment"]}))
        if val_loss < best:
            best, bad_epochs = val_loss, 0
        else:
            bad_epochs += 1
            if bad_epochs >= t["patience"]:
                break


if __name__ == "__main__":
    main()
