"""Conformer-CTC speech recognizer. Launch with torchrun for multi-GPU:

    torchrun --nproc_per_node 4 train_asr.py --data-dir /data/librispeech --batch-size 32
"""
import argparse
import logging
import os
import random

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torchaudio
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler

logger = logging.getLogger("train_asr")


def get_parser():
    parser = argparse.ArgumentParser(description="Conformer-CTC training")
    # paths
    parser.add_argument("--data-dir", type=str, default="data/librispeech", help="dataset root")
    parser.add_argument("--output-dir", type=str, default="runs/conformer", help="checkpoints and logs")
    parser.add_argument("--resume-from", type=str, default=None, help="checkpoint to resume from")
    # reproducibility and logging
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log-interval", type=int, default=20, help="steps between log lines")
    parser.add_argument("--eval-interval", type=int, default=1000, help="steps between evaluations")
    parser.add_argument("--save-every", type=int, default=5000, help="steps between checkpoints")
    parser.add_argument("--wandb", action="store_true", help="log to Weights & Biases")
    parser.add_argument("--wandb-project", type=str, default="asr")
    # hardware and distribution
    parser.add_argument("--device", type=str, default="cuda", choices=["cuda", "cpu", "mps"])
    parser.add_argument("--num-workers", type=int, default=8)
    parser.add_argument("--world-size", type=int, default=1)
    parser.add_argument("--local_rank", type=int, default=-1, help="set by the launcher")
    parser.add_argument("--dist-backend", type=str, default="nccl")
    parser.add_argument("--dry-run", action="store_true", help="run 10 steps and exit")
    # optimisation
    parser.add_argument("--max-steps", type=int, default=100_000)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--weight-decay", type=float, default=1e-2)
    parser.add_argument("--warmup-steps", type=int, default=2000)
    parser.add_argument("--grad-clip", type=float, default=5.0)
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    # model
    parser.add_argument("--encoder-layers", type=int, default=12)
    parser.add_argument("--encoder-dim", type=int, default=256)
    parser.add_argument("--attention-heads", type=int, default=4)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--spec-augment", action="store_true", help="SpecAugment time and frequency masking")
    return parser


def setup_distributed(args):
    if args.local_rank == -1:
        return False
    dist.init_process_group(backend=args.dist_backend, world_size=args.world_size)
    torch.cuda.set_device(args.local_rank)
    return True


class ConformerCTC(nn.Module):
    def __init__(self, vocab_size, args):
        super().__init__()
        self.frontend = nn.Sequential(nn.Conv1d(80, args.encoder_dim, 3, stride=2, padding=1), nn.GELU())
        self.encoder = torchaudio.models.Conformer(
            input_dim=args.encoder_dim, num_heads=args.attention_heads, ffn_dim=4 * args.encoder_dim,
            num_layers=args.encoder_layers, depthwise_conv_kernel_size=31, dropout=args.dropout)
        self.head = nn.Linear(args.encoder_dim, vocab_size)

    def forward(self, feats, lengths):
        x = self.frontend(feats.transpose(1, 2)).transpose(1, 2)
        lengths = (lengths + 1) // 2
        x, lengths = self.encoder(x, lengths)
        return self.head(x).log_softmax(-1), lengths


def main():
    args = get_parser().parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    distributed = setup_distributed(args)
    device = torch.device(args.device, args.local_rank) if distributed else torch.device(args.device)

    train_set = torchaudio.datasets.LIBRISPEECH(args.data_dir, url="train-clean-100", download=False)
    sampler = DistributedSampler(train_set) if distributed else None
    loader = DataLoader(train_set, batch_size=args.batch_size, sampler=sampler, shuffle=sampler is None,
                        num_workers=args.num_workers, collate_fn=lambda b: b)
    model = ConformerCTC(vocab_size=32, args=args).to(device)
    if distributed:
        model = DDP(model, device_ids=[args.local_rank])
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / args.warmup_steps))
    ctc = nn.CTCLoss(zero_infinity=True)
    masking = nn.Sequential(torchaudio.transforms.FrequencyMasking(27), torchaudio.transforms.TimeMasking(100))

    step = 0
    if args.resume_from:
        state = torch.load(args.resume_from, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        step = state["step"]
    os.makedirs(args.output_dir, exist_ok=True)

    model.train()
    while step < args.max_steps:
        for batch in loader:
            feats, feat_lens, targets, target_lens = collate(batch, device)
            if args.spec_augment:
                feats = masking(feats.transpose(1, 2)).transpose(1, 2)
            log_probs, out_lens = model(feats, feat_lens)
            loss = ctc(log_probs.transpose(0, 1), targets, out_lens, target_lens)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.grad_clip)
            optimizer.step()
            scheduler.step()
            step += 1
            if step % args.log_interval == 0:
                logger.info("step=%d loss=%.4f lr=%.2e", step, loss.item(), scheduler.get_last_lr()[0])
            if step % args.save_every == 0:
                torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step},
                           os.path.join(args.output_dir, f"step{step}.pt"))
            if args.dry_run and step >= 10:
                return
            if step >= args.max_steps:
                break


def collate(batch, device):
    mel = torchaudio.transforms.MelSpectrogram(16000, n_mels=80)
    feats = [mel(wave).squeeze(0).T for wave, *_ in batch]
    text = [torch.tensor([ord(c) % 32 for c in item[2].lower()]) for item in batch]
    feat_lens = torch.tensor([f.size(0) for f in feats])
    target_lens = torch.tensor([t.size(0) for t in text])
    feats = nn.utils.rnn.pad_sequence(feats, batch_first=True)
    return feats.to(device), feat_lens.to(device), torch.cat(text).to(device), target_lens.to(device)


if __name__ == "__main__":
    main()
