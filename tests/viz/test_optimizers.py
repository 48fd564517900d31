"""Chapter 24's figures and explorers (scratchlearn.viz.optimizers): the optimizers
by name, the schedules, the race, and explorers that draw exactly the paths, losses
and learning rates of the optimizers they name, for every static setting."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import (
    SGD,
    Adam,
    Dense,
    RMSprop,
    Sequential,
    SparseCategoricalCrossentropy,
    experiments,
)
from scratchlearn.deep.surfaces import QUADRATIC, ROSENBROCK, descend
from scratchlearn.viz import optimizers as plots

RACE = {
    "optimizer": "momentum",
    "schedule": "constant",
    "momentum": 0.9,
    "surface": QUADRATIC.name,
    "steps": 100,
    "learning_rate": 0.01,
}


@pytest.fixture(scope="module")
def digits():
    X, y = datasets.digits()
    part = datasets.split(X / 16.0, y, test_size=0.5)
    return part.X_train[:200], part.y_train[:200], part.X_test, part.y_test


def test_the_static_race_explorer_draws_every_setting():
    explorer = plots.race_explorer()
    figure = explorer.static().figure
    optimizers = [name for name in experiments.OPTIMIZER_NAMES if name != "RMSprop"]
    rates = explorer.controls[-1].values
    (menu,) = figure.layout.updatemenus
    assert [button.label for button in menu.buttons] == [
        f"optimizer = {name}" for name in optimizers
    ]
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [f"{rate:g}" for rate in rates]
    # Per setting a path and its loss; shared: the contours, the minimum, and one
    # constant learning rate per slider step.
    assert len(figure.data) == 2 * len(optimizers) * len(rates) + 2 + len(rates)
    assert figure.layout.title.text.startswith("momentum, constant learning rate 0.01")
    # Live, every optimizer, schedule and surface.
    live = {control.name: control.live_values for control in explorer.controls}
    assert live["optimizer"] == experiments.OPTIMIZER_NAMES
    assert live["schedule"] == experiments.SCHEDULE_NAMES
    assert set(live["surface"]) == {QUADRATIC.name, ROSENBROCK.name}


def test_the_race_explorer_draws_the_optimizers_own_path():
    explorer = plots.race_explorer()
    # A setting only the live explorer offers: RMSprop, cosine decay, Rosenbrock.
    setting = {
        **RACE,
        "optimizer": "RMSprop",
        "schedule": "cosine",
        "surface": ROSENBROCK.name,
        "steps": 50,
        "learning_rate": 0.02,
    }
    figure = explorer.figure(**setting)
    schedule = experiments.SCHEDULES["cosine"](0.02, 50)
    path = descend(RMSprop(schedule), ROSENBROCK, 50)
    contours, minimum, walk, loss, rate = figure.data
    assert contours.type == "contour"
    np.testing.assert_allclose(np.column_stack([walk.x, walk.y]), path)
    np.testing.assert_allclose(loss.y, ROSENBROCK.value(path))
    np.testing.assert_allclose(rate.y, schedule(np.arange(50)))
    assert (minimum.x[0], minimum.y[0]) == ROSENBROCK.minimum
    assert figure.layout.xaxis.range == ROSENBROCK.x_range
    loss_after = ROSENBROCK.value(path[-1])
    assert figure.layout.title.text.endswith(f"loss after 50 steps {loss_after:.2g}")


def test_a_diverging_path_says_after_how_many_steps():
    setting = {**RACE, "optimizer": "SGD", "learning_rate": 1.0}
    figure = plots.race_explorer().figure(**setting)
    path = descend(SGD(1.0), QUADRATIC, 100)
    assert len(path) < 101
    assert figure.layout.title.text.endswith(f"diverged after {len(path) - 1} steps")


def test_the_training_explorer_draws_the_networks_own_curves(digits):
    X_train, y_train, X_val, y_val = digits
    explorer = plots.training_explorer(*digits, epochs=3)
    setting = {
        "optimizer": "Adam",
        "schedule": "step",  # live only
        "momentum": 0.9,
        "batch_size": 64,  # live only
        "learning_rate": 0.003,  # live only
    }
    figure = explorer.figure(**setting)
    model = Sequential([Dense(32, activation="relu"), Dense(10)], random_state=0)
    steps = 3 * int(np.ceil(len(X_train) / 64))
    model.compile(
        Adam(experiments.SCHEDULES["step"](0.003, steps)),
        SparseCategoricalCrossentropy(from_logits=True),
        ["accuracy"],
    )
    logs = model.fit(
        X_train, y_train, epochs=3, batch_size=64, validation_data=(X_val, y_val)
    ).history
    training, validation, rate = figure.data
    np.testing.assert_allclose(training.y, logs["loss"])
    np.testing.assert_allclose(validation.y, logs["val_loss"])
    np.testing.assert_allclose(rate.y, logs["learning_rate"])
    assert rate.y[-1] < rate.y[0]  # the step schedule has dropped
    assert figure.layout.title.text.endswith(
        f"validation {logs['val_accuracy'][-1]:.3f}"
    )


def test_the_static_training_explorer_draws_every_setting(digits):
    explorer = plots.training_explorer(*digits, epochs=2)
    figure = explorer.static().figure
    (menu,) = figure.layout.updatemenus
    assert len(menu.buttons) == len(experiments.OPTIMIZER_NAMES)
    (slider,) = figure.layout.sliders
    assert len(slider.steps) == len(explorer.controls[-1].values)
    assert figure.layout.title.text.startswith("momentum, constant learning rate 0.01")
