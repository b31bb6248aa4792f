"""Simple MNIST convnet with Keras 3. Edit the constants below to change the experiment."""
import numpy as np
import keras
from keras import layers

# Data
NUM_CLASSES = 10
INPUT_SHAPE = (28, 28, 1)
VALIDATION_SPLIT = 0.1

# Model
CONV_FILTERS = [32, 64]
KERNEL_SIZE = 3
DROPOUT_RATE = 0.5
USE_BATCH_NORM = False

# Training
BATCH_SIZE = 128
EPOCHS = 15
LEARNING_RATE = 1e-3
MODEL_PATH = "mnist_convnet.keras"
VERBOSE = 2


def load_data():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
    x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
    y_train = keras.utils.to_categorical(y_train, NUM_CLASSES)
    y_test = keras.utils.to_categorical(y_test, NUM_CLASSES)
    return (x_train, y_train), (x_test, y_test)


def build_model():
    inputs = keras.Input(shape=INPUT_SHAPE)
    x = inputs
    for filters in CONV_FILTERS:
        x = layers.Conv2D(filters, kernel_size=(KERNEL_SIZE, KERNEL_SIZE), activation="relu")(x)
        if USE_BATCH_NORM:
            x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(pool_size=(2, 2))(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(DROPOUT_RATE)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="mnist_convnet")


def main():
    (x_train, y_train), (x_test, y_test) = load_data()
    print("x_train shape:", x_train.shape)
    model = build_model()
    model.summary()
    model.compile(
        loss="categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=EPOCHS,
              validation_split=VALIDATION_SPLIT, verbose=VERBOSE)
    score = model.evaluate(x_test, y_test, verbose=0)
    print(f"test_loss={score[0]:.4f} test_acc={score[1]:.4f}")
    model.save(MODEL_PATH)


if __name__ == "__main__":
    main()
