"""Callbacks (Chapter 24) against Keras 3's own, driven by hand with scripted logs.

Both callbacks see the same sequence of monitored values through the same hooks
(set_model, on_train_begin, on_epoch_end(epoch, logs), on_train_end). Keras's act on a
tiny Keras model, ours on a stand-in with the scratch model's interface
(``stop_training``, ``get_weights``/``set_weights``, ``optimizer.learning_rate``).
Before each epoch's end the weights are set to the epoch's number, so the weights left
after training tell which epoch was restored. Compared: the epoch at which training
stops, the restored epoch, the best epoch and the learning rate after every epoch.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

from scratchlearn.deep.callbacks import (
    EarlyStopping,
    History,
    LearningRateScheduler,
    ReduceLROnPlateau,
)
from scratchlearn.deep.optimizers import SGD
from scratchlearn.deep.schedules import CosineDecay, StepDecay

keras = pytest.importorskip("keras")

# Keras's get_weights triggers a NumPy 2 deprecation notice inside Keras; not ours.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation:DeprecationWarning"
)


@pytest.fixture(scope="module")
def keras_model():
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")  # the learning rate in float64, as ours
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    yield model
    keras.config.set_floatx(previous)


class StandIn:
    """The part of the scratch Sequential that callbacks use."""

    def __init__(self, learning_rate=0.1):
        self.weights = [np.zeros((1, 1)), np.zeros(1)]
        self.stop_training = False
        self.optimizer = SGD(learning_rate=learning_rate)

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w, dtype=np.float64) for w in weights]


def run(callback, model, values, monitor, learning_rate=0.1):
    """Drive ``callback`` through one 'training' whose monitored values are
    ``values``; return what it did."""
    model.stop_training = False
    model.optimizer.learning_rate = learning_rate
    callback.set_model(model)
    callback.on_train_begin({})
    stopped_at, learning_rates = None, []
    for epoch, value in enumerate(values):
        marker = float(epoch)
        model.set_weights([np.full((1, 1), marker), np.full(1, marker)])
        callback.on_epoch_end(epoch, {monitor: float(value), "other": 0.0})
        learning_rates.append(float(np.asarray(model.optimizer.learning_rate)))
        if model.stop_training:
            stopped_at = epoch
            break
    callback.on_train_end({})
    restored = int(np.asarray(model.get_weights()[0]).item())
    return stopped_at, restored, learning_rates


def sequences(n_random=12):
    """Scripted validation losses: hand-made shapes, then seeded random walks."""
    hand_made = [
        [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1],  # always improving
        [1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3],  # best at epoch 1
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],  # flat: equal is no improvement
        [1.0, 0.99, 0.98, 0.97, 0.965, 0.964, 0.963, 0.9, 0.95, 0.96, 0.97, 0.98],
        [0.5, 0.7, 0.4, 0.6, 0.6, 0.3, 0.8, 0.9, 0.9, 0.9, 0.2, 0.9, 0.9, 0.9],
    ]
    rng = np.random.default_rng(0)
    walks = [
        list(1.0 + np.cumsum(rng.normal(-0.02, 0.05, size=25))) for _ in range(n_random)
    ]
    return hand_made + walks


EARLY_STOPPING = [
    {},
    {"patience": 2},
    {"patience": 3, "restore_best_weights": True},
    {"patience": 0, "restore_best_weights": True},
    {"patience": 2, "min_delta": 0.05},
    {"patience": 2, "min_delta": -0.05, "restore_best_weights": True},
    {"patience": 2, "baseline": 0.75},
    {"patience": 1, "baseline": 0.95, "restore_best_weights": True},
    {"patience": 2, "start_from_epoch": 3, "restore_best_weights": True},
    {"patience": 4, "mode": "min", "min_delta": 0.01},
]


@pytest.mark.parametrize("kwargs", EARLY_STOPPING, ids=str)
def test_early_stopping_acts_as_keras(kwargs, keras_model):
    for values in sequences():
        ours = run(EarlyStopping(**kwargs), StandIn(), values, "val_loss")
        theirs = run(
            keras.callbacks.EarlyStopping(**kwargs), keras_model, values, "val_loss"
        )
        assert ours[:2] == theirs[:2], (values, ours, theirs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"patience": 2, "restore_best_weights": True},
        {"patience": 1, "min_delta": 0.02},
        {"patience": 2, "baseline": 0.5, "restore_best_weights": True},
    ],
    ids=str,
)
def test_early_stopping_on_accuracy_goes_up(kwargs, keras_model):
    for values in sequences():
        accuracy = [1.0 - v / 3 for v in values]
        ours = run(
            EarlyStopping(monitor="accuracy", **kwargs), StandIn(), accuracy, "accuracy"
        )
        # Keras knows accuracy goes up from the compiled metric; "max" says it here.
        theirs = run(
            keras.callbacks.EarlyStopping(monitor="accuracy", mode="max", **kwargs),
            keras_model,
            accuracy,
            "accuracy",
        )
        assert ours[:2] == theirs[:2], (accuracy, ours, theirs)


def test_early_stopping_by_hand():
    callback = EarlyStopping(patience=2, restore_best_weights=True)
    stopped, restored, _ = run(callback, StandIn(), [3, 2, 2.5, 2.1, 1], "val_loss")
    # Best at epoch 1; epochs 2 and 3 do not improve; patience 2 runs out at epoch 3.
    assert (stopped, restored) == (3, 1)
    assert (
        callback.stopped_epoch == 3 and callback.best == 2 and callback.best_epoch == 1
    )


REDUCE_LR = [
    {},
    {"patience": 0},
    {"patience": 1, "factor": 0.5},
    {"patience": 2, "factor": 0.5, "cooldown": 2},
    {"patience": 1, "factor": 0.1, "min_lr": 1e-3},
    {"patience": 2, "factor": 0.3, "min_delta": 0.05},
    {"patience": 1, "factor": 0.5, "min_delta": 0.0, "cooldown": 1, "min_lr": 0.02},
]


@pytest.mark.parametrize("kwargs", REDUCE_LR, ids=str)
def test_reduce_lr_on_plateau_acts_as_keras(kwargs, keras_model):
    for values in sequences():
        _, _, ours = run(ReduceLROnPlateau(**kwargs), StandIn(), values, "val_loss")
        _, _, theirs = run(
            keras.callbacks.ReduceLROnPlateau(**kwargs), keras_model, values, "val_loss"
        )
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, err_msg=str(values))


def test_reduce_lr_on_plateau_by_hand():
    callback = ReduceLROnPlateau(patience=1, factor=0.5, cooldown=2, min_lr=0.02)
    _, _, learning_rates = run(callback, StandIn(), [1] * 8, "val_loss")
    # Epoch 1: no improvement, wait 1 = patience: 0.1 -> 0.05, cooldown 2.
    # Epoch 2: cooldown 2 -> 1, still cooling down. Epoch 3: 1 -> 0, cooled down,
    # wait 1: 0.05 -> 0.025. Epoch 5: 0.025 -> max(0.0125, min_lr) = 0.02.
    # Epoch 7: 0.02 is not above min_lr: no change.
    np.testing.assert_allclose(
        learning_rates, [0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02]
    )


def test_learning_rate_scheduler_acts_as_keras(keras_model):
    def halve_every_third(epoch, lr):
        return lr * 0.5 if epoch > 0 and epoch % 3 == 0 else lr

    for schedule in (halve_every_third, StepDecay(0.2, drop_every=2)):
        results = []
        for callback, model in (
            (LearningRateScheduler(schedule), StandIn()),
            (keras.callbacks.LearningRateScheduler(schedule), keras_model),
        ):
            model.optimizer.learning_rate = 0.2
            callback.set_model(model)
            logs_seen = []
            for epoch in range(10):
                callback.on_epoch_begin(epoch, {})
                logs = {"loss": 1.0}  # Keras replaces an empty dict (logs or {})
                callback.on_epoch_end(epoch, logs)
                logs_seen.append(logs["learning_rate"])
            results.append(logs_seen)
        np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_history_collects_logs():
    history = History()
    history.on_train_begin()
    history.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    history.on_epoch_end(1, {"loss": 0.5, "val_loss": 1.5})
    assert history.history == {"loss": [1.0, 0.5], "val_loss": [2.0, 1.5]}
    assert history.epoch == [0, 1]


def test_clear_errors():
    with pytest.raises(ValueError, match="factor < 1"):
        ReduceLROnPlateau(factor=1.0)
    callback = EarlyStopping(monitor="val_loss")
    callback.set_model(StandIn())
    callback.on_train_begin()
    with pytest.raises(ValueError, match="validation_data"):
        callback.on_epoch_end(0, {"loss": 1.0})
    unknown = EarlyStopping(monitor="f1")
    unknown.set_model(StandIn())
    with pytest.raises(ValueError, match="mode='max'"):
        unknown.on_train_begin()
    reduce = ReduceLROnPlateau()
    model = StandIn()
    model.optimizer.learning_rate = CosineDecay(0.1, 10)
    reduce.set_model(model)
    with pytest.raises(TypeError, match="schedule"):
        reduce.on_train_begin()
