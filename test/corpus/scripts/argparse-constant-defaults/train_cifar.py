#!/usr/bin/env python3
"""CIFAR-10 MLP-Mixer baseline. Defaults live in the constants below so the notebook version
of this experiment imports the same numbers."""
import argparse
import logging

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T

DEFAULT_LR = 3e-4
DEFAULT_BATCH_SIZE = 128
DEFAULT_EPOCHS = 30
HIDDEN_SIZES = [512, 256]
WEIGHT_DECAY = 5e-4
PATCH_SIZE = 4
DATA_ROOT = "data/cifar10"
OPTIMIZERS = ("sgd", "adam", "adamw")

log = logging.getLogger("train_cifar")


class MixerBlock(nn.Module):
    def __init__(self, tokens, channels, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(channels)
        self.token_mlp = nn.Sequential(nn.Linear(tokens, hidden), nn.GELU(), nn.Linear(hidden, tokens))
        self.norm2 = nn.LayerNorm(channels)
        self.channel_mlp = nn.Sequential(nn.Linear(channels, hidden), nn.GELU(), nn.Linear(hidden, channels))

    def forward(self, x):
        x = x + self.token_mlp(self.norm1(x).transpose(1, 2)).transpose(1, 2)
        return x + self.channel_mlp(self.norm2(x))


class Mixer(nn.Module):
    def __init__(self, patch, hidden_sizes, num_classes=10):
        super().__init__()
        tokens = (32 // patch) ** 2
        channels = hidden_sizes[0]
        self.embed = nn.Conv2d(3, channels, kernel_size=patch, stride=patch)
        self.blocks = nn.Sequential(*[MixerBlock(tokens, channels, h) for h in hidden_sizes])
        self.head = nn.Linear(channels, num_classes)

    def forward(self, x):
        x = self.embed(x).flatten(2).transpose(1, 2)
        x = self.blocks(x)
        return self.head(x.mean(dim=1))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lr", type=float, default=DEFAULT_LR, help="peak learning rate")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    parser.add_argument("--hidden", type=int, nargs="+", default=HIDDEN_SIZES,
                        help="hidden width of each mixer block")
    parser.add_argument("--weight-decay", type=float, default=WEIGHT_DECAY)
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum (ignored by Adam)")
    parser.add_argument("--patch-size", type=int, default=PATCH_SIZE)
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
    parser.add_argument("--data-root", default=DATA_ROOT)
    return parser.parse_args()


def make_optimizer(name, params, args):
    if name == "sgd":
        return torch.optim.SGD(params, lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    if name == "adam":
        return torch.optim.Adam(params, lr=args.lr, weight_decay=args.weight_decay)
    return torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)


def main():
    args = parse_args()
    logging.basicConfig(level=logging.INFO)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    tf = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor()])
    train_set = torchvision.datasets.CIFAR10(args.data_root, train=True, download=True, transform=tf)
    test_set = torchvision.datasets.CIFAR10(args.data_root, train=False, download=True, transform=T.ToTensor())
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=2)
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=512, num_workers=2)

    model = Mixer(args.patch_size, args.hidden).to(device)
    optimizer = make_optimizer(args.optimizer, model.parameters(), args)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)

    for epoch in range(args.epochs):
        model.train()
        for x, y in train_loader:
            x, y = x.to(device), y.to(device)
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        scheduler.step()

        model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in test_loader:
                correct += (model(x.to(device)).argmax(1).cpu() == y).sum().item()
        log.info("epoch %d loss=%.4f val_acc=%.4f", epoch, loss.item(), correct / len(test_set))


if __name__ == "__main__":
    main()
