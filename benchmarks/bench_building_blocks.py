"""Chapter 23: a small dense network trained by mini-batch SGD, scratchlearn.deep
against the same network in Keras (float64, same initial weights, no shuffling, so
both follow the same trajectory)."""

from harness import Case, TrainedNetwork, split

from scratchlearn import datasets
from scratchlearn.deep import SGD, Dense, Sequential, SparseCategoricalCrossentropy


def moons():
    return split(datasets.moons(1000, noise=0.2, random_state=1))


def digits():
    return split("digits", scale=16.0)


def our_network(hidden, n_features, n_classes):
    """``hidden`` is a list of (units, activation); a linear layer of logits last."""
    layers = [Dense(units, activation=name) for units, name in hidden]
    model = Sequential([*layers, Dense(n_classes)], random_state=0)
    return model.build((n_features,))


def ours(hidden, n_features, n_classes, learning_rate):
    def make(n_samples):
        model = our_network(hidden, n_features, n_classes)
        model.compile(
            SGD(learning_rate=learning_rate),
            SparseCategoricalCrossentropy(from_logits=True),
        )
        return model

    return make


def keras_(hidden, n_features, n_classes, learning_rate):
    """The same network in Keras, in float64 (set per layer, not globally, so that
    the other benchmarks keep Keras's float32), from our initial weights."""

    def make(n_samples):
        import keras

        dense = keras.layers.Dense
        model = keras.Sequential(
            [keras.Input((n_features,), dtype="float64")]
            + [dense(units, activation=name, dtype="float64") for units, name in hidden]
            + [dense(n_classes, dtype="float64")]
        )
        model.set_weights(our_network(hidden, n_features, n_classes).get_weights())
        model.compile(
            keras.optimizers.SGD(learning_rate=learning_rate),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        return model

    return make


def case(name, data, hidden, n_features, n_classes, epochs, learning_rate):
    settings = (hidden, n_features, n_classes, learning_rate)
    return Case(
        name=name,
        chapter="23",
        data=data,
        ours=lambda: TrainedNetwork(ours(*settings), epochs, shuffle=False),
        reference=lambda: TrainedNetwork(keras_(*settings), epochs, shuffle=False),
        repeats=3,
        notes="reference: Keras (float64, same initial weights, no shuffling)",
    )


CASES = [
    case("Dense 16 tanh, SGD 60 epochs, moons", moons, [(16, "tanh")], 2, 2, 60, 0.3),
    case(
        "Dense 64 relu, SGD 20 epochs, digits", digits, [(64, "relu")], 64, 10, 20, 0.1
    ),
]
