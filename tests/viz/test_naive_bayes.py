"""Chapter 7's explorer and pictures (scratchlearn.viz.naive_bayes): every setting is
drawn, the regions are the model's predictions, the prior of one class moves the
boundaries but not the Gaussians, and the ellipses are the Gaussians' contours."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.supervised import GaussianNB, experiments
from scratchlearn.viz import naive_bayes as naive_bayes_plots
from scratchlearn.viz.figures import predicted_regions

CULTIVARS = ["cultivar 1", "cultivar 2", "cultivar 3"]


@pytest.fixture(scope="module")
def halves():
    wine = datasets.wine()
    parts = datasets.split(wine.X[:, [0, 6]], wine.y, test_size=0.5)
    return parts.X_train, parts.y_train, parts.X_test, parts.y_test


@pytest.fixture(scope="module")
def explorer(halves):
    return naive_bayes_plots.explorer(*halves, class_names=CULTIVARS, resolution=20)


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [
        f"{prior:g}" for prior in naive_bayes_plots.PRIORS
    ]
    assert slider.steps[slider.active].label == "0.4"  # cultivar 2's share
    (menu,) = figure.layout.updatemenus
    assert [button.label for button in menu.buttons] == [
        f"var_smoothing = {value:g}"  # the one-valued class unsaid
        for value in naive_bayes_plots.SMOOTHINGS
    ]
    for button in menu.buttons:
        assert len(button.args[1]["sliders"][0]["steps"]) == len(
            naive_bayes_plots.PRIORS
        )
    n_settings = len(naive_bayes_plots.PRIORS) * len(naive_bayes_plots.SMOOTHINGS)
    heatmaps = [trace for trace in figure.data if trace.type == "heatmap"]
    assert len(heatmaps) == n_settings
    # A prior does not change the Gaussians: the ellipses of one var_smoothing are
    # the same for every prior, stored once.
    ellipses = [trace for trace in figure.data if "std" in (trace.name or "")]
    assert len(ellipses) == len(CULTIVARS) * len(naive_bayes_plots.SMOOTHINGS)


def test_a_live_setting_draws_that_models_regions(explorer, halves):
    # cultivar 1, var_smoothing 0.0178 and prior 0.33 are offered live only.
    X_train, y_train, X_val, y_val = halves
    figure = explorer.figure(class_name="cultivar 1", var_smoothing=0.0178, prior=0.33)
    counts = np.bincount(y_train)
    priors = experiments.priors_with(counts, 0, 0.33)
    model = GaussianNB(priors=priors, var_smoothing=0.0178).fit(X_train, y_train)
    _, _, expected = predicted_regions(model, X_train, resolution=20)
    (heatmap,) = [trace for trace in figure.data if trace.type == "heatmap"]
    np.testing.assert_array_equal(np.asarray(heatmap.z), expected)
    assert f"cultivar 1 0.33, cultivar 2 {priors[1]:.2f}" in figure.layout.title.text
    assert f"validation {model.score(X_val, y_val):.3f}" in figure.layout.title.text
    assert {0.0178, 0.33} <= {
        value
        for control in explorer.controls
        for value in control.live_values
        if value not in control.values
    }


def test_the_ellipses_are_contours_at_one_and_two_standard_deviations(halves):
    X_train, y_train, _, _ = halves
    model = GaussianNB().fit(X_train, y_train)
    lines = naive_bayes_plots.ellipse_lines(model, n_points=30)
    assert len(lines) == len(model.classes_)
    for (xs, ys), mean, variance in zip(lines, model.theta_, model.var_, strict=True):
        points = np.column_stack([xs, ys])  # (2 * (30 + 1), 2), NaN between ellipses
        assert np.isnan(points[30]).all() and np.isnan(points[-1]).all()
        distance = np.sum((points - mean) ** 2 / variance, axis=1)  # squared, in stds
        np.testing.assert_allclose(distance[:30], 1.0)
        np.testing.assert_allclose(distance[31:61], 4.0)
