"""MLP on Fashion-MNIST with JAX, Flax (linen) and Optax."""
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
import tensorflow_datasets as tfds
from flax import linen as nn
from flax.training import checkpoints, train_state

LEARNING_RATE = 0.1
MOMENTUM = 0.9
NESTEROV = True
WARMUP_STEPS = 500
BATCH_SIZE = 128
NUM_EPOCHS = 10
HIDDEN_FEATURES = (512, 256)
DROPOUT_RATE = 0.1
LABEL_SMOOTHING = 0.05
SEED = 0
LOG_EVERY = 100
CHECKPOINT_DIR = "/tmp/flax_fmnist"


class MLP(nn.Module):
    features: tuple
    dropout_rate: float

    @nn.compact
    def __call__(self, x, train: bool):
        x = x.reshape((x.shape[0], -1))
        for width in self.features:
            x = nn.relu(nn.Dense(width)(x))
            x = nn.Dropout(self.dropout_rate, deterministic=not train)(x)
        return nn.Dense(10)(x)


def get_datasets():
    builder = tfds.builder("fashion_mnist")
    builder.download_and_prepare()
    train = tfds.as_numpy(builder.as_dataset(split="train", batch_size=-1))
    test = tfds.as_numpy(builder.as_dataset(split="test", batch_size=-1))
    norm = lambda d: {"image": np.float32(d["image"]) / 255.0, "label": d["label"]}
    return norm(train), norm(test)


def create_state(rng, steps_per_epoch):
    model = MLP(features=HIDDEN_FEATURES, dropout_rate=DROPOUT_RATE)
    params = model.init({"params": rng}, jnp.ones((1, 28, 28, 1)), train=False)["params"]
    schedule = optax.warmup_cosine_decay_schedule(
        0.0, LEARNING_RATE, WARMUP_STEPS, NUM_EPOCHS * steps_per_epoch)
    tx = optax.sgd(schedule, momentum=MOMENTUM, nesterov=NESTEROV)
    return train_state.TrainState.create(apply_fn=model.apply, params=params, tx=tx)


@jax.jit
def train_step(state, batch, dropout_rng):
    def loss_fn(params):
        logits = state.apply_fn({"params": params}, batch["image"], train=True, rngs={"dropout": dropout_rng})
        labels = optax.smooth_labels(jax.nn.one_hot(batch["label"], 10), LABEL_SMOOTHING)
        return optax.softmax_cross_entropy(logits, labels).mean(), logits

    (loss, logits), grads = jax.value_and_grad(loss_fn, has_aux=True)(state.params)
    state = state.apply_gradients(grads=grads)
    accuracy = jnp.mean(jnp.argmax(logits, -1) == batch["label"])
    return state, loss, accuracy


@jax.jit
def eval_step(state, batch):
    logits = state.apply_fn({"params": state.params}, batch["image"], train=False)
    return jnp.mean(jnp.argmax(logits, -1) == batch["label"])


def main():
    train_ds, test_ds = get_datasets()
    rng = jax.random.PRNGKey(SEED)
    rng, init_rng = jax.random.split(rng)
    steps_per_epoch = len(train_ds["image"]) // BATCH_SIZE
    state = create_state(init_rng, steps_per_epoch)

    step = 0
    for epoch in range(1, NUM_EPOCHS + 1):
        rng, perm_rng = jax.random.split(rng)
        perms = jax.random.permutation(perm_rng, len(train_ds["image"]))[: steps_per_epoch * BATCH_SIZE]
        start = time.time()
        for perm in perms.reshape((steps_per_epoch, BATCH_SIZE)):
            rng, dropout_rng = jax.random.split(rng)
            batch = {k: v[perm, ...] for k, v in train_ds.items()}
            state, loss, acc = train_step(state, batch, dropout_rng)
            step += 1
            if step % LOG_EVERY == 0:
                print(f"step {step} loss={float(loss):.4f} acc={float(acc):.4f}")
        test_acc = float(eval_step(state, test_ds))
        print(f"epoch {epoch} test_acc={test_acc:.4f} ({time.time() - start:.1f}s)")
        checkpoints.save_checkpoint(CHECKPOINT_DIR, state, step=epoch, overwrite=True)


if __name__ == "__main__":
    main()
