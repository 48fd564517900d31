"""Chapter 9's explorer and pictures (scratchlearn.viz.svm): every setting is drawn,
what a setting draws is that model's decision function and support vectors, each
model is fitted once, and the stored decision function is rounded by the figure
store (the same on every processor), not by hand."""

import base64

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.supervised import SVC
from scratchlearn.viz import svm as svm_plots
from scratchlearn.viz.common import PLOTLY_MIME
from scratchlearn.viz.explorer import shown_traces
from scratchlearn.viz.figures import predicted_regions


@pytest.fixture(scope="module")
def halves():
    X, y = datasets.moons(120, noise=0.3, random_state=1)
    parts = datasets.split(X, y, test_size=0.5)
    return parts.X_train, parts.y_train, parts.X_test, parts.y_test


@pytest.fixture(scope="module")
def explorer(halves):
    return svm_plots.explorer(*halves, resolution=20)


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [f"{C:g}" for C in svm_plots.CS]
    assert slider.steps[slider.active].label == "1"
    (menu,) = figure.layout.updatemenus
    assert [button.label for button in menu.buttons] == [
        f"gamma = {gamma:g}" for gamma in svm_plots.GAMMAS
    ]
    assert menu.buttons[menu.active].label == "gamma = 1"
    kinds = [trace.name or trace.type for trace in figure.data]
    for entry, button in enumerate(menu.buttons):
        steps = button.args[1]["sliders"][0]["steps"]
        assert len(steps) == len(svm_plots.CS)
        for position in range(len(steps)):  # each: decision function, points, SVs
            shown = [kinds[i] for i in shown_traces(figure, entry, position)]
            assert sorted(shown) == ["class 0", "class 1", "contour", "support vectors"]
    # Settings that give the same model (a hard margin at C = 100 and 1000, say)
    # share their traces.
    contours = [trace for trace in figure.data if trace.type == "contour"]
    assert len(contours) <= len(svm_plots.CS) * len(svm_plots.GAMMAS)


def test_a_live_setting_draws_that_models_decision_function(explorer, halves):
    # gamma 0.0316 and C 3.16 are offered by the live explorer only.
    assert 0.0316 in svm_plots.LIVE_GAMMAS and 3.16 in svm_plots.LIVE_CS
    X_train, y_train, X_val, y_val = halves
    figure = explorer.figure(gamma=0.0316, C=3.16)
    model = SVC(C=3.16, gamma=0.0316).fit(X_train, y_train)
    xs, ys, values = svm_plots.decision_grid(model, X_train, resolution=20)
    (contour,) = [trace for trace in figure.data if trace.type == "contour"]
    np.testing.assert_allclose(contour.y, ys)
    np.testing.assert_allclose(contour.z, np.clip(values, -2, 2))
    np.testing.assert_allclose(contour.x, xs)
    (support,) = [trace for trace in figure.data if trace.name == "support vectors"]
    np.testing.assert_allclose(support.x, model.support_vectors_[:, 0])
    title = figure.layout.title.text
    assert f"{len(model.support_)} support vectors" in title
    assert f"validation {model.score(X_val, y_val):.3f}" in title


def test_the_decision_functions_sign_is_the_prediction(halves):
    X_train, y_train, _, _ = halves
    model = SVC(C=10.0, gamma=1.0).fit(X_train, y_train)
    _, _, values = svm_plots.decision_grid(model, X_train, resolution=25)
    _, _, regions = predicted_regions(model, X_train, resolution=25)
    np.testing.assert_array_equal(values > 0, regions == 1)


def test_each_setting_is_fitted_once(halves, monkeypatch):
    fits = []
    original = SVC.fit

    def counted(self, X, y):
        fits.append((self.C, self.gamma))
        return original(self, X, y)

    monkeypatch.setattr(SVC, "fit", counted)
    explorer = svm_plots.explorer(*halves, resolution=10)
    for C in (1.0, 10.0, 1.0):
        explorer.figure(gamma=1.0, C=C)
    assert fits == [(1.0, 1.0), (10.0, 1.0)]


def test_the_stored_decision_function_is_rounded_by_the_figure_store(explorer):
    spec = explorer.static()._repr_mimebundle_()[0][PLOTLY_MIME]
    (contour,) = [t for t in spec["data"] if t["type"] == "contour" and t["visible"]]
    z = contour["z"]
    assert z["dtype"] == "f4"  # float32 of numbers kept to 4 decimals (of 2)
    stored = np.frombuffer(base64.b64decode(z["bdata"]), dtype="f4").astype(float)
    np.testing.assert_allclose(stored, np.round(stored, 4), rtol=0, atol=1e-6)
    assert np.abs(stored).max() <= 2.0
