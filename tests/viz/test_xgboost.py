"""Chapter 14's pictures (scratchlearn.viz.xgboost): the explorer draws every setting
and its curve is the model's prediction; the still figures show what their labels
say."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.supervised import XGBoostRegressor
from scratchlearn.viz import xgboost as xgb_plots


def wave_data(n_samples):
    """The chapter's wave, as its notebook loads it."""
    return datasets.noisy_curve(n_samples, slope=0.2, low=0.0, high=10.0)


@pytest.fixture(scope="module")
def wave():
    X, y = wave_data(80)
    return X[::2], y[::2], X[1::2], y[1::2]


def test_static_explorer_has_every_setting(wave):
    explorer = xgb_plots.explorer(*wave, resolution=50)
    figure = explorer.static().figure
    buttons = figure.layout.updatemenus[0].buttons
    assert len(buttons) == 3 * 2  # gamma x max_depth; the rate and trees fixed
    assert buttons[0].label == "gamma = 0, max_depth = 3"  # the fixed ones unsaid
    for button in buttons:
        steps = button.args[1]["sliders"][0]["steps"]
        assert [step["label"] for step in steps] == ["0", "1", "10", "100"]


def test_curve_is_the_models_prediction(wave):
    X_train, y_train, X_val, _ = wave
    explorer = xgb_plots.explorer(*wave, resolution=50)
    # Values only the live explorer offers.
    setting = dict(gamma=2.5, max_depth=5, learning_rate=0.5, n_estimators=7)
    figure = explorer.figure(**setting, reg_lambda=0.3)
    model = XGBoostRegressor(**setting, reg_lambda=0.3).fit(X_train, y_train)
    (curve,) = [trace for trace in figure.data if trace.name == "model"]
    grid = np.linspace(X_train.min(), X_val.max(), 50)
    np.testing.assert_allclose(curve.x0 + curve.dx * np.arange(50), grid)
    np.testing.assert_allclose(curve.y, model.predict(grid[:, np.newaxis]))
    n_leaves = sum(trees[0].n_leaves for trees in model.estimators_)
    assert f"gamma = 2.5: {n_leaves} leaves in all" in figure.layout.title.text


def test_gamma_removes_leaves_and_lambda_shrinks_them():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = wave_data(200)
    figure, axes = plt.subplots(1, 2)
    xgb_plots.plot_lambda_gamma(X, y, axes)
    labels = [text.get_text() for text in axes[1].get_legend().get_texts()]
    leaves = [int(label.split(": ")[1].split()[0]) for label in labels]
    assert leaves[0] > leaves[1] > leaves[2]  # gamma 0, 2, 8
    # The leaves of reg_lambda = 100 lie closer to the base score than those of 0.
    spread = [np.ptp(line.get_ydata()) for line in axes[0].lines[:3]]
    assert spread[0] > spread[1] > spread[2]
    plt.close(figure)


def test_taylor_quadratics_touch_the_loss():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    xgb_plots.plot_taylor(ax, margins_at=(-1.0, 1.5))
    loss, first, _, second, _ = ax.lines
    m = loss.get_xdata()
    for quadratic, m0 in [(first, -1.0), (second, 1.5)]:
        at = np.argmin(np.abs(m - m0))
        assert quadratic.get_ydata()[at] == pytest.approx(
            loss.get_ydata()[at], abs=1e-4
        )
        # Second order: the quadratic stays within (m - m0)^3 of the loss nearby.
        near = np.abs(m - m0) < 0.2
        gap = np.abs(quadratic.get_ydata()[near] - loss.get_ydata()[near])
        assert gap.max() < 0.01
    plt.close(figure)
