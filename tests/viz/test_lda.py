"""Chapter 8's explorer and pictures (scratchlearn.viz.lda): one slider step per
direction (and one at Fisher's), each showing the histograms of that direction's
projections and its criterion; the live-only settings move the classes and shrink
the covariance as LDA does."""

import numpy as np
import pytest

from scratchlearn.supervised import (
    LinearDiscriminantAnalysis,
    experiments,
    fisher_criterion,
    fisher_direction,
)
from scratchlearn.viz import figures
from scratchlearn.viz import lda as lda_plots
from scratchlearn.viz.explorer import shown_traces
from tests.conftest import stretched_classes


@pytest.fixture(scope="module")
def stretched():
    return stretched_classes()


@pytest.fixture(scope="module")
def explorer(stretched):
    return lda_plots.explorer(*stretched, n_bins=20)


def shown(figure, position):
    """The traces a slider step (its position) of the static figure shows."""
    return [figure.data[i] for i in shown_traces(figure, step=position)]


def test_the_static_explorer_turns_the_direction(explorer, stretched):
    X, y = stretched
    figure = explorer.static().figure
    fisher_angle = experiments.angle_of(fisher_direction(X, y))
    (slider,) = figure.layout.sliders
    labels = [step.label for step in slider.steps]
    assert len(labels) == len(lda_plots.ANGLES) + 1
    assert f"{fisher_angle:.1f}" in labels and labels[slider.active] == "0"
    # Separation and shrinkage have one static value each: no menu of one entry.
    assert not figure.layout.updatemenus
    assert [c.name for c in explorer.controls] == ["separation", "shrinkage", "angle"]
    # The points, Fisher's line and stem and J's curve are stored once; each step
    # adds only its own line, stem and histograms.
    assert len(figure.data) == 5 + 3 * len(labels)
    centre = X.mean(axis=0)
    for position in (3, labels.index(f"{fisher_angle:.1f}")):
        step = slider.steps[position]
        angle = fisher_angle if "." in step.label else float(step.label)
        w = experiments.unit(angle)
        (bars,) = [trace for trace in shown(figure, position) if trace.type == "bar"]
        bins = experiments.histogram_bins(X, 20)
        expected = [
            np.histogram((X[y == c] - centre) @ w, bins=bins)[0] for c in (0, 1)
        ]
        np.testing.assert_array_equal(bars.y, np.concatenate(expected))
        J = fisher_criterion(X, y, w)
        on_J = [trace for trace in shown(figure, position) if trace.xaxis == "x3"]
        (stem,) = [trace for trace in on_J if trace.name == "direction w"]
        assert stem.y[1] == pytest.approx(J)
        best = fisher_criterion(X, y, fisher_direction(X, y))
        assert f"{100 * J / best:.0f} % of Fisher's J" in step.args[1]["title.text"]
    assert "100 % of Fisher's J" in step.args[1]["title.text"]


def test_a_live_setting_moves_the_classes_and_shrinks(explorer, stretched):
    # separation 1.5, shrinkage 0.35 and angle 17 are offered live only.
    X, y = stretched
    figure = explorer.figure(separation=1.5, shrinkage=0.35, angle=17)
    moved = experiments.with_separation(X, y, 1.5)
    shrunk = LinearDiscriminantAnalysis(shrinkage=0.35).fit(moved, y).scalings_[:, 0]
    lines = {trace.name: trace for trace in figure.data if trace.xaxis == "x"}
    line = lines["shrinkage 0.35"]
    slope = (line.y[1] - line.y[0]) / (line.x[1] - line.x[0])
    assert slope == pytest.approx(shrunk[1] / shrunk[0])
    # Fisher's direction does not move with the classes; J's peak stays on it.
    (curve,) = [trace for trace in figure.data if trace.name == "J(w)"]
    fisher_angle = experiments.angle_of(fisher_direction(X, y))
    assert abs(curve.x[np.argmax(curve.y)] - fisher_angle) <= 1
    expected = fisher_criterion(moved, y, experiments.unit(curve.x))
    np.testing.assert_allclose(curve.y, expected)
    assert "angle 17°" in figure.layout.title.text


def test_the_ellipses_are_at_one_and_two_mahalanobis_distances():
    mean, covariance = np.array([1.0, -2.0]), np.array([[2.0, 0.6], [0.6, 0.5]])
    xs, ys = figures.ellipse_points(mean, covariance, n_points=40)
    points = np.column_stack([xs, ys])  # NaN between the two ellipses
    deviations = points[~np.isnan(xs)] - mean
    squared = np.sum(deviations @ np.linalg.inv(covariance) * deviations, axis=1)
    np.testing.assert_allclose(squared, np.repeat([1.0, 4.0], 40))
