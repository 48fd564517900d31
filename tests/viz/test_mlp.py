"""Chapter 25's explorer (scratchlearn.viz.mlp): every setting is drawn, what it
draws is the training history of that network, and each setting trains once."""

import dataclasses

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import experiments
from scratchlearn.deep.mlp import train_mlp
from scratchlearn.viz import mlp as mlp_plots

# A small network on a few digits, so that the 18 static settings train in seconds.
CONFIG = dataclasses.replace(mlp_plots.EXPLORER_CONFIG, hidden_units=(16,), epochs=3)
START = {
    "batch_norm": "on",
    "optimizer": "Adam",
    "learning_rate": mlp_plots.PER_OPTIMIZER,
    "batch_size": 32,
    "schedule": "constant",
    "dropout": 0.2,
}


@pytest.fixture(scope="module")
def data():
    X, y = datasets.digits()
    X_fit, X_val, y_fit, y_val = X[:200] / 16.0, X[200:300] / 16.0, y[:200], y[200:300]
    return X_fit, y_fit, X_val, y_val


@pytest.fixture(scope="module")
def explorer(data):
    return mlp_plots.explorer(*data, config=CONFIG)


def curves(figure):
    """{(panel, curve name): y values} of a figure's visible traces."""
    return {
        (trace.xaxis or "x", trace.name): np.asarray(trace.y)
        for trace in figure.data
        if trace.visible is not False
    }


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == ["0", "0.2", "0.5"]
    (menu,) = figure.layout.updatemenus
    assert len(menu.buttons) == 2 * 3
    # Controls with one static value (learning rate, batch size, schedule) are
    # left out of the menu's labels.
    assert menu.buttons[0].label == "batch norm = on, optimizer = SGD + momentum"
    for button in menu.buttons:
        steps = button.args[1]["sliders"][0]["steps"]
        assert len(steps) == 3
        for step in steps:  # training and validation, in each of the two panels
            assert sum(step["args"][0]["visible"]) == 4
    assert set(curves(figure)) == {
        (axis, name) for axis in ("x", "x2") for name in ("training", "validation")
    }


def test_a_setting_draws_the_history_of_its_network(explorer, data):
    # SGD, batch size 64, the cosine schedule and dropout 0.1 are live-only values.
    setting = {
        **START,
        "optimizer": "SGD",
        "learning_rate": 0.3,
        "batch_size": 64,
        "schedule": "cosine",
        "dropout": 0.1,
    }
    figure = explorer.figure(**setting)
    config = dataclasses.replace(
        CONFIG,
        optimizer="sgd",
        learning_rate=0.3,
        batch_size=64,
        schedule="cosine",
        dropout=0.1,
    )
    X_fit, y_fit, X_val, y_val = data
    _, history = train_mlp(config, X_fit, y_fit, (X_val, y_val))
    drawn = curves(figure)
    for axis, key in (("x", "loss"), ("x2", "accuracy")):
        np.testing.assert_allclose(drawn[axis, "training"], history[key])
        np.testing.assert_allclose(drawn[axis, "validation"], history[f"val_{key}"])
    assert figure.layout.title.text == (
        f"SGD at learning rate 0.3: validation accuracy "
        f"{history['val_accuracy'][-1]:.3f}, loss {history['val_loss'][-1]:.3f}"
    )


@pytest.mark.parametrize("optimizer", list(mlp_plots.OPTIMIZERS))
def test_per_optimizer_is_the_learning_rate_that_suits_it(explorer, optimizer):
    _, rate = mlp_plots.OPTIMIZERS[optimizer]
    setting = {**START, "optimizer": optimizer}
    per_optimizer = explorer.figure(**setting)
    explicit = explorer.figure(**{**setting, "learning_rate": rate})
    assert per_optimizer.layout.title.text == explicit.layout.title.text
    assert f"at learning rate {rate:g}:" in per_optimizer.layout.title.text


def test_each_setting_trains_once(data, monkeypatch):
    trained = []

    def counted(config, *args, **kwargs):
        trained.append(config)
        return train_mlp(config, *args, **kwargs)

    monkeypatch.setattr(experiments, "train_mlp", counted)
    explorer = mlp_plots.explorer(*data, config=CONFIG)
    explorer.figure(**START)
    explorer.static()
    assert len(trained) == len(set(trained)) == 2 * 3 * 3
    explorer.figure(**START)  # the live explorer's first redraw, again
    explorer.figure(**{**START, "dropout": 0.5, "batch_norm": "off"})
    assert len(trained) == 18
