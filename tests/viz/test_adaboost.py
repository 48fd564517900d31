"""Chapter 12's explorer and figures (scratchlearn.viz.adaboost): every setting is
drawn, what it draws after ``n`` rounds (kept from one longer run) is what
``n_estimators=n`` trains, and the sample weights are those of the boosting loop."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.supervised import AdaBoostClassifier
from scratchlearn.viz import adaboost as boost_plots
from scratchlearn.viz.figures import predicted_regions


@pytest.fixture(scope="module")
def halves():
    X, y = datasets.gaussian_quantiles(200, n_classes=3, random_state=1)
    parts = datasets.split(X, y, test_size=0.5)
    return parts.X_train, parts.y_train, parts.X_test, parts.y_test


@pytest.fixture(scope="module")
def explorer(halves):
    return boost_plots.explorer(*halves, resolution=30)


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    depths, rates, sizes = (control.values for control in explorer.controls)
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [str(n) for n in sizes]
    (menu,) = figure.layout.updatemenus
    assert len(menu.buttons) == len(depths) * len(rates) == 6
    assert menu.buttons[menu.active].label == "max_depth = 2, learning_rate = 1"
    for button in menu.buttons:
        assert len(button.args[1]["sliders"][0]["steps"]) == len(sizes)
    shown = [trace for trace in figure.data if trace.visible]
    assert {trace.xaxis or "x" for trace in shown} == {"x", "x2"}


@pytest.mark.parametrize("n_estimators", [1, 17])
def test_a_setting_draws_the_ensemble_of_that_many_rounds(
    explorer, halves, n_estimators
):
    # learning_rate 0.3, max_depth 3 and 17 rounds are the live explorer's only.
    X_train, y_train, X_test, y_test = halves
    setting = {"learning_rate": 0.3, "max_depth": 3}
    figure = explorer.figure(**setting, n_estimators=n_estimators)
    model = AdaBoostClassifier(n_estimators, **setting).fit(X_train, y_train)
    _, _, expected = predicted_regions(model, X_train, resolution=30)
    (heatmap,) = [trace for trace in figure.data if trace.type == "heatmap"]
    np.testing.assert_array_equal(np.asarray(heatmap.z), expected)
    curves = {trace.name: trace.y for trace in figure.data if trace.xaxis == "x2"}
    last = n_estimators - 1
    assert len(curves["test error"]) == boost_plots.MAX_ROUNDS
    assert curves["test error"][last] == pytest.approx(1 - model.score(X_test, y_test))
    assert curves["training error"][last] == pytest.approx(
        1 - model.score(X_train, y_train)
    )
    (line,) = figure.layout.shapes  # marks the chosen number of rounds
    assert line.x0 == line.x1 == n_estimators


def test_an_early_stop_stands_in_for_later_rounds():
    # Separable by one stump: round 1 is perfect and boosting stops.
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [3.0, 1.0]])
    y = np.array([0, 0, 1, 1])
    explorer = boost_plots.explorer(X, y, X, y, resolution=10)
    figure = explorer.figure(max_depth=1, learning_rate=1.0, n_estimators=30)
    assert "after 1 round(s), training error 0.000" in figure.layout.title.text
    assert figure.layout.shapes[0].x0 == 1
