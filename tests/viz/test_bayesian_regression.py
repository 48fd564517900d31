"""Chapter 4's explorer and pictures (scratchlearn.viz.bayesian_regression): every
setting is drawn, a setting draws the posterior of that model fitted to the first
n points, and the chapter's line is datasets.noisy_line's numbers on [0, 4]."""

import numpy as np
import pytest

from scratchlearn.supervised import BayesianLinearRegression, experiments
from scratchlearn.viz import bayesian_regression as bayes_plots
from scratchlearn.viz.explorer import shown_traces


@pytest.fixture(scope="module")
def explorer():
    return bayes_plots.explorer()


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [
        str(n) for n in experiments.N_POINTS
    ]
    assert slider.steps[slider.active].label == "5"
    (menu,) = figure.layout.updatemenus
    # The noise level has one static value: the menu leaves it out.
    assert [button.label for button in menu.buttons] == [
        f"prior precision = {prior:g}" for prior in bayes_plots.PRIORS
    ]
    assert menu.buttons[menu.active].label == "prior precision = 1"
    names = [trace.name for trace in figure.data]
    for entry, button in enumerate(menu.buttons):
        steps = button.args[1]["sliders"][0]["steps"]
        assert len(steps) == len(experiments.N_POINTS)
        for position in range(len(steps)):  # each: one of each picture
            shown = [names[i] for i in shown_traces(figure, entry, position)]
            assert sorted(shown) == sorted([*bayes_plots.STYLES, "observed points"])
    # Shared, so stored once: the true line; the prior of each prior precision;
    # the points of each n (the same for every prior).
    assert names.count("true line") == 1
    assert names.count("prior of w") == len(bayes_plots.PRIORS)
    assert names.count("observed points") == len(experiments.N_POINTS)


def test_a_live_setting_draws_that_models_posterior(explorer):
    # prior precision 0.398 and noise std 0.3 are offered by the live explorer only.
    assert 0.398 in bayes_plots.LIVE_PRIORS and 0.3 in bayes_plots.LIVE_NOISE_STDS
    figure = explorer.figure(prior_precision=0.398, noise_std=0.3, n_points=20)
    traces = {trace.name: trace for trace in figure.data}
    x, y = experiments.line_data(0.3)
    model = BayesianLinearRegression(prior_precision=0.398, noise_precision=1 / 0.09)
    model.fit(x[:20, np.newaxis], y[:20])
    np.testing.assert_array_equal(traces["observed points"].x, x[:20])
    grid = experiments.GRID[:, np.newaxis]
    low, high = model.predict_interval(grid, level=0.9, include_noise=False)
    band = traces["90% band of the line"]
    np.testing.assert_allclose(band.x, np.r_[experiments.GRID, experiments.GRID[::-1]])
    np.testing.assert_allclose(band.y, np.r_[high, low[::-1]])
    lower, upper = model.predict_interval(grid, level=0.9)
    predictive = np.asarray(traces["90% predictive"].y)
    np.testing.assert_allclose(predictive, np.r_[lower, np.nan, upper])
    np.testing.assert_allclose(traces["posterior mean"].y, model.predict(grid[[0, -1]]))
    # The posterior of the slope: a Normal at the model's slope, with its std.
    posterior = traces["posterior of w"]
    std = np.sqrt(model.covariance_[0, 0])
    assert posterior.x[np.argmax(posterior.y)] == pytest.approx(model.coef_[0])
    assert np.max(posterior.y) == pytest.approx(1 / (std * np.sqrt(2 * np.pi)))
    assert f"slope {model.coef_[0]:.2f} ± {std:.2f}" in figure.layout.title.text
    prior = traces["prior of w"]
    assert prior.x[np.argmax(prior.y)] == 0
    assert np.max(prior.y) == pytest.approx(np.sqrt(0.398 / (2 * np.pi)))


def test_the_drawn_lines_are_the_models_posterior_draws():
    setting = experiments.explore(3, prior_precision=1.0, noise_std=1.0)
    x, y = bayes_plots.pieces(setting)["posterior draws"]
    assert np.isnan(x[2::3]).all() and np.isnan(y[2::3]).all()  # breaks between lines
    ends = experiments.GRID[[0, -1]]
    np.testing.assert_array_equal(x.reshape(-1, 3)[:, :2], np.tile(ends, (20, 1)))
    np.testing.assert_array_equal(y.reshape(-1, 3)[:, :2], setting.draws)
