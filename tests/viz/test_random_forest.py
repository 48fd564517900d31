"""Chapter 11's explorer (scratchlearn.viz.random_forest): every setting is drawn,
and what it draws for ``n`` trees (kept from one larger forest) is what a forest of
``n`` trees predicts and scores."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.supervised import RandomForestClassifier
from scratchlearn.viz import random_forest as forest_plots
from scratchlearn.viz.figures import predicted_regions


@pytest.fixture(scope="module")
def halves():
    X, y = datasets.moons(160, noise=0.3, random_state=0)
    parts = datasets.split(X, y, test_size=0.5)
    return parts.X_train, parts.y_train, parts.X_test, parts.y_test


@pytest.fixture(scope="module")
def explorer(halves):
    return forest_plots.explorer(*halves, resolution=30)


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    features, depths, sizes = (control.values for control in explorer.controls)
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [str(n) for n in sizes]
    (menu,) = figure.layout.updatemenus
    assert len(menu.buttons) == len(features) * len(depths) == 4
    assert menu.buttons[0].label == "max_features = 1, max_depth = None"
    for button in menu.buttons:
        assert len(button.args[1]["sliders"][0]["steps"]) == len(sizes)
    shown = [trace for trace in figure.data if trace.visible]
    assert {trace.xaxis or "x" for trace in shown} == {"x", "x2"}


@pytest.mark.parametrize("n_estimators", [1, 23])
def test_a_setting_draws_the_forest_of_that_many_trees(explorer, halves, n_estimators):
    # max_depth 5 and 23 trees are offered by the live explorer only.
    X_train, y_train, X_test, y_test = halves
    figure = explorer.figure(max_features=2, max_depth=5, n_estimators=n_estimators)
    forest = RandomForestClassifier(
        n_estimators, max_features=2, max_depth=5, random_state=0
    ).fit(X_train, y_train)
    _, _, expected = predicted_regions(forest, X_train, resolution=30)
    (heatmap,) = [trace for trace in figure.data if trace.type == "heatmap"]
    np.testing.assert_array_equal(np.asarray(heatmap.z), expected)
    curves = {trace.name: trace.y for trace in figure.data if trace.xaxis == "x2"}
    test_curve = curves[forest_plots.TEST_LABEL]
    assert len(test_curve) == forest_plots.MAX_TREES
    assert test_curve[n_estimators - 1] == pytest.approx(forest.score(X_test, y_test))
    (line,) = figure.layout.shapes  # marks the chosen number of trees
    assert line.x0 == line.x1 == n_estimators
    assert f"test accuracy {forest.score(X_test, y_test):.3f}" in (
        figure.layout.title.text
    )


def test_the_explorer_grows_each_forest_once(halves, monkeypatch):
    # Moving n_estimators redraws from the kept forest, refitting nothing: the
    # live explorer's slider stays fast.
    fits = []
    original = RandomForestClassifier.fit

    def counted(self, X, y):
        fits.append(self.n_estimators)
        return original(self, X, y)

    monkeypatch.setattr(RandomForestClassifier, "fit", counted)
    explorer = forest_plots.explorer(*halves, resolution=10)
    for n in (1, 5, 30, 60):
        explorer.figure(max_features=1, max_depth=3, n_estimators=n)
    explorer.figure(max_features=2, max_depth=3, n_estimators=5)
    assert fits == [forest_plots.MAX_TREES] * 2
