"""Weight initialisers (Chapter 23; orthogonal and random uniform, the recurrent
layers' and embeddings' defaults, Chapter 27): fans, statistics, shapes and bounds
against Keras's initialisers of the same names, truncation, reproducibility."""

import keras
import numpy as np
import pytest

from scratchlearn.deep import initializers
from scratchlearn.deep.layers import Dense
from scratchlearn.deep.recurrent import LSTM, Embedding


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-10)


KERAS_INITIALIZERS = {
    "glorot_uniform": keras.initializers.GlorotUniform,
    "glorot_normal": keras.initializers.GlorotNormal,
    "he_uniform": keras.initializers.HeUniform,
    "he_normal": keras.initializers.HeNormal,
}
# A dense kernel and a convolution kernel (3x3, 16 channels in, 32 out).
INIT_SHAPES = {(300, 200): (300, 200), (3, 3, 16, 32): (144, 288)}


@pytest.mark.parametrize("shape", list(INIT_SHAPES), ids=str)
def test_fans_follow_keras(shape):
    assert initializers.compute_fans(shape) == INIT_SHAPES[shape]
    assert initializers.compute_fans((5,)) == (5, 5)
    assert initializers.compute_fans(()) == (1, 1)


def _target_std(name, shape):
    fan_in, fan_out = initializers.compute_fans(shape)
    return (
        np.sqrt(2.0 / (fan_in + fan_out)) if "glorot" in name else np.sqrt(2 / fan_in)
    )


@pytest.mark.parametrize("shape", list(INIT_SHAPES), ids=str)
@pytest.mark.parametrize("name", list(KERAS_INITIALIZERS))
def test_initializer_statistics_match_keras(name, shape):
    values = initializers.get(name)(shape, np.random.default_rng(0))
    theirs = KERAS_INITIALIZERS[name](seed=0)(shape, dtype="float64").numpy()
    assert values.shape == shape and values.dtype == np.float64
    target = _target_std(name, shape)
    # The standard deviation is the target one, as Keras's (RNGs differ, so the
    # values do not), and the mean is about 0 (4 608 values or more: the sampling
    # error of the standard deviation is below 1%, of the mean below 1.5% of std).
    assert values.std() == pytest.approx(target, rel=0.03)
    assert theirs.std() == pytest.approx(target, rel=0.03)
    assert abs(values.mean()) < 0.05 * target
    # Bounds: uniform within sqrt(3) std; truncated normal within 2 raw std.
    if name.endswith("uniform"):
        limit = np.sqrt(3.0) * target
    else:
        limit = 2.0 * target / initializers.TRUNCATED_NORMAL_STD
    assert np.abs(values).max() <= limit
    assert np.abs(theirs).max() <= limit * (1 + 1e-6)
    # ... and reaches close to the bound: the values fill the whole range.
    assert np.abs(values).max() > 0.99 * limit


def test_truncated_normal_redraws_the_tails():
    values = initializers.truncated_normal((100_000,), np.random.default_rng(1), 1.0)
    assert np.abs(values).max() <= 2.0
    assert values.std() == pytest.approx(initializers.TRUNCATED_NORMAL_STD, rel=0.01)


def test_initializers_are_reproducible_and_zeros_is_zero():
    a = initializers.glorot_uniform((4, 3), np.random.default_rng(7))
    b = initializers.glorot_uniform((4, 3), np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(initializers.zeros((2, 3)), np.zeros((2, 3)))
    assert initializers.get(initializers.zeros) is initializers.zeros
    with pytest.raises(ValueError, match="Unknown initializer"):
        initializers.get("xavier")


def test_dense_uses_its_initializers():
    layer = Dense(50, kernel_initializer="he_normal", bias_initializer="ones")
    layer.build((400,), np.random.default_rng(0))
    assert layer.params["kernel"].std() == pytest.approx(np.sqrt(2 / 400), rel=0.03)
    np.testing.assert_array_equal(layer.params["bias"], np.ones(50))
    custom = Dense(2, kernel_initializer=lambda shape, rng: np.full(shape, 0.5))
    custom.build((3,), None)
    np.testing.assert_array_equal(custom.params["kernel"], np.full((3, 2), 0.5))


# ---------------------------------------------------------------------------
# Orthogonal and random uniform (recurrent kernels and embeddings)
# ---------------------------------------------------------------------------


def test_orthogonal_initializer_is_orthogonal():
    rng = np.random.default_rng(0)
    q = initializers.orthogonal(
        (4, 12), rng
    )  # LSTM's recurrent kernel for 3 units x 4 gates
    assert_close(q @ q.T, np.eye(4))
    q = initializers.orthogonal((6, 3), rng)
    assert_close(q.T @ q, np.eye(3))


@pytest.mark.parametrize("shape", [(4, 12), (12, 4), (16, 16), (2, 3, 8)], ids=str)
def test_orthogonal_matches_keras(shape):
    ours = initializers.get("orthogonal")(shape, np.random.default_rng(0))
    theirs = keras.initializers.Orthogonal(seed=0)(shape, dtype="float64").numpy()
    assert ours.shape == theirs.shape == shape and ours.dtype == np.float64
    # The same structure as Keras's (the RNGs differ, so not the same values):
    # the flattened kernel (prod(shape[:-1]), shape[-1]) has orthonormal rows or
    # columns, whichever are fewer, so every value has variance 1 / max(in, out).
    for kernel in (ours, theirs):
        flat = kernel.reshape(-1, shape[-1])
        gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
        assert_close(gram, np.eye(min(flat.shape)))
        assert np.mean(kernel**2) == pytest.approx(1 / max(flat.shape), rel=1e-9)
    scaled = initializers.orthogonal(shape, np.random.default_rng(0), gain=2.0)
    assert_close(scaled, 2.0 * ours)


def test_random_uniform_matches_keras():
    shape = (300, 200)
    ours = initializers.get("random_uniform")(shape, np.random.default_rng(0))
    theirs = keras.initializers.RandomUniform(seed=0)(shape, dtype="float64").numpy()
    for values in (ours, theirs):
        assert values.shape == shape and values.dtype == np.float64
        assert np.abs(values).max() <= 0.05
        assert np.abs(values).max() > 0.99 * 0.05
        # U(-0.05, 0.05): standard deviation 0.05 / sqrt(3), mean 0 (60 000 values).
        assert values.std() == pytest.approx(0.05 / np.sqrt(3), rel=0.01)
        assert abs(values.mean()) < 0.01 * 0.05


def test_recurrent_layers_and_embeddings_default_to_them():
    rng = np.random.default_rng(0)
    lstm = LSTM(3)
    lstm.build((5, 4), rng)
    recurrent = lstm.params["recurrent_kernel"]  # (units, 4 * units)
    assert_close(recurrent @ recurrent.T, np.eye(3))
    embedding = Embedding(50, 8)
    embedding.build((5,), rng)
    assert np.abs(embedding.params["embeddings"]).max() <= 0.05
