"""Chapter 23's explorer network (scratchlearn.viz.building_blocks): it learns the
moons, a learning rate too large to train with is reported, not raised, and the
explorer draws the network's own probabilities and losses for every setting."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import activations, experiments
from scratchlearn.viz import building_blocks as blocks
from scratchlearn.viz.figures import grid_over


@pytest.fixture(scope="module")
def moons():
    X_train, y_train = datasets.moons(200, noise=0.2, random_state=0)
    X_val, y_val = datasets.moons(200, noise=0.2, random_state=1)
    return X_train, y_train, X_val, y_val


SETTING = {"hidden_units": 16, "activation": "tanh", "batch_size": 32}


def test_the_explorer_network_learns_the_moons(moons):
    _, history = experiments.train_network(
        *moons, **SETTING, learning_rate=0.3, epochs=60
    )
    # A straight line (logistic regression) scores 0.86 here; the hidden layer must
    # bend the boundary to do better.
    assert history.history["val_accuracy"][-1] > 0.88
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_a_diverging_run_returns_no_history(moons):
    # ReLU units are unbounded: at this rate the logits overflow to inf and NaN.
    setting = {**SETTING, "activation": "relu"}
    with np.errstate(over="ignore", invalid="ignore"):
        _, history = experiments.train_network(
            *moons, **setting, learning_rate=1e6, epochs=5
        )
    assert history is None


def test_probability_grid_is_a_probability_over_the_grid(moons):
    X_train = moons[0]
    model = experiments.moons_network(4, "relu").build((None, 2))
    xs, ys, probability = blocks.probability_grid(model, X_train, resolution=30)
    assert probability.shape == (len(ys), len(xs)) == (30, 30)
    assert np.all((probability >= 0) & (probability <= 1))


@pytest.fixture
def quick(monkeypatch):
    """Explorers whose runs are 5 epochs long, so that every setting trains fast."""
    monkeypatch.setitem(blocks.CHOICES, "epochs", ("epochs", 5, [5], [5, 10]))


@pytest.mark.parametrize(
    "vary", [("activation", "hidden_units"), ("batch_size", "learning_rate")]
)
def test_the_static_explorer_draws_every_setting(moons, quick, vary):
    explorer = blocks.explorer(*moons, vary=vary)
    figure = explorer.static().figure
    menu_values, slider_values = (blocks.CHOICES[name][2] for name in vary)
    (menu,) = figure.layout.updatemenus
    label = blocks.CHOICES[vary[0]][0]
    assert [b.label for b in menu.buttons] == [f"{label} = {v}" for v in menu_values]
    (slider,) = figure.layout.sliders
    assert [float(step.label) for step in slider.steps] == slider_values
    # Every setting has its map and its two loss curves; the points are shared.
    assert len(figure.data) == 3 * len(menu_values) * len(slider_values) + 2
    # The others stay at the first figure's network; live, each offers its values.
    title = "16 tanh units, lr 0.3, batch 32, 5 epochs: train accuracy"
    assert figure.layout.title.text.startswith(title)
    for control in explorer.controls:
        label, start, values, live_values = blocks.CHOICES[control.name]
        assert control.first == start
        assert control.values == tuple(values if control.name in vary else [start])
        assert control.live_values == tuple(live_values or values)


def test_the_figure_shows_the_networks_probabilities_and_losses(moons):
    setting = {**SETTING, "learning_rate": 0.1, "epochs": 20}
    model, history = experiments.train_network(*moons, **setting)
    explorer = blocks.explorer(*moons)
    # 3 hidden units and 20 epochs: values only the live explorer offers.
    figure = explorer.figure(**{**setting, "hidden_units": 3})
    assert "3 tanh units" in figure.layout.title.text
    figure = explorer.figure(**setting)
    contour, *points, training, validation = figure.data
    xs, ys, grid = grid_over(moons[0], 30)
    # The map covers the grid, point by point, shaded from 0 to 100 percent.
    np.testing.assert_allclose(contour.x0 + contour.dx * np.arange(30), xs)
    np.testing.assert_allclose(contour.y0 + contour.dy * np.arange(30), ys)
    assert (figure.layout.coloraxis.cmin, figure.layout.coloraxis.cmax) == (0, 100)
    probability = activations.softmax(model.predict(grid, batch_size=len(grid)))[:, 1]
    shown = np.asarray(contour.z, dtype=float).ravel() / 100
    np.testing.assert_allclose(shown, probability, atol=0.005)
    # The shades say which moon the network predicts: above one half, the second.
    predicted = model.predict(grid, batch_size=len(grid)).argmax(axis=1)
    sure = np.abs(probability - 0.5) > 0.01
    np.testing.assert_array_equal((shown > 0.5)[sure], predicted[sure] == 1)
    np.testing.assert_allclose(training.y, history.history["loss"])
    np.testing.assert_allclose(validation.y, history.history["val_loss"])
    assert [trace.name for trace in points] == ["moon 0", "moon 1"]


def test_a_diverging_setting_draws_the_points_and_says_so(moons):
    explorer = blocks.explorer(*moons)
    setting = {**SETTING, "activation": "relu", "learning_rate": 1e6, "epochs": 5}
    with np.errstate(over="ignore", invalid="ignore"):
        figure = explorer.figure(**setting)
    assert figure.layout.title.text.endswith("diverged (NaN)")
    assert [trace.name for trace in figure.data] == ["moon 0", "moon 1"]
