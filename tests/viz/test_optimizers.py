"""Chapter 24's figures and explorers (scratchlearn.viz.optimizers): the optimizers
by name, the schedules, the race, and explorers that draw exactly the paths, losses
and learning rates of the optimizers they name, for every static setting."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import (
    SGD,
    Adadelta,
    Adagrad,
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


def test_each_name_makes_its_optimizer():
    made = {
        name: experiments.make_optimizer(name, 0.1, 0.8)
        for name in experiments.OPTIMIZERS
    }
    assert [type(made[name]) for name in ("SGD", "momentum", "Nesterov")] == [SGD] * 3
    assert (made["SGD"].momentum, made["SGD"].nesterov) == (0.0, False)
    assert (made["momentum"].momentum, made["momentum"].nesterov) == (0.8, False)
    assert (made["Nesterov"].momentum, made["Nesterov"].nesterov) == (0.8, True)
    adaptive = [Adagrad, Adadelta, RMSprop, Adam]
    assert [type(made[n]) for n in experiments.OPTIMIZER_NAMES[3:]] == adaptive
    with pytest.raises(ValueError, match="Unknown optimizer"):
        experiments.make_optimizer("adam", 0.1)


def test_the_schedules_decay_as_described():
    steps = np.arange(100)
    assert experiments.SCHEDULES["constant"](0.4, 100) == 0.4
    step = experiments.SCHEDULES["step"](0.4, 100)(steps)  # halved every 25 steps
    np.testing.assert_allclose(step[[0, 24, 25, 50, 99]], [0.4, 0.4, 0.2, 0.1, 0.05])
    exponential = experiments.SCHEDULES["exponential"](0.4, 100)(np.array([0, 50, 100]))
    np.testing.assert_allclose(exponential, [0.4, 0.04, 0.004])
    cosine = experiments.SCHEDULES["cosine"](0.4, 100)(np.array([0, 50, 100]))
    np.testing.assert_allclose(cosine, [0.4, 0.2, 0.0], atol=1e-12)


def test_the_race_runs_every_optimizer_at_its_learning_rate():
    for surface in (QUADRATIC, ROSENBROCK):
        paths = experiments.race(surface)
        assert list(paths) == list(experiments.OPTIMIZER_NAMES)
        rate = experiments.RACE_LEARNING_RATES[surface.name]["Adam"]
        n_steps = experiments.RACE_STEPS[surface.name]
        expected = descend(Adam(rate), surface, n_steps)
        np.testing.assert_array_equal(paths["Adam"], expected)
        assert all(len(path) == n_steps + 1 for path in paths.values())


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
