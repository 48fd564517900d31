"""Learning-rate schedules (Chapter 24) against keras.optimizers.schedules, over many
steps, and StepDecay (which Keras has no class for) by hand."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

from scratchlearn.deep.schedules import CosineDecay, ExponentialDecay, StepDecay

keras = pytest.importorskip("keras")

STEPS = np.arange(0, 400)


def keras_values(schedule):
    return np.array([float(schedule(int(step))) for step in STEPS])


def float64(kwargs):
    # Float64 arguments make Keras compute in float64 (Python floats give float32).
    return {k: np.float64(v) if isinstance(v, float) else v for k, v in kwargs.items()}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial_learning_rate": 0.1, "decay_steps": 50, "decay_rate": 0.5},
        {"initial_learning_rate": 0.3, "decay_steps": 7, "decay_rate": 0.9},
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 30,
            "decay_rate": 0.25,
            "staircase": True,
        },
        {"initial_learning_rate": 1.0, "decay_steps": 1, "decay_rate": 0.99},
    ],
)
def test_exponential_decay_matches_keras(kwargs):
    theirs = keras_values(
        keras.optimizers.schedules.ExponentialDecay(**float64(kwargs))
    )
    ours = ExponentialDecay(**kwargs)
    np.testing.assert_allclose([ours(int(s)) for s in STEPS], theirs, rtol=1e-12)
    np.testing.assert_allclose(ours(STEPS), theirs, rtol=1e-12)  # arrays of steps


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial_learning_rate": 0.1, "decay_steps": 100},
        {"initial_learning_rate": 0.1, "decay_steps": 250, "alpha": 0.05},
        {"initial_learning_rate": 0.01, "decay_steps": 33, "alpha": 0.5},
        {
            "initial_learning_rate": 0.0,
            "decay_steps": 200,
            "warmup_target": 0.1,
            "warmup_steps": 40,
        },
        {
            "initial_learning_rate": 0.02,
            "decay_steps": 100,
            "alpha": 0.1,
            "warmup_target": 0.2,
            "warmup_steps": 10,
        },
    ],
)
def test_cosine_decay_matches_keras(kwargs):
    theirs = keras_values(keras.optimizers.schedules.CosineDecay(**float64(kwargs)))
    ours = CosineDecay(**kwargs)
    np.testing.assert_allclose([ours(int(s)) for s in STEPS], theirs, rtol=1e-12)
    np.testing.assert_allclose(ours(STEPS), theirs, rtol=1e-12)


def test_cosine_decay_by_hand():
    schedule = CosineDecay(1.0, decay_steps=100, alpha=0.2)
    assert schedule(0) == 1.0
    np.testing.assert_allclose(schedule(50), 0.8 * 0.5 + 0.2)  # half-way: cos = 0
    np.testing.assert_allclose(schedule(100), 0.2)
    np.testing.assert_allclose(schedule(1000), 0.2)  # constant after decay_steps


def test_step_decay_by_hand():
    schedule = StepDecay(0.8, drop_every=3, factor=0.5)
    expected = [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1]
    assert [schedule(step) for step in range(10)] == expected
    np.testing.assert_array_equal(schedule(np.arange(10)), expected)


def test_step_decay_is_keras_staircase_exponential_decay():
    theirs = keras.optimizers.schedules.ExponentialDecay(
        np.float64(0.1), 25, np.float64(0.3), staircase=True
    )
    ours = StepDecay(0.1, drop_every=25, factor=0.3)
    np.testing.assert_allclose(ours(STEPS), keras_values(theirs), rtol=1e-12)


def test_exponential_decay_by_hand():
    schedule = ExponentialDecay(1.0, decay_steps=10, decay_rate=0.5)
    np.testing.assert_allclose(schedule(10), 0.5)
    np.testing.assert_allclose(schedule(5), 0.5**0.5)
    staircase = ExponentialDecay(1.0, decay_steps=10, decay_rate=0.5, staircase=True)
    assert staircase(9) == 1.0
    assert staircase(10) == 0.5


@pytest.mark.parametrize(
    "make",
    [
        lambda: StepDecay(0.1, drop_every=0),
        lambda: StepDecay(0.1, drop_every=2, factor=1.5),
        lambda: ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5),
        lambda: CosineDecay(0.1, decay_steps=0),
    ],
)
def test_bad_hyperparameters_raise(make):
    with pytest.raises(ValueError):
        make()


def test_negative_step_raises():
    with pytest.raises(ValueError, match=">= 0"):
        StepDecay(0.1, drop_every=2)(-1)


def test_config_rebuilds_the_schedule():
    schedule = CosineDecay(0.1, 20, alpha=0.1, warmup_target=0.5, warmup_steps=5)
    rebuilt = CosineDecay(**schedule.get_config())
    np.testing.assert_array_equal(rebuilt(STEPS), schedule(STEPS))
    assert "CosineDecay(" in repr(schedule)
