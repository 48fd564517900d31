"""Chapter 6's explorer and pictures (scratchlearn.viz.perceptron): every setting is
drawn, an update's picture is that update's weights (the shaded region is where they
predict class 1), the replay repeats the perceptron's own training, and the data's
margin is what it says."""

import numpy as np
import pytest
from matplotlib.path import Path

from scratchlearn import datasets
from scratchlearn.supervised import Perceptron, experiments
from scratchlearn.supervised.perceptron import geometric_margin
from scratchlearn.viz import perceptron as perceptron_plots
from scratchlearn.viz.explorer import shown_traces


@pytest.fixture(scope="module")
def explorer():
    return perceptron_plots.explorer()


def replay_of(margin, **settings):
    data = datasets.separable(60, margin=margin)
    X, y, true_coef, true_intercept = data.X, data.y, data.coef, data.intercept
    return X, y, experiments.replay(X, y, true_coef, true_intercept, **settings)


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    last = max(replay_of(m, max_iter=100)[2].n_updates for m in (0.3, 0.1, 0.03))
    updates = [*range(15), 20, 30, 40, last]
    assert last == 47
    assert [step.label for step in slider.steps] == [str(u) for u in updates]
    assert slider.steps[slider.active].label == "0"
    (menu,) = figure.layout.updatemenus
    # The learning rate and max_iter have one static value: the menu names margins.
    labels = [f"margin = {margin:g}" for margin in perceptron_plots.MARGINS]
    assert [button.label for button in menu.buttons] == labels
    assert menu.buttons[menu.active].label == "margin = 0.1"
    for entry, (margin, button) in enumerate(
        zip(perceptron_plots.MARGINS, menu.buttons, strict=True)
    ):
        _, _, history = replay_of(margin, max_iter=100)
        steps = button.args[1]["sliders"][0]["steps"]
        assert len(steps) == len(updates)
        for position, (update, step) in enumerate(zip(updates, steps, strict=True)):
            traces = [figure.data[i] for i in shown_traces(figure, entry, position)]
            assert len(traces) == 7  # region, 2 classes, true line, ring, 2 curves
            # The red point on the error curve is at the update shown (the last
            # one for a step beyond the end of training).
            (now,) = [t for t in traces if t.xaxis == "x2" and len(t.x) == 1]
            shown = min(update, history.n_updates)
            assert (now.x[0], now.y[0]) == (shown, history.errors[shown])
            title = step["args"][1]["title.text"]
            assert title.startswith(f"margin {margin:g}: ")
            assert ("start" if shown == 0 else f"update {shown} of") in title


def test_a_live_setting_draws_that_training(explorer):
    # A learning rate of 0.13, max_iter 3 and margin 0.01 are offered live only.
    assert 0.13 in perceptron_plots.LIVE_LEARNING_RATES
    assert 3 in perceptron_plots.LIVE_MAX_ITER
    assert 0.01 in perceptron_plots.LIVE_MARGINS
    figure = explorer.figure(learning_rate=0.13, max_iter=3, margin=0.01, update=9)
    X, _, history = replay_of(0.01, learning_rate=0.13, max_iter=3)
    assert history.n_epochs == 3 and not history.converged
    title = figure.layout.title.text
    assert "stopped after max_iter = 3 epochs" in title
    assert f"update 9 of {history.n_updates}" in title
    (ring,) = [t for t in figure.data if t.mode == "markers" and t.marker.size == 16]
    np.testing.assert_allclose([ring.x[0], ring.y[0]], X[history.samples[8]])
    # The learning rate scales the weights and nothing else.
    _, _, unit = replay_of(0.01, max_iter=3)
    np.testing.assert_allclose(history.weights, 0.13 * unit.weights)
    np.testing.assert_array_equal(history.errors, unit.errors)


@pytest.mark.parametrize("update", [1, 5, 14])
def test_the_shaded_region_is_where_the_weights_predict_class_1(explorer, update):
    figure = explorer.figure(learning_rate=1.0, max_iter=100, margin=0.1, update=update)
    (region,) = [trace for trace in figure.data if trace.fill == "toself"]
    _, _, history = replay_of(0.1, max_iter=100)
    w1, w2, b = history.weights[update]
    grid = np.random.default_rng(0).uniform(-2.2, 2.2, size=(500, 2))
    scores = grid @ [w1, w2] + b
    grid, scores = grid[np.abs(scores) > 1e-6], scores[np.abs(scores) > 1e-6]
    inside = Path(np.column_stack([region.x, region.y])).contains_points(grid)
    np.testing.assert_array_equal(inside, scores > 0)


def test_the_replay_is_the_perceptrons_training():
    X, y, history = replay_of(0.03, max_iter=100)
    assert history.converged and history.errors[-1] == 0
    # The epochs are those of Perceptron itself with the same seed and order.
    model = Perceptron(random_state=0, tol=None).fit(X, y)
    assert model.n_updates_ == history.n_updates
    np.testing.assert_allclose(model.coef_[0], history.weights[-1, :2])
    # errors[t] counts the samples the weights after t updates get wrong.
    y_signed = np.where(y == 1, 1.0, -1.0)
    for t in (0, 7, history.n_updates):
        w1, w2, b = history.weights[t]
        assert history.errors[t] == np.sum(y_signed * (X @ [w1, w2] + b) <= 0)
    assert history.n_updates <= history.bound


@pytest.mark.parametrize("margin", [0.3, 0.03])
def test_the_data_have_exactly_the_margin_asked(margin):
    data = datasets.separable(60, margin=margin)
    X, y, u, c = data.X, data.y, data.coef, data.intercept
    distances = np.where(y == 1, 1.0, -1.0) * (X @ u + c)
    for label in (0, 1):
        assert distances[y == label].min() == pytest.approx(margin)
    assert geometric_margin(X, np.where(y == 1, 1.0, -1.0), u, c) > 0
    # Another margin moves the same points along u only.
    X_other, y_other = datasets.separable(60, margin=0.1)
    np.testing.assert_array_equal(y_other, y)
    moved = X_other - X
    np.testing.assert_allclose(moved - np.outer(moved @ u, u), 0, atol=1e-12)
