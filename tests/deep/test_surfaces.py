"""Two-parameter loss surfaces and descend (Chapter 24): hand-written gradients
against finite differences, paths computed by hand, and the same path as Keras's
optimizer given the same gradients."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

from scratchlearn.deep import SGD, Adam, RMSprop
from scratchlearn.deep.surfaces import QUADRATIC, ROSENBROCK, SURFACES, descend


@pytest.mark.parametrize("surface", SURFACES.values(), ids=list(SURFACES))
def test_gradient_matches_finite_differences(surface):
    rng = np.random.default_rng(0)
    h = 1e-6
    for _ in range(10):
        w = rng.uniform(-1.5, 1.5, size=2)
        numeric = [
            (surface.value(w + h * e) - surface.value(w - h * e)) / (2 * h)
            for e in np.eye(2)
        ]
        np.testing.assert_allclose(surface.gradient(w), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("surface", SURFACES.values(), ids=list(SURFACES))
def test_minimum_is_a_zero_of_loss_and_gradient(surface):
    assert surface.value(np.array(surface.minimum)) == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(surface.gradient(np.array(surface.minimum)), 0.0)


def test_values_by_hand_and_on_a_grid():
    # Rosenbrock at (0, 0): (1 - 0)^2 + 0 = 1; at (-1, 2): 4 + 100 * 1 = 104.
    assert ROSENBROCK.value(np.array([0.0, 0.0])) == 1.0
    assert ROSENBROCK.value(np.array([-1.0, 2.0])) == 104.0
    # The quadratic along its long axis (30 degrees) has curvature 1, across it 30.
    along = np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    across = np.array([-np.sin(np.pi / 6), np.cos(np.pi / 6)])
    assert QUADRATIC.value(2 * along) == pytest.approx(0.5 * 1 * 4)
    assert QUADRATIC.value(2 * across) == pytest.approx(0.5 * 30 * 4)
    grid = np.random.default_rng(1).normal(size=(3, 4, 2))
    for surface in SURFACES.values():
        expected = [[surface.value(point) for point in row] for row in grid]
        np.testing.assert_allclose(surface.value(grid), expected)


def test_sgd_path_on_the_quadratic_is_a_matrix_power():
    # Gradient descent on 0.5 w^T A w: w_t = (I - lr A)^t w_0.
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    A = np.array([[c, -s], [s, c]]) @ np.diag([1.0, 30.0]) @ np.array([[c, s], [-s, c]])
    lr, w0 = 0.05, np.array(QUADRATIC.start)
    path = descend(SGD(lr), QUADRATIC, n_steps=30)
    expected = [np.linalg.matrix_power(np.eye(2) - lr * A, t) @ w0 for t in range(31)]
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-12)


def test_momentum_two_steps_by_hand():
    # At (0, 0) the Rosenbrock gradient is (-2, 0).
    path = descend(SGD(0.1, momentum=0.5), ROSENBROCK, n_steps=2, start=(0.0, 0.0))
    # Step 1: v = -0.1 * (-2, 0) = (0.2, 0); w = (0.2, 0).
    # Step 2: at (0.2, 0) the gradient is (-2 * 0.8 - 400 * 0.2 * (0 - 0.04), -8)
    # = (1.6, -8); v = 0.5 * (0.2, 0) - 0.1 * (1.6, -8) = (-0.06, 0.8);
    # w = (0.14, 0.8).
    np.testing.assert_allclose(path, [[0.0, 0.0], [0.2, 0.0], [0.14, 0.8]])


def test_start_is_not_modified_and_paths_have_the_right_shape():
    start = np.array([0.5, -0.5])
    path = descend(Adam(0.1), QUADRATIC, n_steps=7, start=start)
    assert path.shape == (8, 2)
    np.testing.assert_array_equal(start, [0.5, -0.5])
    np.testing.assert_array_equal(path[0], start)
    np.testing.assert_array_equal(descend(Adam(0.1), QUADRATIC, 3)[0], QUADRATIC.start)


def test_divergence_stops_the_path_early():
    # lr * 30 > 2: the steep direction grows by |1 - 30 lr| > 1 every step.
    path = descend(SGD(0.2), QUADRATIC, n_steps=500)
    assert 2 < len(path) < 501
    assert np.all(np.isfinite(path))
    assert np.linalg.norm(path[-1]) > 1e3


def test_good_optimizers_reach_the_minimum():
    for optimizer, surface, n_steps in [
        (SGD(0.01, momentum=0.9), QUADRATIC, 200),
        (Adam(0.3), ROSENBROCK, 500),
        (RMSprop(0.01), QUADRATIC, 1000),
    ]:
        path = descend(optimizer, surface, n_steps)
        np.testing.assert_allclose(path[-1], surface.minimum, atol=0.05)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("SGD", {"learning_rate": 0.001, "momentum": 0.9, "nesterov": True}),
        ("RMSprop", {"learning_rate": 0.01}),
        ("Adam", {"learning_rate": 0.1, "beta_1": 0.875, "beta_2": 1 - 2**-10}),
    ],
)
def test_same_path_as_keras(name, kwargs):
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    from scratchlearn.deep import optimizers

    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        ours = descend(getattr(optimizers, name)(**kwargs), ROSENBROCK, 40)
        w = tf.Variable(np.array(ROSENBROCK.start), dtype=tf.float64)
        theirs = [w.numpy().copy()]
        keras_optimizer = getattr(keras.optimizers, name)(**kwargs)
        for _ in range(40):
            gradient = tf.constant(ROSENBROCK.gradient(w.numpy()))
            keras_optimizer.apply_gradients([(gradient, w)])
            theirs.append(w.numpy().copy())
    finally:
        keras.config.set_floatx(previous)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9)
