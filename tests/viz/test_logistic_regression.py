"""Chapter 5's explorer and pictures (scratchlearn.viz.logistic_regression): every
setting is drawn, a setting's map and curves are those of its own models, the
probability map's colours, boundaries and dashed lines say what the model predicts,
and each setting is fitted once."""

import base64
import io

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.preprocessing import StandardScaler
from scratchlearn.supervised import LogisticRegression, experiments
from scratchlearn.viz import logistic_regression as logistic_plots
from scratchlearn.viz.figures import COLOURS, grid_over

RESOLUTION = 24


def _two_features(data, columns):
    X, y = data.X[:, columns], data.target_names[data.y]
    halves = datasets.split(X, y, test_size=0.5)
    scaler = StandardScaler().fit(halves.X_train)
    X_train, X_val = scaler.transform(halves.X_train), scaler.transform(halves.X_test)
    return X_train, halves.y_train, X_val, halves.y_test, ("first", "second")


@pytest.fixture(scope="module")
def examples():
    return {
        "tumours": _two_features(datasets.breast_cancer(), [0, 1]),
        "irises": _two_features(datasets.iris(), [2, 3]),
    }


@pytest.fixture(scope="module")
def explorer(examples):
    return logistic_plots.explorer(examples, resolution=RESOLUTION)


def _visible_kinds(figure, visible):
    return sorted(
        trace.name or trace.type
        for trace, shown in zip(figure.data, visible, strict=True)
        if shown
    )


def test_the_static_explorer_draws_every_setting(explorer):
    figure = explorer.static().figure
    Cs = explorer.controls[-1].values
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [f"{C:g}" for C in Cs]
    assert slider.steps[slider.active].label == "1"
    (menu,) = figure.layout.updatemenus
    # The controls with one static value (map, learning rate, steps) say nothing.
    assert [b.label for b in menu.buttons] == ["data = tumours", "data = irises"]
    for button, classes in zip(menu.buttons, (2, 3), strict=True):
        steps = button.args[1]["sliders"][0]["steps"]
        assert len(steps) == len(Cs)
        # The traces this data set's slider restyles (all of them if it lists none).
        args = steps[0]["args"]
        mine = args[2] if len(args) > 2 else range(len(figure.data))
        for step, C in zip(steps, Cs, strict=True):
            visible = [False] * len(figure.data)
            for index, shown in zip(mine, step["args"][0]["visible"], strict=True):
                visible[index] = shown
            kinds = _visible_kinds(figure, visible)
            # A map, its boundaries (one fewer than the classes), the dashed line,
            # Newton's curve (and gradient descent's unless it overflowed).
            assert kinds.count("image") == 1 and "Newton" in kinds
            assert kinds.count("scatter") == classes  # the unnamed lines
            assert step["args"][1]["title.text"].startswith(f"C = {C:g}, Newton's map")


@pytest.mark.filterwarnings("ignore::scratchlearn.exceptions.ConvergenceWarning")
def test_a_live_setting_draws_its_own_models(explorer, examples):
    # C = 3.16, learning rate 0.3 and 30 steps are offered by the live explorer only.
    C, rate, steps = 3.16, 0.3, 30
    assert C in explorer.controls[-1].live_values
    X_train, y_train, X_val, y_val, _ = examples["irises"]
    setting = dict(data="irises", solver="gradient descent", C=C)
    figure = explorer.figure(**setting, learning_rate=rate, n_iter=steps)
    newton = LogisticRegression(C=C, **experiments.EXACT).fit(X_train, y_train)
    descent = LogisticRegression(
        C=C, solver="gd", learning_rate=rate, max_iter=steps, tol=1e-300
    ).fit(X_train, y_train)
    # The map is gradient descent's: the image's pixels are its probability map.
    xs, ys, _ = grid_over(np.vstack([X_train, X_val]), RESOLUTION)
    rgb, _, _ = logistic_plots.probability_map(descent, xs, ys)
    (image,) = [trace for trace in figure.data if trace.type == "image"]
    stored = _pixels(image.source)
    assert stored.shape == (RESOLUTION, RESOLUTION, 3)
    assert np.abs(stored - 255 * rgb).max() <= 1.0
    # The curves: all 30 steps of gradient descent, measured from Newton's minimum.
    curves = {trace.name: trace for trace in figure.data if trace.name}
    minimum = newton.loss_history_[-1]
    gd = curves["gradient descent"]
    assert gd.x[-1] == steps
    np.testing.assert_allclose(gd.y[-1], descent.loss_history_[-1] - minimum)
    assert curves["Newton"].y[-1] == experiments.FLOOR
    title = figure.layout.title.text
    assert f"validation {descent.score(X_val, y_val):.3f}" in title
    assert "gradient descent's map" in title and f"after {steps} steps" in title


def _pixels(source):
    from PIL import Image

    png = base64.b64decode(source.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


@pytest.mark.parametrize("data", ["tumours", "irises"])
def test_the_probability_map_says_what_the_model_predicts(examples, data):
    X_train, y_train, _, _, _ = examples[data]
    model = LogisticRegression(C=100.0).fit(X_train, y_train)
    xs, ys, points = grid_over(X_train, 30)
    rgb, margins, confidence = logistic_plots.probability_map(model, xs, ys)
    probabilities = model.predict_proba(points).reshape(30, 30, -1)
    predicted = np.searchsorted(model.classes_, model.predict(points)).reshape(30, 30)
    # Each class's margin is positive exactly where it is predicted, and is its
    # probability minus the largest of the others'.
    np.testing.assert_array_equal(np.argmax(margins, axis=0), predicted)
    assert np.all(margins.max(axis=0) >= 0)
    for k in range(len(model.classes_)):
        others = np.delete(probabilities, k, axis=2).max(axis=2)
        np.testing.assert_array_equal(margins[k], probabilities[:, :, k] - others)
    np.testing.assert_array_equal(confidence, probabilities.max(axis=2))
    # Sure points take their class's colour (mixed 85%), unsure ones are paler.
    sure = confidence > 0.999
    assert sure.any() and (confidence < 0.6).any()
    colours = np.array(
        [[int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)] for c in COLOURS]
    )
    expected = 0.15 + 0.85 * colours[predicted]
    np.testing.assert_allclose(rgb[sure], expected[sure], atol=0.003)
    assert np.all(rgb.min(axis=2)[confidence < 0.6] > rgb.min(axis=2)[sure].max())


def test_the_lines_are_the_boundary_and_the_probability_0_9(examples):
    X_train, y_train, _, _, _ = examples["tumours"]
    model = LogisticRegression(C=1.0).fit(X_train, y_train)
    xs, ys, _ = grid_over(X_train, 60)
    _, boundary, sure = logistic_plots.map_traces(model, xs, ys)
    for trace, level in ((boundary, 0.5), (sure, 0.9)):
        points = np.column_stack([trace.x, trace.y])
        points = points[~np.isnan(points[:, 0])]
        assert len(points) > 10
        winner = model.predict_proba(points).max(axis=1)
        np.testing.assert_allclose(winner, level, atol=0.01)
    assert boundary.line.dash is None and sure.line.dash == "dash"


def test_a_diverging_descent_is_said_and_not_drawn(explorer):
    # C = 0.001 makes the penalty's curvature 1 / (C n) about 14 on the irises:
    # a learning rate of 10 overflows. The map falls back to Newton's.
    figure = explorer.figure(
        data="irises",
        solver="gradient descent",
        learning_rate=10.0,
        n_iter=200,
        C=0.001,
    )
    names = [trace.name for trace in figure.data if trace.name]
    assert "Newton" in names and "gradient descent" not in names
    assert "gradient descent diverges" in figure.layout.title.text
    assert "Newton's map" in figure.layout.title.text


def test_each_setting_is_fitted_once(examples, monkeypatch):
    fits = []
    original = LogisticRegression.fit

    def counted(self, X, y):
        fits.append(self.solver)
        return original(self, X, y)

    monkeypatch.setattr(LogisticRegression, "fit", counted)
    explorer = logistic_plots.explorer(examples, resolution=10)
    setting = dict(data="tumours", learning_rate=1.0, n_iter=20)
    for solver, C in [("Newton", 1.0), ("gradient descent", 1.0), ("Newton", 10.0)]:
        explorer.figure(**setting, solver=solver, C=C)
    # Both maps of one C share its two fits.
    assert fits == ["newton", "gd", "newton", "gd"]
