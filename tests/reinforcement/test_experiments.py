"""scratchlearn.reinforcement.experiments: the runs and computations behind the book's
pictures."""

import numpy as np

from scratchlearn.reinforcement import experiments

# --- the pictures of tests/viz/test_dqn.py


def test_moving_average_by_brute_force():
    values = np.random.default_rng(0).integers(0, 500, 57).astype(float)
    expected = [values[max(0, i - 19) : i + 1].mean() for i in range(57)]
    np.testing.assert_allclose(experiments.moving_average(values, 20), expected)
