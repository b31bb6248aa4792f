# Lint as: python3
"""Trains a wide-and-deep click-through-rate model on TFRecord data with TensorFlow 2."""
from absl import app
from absl import flags
from absl import logging
import tensorflow as tf

FLAGS = flags.FLAGS

flags.DEFINE_string("train_data", "data/train-*.tfrecord", "Glob of training TFRecord files.")
flags.DEFINE_string("eval_data", "data/eval-*.tfrecord", "Glob of evaluation TFRecord files.")
flags.DEFINE_string("model_dir", "/tmp/ctr_model", "Where checkpoints and summaries are written.")
flags.DEFINE_float("learning_rate", 0.001, "Initial learning rate.")
flags.DEFINE_integer("batch_size", 256, "Examples per training step.")
flags.DEFINE_integer("train_steps", 20000, "Number of training steps.")
flags.DEFINE_integer("embedding_dim", 16, "Width of each categorical embedding.")
flags.DEFINE_list("hidden_units", ["256", "128", "64"], "Sizes of the deep tower's layers.")
flags.DEFINE_float("dropout", 0.2, "Dropout rate in the deep tower.")
flags.DEFINE_enum("optimizer", "adam", ["adam", "adagrad", "sgd"], "Optimizer for the deep tower.")
flags.DEFINE_boolean("use_batch_norm", True, "Batch-normalise the deep tower's activations.")
flags.DEFINE_float("l2_reg", 1e-5, "L2 regularisation of the embeddings.")
flags.DEFINE_float(name="label_smoothing", default=0.0, help="Label smoothing for the logloss.")
flags.DEFINE_integer("log_every_n_steps", 100, "How often to log the training loss.")
flags.DEFINE_integer("random_seed", 7, "Seed for TensorFlow's random ops.")
flags.DEFINE_bool("use_tpu", False, "Train on a TPU (needs --tpu_name).")

NUMERIC = ["i%d" % i for i in range(1, 14)]
CATEGORICAL = ["c%d" % i for i in range(1, 27)]


def make_dataset(pattern, training):
    spec = {name: tf.io.FixedLenFeature([], tf.float32, 0.0) for name in NUMERIC}
    spec.update({name: tf.io.FixedLenFeature([], tf.int64, 0) for name in CATEGORICAL})
    spec["label"] = tf.io.FixedLenFeature([], tf.float32)
    files = tf.data.Dataset.list_files(pattern, shuffle=training)
    ds = tf.data.TFRecordDataset(files).map(lambda r: tf.io.parse_single_example(r, spec))
    ds = ds.map(lambda ex: (ex, ex.pop("label")))
    if training:
        ds = ds.shuffle(10000).repeat()
    return ds.batch(FLAGS.batch_size).prefetch(tf.data.AUTOTUNE)


def build_model():
    inputs = {name: tf.keras.Input(shape=(), name=name) for name in NUMERIC}
    inputs.update({name: tf.keras.Input(shape=(), dtype=tf.int64, name=name) for name in CATEGORICAL})
    reg = tf.keras.regularizers.l2(FLAGS.l2_reg)
    embedded = [tf.keras.layers.Embedding(100000, FLAGS.embedding_dim, embeddings_regularizer=reg)(inputs[c])
                for c in CATEGORICAL]
    numeric = tf.stack([inputs[n] for n in NUMERIC], axis=1)
    deep = tf.concat(embedded + [numeric], axis=1)
    for units in FLAGS.hidden_units:
        deep = tf.keras.layers.Dense(int(units), activation="relu")(deep)
        if FLAGS.use_batch_norm:
            deep = tf.keras.layers.BatchNormalization()(deep)
        deep = tf.keras.layers.Dropout(FLAGS.dropout)(deep)
    wide = tf.keras.layers.Dense(1)(numeric)
    logit = tf.keras.layers.Add()([wide, tf.keras.layers.Dense(1)(deep)])
    return tf.keras.Model(inputs, tf.keras.layers.Activation("sigmoid")(logit))


def main(argv):
    del argv  # Unused.
    tf.random.set_seed(FLAGS.random_seed)
    optimizers = {
        "adam": tf.keras.optimizers.Adam,
        "adagrad": tf.keras.optimizers.Adagrad,
        "sgd": tf.keras.optimizers.SGD,
    }
    model = build_model()
    model.compile(
        optimizer=optimizers[FLAGS.optimizer](learning_rate=FLAGS.learning_rate),
        loss=tf.keras.losses.BinaryCrossentropy(label_smoothing=FLAGS.label_smoothing),
        metrics=[tf.keras.metrics.AUC(name="auc")],
    )
    callbacks = [
        tf.keras.callbacks.TensorBoard(FLAGS.model_dir, update_freq=FLAGS.log_every_n_steps),
        tf.keras.callbacks.ModelCheckpoint(FLAGS.model_dir + "/ckpt-{epoch}"),
    ]
    steps_per_epoch = 1000
    model.fit(
        make_dataset(FLAGS.train_data, training=True),
        validation_data=make_dataset(FLAGS.eval_data, training=False),
        epochs=FLAGS.train_steps // steps_per_epoch,
        steps_per_epoch=steps_per_epoch,
        callbacks=callbacks,
    )
    logging.info("Finished training; checkpoints in %s", FLAGS.model_dir)


if __name__ == "__main__":
    app.run(main)
