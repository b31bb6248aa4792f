"""Train a ResNet-style classifier; every setting is in a YAML file (config.yaml by default).

    python train.py --config config.yaml
"""
import argparse
import os
import time

import torch
import torch.nn as nn
import yaml
from torch.utils.data import DataLoader
from torchvision import datasets, models, transforms


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=str, default="config.yaml", help="YAML experiment config")
    parser.add_argument("--resume", default=None, help="checkpoint to resume from")
    return parser.parse_args()


def build_optimizer(params, cfg):
    name = cfg["name"].lower()
    if name == "sgd":
        return torch.optim.SGD(params, lr=cfg["lr"], momentum=0.9, weight_decay=cfg["weight_decay"])
    return torch.optim.AdamW(params, lr=cfg["lr"], betas=tuple(cfg["betas"]), weight_decay=cfg["weight_decay"])


def main():
    args = parse_args()
    cfg = yaml.safe_load(open(args.config))
    torch.manual_seed(cfg["seed"])
    device = "cuda" if torch.cuda.is_available() else "cpu"

    aug = [transforms.RandomResizedCrop(96), transforms.RandomHorizontalFlip()] if cfg["data"]["augment"] else [transforms.Resize(96)]
    train_set = datasets.STL10(cfg["data"]["root"], split="train", download=True,
                               transform=transforms.Compose(aug + [transforms.ToTensor()]))
    val_set = datasets.STL10(cfg["data"]["root"], split="test", download=True, transform=transforms.ToTensor())
    train_loader = DataLoader(train_set, batch_size=cfg["train"]["batch_size"], shuffle=True,
                              num_workers=cfg["data"]["num_workers"])
    val_loader = DataLoader(val_set, batch_size=256, num_workers=cfg["data"]["num_workers"])

    model = getattr(models, cfg["model"]["name"])(num_classes=10)
    model.fc = nn.Sequential(nn.Dropout(cfg["model"]["dropout"]), nn.Linear(model.fc.in_features, cfg["model"]["hidden_dim"]),
                             nn.ReLU(), nn.Linear(cfg["model"]["hidden_dim"], 10))
    model.to(device)
    optimizer = build_optimizer(model.parameters(), cfg["optimizer"])
    epochs = cfg["train"]["epochs"]
    warmup = cfg["train"]["warmup_epochs"]
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda e: min(1.0, (e + 1) / max(1, warmup)) * 0.5 * (1 + torch.cos(torch.tensor(e / epochs * 3.14159)).item()))
    criterion = nn.CrossEntropyLoss(label_smoothing=cfg["train"]["label_smoothing"])

    start_epoch = 0
    if args.resume:
        state = torch.load(args.resume, map_location=device)
        model.load_state_dict(state["model"])
        start_epoch = state["epoch"] + 1

    os.makedirs(cfg["logging"]["output_dir"], exist_ok=True)
    step = 0
    for epoch in range(start_epoch, epochs):
        model.train()
        t0 = time.time()
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            loss = criterion(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), cfg["train"]["grad_clip"])
            optimizer.step()
            step += 1
            if step % cfg["logging"]["log_every"] == 0:
                print(f"epoch={epoch} step={step} loss={loss.item():.4f}")
        scheduler.step()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for x, y in val_loader:
                correct += (model(x.to(device)).argmax(1).cpu() == y).sum().item()
                total += y.numel()
        print(f"epoch={epoch} val_acc={correct / total:.4f} time={time.time() - t0:.1f}s")
        torch.save({"model": model.state_dict(), "epoch": epoch}, os.path.join(cfg["logging"]["output_dir"], "last.pt"))


if __name__ == "__main__":
    main()
