"""Chapter 2's explorer and pictures (scratchlearn.viz.linear_regression): every
setting is drawn, a setting draws the fits it names (closed form and gradient
descent), a diverging setting says where it diverged, and the learning-rate limit it
quotes is where descent stops converging."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.supervised import LinearRegression, experiments
from scratchlearn.supervised.linear_regression import (
    DIVERGENCE_FACTOR,
    DivergenceError,
)
from scratchlearn.viz import linear_regression as regression_plots
from scratchlearn.viz.explorer import shown_traces


@pytest.fixture(scope="module")
def halves():
    wave = datasets.noisy_wave(48)
    x, y = wave.X[:, 0], wave.y
    return x[:24], y[:24], x[24:], y[24:]


@pytest.fixture(scope="module")
def explorer(halves):
    return regression_plots.explorer(*halves, max_iter=200)


def shown(figure, entry, step):
    return [figure.data[i] for i in shown_traces(figure, entry, step)]


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    degrees = [str(degree) for degree in regression_plots.DEGREES]
    assert [step.label for step in slider.steps] == degrees
    assert slider.steps[slider.active].label == "3"
    (menu,) = figure.layout.updatemenus
    rates = [f"learning rate = {rate:g}" for rate in regression_plots.LEARNING_RATES]
    assert [button.label for button in menu.buttons] == rates
    assert menu.buttons[menu.active].label == "learning rate = 0.1"
    always = {
        "training points",
        "validation points",
        "training MSE",
        "validation MSE",
        "closed form (lstsq)",
        "gradient descent",
        "closed form's training MSE",
        "training MSE per epoch",
    }
    n_diverged = 0
    for entry, button in enumerate(menu.buttons):
        steps = button.args[1]["sliders"][0]["steps"]
        assert len(steps) == len(degrees)
        for position, step in enumerate(steps):
            traces = shown(figure, entry, position)
            names = [trace.name for trace in traces]
            assert always <= set(names)
            assert f"degree {step['label']}" in names
            if "diverged" in step["args"][1]["title.text"]:
                n_diverged += 1
                words = [trace.text[0] for trace in traces if trace.mode == "text"]
                assert "diverged" in words and "gradient descent diverged" in words
    # Some settings diverge (0.9 at high degrees), not all.
    assert 0 < n_diverged < len(degrees) * len(rates)


def test_a_live_setting_draws_both_fits(explorer, halves):
    # 0.0013 and degree 7 are offered by the live explorer only.
    assert 0.0013 in regression_plots.LIVE_LEARNING_RATES
    assert 7 in regression_plots.LIVE_DEGREES and 7 not in regression_plots.DEGREES
    x_train, y_train, x_val, y_val = halves
    figure = explorer.figure(learning_rate=0.0013, degree=7)
    traces = {trace.name: trace for trace in figure.data}
    features = experiments.polynomial_features(x_train, 7)
    grid = traces["closed form (lstsq)"].x
    lstsq = LinearRegression().fit(features(x_train), y_train)
    np.testing.assert_allclose(
        traces["closed form (lstsq)"].y, lstsq.predict(features(grid))
    )
    gd = LinearRegression(solver="gd", learning_rate=0.0013, max_iter=200)
    gd.fit(features(x_train), y_train)
    np.testing.assert_allclose(traces["gradient descent"].y, gd.predict(features(grid)))
    losses = traces["training MSE per epoch"]
    assert losses.x[0] == 0 and losses.x[-1] == 200
    np.testing.assert_allclose(losses.y[-1], gd.loss_history_[-1])
    assert losses.y[0] == pytest.approx(np.mean(y_train**2))  # all coefficients 0
    validation = np.mean((gd.predict(features(x_val)) - y_val) ** 2)
    assert f"validation {validation:.3f}" in figure.layout.title.text
    assert "learning rate 0.0013, 200 epochs" in figure.layout.title.text


def test_a_diverging_setting_says_where_it_diverged(explorer, halves):
    x_train, y_train, _, _ = halves
    features = experiments.polynomial_features(x_train, 8)
    model = LinearRegression(solver="gd", learning_rate=0.9, max_iter=200)
    with pytest.raises(DivergenceError) as caught:
        model.fit(features(x_train), y_train)
    epoch = len(caught.value.loss_history)
    figure = explorer.figure(learning_rate=0.9, degree=8)
    title = figure.layout.title.text
    assert f"diverged at epoch {epoch} " in title
    limit = experiments.largest_stable_learning_rate(features(x_train))
    assert f"2/λmax = {limit:.3f}" in title
    (gd,) = [trace for trace in figure.data if trace.name == "gradient descent"]
    assert len(gd.y) == 0
    (losses,) = [t for t in figure.data if t.name == "training MSE per epoch"]
    assert losses.y[-1] > DIVERGENCE_FACTOR * losses.y[0]  # it left the chart


def test_the_wave_is_the_chapters_curve():
    # The draws of the chapter's first version: x for training, x for validation,
    # then the noise of each, from one generator seeded with 1.
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(-3, 3, size=24), rng.uniform(-3, 3, size=24)])
    noise = np.concatenate([rng.normal(scale=0.3, size=24) for _ in range(2)])
    wave = datasets.noisy_wave(48)
    np.testing.assert_array_equal(wave.X[:, 0], x)
    np.testing.assert_array_equal(wave.y, np.sin(1.5 * x) + 0.3 * x + noise)
