"""
Character-level GPT trainer in one file. Every setting is a module-level global below; override
them with a config file and/or --key=value arguments, which configurator.py applies:

    python train.py config/shakespeare_small.py --micro_batch_size=32 --compile=False
"""
import math
import os
import pickle
import time
from contextlib import nullcontext

import numpy as np
import torch

from model import GPT, GPTConfig

# -----------------------------------------------------------------------------
# I/O
out_dir = 'out-char'
eval_interval = 250
log_interval = 10
eval_iters = 100
eval_only = False  # evaluate once and exit
always_save_checkpoint = False
init_from = 'scratch'  # 'scratch' or 'resume'
# experiment tracking
wandb_log = False
wandb_project = 'char-gpt'
wandb_run_name = 'baseline'
# data
dataset = 'tiny_shakespeare'
grad_accum_steps = 1
micro_batch_size = 64
context_len = 256
# model
n_layers = 6
n_heads = 6
d_model = 384
dropout = 0.2
bias = False
# AdamW
peak_lr = 1e-3
max_iters = 5000
weight_decay = 1e-1
adam_beta1 = 0.9
adam_beta2 = 0.99
grad_clip = 1.0  # 0.0 disables clipping
# learning-rate schedule
decay_lr = True
warmup_iters = 100
lr_decay_iters = 5000  # usually equal to max_iters
min_lr = 1e-4  # usually peak_lr / 10
# system
device = 'cuda'
dtype = 'bfloat16'
compile = True
# -----------------------------------------------------------------------------
config_keys = [k for k, v in globals().items() if not k.startswith('_') and isinstance(v, (int, float, bool, str))]
exec(open('configurator.py').read())  # overrides from the command line or a config file
config = {k: globals()[k] for k in config_keys}  # for logging
# -----------------------------------------------------------------------------

tokens_per_iter = grad_accum_steps * micro_batch_size * context_len
print(f"tokens per iteration: {tokens_per_iter:,}")
os.makedirs(out_dir, exist_ok=True)
torch.manual_seed(1337)
device_type = 'cuda' if 'cuda' in device else 'cpu'
ptdtype = {'float32': torch.float32, 'bfloat16': torch.bfloat16, 'float16': torch.float16}[dtype]
ctx = nullcontext() if device_type == 'cpu' else torch.amp.autocast(device_type=device_type, dtype=ptdtype)

data_dir = os.path.join('data', dataset)


def get_batch(split):
    data = np.memmap(os.path.join(data_dir, f'{split}.bin'), dtype=np.uint16, mode='r')
    ix = torch.randint(len(data) - context_len, (micro_batch_size,))
    x = torch.stack([torch.from_numpy(data[i:i + context_len].astype(np.int64)) for i in ix])
    y = torch.stack([torch.from_numpy(data[i + 1:i + 1 + context_len].astype(np.int64)) for i in ix])
    return x.to(device), y.to(device)


with open(os.path.join(data_dir, 'meta.pkl'), 'rb') as f:
    vocab_size = pickle.load(f)['vocab_size']

model_args = dict(n_layer=n_layers, n_head=n_heads, n_embd=d_model, block_size=context_len,
                  bias=bias, vocab_size=vocab_size, dropout=dropout)
iter_num = 0
best_val_loss = 1e9
if init_from == 'scratch':
    model = GPT(GPTConfig(**model_args))
else:
    checkpoint = torch.load(os.path.join(out_dir, 'ckpt.pt'), map_location=device)
    model = GPT(GPTConfig(**checkpoint['model_args']))
    model.load_state_dict(checkpoint['model'])
    iter_num = checkpoint['iter_num']
    best_val_loss = checkpoint['best_val_loss']
model.to(device)

scaler = torch.cuda.amp.GradScaler(enabled=(dtype == 'float16'))
optimizer = model.configure_optimizers(weight_decay, peak_lr, (adam_beta1, adam_beta2), device_type)
if compile:
    model = torch.compile(model)


@torch.no_grad()
def estimate_loss():
    out = {}
    model.eval()
    for split in ('train', 'val'):
        losses = torch.zeros(eval_iters)
        for k in range(eval_iters):
            X, Y = get_batch(split)
            with ctx:
                _, loss = model(X, Y)
            losses[k] = loss.item()
        out[split] = losses.mean().item()
    model.train()
    return out


def lr_at(it):
    if it < warmup_iters:
        return peak_lr * (it + 1) / (warmup_iters + 1)
    if it > lr_decay_iters:
        return min_lr
    ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (peak_lr - min_lr)


if wandb_log:
    import wandb
    wandb.init(project=wandb_project, name=wandb_run_name, config=config)

X, Y = get_batch('train')
t0 = time.time()
while True:
    lr = lr_at(iter_num) if decay_lr else peak_lr
    for group in optimizer.param_groups:
        group['lr'] = lr

    if iter_num % eval_interval == 0:
        losses = estimate_loss()
        print(f"step {iter_num}: train_loss={losses['train']:.4f} val_loss={losses['val']:.4f}")
        if wandb_log:
            wandb.log({'iter': iter_num, 'train/loss': losses['train'], 'val/loss': losses['val'], 'lr': lr})
        if losses['val'] < best_val_loss or always_save_checkpoint:
            best_val_loss = losses['val']
            if iter_num > 0:
                torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(),
                            'model_args': model_args, 'iter_num': iter_num,
                            'best_val_loss': best_val_loss, 'config': config},
                           os.path.join(out_dir, 'ckpt.pt'))
    if iter_num == 0 and eval_only:
        break

    for micro_step in range(grad_accum_steps):
        with ctx:
            _, loss = model(X, Y)
            loss = loss / grad_accum_steps
        X, Y = get_batch('train')
        scaler.scale(loss).backward()
    if grad_clip != 0.0:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    scaler.step(optimizer)
    scaler.update()
    optimizer.zero_grad(set_to_none=True)

    if iter_num % log_interval == 0:
        dt = time.time() - t0
        t0 = time.time()
        print(f"iter {iter_num}: loss {loss.item() * grad_accum_steps:.4f}, time {dt * 1000:.2f}ms")
    iter_num += 1
    if iter_num > max_iters:
        break
