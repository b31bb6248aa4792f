"""Fine-tune a Vision Transformer on an image-folder dataset.

The argument parser is built by get_args_parser() so launchers (submitit, sweeps) can reuse it
as a parent parser; this script's own defaults are set below with set_defaults().
"""
import argparse
import datetime
import json
import math
import os
import time
from pathlib import Path

import numpy as np
import timm
import torch
import torch.backends.cudnn as cudnn
from timm.data import Mixup, create_transform
from timm.loss import LabelSmoothingCrossEntropy, SoftTargetCrossEntropy
from torchvision import datasets


def get_args_parser():
    parser = argparse.ArgumentParser("ViT fine-tuning for image classification", add_help=False)
    parser.add_argument("--batch-size", default=64, type=int,
                        help="batch size per GPU (effective batch size is batch_size * accum_iter * #gpus)")
    parser.add_argument("--epochs", default=50, type=int)
    parser.add_argument("--accum-iter", default=1, type=int,
                        help="accumulate gradient iterations (for increasing the effective batch size)")

    model = parser.add_argument_group("Model parameters")
    model.add_argument("--model", default="vit_base_patch16_224", type=str, metavar="MODEL",
                       help="name of the timm model to train")
    model.add_argument("--input-size", default=224, type=int, help="image input size")
    model.add_argument("--drop-path", type=float, default=0.1, metavar="PCT",
                       help="drop path rate (default: 0.1)")

    optim = parser.add_argument_group("Optimizer parameters")
    optim.add_argument("--clip-grad", type=float, default=None, metavar="NORM",
                       help="clip gradient norm (default: None, no clipping)")
    optim.add_argument("--weight-decay", type=float, default=0.05, help="weight decay (default: 0.05)")
    optim.add_argument("--lr", type=float, default=None, metavar="LR",
                       help="learning rate (absolute lr)")
    optim.add_argument("--blr", type=float, default=1e-3, metavar="LR",
                       help="base learning rate: absolute_lr = base_lr * total_batch_size / 256")
    optim.add_argument("--layer-decay", type=float, default=0.75,
                       help="layer-wise lr decay")
    optim.add_argument("--min-lr", type=float, default=1e-6, metavar="LR",
                       help="lower lr bound for cyclic schedulers that hit 0")
    optim.add_argument("--warmup-epochs", type=int, default=5, metavar="N",
                       help="epochs to warmup LR")

    aug = parser.add_argument_group("Augmentation parameters")
    aug.add_argument("--smoothing", type=float, default=0.1, help="label smoothing (default: 0.1)")
    aug.add_argument("--mixup", type=float, default=0, help="mixup alpha, mixup enabled if > 0")
    aug.add_argument("--cutmix", type=float, default=0, help="cutmix alpha, cutmix enabled if > 0")

    parser.add_argument("--data-path", default="/datasets/flowers102", type=str, help="dataset path")
    parser.add_argument("--nb-classes", default=102, type=int, help="number of classification types")
    parser.add_argument("--output-dir", default="./output_dir", help="path where to save, empty for no saving")
    parser.add_argument("--device", default="cuda", help="device to use for training / testing")
    parser.add_argument("--seed", default=0, type=int)
    parser.add_argument("--resume", default="", help="resume from checkpoint")
    parser.add_argument("--num-workers", default=10, type=int)
    parser.add_argument("--pin-mem", action="store_true",
                        help="pin CPU memory in DataLoader for more efficient transfer to GPU")
    parser.add_argument("--no-pin-mem", action="store_false", dest="pin_mem")
    parser.set_defaults(pin_mem=True)
    parser.add_argument("--world-size", default=1, type=int, help="number of distributed processes")
    parser.add_argument("--dist-url", default="env://", help="url used to set up distributed training")
    return parser


def build_dataset(is_train, args):
    transform = create_transform(input_size=args.input_size, is_training=is_train,
                                 auto_augment="rand-m9-mstd0.5-inc1" if is_train else None)
    root = os.path.join(args.data_path, "train" if is_train else "val")
    return datasets.ImageFolder(root, transform=transform)


def adjust_learning_rate(optimizer, epoch, args):
    """Linear warmup, then half-cycle cosine decay."""
    if epoch < args.warmup_epochs:
        lr = args.lr * epoch / args.warmup_epochs
    else:
        progress = (epoch - args.warmup_epochs) / (args.epochs - args.warmup_epochs)
        lr = args.min_lr + (args.lr - args.min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))
    for group in optimizer.param_groups:
        group["lr"] = lr * group.get("lr_scale", 1.0)
    return lr


def train_one_epoch(model, criterion, loader, optimizer, device, epoch, mixup_fn, args):
    model.train()
    optimizer.zero_grad()
    for step, (samples, targets) in enumerate(loader):
        if step % args.accum_iter == 0:
            adjust_learning_rate(optimizer, step / len(loader) + epoch, args)
        samples = samples.to(device, non_blocking=True)
        targets = targets.to(device, non_blocking=True)
        if mixup_fn is not None:
            samples, targets = mixup_fn(samples, targets)
        with torch.cuda.amp.autocast():
            loss = criterion(model(samples), targets) / args.accum_iter
        loss.backward()
        if (step + 1) % args.accum_iter == 0:
            if args.clip_grad is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip_grad)
            optimizer.step()
            optimizer.zero_grad()
    return {"loss": loss.item() * args.accum_iter}


@torch.no_grad()
def evaluate(loader, model, device):
    model.eval()
    correct = total = 0
    for images, target in loader:
        output = model(images.to(device))
        correct += (output.argmax(-1).cpu() == target).sum().item()
        total += target.numel()
    return {"acc1": 100.0 * correct / total}


def main(args):
    device = torch.device(args.device)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    cudnn.benchmark = True

    dataset_train = build_dataset(True, args)
    dataset_val = build_dataset(False, args)
    loader_train = torch.utils.data.DataLoader(dataset_train, batch_size=args.batch_size, shuffle=True,
                                               num_workers=args.num_workers, pin_memory=args.pin_mem, drop_last=True)
    loader_val = torch.utils.data.DataLoader(dataset_val, batch_size=args.batch_size,
                                             num_workers=args.num_workers, pin_memory=args.pin_mem)

    mixup_fn = None
    if args.mixup > 0 or args.cutmix > 0:
        mixup_fn = Mixup(mixup_alpha=args.mixup, cutmix_alpha=args.cutmix,
                         label_smoothing=args.smoothing, num_classes=args.nb_classes)

    model = timm.create_model(args.model, pretrained=True, num_classes=args.nb_classes,
                              drop_path_rate=args.drop_path).to(device)

    eff_batch_size = args.batch_size * args.accum_iter * args.world_size
    if args.lr is None:
        args.lr = args.blr * eff_batch_size / 256
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)

    if mixup_fn is not None:
        criterion = SoftTargetCrossEntropy()
    elif args.smoothing > 0.0:
        criterion = LabelSmoothingCrossEntropy(smoothing=args.smoothing)
    else:
        criterion = torch.nn.CrossEntropyLoss()

    if args.resume:
        checkpoint = torch.load(args.resume, map_location="cpu")
        model.load_state_dict(checkpoint["model"])

    start_time = time.time()
    best_acc = 0.0
    for epoch in range(args.epochs):
        train_stats = train_one_epoch(model, criterion, loader_train, optimizer, device, epoch, mixup_fn, args)
        test_stats = evaluate(loader_val, model, device)
        best_acc = max(best_acc, test_stats["acc1"])
        log_stats = {"epoch": epoch, **{f"train_{k}": v for k, v in train_stats.items()},
                     **{f"test_{k}": v for k, v in test_stats.items()}}
        print(json.dumps(log_stats))
        if args.output_dir:
            with open(os.path.join(args.output_dir, "log.txt"), "a") as f:
                f.write(json.dumps(log_stats) + "\n")
            torch.save({"model": model.state_dict(), "epoch": epoch}, os.path.join(args.output_dir, "checkpoint.pth"))
    print(f"best acc1 {best_acc:.2f}%, training time {datetime.timedelta(seconds=int(time.time() - start_time))}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser("ViT fine-tuning", parents=[get_args_parser()])
    parser.set_defaults(blr=5e-4, drop_path=0.2)
    args = parser.parse_args()
    if args.output_dir:
        Path(args.output_dir).mkdir(parents=True, exist_ok=True)
    main(args)
