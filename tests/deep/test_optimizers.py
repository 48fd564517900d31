"""Optimizers (Chapter 24) against Keras 3's, step for step.

On a fixed least-squares problem, each side computes its gradient in NumPy from its
own current weights, and both take 20 steps: the trajectories must agree to 1e-6
(relative to the distance travelled), for every optimizer, several settings and with a
schedule as learning rate. Hand-computed steps and Adam's bias correction (a past
mistake of the course) are tested without Keras.
"""

import inspect
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

from scratchlearn.deep import optimizers, schedules
from scratchlearn.deep.optimizers import SGD, Adadelta, Adagrad, Adam, RMSprop

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

N_STEPS = 20


@pytest.fixture
def float64_keras():
    """Keras's learning-rate variable in float64 (it is float32 by default)."""
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(previous)


def problem(seed=0):
    """A least-squares problem with a matrix and a vector of parameters."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 4))  # (n_samples, n_features)
    Y = X @ rng.normal(size=(4, 2)) + rng.normal(size=(30, 2))  # (n_samples, 2)
    W0 = rng.normal(size=(4, 2))
    b0 = rng.normal(size=2)
    return X, Y, W0, b0


def gradients(X, Y, W, b):
    """Gradient of 0.5 * mean over samples of ||X W + b - Y||^2."""
    residual = X @ W + b - Y  # (n_samples, 2)
    return X.T @ residual / len(X), residual.mean(axis=0)  # (4, 2), (2,)


def scratch_trajectory(optimizer, seed=0):
    X, Y, W0, b0 = problem(seed)
    params = {"W": W0.copy(), "b": b0.copy()}
    trajectory = []
    for _ in range(N_STEPS):
        gW, gb = gradients(X, Y, params["W"], params["b"])
        optimizer.apply(params, {"W": gW, "b": gb})
        trajectory.append(np.concatenate([params["W"].ravel(), params["b"]]))
    return np.array(trajectory), np.concatenate([W0.ravel(), b0])


def keras_trajectory(optimizer, seed=0):
    X, Y, W0, b0 = problem(seed)
    W, b = tf.Variable(W0, dtype=tf.float64), tf.Variable(b0, dtype=tf.float64)
    trajectory = []
    for _ in range(N_STEPS):
        gW, gb = gradients(X, Y, W.numpy(), b.numpy())
        optimizer.apply_gradients([(tf.constant(gW), W), (tf.constant(gb), b)])
        trajectory.append(np.concatenate([W.numpy().ravel(), b.numpy()]))
    return np.array(trajectory)


def assert_same_trajectory(ours, theirs, start):
    # Compare the displacement from the start, so that small learning rates (whose
    # steps hide in the weights' leading digits) are compared just as strictly.
    moved = theirs - start
    assert np.abs(moved[-1]).max() > 1e-5, "the problem must make the weights move"
    np.testing.assert_allclose(ours - start, moved, rtol=1e-6, atol=1e-9)


# Keras rounds Adam's betas to float32 in its bias correction (and only there); these
# are exact in float32, so that the comparison shows our formula, not that rounding.
ADAM_BETAS = {"beta_1": 0.875, "beta_2": 1 - 2**-10}

SETTINGS = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adagrad", {}),
    ("Adagrad", {"learning_rate": 0.3, "initial_accumulator_value": 0.01}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.0}),
    ("Adadelta", {}),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.9}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    # Adam with betas exact in float32: see test_adam_defaults_match_keras.
    ("Adam", {"beta_1": 0.875, "beta_2": 1 - 2**-10}),
    ("Adam", {"learning_rate": 0.05, "beta_1": 0.75, "beta_2": 1 - 2**-6}),
    ("Adam", {"learning_rate": 0.05, **ADAM_BETAS, "epsilon": 1e-3}),
    ("Adam", {"learning_rate": 0.05, **ADAM_BETAS, "amsgrad": True}),
]


@pytest.mark.parametrize(
    ("name", "kwargs"), SETTINGS, ids=[f"{n}-{k}" for n, k in SETTINGS]
)
def test_trajectory_matches_keras(name, kwargs, float64_keras):
    ours, start = scratch_trajectory(getattr(optimizers, name)(**kwargs))
    theirs = keras_trajectory(getattr(keras.optimizers, name)(**kwargs))
    assert_same_trajectory(ours, theirs, start)


def scratch_and_keras_schedule(name, kwargs):
    keras_kwargs = {
        key: np.float64(value) if isinstance(value, float) else value
        for key, value in kwargs.items()
    }  # float64 values make Keras compute the schedule in float64
    return (
        getattr(schedules, name)(**kwargs),
        getattr(keras.optimizers.schedules, name)(**keras_kwargs),
    )


SCHEDULED = [
    ("SGD", {"momentum": 0.9}, "ExponentialDecay", (0.1, 5, 0.5)),
    ("SGD", {}, "ExponentialDecay", (0.2, 4, 0.3, True)),
    ("Adam", ADAM_BETAS, "CosineDecay", (0.1, 15, 0.1)),
    ("RMSprop", {"centered": True}, "CosineDecay", (0.02, 25)),
    ("Adagrad", {}, "ExponentialDecay", (0.5, 3, 0.8, True)),
    ("Adadelta", {}, "CosineDecay", (1.0, 10)),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "schedule", "schedule_args"),
    SCHEDULED,
    ids=[f"{n}-{s}{a}" for n, _, s, a in SCHEDULED],
)
def test_trajectory_with_a_schedule_matches_keras(
    name, kwargs, schedule, schedule_args, float64_keras
):
    parameters = list(inspect.signature(getattr(schedules, schedule)).parameters)
    schedule_kwargs = dict(zip(parameters, schedule_args, strict=False))
    ours_schedule, keras_schedule = scratch_and_keras_schedule(
        schedule, schedule_kwargs
    )
    ours, start = scratch_trajectory(
        getattr(optimizers, name)(learning_rate=ours_schedule, **kwargs)
    )
    theirs = keras_trajectory(
        getattr(keras.optimizers, name)(learning_rate=keras_schedule, **kwargs)
    )
    assert_same_trajectory(ours, theirs, start)


class AdamWithKerasRounding(Adam):
    """Our Adam, with the betas of the bias correction rounded to float32 as Keras's
    ``ops.cast(self.beta_1, variable.dtype)`` does (the moments use them unrounded)."""

    def update(self, param, grad, lr, slots):
        beta_1, beta_2 = self.beta_1, self.beta_2
        t = self.iterations + 1
        rounded_1, rounded_2 = (float(np.float32(b)) for b in (beta_1, beta_2))
        exact_factor = np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        keras_factor = np.sqrt(1 - rounded_2**t) / (1 - rounded_1**t)
        super().update(param, grad, lr * keras_factor / exact_factor, slots)


def test_adam_defaults_match_keras(float64_keras):
    """With the default betas (0.9, 0.999, not exact in float32) Keras's first steps
    are about 7e-6 (relative) shorter than the float64 formula; that rounding, and
    nothing else, is the difference."""
    theirs = keras_trajectory(keras.optimizers.Adam())
    ours, start = scratch_trajectory(Adam())
    np.testing.assert_allclose(ours - start, theirs - start, rtol=1e-5)
    with pytest.raises(AssertionError):  # the rounding is visible at 1e-6 ...
        assert_same_trajectory(ours, theirs, start)
    rounded, _ = scratch_trajectory(AdamWithKerasRounding())
    assert_same_trajectory(rounded, theirs, start)  # ... and explains it all


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_defaults_are_keras_defaults(name):
    ours = inspect.signature(getattr(optimizers, name)).parameters
    theirs = inspect.signature(getattr(keras.optimizers, name)).parameters
    for parameter in ours:
        assert ours[parameter].default == theirs[parameter].default, parameter


# Hand-computed steps, no Keras involved.


def test_sgd_steps_by_hand():
    w = np.array([1.0, -2.0])
    SGD(learning_rate=0.1).apply([w], [np.array([0.5, 1.0])])
    np.testing.assert_allclose(w, [0.95, -2.1])

    w = np.array([1.0])
    optimizer = SGD(learning_rate=0.1, momentum=0.5)
    optimizer.apply([w], [np.array([1.0])])  # v = -0.1, w = 0.9
    optimizer.apply([w], [np.array([1.0])])  # v = -0.05 - 0.1 = -0.15, w = 0.75
    np.testing.assert_allclose(w, [0.75])

    w = np.array([1.0])
    optimizer = SGD(learning_rate=0.1, momentum=0.5, nesterov=True)
    optimizer.apply([w], [np.array([1.0])])  # v = -0.1, w = 1 - 0.05 - 0.1
    np.testing.assert_allclose(w, [0.85])


def test_adagrad_first_step_by_hand():
    w = np.array([0.0, 0.0])
    g = np.array([3.0, -0.5])
    Adagrad(learning_rate=0.2).apply([w], [g])
    # The accumulator starts at 0.1, epsilon inside the root.
    np.testing.assert_allclose(w, -0.2 * g / np.sqrt(0.1 + g**2 + 1e-7))


def test_adam_divides_by_one_minus_beta_to_the_power_t():
    """Past mistake: the bias correction divides by 1 - beta**t, not 1 - beta.

    With a constant gradient g, m = (1 - beta_1**t) g and v = (1 - beta_2**t) g**2
    exactly, so every corrected step is lr * sign(g) (up to epsilon). Dividing by
    1 - beta would make the second step about 1.34 times too long.
    """
    lr = 0.01
    g = np.array([2.0, -0.3, 5.0])
    w = np.zeros(3)
    optimizer = Adam(learning_rate=lr, epsilon=1e-12)
    previous = w.copy()
    for _ in range(10):
        optimizer.apply([w], [g])
        np.testing.assert_allclose(previous - w, lr * np.sign(g), rtol=1e-9)
        previous = w.copy()


def test_rmsprop_first_step_by_hand():
    w = np.array([1.0])
    RMSprop(learning_rate=0.01).apply([w], [np.array([2.0])])
    # s = 0.1 * 4 = 0.4 (started at 0), step = 0.01 * 2 / sqrt(0.4 + 1e-7)
    np.testing.assert_allclose(w, 1.0 - 0.02 / np.sqrt(0.4 + 1e-7))


def test_adadelta_first_step_by_hand():
    w = np.array([1.0])
    Adadelta(learning_rate=1.0, rho=0.9, epsilon=1e-6).apply([w], [np.array([2.0])])
    # E[g^2] = 0.1 * 4; delta = -sqrt(0 + eps) / sqrt(0.4 + eps) * 2
    np.testing.assert_allclose(w, 1.0 - np.sqrt(1e-6) / np.sqrt(0.4 + 1e-6) * 2.0)


# The API: structures, in-place updates, state, schedules, errors.


def test_updates_in_place_for_lists_of_dicts():
    layers = [
        {"kernel": np.ones((2, 3)), "bias": np.zeros(3)},
        {},  # a layer without parameters
        {"gamma": np.ones(3)},
    ]
    originals = [array for layer in layers for array in layer.values()]
    grads = [{k: np.full_like(v, 0.5) for k, v in layer.items()} for layer in layers]
    optimizer = Adam(learning_rate=0.1, epsilon=1e-12)
    optimizer.apply(layers, grads)
    updated = [a for layer in layers for a in layer.values()]
    assert all(a is b for a, b in zip(updated, originals, strict=True))  # in place
    for array, start in zip(originals, [1.0, 0.0, 1.0], strict=True):
        np.testing.assert_allclose(array, start - 0.1)  # Adam's first step: lr
    assert optimizer.iterations == 1
    assert len(optimizer.slots) == 3


def test_step_is_apply():
    w = np.array([1.0])
    SGD(learning_rate=0.5).step([w], [np.array([1.0])])
    np.testing.assert_allclose(w, [0.5])


def test_schedule_is_called_with_the_step_count_from_zero():
    calls = []

    def schedule(step):
        calls.append(step)
        return 0.1

    w = np.array([1.0])
    optimizer = SGD(learning_rate=schedule)
    for _ in range(3):
        optimizer.apply([w], [np.array([1.0])])
    assert calls == [0, 1, 2]
    assert optimizer.current_learning_rate == 0.1


def test_state_round_trip_continues_identically():
    w1 = np.array([1.0, 2.0])
    first = RMSprop(learning_rate=0.1, momentum=0.9, centered=True)
    first.apply([w1], [np.array([1.0, -1.0])])
    w2 = w1.copy()
    second = RMSprop(learning_rate=0.1, momentum=0.9, centered=True)
    second.set_state({k: v.copy() for k, v in first.get_state().items()})
    first.apply([w1], [np.array([0.3, 0.2])])
    second.apply([w2], [np.array([0.3, 0.2])])
    np.testing.assert_array_equal(w1, w2)
    assert second.iterations == 2


def test_mismatched_structures_raise_clear_errors():
    with pytest.raises(ValueError, match="same keys"):
        SGD().apply({"a": np.zeros(2)}, {"b": np.zeros(2)})
    with pytest.raises(ValueError, match="does not match"):
        SGD().apply([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(ValueError, match="same length"):
        SGD().apply([np.zeros(2)], [np.zeros(2), np.zeros(2)])
    with pytest.raises(TypeError, match="floating-point NumPy array"):
        SGD().apply([[1.0, 2.0]], [[1.0, 1.0]])
    optimizer = Adam()
    optimizer.apply([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="built for 1 parameter"):
        optimizer.apply([np.zeros(3)], [np.ones(3)])


def test_get_by_name():
    assert isinstance(optimizers.get("adam"), Adam)
    assert isinstance(optimizers.get("SGD"), SGD)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        optimizers.get("adamw")
