"""Quickstart: logistic regression trained by mini-batch SGD, standard library only.

A tiny but real training run: a synthetic binary classification problem (drawn from a fixed seed,
so every trial sees the same data), a train / validation split, and an optimiser whose
hyperparameters genuinely matter. The features have very different scales, so a learning rate
that is too large oscillates (or blows up with momentum) while one that is too small barely
moves; only 4 of the 16 features carry signal and the training set is small, so the L2 penalty
matters too.

It does not import tunekit: it prints one plain line per epoch,

    epoch 3 loss=0.4123 val_loss=0.4410 val_acc=0.8750

which Tunekit parses with zero code changes, and it reads its hyperparameters from the command
line, where Tunekit injects them (`--lr 0.03 --batch-size 16 ...`).

    python3 train.py --lr 0.05 --optimizer momentum --momentum 0.9
    tunekit tune examples/quickstart/train.py --space examples/quickstart/space.json
"""

import argparse
import math
import random

N_FEATURES = 16
N_INFORMATIVE = 4
N_TRAIN = 300
N_VAL = 300
DATA_SEED = 1234


def make_dataset():
    """Returns (train, val): lists of (features, label) from a fixed seed."""
    rng = random.Random(DATA_SEED)
    true_w = [rng.choice((-1.0, 1.0)) * rng.uniform(1.5, 3.0) for _ in range(N_INFORMATIVE)]
    true_w += [0.0] * (N_FEATURES - N_INFORMATIVE)
    # Feature scales from 0.2 to about 8: an ill-conditioned problem, like unnormalised inputs
    # in practice. It makes the usable learning rate range narrow and momentum meaningful.
    scales = [0.2 * (1.28 ** i) for i in range(N_FEATURES)]
    rng.shuffle(scales)
    rows = []
    for _ in range(N_TRAIN + N_VAL):
        z = [rng.gauss(0.0, 1.0) for _ in range(N_FEATURES)]
        logit = sum(w * v for w, v in zip(true_w, z)) + 0.3
        # Label noise keeps the best reachable accuracy below 100%.
        label = 1.0 if rng.random() < _sigmoid(logit) else 0.0
        rows.append(([v * s for v, s in zip(z, scales)], label))
    return rows[:N_TRAIN], rows[N_TRAIN:]


def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _bce_from_logit(z, y):
    """Binary cross-entropy computed from the logit without overflow: softplus(z) - y * z."""
    if math.isnan(z):
        return math.nan
    if math.isinf(z):
        # The weights have diverged; report it honestly instead of crashing in math.exp.
        return math.inf if (z > 0) != (y > 0.5) else 0.0
    return max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z


def _logit(w, b, x):
    return sum(wi * xi for wi, xi in zip(w, x)) + b


def evaluate(w, b, rows):
    """Mean cross-entropy and accuracy over rows."""
    loss = 0.0
    correct = 0
    for x, y in rows:
        z = _logit(w, b, x)
        loss += _bce_from_logit(z, y)
        correct += int((z > 0) == (y > 0.5))
    return loss / len(rows), correct / len(rows)


def train(args):
    train_rows, val_rows = make_dataset()
    rng = random.Random(args.seed)  # only the batch order depends on --seed
    w = [0.0] * N_FEATURES
    b = 0.0
    vel_w = [0.0] * N_FEATURES
    vel_b = 0.0
    mu = args.momentum if args.optimizer == "momentum" else 0.0
    order = list(range(len(train_rows)))

    for epoch in range(1, args.epochs + 1):
        rng.shuffle(order)
        epoch_loss = 0.0
        for start in range(0, len(order), args.batch_size):
            batch = [train_rows[i] for i in order[start:start + args.batch_size]]
            grad_w = [0.0] * N_FEATURES
            grad_b = 0.0
            for x, y in batch:
                z = _logit(w, b, x)
                epoch_loss += _bce_from_logit(z, y)
                err = _sigmoid(z) - y if math.isfinite(z) else math.nan
                for j in range(N_FEATURES):
                    grad_w[j] += err * x[j]
                grad_b += err
            n = len(batch)
            # L2 penalty on the weights (not the bias), as weight decay usually works.
            grad_w = [g / n + args.l2 * wj for g, wj in zip(grad_w, w)]
            grad_b /= n
            # Heavy-ball momentum: v <- mu * v + g; w <- w - lr * v (plain SGD when mu = 0).
            vel_w = [mu * v + g for v, g in zip(vel_w, grad_w)]
            vel_b = mu * vel_b + grad_b
            w = [wj - args.lr * v for wj, v in zip(w, vel_w)]
            b -= args.lr * vel_b
        val_loss, val_acc = evaluate(w, b, val_rows)
        # One plain line per epoch; nan / inf print as such, and the engine fails that trial.
        print(
            "epoch %d loss=%.4f val_loss=%.4f val_acc=%.4f"
            % (epoch, epoch_loss / len(order), val_loss, val_acc),
            flush=True,
        )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Logistic regression by SGD on a synthetic dataset.")
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate")
    parser.add_argument("--momentum", type=float, default=0.0, help="momentum (with --optimizer momentum)")
    parser.add_argument("--batch-size", type=int, default=32, help="mini-batch size")
    parser.add_argument("--l2", type=float, default=1e-4, help="L2 penalty on the weights")
    parser.add_argument("--optimizer", choices=("sgd", "momentum"), default="sgd")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0, help="seed of the batch order")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    return args


if __name__ == "__main__":
    train(parse_args())
