# Word-level language model on a tokenized text corpus (train.txt / valid.txt / test.txt).
import argparse
import math
import os
import time

import torch
import torch.nn as nn
import torch.onnx

import data
import model

parser = argparse.ArgumentParser(description="RNN/Transformer language model")
parser.add_argument("--data", type=str, default="./data/penn-treebank",
                    help="location of the data corpus")
parser.add_argument("--model", type=str, default="LSTM",
                    choices=["RNN_TANH", "RNN_RELU", "LSTM", "GRU", "Transformer"],
                    help="type of network")
parser.add_argument("--emsize", type=int, default=256, help="size of word embeddings")
parser.add_argument("--nhid", type=int, default=512, help="number of hidden units per layer")
parser.add_argument("--nlayers", type=int, default=2, help="number of layers")
parser.add_argument("--lr", type=float, default=20, help="initial learning rate")
parser.add_argument("--clip", type=float, default=0.25, help="gradient clipping")
parser.add_argument("--epochs", type=int, default=40, help="upper epoch limit")
parser.add_argument("--batch_size", type=int, default=20, metavar="N", help="batch size")
parser.add_argument("--bptt", type=int, default=35, help="sequence length")
parser.add_argument("--dropout", type=float, default=0.2,
                    help="dropout applied to layers (0 = no dropout)")
parser.add_argument("--tied", action="store_true",
                    help="tie the word embedding and softmax weights")
parser.add_argument("--nhead", type=int, default=2,
                    help="number of heads in the encoder/decoder of the transformer model")
parser.add_argument("--seed", type=int, default=1111, help="random seed")
parser.add_argument("--cuda", action="store_true", default=False, help="use CUDA")
parser.add_argument("--log-interval", type=int, default=200, metavar="N", help="report interval")
parser.add_argument("--save", type=str, default="model.pt", help="path to save the final model")
parser.add_argument("--onnx-export", type=str, default="",
                    help="path to export the final model in onnx format")
parser.add_argument("--dry-run", action="store_true", help="verify the code and the model")
args = parser.parse_args()

torch.manual_seed(args.seed)
device = torch.device("cuda" if args.cuda else "cpu")

corpus = data.Corpus(args.data)


def batchify(tokens, bsz):
    nbatch = tokens.size(0) // bsz
    tokens = tokens.narrow(0, 0, nbatch * bsz)
    return tokens.view(bsz, -1).t().contiguous().to(device)


eval_batch_size = 10
train_data = batchify(corpus.train, args.batch_size)
val_data = batchify(corpus.valid, eval_batch_size)
test_data = batchify(corpus.test, eval_batch_size)

ntokens = len(corpus.dictionary)
if args.model == "Transformer":
    net = model.TransformerModel(ntokens, args.emsize, args.nhead, args.nhid, args.nlayers, args.dropout).to(device)
else:
    net = model.RNNModel(args.model, ntokens, args.emsize, args.nhid, args.nlayers, args.dropout, args.tied).to(device)
criterion = nn.NLLLoss()


def repackage_hidden(h):
    """Detach hidden states from their history, so backprop stops at the batch boundary."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


def get_batch(source, i):
    seq_len = min(args.bptt, len(source) - 1 - i)
    return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].view(-1)


def evaluate(data_source):
    net.eval()
    total_loss = 0.0
    hidden = None if args.model == "Transformer" else net.init_hidden(eval_batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, args.bptt):
            inputs, targets = get_batch(data_source, i)
            if args.model == "Transformer":
                output = net(inputs).view(-1, ntokens)
            else:
                output, hidden = net(inputs, hidden)
                hidden = repackage_hidden(hidden)
            total_loss += len(inputs) * criterion(output, targets).item()
    return total_loss / (len(data_source) - 1)


def train_epoch(epoch, lr):
    net.train()
    total_loss = 0.0
    start = time.time()
    hidden = None if args.model == "Transformer" else net.init_hidden(args.batch_size)
    for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
        inputs, targets = get_batch(train_data, i)
        net.zero_grad()
        if args.model == "Transformer":
            output = net(inputs).view(-1, ntokens)
        else:
            hidden = repackage_hidden(hidden)
            output, hidden = net(inputs, hidden)
        loss = criterion(output, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), args.clip)
        for p in net.parameters():
            p.data.add_(p.grad, alpha=-lr)
        total_loss += loss.item()
        if batch % args.log_interval == 0 and batch > 0:
            cur_loss = total_loss / args.log_interval
            elapsed = (time.time() - start) * 1000 / args.log_interval
            print(f"epoch {epoch} batch {batch} lr={lr:.2f} ms/batch={elapsed:.1f} loss={cur_loss:.2f} ppl={math.exp(cur_loss):.1f}")
            total_loss = 0.0
            start = time.time()
        if args.dry_run:
            break


lr = args.lr
best_val_loss = None
try:
    for epoch in range(1, args.epochs + 1):
        train_epoch(epoch, lr)
        val_loss = evaluate(val_data)
        print(f"epoch {epoch} val_loss={val_loss:.3f} val_ppl={math.exp(val_loss):.2f}")
        if best_val_loss is None or val_loss < best_val_loss:
            with open(args.save, "wb") as f:
                torch.save(net, f)
            best_val_loss = val_loss
        else:
            lr /= 4.0
except KeyboardInterrupt:
    print("Exiting from training early")

with open(args.save, "rb") as f:
    net = torch.load(f)
test_loss = evaluate(test_data)
print(f"test_loss={test_loss:.3f} test_ppl={math.exp(test_loss):.2f}")

if len(args.onnx_export) > 0:
    dummy = torch.LongTensor(args.bptt, 1).zero_().to(device)
    torch.onnx.export(net, (dummy,), os.path.abspath(args.onnx_export))
