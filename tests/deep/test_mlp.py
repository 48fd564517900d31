"""Chapter 25's multilayer perceptron: its architecture (parameters counted by hand),
its training settings, inverted dropout and batch normalisation at inference, and its
test accuracy on digits, within a point of the same network trained by Keras."""

import math
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from scratchlearn.deep import layers as L
from scratchlearn.deep.mlp import (
    MLPConfig,
    build_mlp,
    make_optimizer,
    one_hot,
    train_mlp,
)
from scratchlearn.deep.optimizers import SGD, Adam

# Keras's get_weights triggers a NumPy 2 deprecation notice inside Keras; not ours.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation:DeprecationWarning"
)

# What the chapter's network reaches with random_state=0 is 0.980 (Keras: 0.984); a
# little below, so that another BLAS does not fail the test.
ACCURACY_THRESHOLD = 0.97


@pytest.fixture(scope="module")
def digits():
    """The chapter's split: a stratified quarter of the digits held out, pixels in
    [0, 1]."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=0, stratify=y
    )
    return X_train, X_test, y_train, y_test


@pytest.fixture(scope="module")
def trained(digits):
    """The chapter's network trained with the chapter's settings, and the CPU time."""
    X_train, _, y_train, _ = digits
    start = time.process_time()
    model, history = train_mlp(MLPConfig(), X_train, y_train)
    return model, history, time.process_time() - start


# --- the architecture ------------------------------------------------------------


def test_architecture_and_parameter_count_by_hand():
    """64 -> 128 -> 64 -> 10. Dense kernels 64*128 and 128*64 (no bias: batch norm's
    beta replaces it), the output layer 64*10 + 10; each batch norm has gamma and
    beta (trainable) and two running statistics (not trainable)."""
    model = build_mlp(MLPConfig(), n_features=64, n_classes=10)
    kinds = [type(layer) for layer in model.layers]
    block = [L.Dense, L.BatchNormalization, L.Activation, L.Dropout]
    assert kinds == [*block, *block, L.Dense]
    assert [layer.use_bias for layer in model.layers if isinstance(layer, L.Dense)] == [
        False,
        False,
        True,
    ]
    trainable = 64 * 128 + 2 * 128 + 128 * 64 + 2 * 64 + 64 * 10 + 10
    assert trainable == 17_418
    assert sum(layer.n_params for layer in model.layers) == trainable
    assert model.count_params() == trainable + 2 * 128 + 2 * 64
    text = model.summary(print_fn=None)
    assert "Total params: 17,802" in text
    assert "Non-trainable params: 384" in text


def test_without_batch_norm_or_dropout_the_layers_go_and_biases_come_back():
    config = MLPConfig(hidden_units=(32,), batch_norm=False, dropout=0.0)
    model = build_mlp(config, n_features=5, n_classes=3)
    assert [type(layer) for layer in model.layers] == [L.Dense, L.Activation, L.Dense]
    assert model.layers[0].use_bias
    assert model.count_params() == 5 * 32 + 32 + 32 * 3 + 3


def test_schedules_reach_their_end_values():
    """Adam with an initial rate of 0.01 over 10 epochs of 4 steps (40 steps):
    step halves it every 10 steps, exponential divides it by 10 at the end,
    cosine brings it to 0."""
    for schedule, at_step, expected in [
        ("constant", 39, 0.01),
        ("step", 10, 0.005),
        ("step", 39, 0.01 / 8),
        ("exponential", 40, 0.001),
        ("exponential", 20, 0.01 / math.sqrt(10)),
        ("cosine", 20, 0.005),
        ("cosine", 40, 0.0),
    ]:
        config = MLPConfig(learning_rate=0.01, schedule=schedule, epochs=10)
        optimizer = make_optimizer(config, steps_per_epoch=4)
        assert isinstance(optimizer, Adam)
        optimizer.iterations = at_step
        assert optimizer.current_learning_rate == pytest.approx(expected, abs=1e-15)
    momentum = make_optimizer(MLPConfig(optimizer="momentum"), steps_per_epoch=4)
    assert isinstance(momentum, SGD) and momentum.momentum == 0.9


@pytest.mark.parametrize(
    "setting, message",
    [({"optimizer": "adamw"}, "optimizer"), ({"schedule": "linear"}, "schedule")],
)
def test_unknown_optimizer_or_schedule_names_raise(setting, message):
    with pytest.raises(ValueError, match=message):
        make_optimizer(MLPConfig(**setting), steps_per_epoch=3)


def test_one_hot():
    np.testing.assert_array_equal(
        one_hot([2, 0], 3), [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    )


# --- inverted dropout and batch norm at inference (known mistakes) ----------------


def test_predict_uses_no_dropout_and_needs_no_rescaling(trained, digits):
    """Inverted dropout scales at training time, so at inference the Dropout layers
    are the identity: removing them changes no prediction. (Dropout that only masks
    in training would need its outputs multiplied by 1 - rate at inference.)"""
    model, _, _ = trained
    _, X_test, _, _ = digits
    config = MLPConfig(dropout=0.0)  # the same layers but the Dropout ones
    without = build_mlp(config, n_features=64, n_classes=10)
    without.set_weights(model.get_weights())  # Dropout layers have no weights
    np.testing.assert_array_equal(without.predict(X_test), model.predict(X_test))
    np.testing.assert_array_equal(model.predict(X_test), model.predict(X_test))


def test_dropout_in_training_keeps_the_mean():
    """Kept values are scaled by 1 / (1 - rate): the mean of many outputs is the
    input's, and every output is 0 or x / (1 - rate)."""
    layer = L.Dropout(0.25)
    layer.build((1000,), np.random.default_rng(0))
    X = np.full((200, 1000), 3.0)
    Y = layer.forward(X, training=True)
    assert set(np.unique(Y)) == {0.0, 4.0}
    assert abs(Y.mean() - 3.0) < 0.02
    assert abs(np.mean(Y == 0.0) - 0.25) < 0.01


def test_batch_norm_at_inference_treats_every_sample_alone(trained, digits):
    """Running statistics at inference: a sample's prediction does not depend on
    which other samples share its batch (batch statistics would make it so)."""
    model, _, _ = trained
    _, X_test, _, _ = digits
    together = model.predict(X_test[:40], batch_size=40)
    one_by_one = model.predict(X_test[:40], batch_size=1)
    np.testing.assert_allclose(one_by_one, together, rtol=1e-12, atol=1e-15)
    norms = [layer for layer in model.layers if isinstance(layer, L.BatchNormalization)]
    for layer in norms:  # they moved away from their start (0 and 1)
        assert np.abs(layer.state["moving_mean"]).max() > 0.05
        assert np.abs(layer.state["moving_variance"] - 1).max() > 0.05


# --- it learns digits, as Keras does ------------------------------------------------


def test_chapter_network_learns_digits_quickly(trained, digits):
    model, history, seconds = trained
    _, X_test, _, y_test = digits
    accuracy = np.mean(model.predict(X_test).argmax(axis=1) == y_test)
    assert accuracy >= ACCURACY_THRESHOLD
    assert history["loss"][-1] < history["loss"][0] / 5
    assert len(history["loss"]) == MLPConfig().epochs
    assert history["learning_rate"][-1] == pytest.approx(0.0, abs=1e-12)  # cosine
    assert seconds < 20  # about 1 s of CPU on a quiet machine


def test_training_is_reproducible(digits):
    X_train, _, y_train, _ = digits
    config = MLPConfig(hidden_units=(16,), epochs=2)
    first = train_mlp(config, X_train[:300], y_train[:300])
    second = train_mlp(config, X_train[:300], y_train[:300])
    assert first[1] == second[1]
    for a, b in zip(first[0].get_weights(), second[0].get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.fixture
def float32_keras():
    keras = pytest.importorskip("keras")
    previous_floatx = keras.config.floatx()
    previous_policy = keras.config.dtype_policy()
    keras.config.set_floatx("float32")
    keras.config.set_dtype_policy("float32")
    yield keras
    keras.config.set_dtype_policy(previous_policy)
    keras.config.set_floatx(previous_floatx)


@pytest.mark.slow  # about 5 s of CPU for Keras, plus importing TensorFlow
def test_within_one_point_of_keras(trained, digits, float32_keras):
    """The same network in Keras (same layers, same initial weights, Adam with the
    same cosine schedule, 30 epochs of 32-sample batches): test accuracies within a
    point of each other. The batches' order and the dropout masks differ (each
    library draws its own), so the two do not agree to the last digit."""
    keras = float32_keras
    model, _, _ = trained
    X_train, X_test, y_train, y_test = digits
    config = MLPConfig()
    keras.utils.set_random_seed(0)
    theirs = keras.Sequential([keras.Input((64,))])
    for units in config.hidden_units:
        theirs.add(keras.layers.Dense(units, use_bias=False))
        theirs.add(keras.layers.BatchNormalization())
        theirs.add(keras.layers.Activation("relu"))
        theirs.add(keras.layers.Dropout(config.dropout))
    theirs.add(keras.layers.Dense(10, activation="softmax"))
    # Our initial weights: rebuild our model (same random_state) before training.
    theirs.set_weights(build_mlp(config, 64, 10).get_weights())
    steps = config.epochs * math.ceil(len(X_train) / config.batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, steps)
    theirs.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    theirs.fit(
        X_train,
        one_hot(y_train, 10),
        epochs=config.epochs,
        batch_size=config.batch_size,
        verbose=0,
    )
    keras_accuracy = np.mean(theirs.predict(X_test, verbose=0).argmax(1) == y_test)
    our_accuracy = np.mean(model.predict(X_test).argmax(axis=1) == y_test)
    assert keras_accuracy >= ACCURACY_THRESHOLD
    assert abs(our_accuracy - keras_accuracy) <= 0.01
