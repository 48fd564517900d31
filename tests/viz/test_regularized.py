"""Chapter 3's explorer and pictures (scratchlearn.viz.regularized): every setting is
drawn, a setting draws the elastic net fitted with its alpha and l1_ratio, each
path is computed once, and the R² along a path is the models' R²."""

import numpy as np
import pytest

from scratchlearn.supervised import ElasticNet, experiments
from scratchlearn.viz import regularized as regularized_plots
from scratchlearn.viz.explorer import shown_traces
from tests.conftest import standardised_diabetes


@pytest.fixture(scope="module")
def diabetes():
    return standardised_diabetes()


@pytest.fixture(scope="module")
def explorer(diabetes):
    *halves, names = diabetes
    return regularized_plots.explorer(*halves, feature_names=names)


def test_the_static_explorer_draws_every_setting(explorer, diabetes):
    alphas = experiments.ALPHAS[::6]
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [f"{a:g}" for a in alphas]
    assert slider.steps[slider.active].label == "1"
    (menu,) = figure.layout.updatemenus
    assert [button.label for button in menu.buttons] == [
        f"l1_ratio = {ratio:g}" for ratio in regularized_plots.L1_RATIOS
    ]
    for entry, button in enumerate(menu.buttons):
        steps = button.args[1]["sliders"][0]["steps"]
        assert [step["args"][1]["shapes[0].x0"] for step in steps] == list(alphas)
        assert all(
            len(shown_traces(figure, entry, position)) == 13
            for position in range(len(steps))
        )
    # Per l1_ratio, its 10 + 2 path traces are stored once; then a trace of dots
    # per setting, except that settings with the same dots share one (all zeros
    # at alpha = 100, say, for the lasso and for l1_ratio = 0.5).
    n_ratios, n_features = len(regularized_plots.L1_RATIOS), diabetes[0].shape[1]
    lines = [trace for trace in figure.data if trace.mode == "lines"]
    dots = [trace for trace in figure.data if trace.mode == "markers"]
    assert len(lines) == n_ratios * (n_features + 2)
    assert n_ratios * len(alphas) - 5 <= len(dots) < n_ratios * len(alphas)


def test_a_live_setting_draws_that_elastic_net(explorer, diabetes):
    # l1_ratio 0.3 and alpha 0.0464 are offered by the live explorer only.
    alpha, l1_ratio = experiments.ALPHAS[20], 0.3
    assert alpha == 0.0464 and l1_ratio in regularized_plots.LIVE_L1_RATIOS
    Z_train, y_train, Z_val, y_val, _ = diabetes
    figure = explorer.figure(l1_ratio=l1_ratio, alpha=alpha)
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-8)
    model.fit(Z_train, y_train)
    (dots,) = [trace for trace in figure.data if trace.mode == "markers"]
    np.testing.assert_allclose(dots.x, alpha)
    np.testing.assert_allclose(
        dots.y, model.coef_, atol=1e-3 * np.abs(model.coef_).max()
    )
    title = figure.layout.title.text
    assert f"R² train {model.score(Z_train, y_train):.3f}" in title
    assert f"validation {model.score(Z_val, y_val):.3f}" in title
    assert f"{np.count_nonzero(model.coef_)} of 10 coefficients non-zero" in title
    assert figure.layout.shapes[0].x0 == figure.layout.shapes[1].x1 == alpha


def test_a_model_predicting_the_mean_scores_zero_not_minus_zero(explorer):
    title = explorer.figure(l1_ratio=1.0, alpha=1000.0).layout.title.text
    assert "0 of 10 coefficients non-zero; R² train 0.000" in title
