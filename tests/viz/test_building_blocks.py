"""Chapter 23's explorer network (scratchlearn.viz.building_blocks): it learns the
moons, and a learning rate too large to train with is reported, not raised."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

from scratchlearn.viz import building_blocks as blocks


@pytest.fixture(scope="module")
def moons():
    X_train, y_train = make_moons(200, noise=0.2, random_state=0)
    X_val, y_val = make_moons(200, noise=0.2, random_state=1)
    return X_train, y_train, X_val, y_val


SETTING = {"hidden_units": 16, "activation": "tanh", "batch_size": 32}


def test_the_explorer_network_learns_the_moons(moons):
    _, history = blocks.train_network(*moons, **SETTING, learning_rate=0.3, epochs=60)
    # A straight line (logistic regression) scores 0.86 here; the hidden layer must
    # bend the boundary to do better.
    assert history.history["val_accuracy"][-1] > 0.88
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_a_diverging_run_returns_no_history(moons):
    # ReLU units are unbounded: at this rate the logits overflow to inf and NaN.
    setting = {**SETTING, "activation": "relu"}
    with np.errstate(over="ignore", invalid="ignore"):
        _, history = blocks.train_network(
            *moons, **setting, learning_rate=1e6, epochs=5
        )
    assert history is None


def test_probability_grid_is_a_probability_over_the_grid(moons):
    X_train = moons[0]
    model = blocks.moons_network(4, "relu").build((None, 2))
    xs, ys, probability = blocks.probability_grid(model, X_train, resolution=30)
    assert probability.shape == (len(ys), len(xs)) == (30, 30)
    assert np.all((probability >= 0) & (probability <= 1))
