"""Chapter 13's pictures (scratchlearn.viz.gradient_boosting): the explorer draws every
setting, its curves are the models' own predictions and errors, and moving the
slider over the trees never refits."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.supervised import GradientBoostingRegressor, experiments
from scratchlearn.viz import gradient_boosting as boosting_plots


@pytest.fixture(scope="module")
def wave():
    X_train, y_train = datasets.noisy_curve(60, noise=0.25, low=0.0, high=6.0)
    X_test, y_test = datasets.noisy_curve(30, noise=0.25, high=6.0, random_state=1)
    return X_train, y_train, X_test, y_test


@pytest.fixture(scope="module")
def explorer(wave):
    return boosting_plots.explorer(*wave, max_trees=20, resolution=40)


def test_static_explorer_has_every_setting(explorer):
    figure = explorer.static().figure
    *menu_controls, trees = explorer.controls
    combinations = np.prod([len(control.values) for control in menu_controls])
    assert trees.values == (1, 2, 5, 10, 20)  # the values up to max_trees
    assert len(figure.layout.updatemenus[0].buttons) == combinations == 3 * 2
    assert len(figure.layout.sliders[0].steps) == len(trees.values)
    for button in figure.layout.updatemenus[0].buttons:
        steps = button.args[1]["sliders"][0]["steps"]
        assert [step["label"] for step in steps] == ["1", "2", "5", "10", "20"]


def test_curves_are_the_models_predictions_and_errors(wave):
    X_train, y_train, X_test, y_test = wave
    explorer = boosting_plots.explorer(*wave, max_trees=20, resolution=40)
    # Live-only values: a rate, a depth, a subsample and a number of trees the
    # static figure does not precompute.
    setting = dict(learning_rate=0.1, max_depth=3, subsample=0.7, n_estimators=13)
    figure = explorer.figure(**setting)
    traces = {trace.name: trace for trace in figure.data}
    # The model of 13 trees is the first 13 trees of the explorer's 20.
    model = GradientBoostingRegressor(
        n_estimators=13, learning_rate=0.1, max_depth=3, subsample=0.7, random_state=0
    ).fit(X_train, y_train)
    line = traces["model"]
    grid = np.linspace(X_train.min(), X_train.max(), 40)
    np.testing.assert_allclose(line.x0 + line.dx * np.arange(40), grid)
    np.testing.assert_allclose(line.y, model.predict(grid[:, np.newaxis]))
    test_mse = np.mean((y_test - model.predict(X_test)) ** 2)
    assert traces["test MSE"].y[12] == pytest.approx(test_mse)
    train_mse = np.mean((y_train - model.predict(X_train)) ** 2)
    assert traces["training MSE"].y[12] == pytest.approx(train_mse)
    assert f"test MSE {test_mse:.3f}" in figure.layout.title.text
    assert figure.layout.shapes[0].x0 == 13  # the dotted line at the chosen trees


def test_moving_the_tree_slider_does_not_refit(wave, monkeypatch):
    fits = []

    class Counting(GradientBoostingRegressor):
        def fit(self, X, y):
            fits.append(self.learning_rate)
            return super().fit(X, y)

    monkeypatch.setattr(experiments, "GradientBoostingRegressor", Counting)
    explorer = boosting_plots.explorer(*wave, max_trees=20, resolution=40)
    setting = dict(learning_rate=0.3, max_depth=2, subsample=1.0)
    for n in (1, 7, 20, 3):
        explorer.figure(**setting, n_estimators=n)
    assert fits == [0.3]  # one fit of 20 trees serves every number of trees
    explorer.figure(**{**setting, "learning_rate": 1.0}, n_estimators=5)
    explorer.figure(**setting, n_estimators=5)  # back to a visited setting
    assert fits == [0.3, 1.0]


def test_plot_stages_draws_residuals_and_fits(wave):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X_train, y_train, _, _ = wave
    figure = boosting_plots.plot_stages(X_train, y_train, stages=(1, 3))
    left, right = figure.axes[0], figure.axes[1]
    model = GradientBoostingRegressor(n_estimators=1, learning_rate=0.3, max_depth=2)
    model.fit(X_train, y_train)
    # Stage 1's residuals are y minus the mean; its fit is F_0 + 0.3 h_1.
    np.testing.assert_allclose(
        left.collections[0].get_offsets()[:, 1], y_train - y_train.mean()
    )
    grid = right.lines[1].get_xdata()[:, np.newaxis]
    np.testing.assert_allclose(right.lines[1].get_ydata(), model.predict(grid))
    plt.close(figure)
