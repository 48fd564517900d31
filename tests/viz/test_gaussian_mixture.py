"""Chapter 20's explorer and pictures (scratchlearn.viz.gaussian_mixture): one menu
entry per covariance type and one slider step per number of components, each showing
that model's ellipses and its place on the BIC curves; the ellipses lie at two
Mahalanobis standard deviations; the BIC curves are the models' BIC; a live-only
number of components draws."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.unsupervised import GaussianMixture, experiments
from scratchlearn.unsupervised.gaussian_mixture import (
    COVARIANCE_TYPES,
    full_covariances,
)
from scratchlearn.viz import figures
from scratchlearn.viz import gaussian_mixture as gmm_plots


@pytest.fixture(scope="module")
def X():
    """Three sheared blobs (the chapter's data, fewer points)."""
    blobs = datasets.blobs(120, centers=3, random_state=170).X
    return blobs @ np.array([[0.6, -0.64], [-0.41, 0.85]])


@pytest.fixture(scope="module")
def explorer(X):
    return gmm_plots.explorer(X)


def shown_after(figure, entry=None, step=None):
    """The traces a reader sees after picking menu entry ``entry`` and slider step
    ``step`` (positions), replaying the figure's updates as plotly.js applies them."""
    spec = figure.to_plotly_json()
    state = [trace.get("visible", True) is True for trace in spec["data"]]
    slider = spec["layout"]["sliders"][0]
    if entry is not None:
        button = spec["layout"]["updatemenus"][0]["buttons"][entry]
        restyle, relayout = button["args"][:2]
        state = list(restyle["visible"])
        slider = relayout["sliders"][0]
    if step is not None:
        restyle, _, *which = slider["steps"][step]["args"]
        if restyle:
            indices = which[0] if which else range(len(state))
            for index, on in zip(indices, restyle["visible"], strict=True):
                state[index] = on
    return [trace for trace, on in zip(figure.data, state, strict=True) if on]


def test_the_static_explorer_has_every_setting(explorer, X):
    figure = explorer.static().figure
    (menu,) = figure.layout.updatemenus
    assert [button.label for button in menu.buttons] == [
        f"covariance type = {name}" for name in COVARIANCE_TYPES
    ]
    for button, covariance_type in zip(menu.buttons, COVARIANCE_TYPES, strict=True):
        (slider,) = button.args[1]["sliders"]
        steps = slider["steps"]
        assert [step["label"] for step in steps] == [
            str(k) for k in gmm_plots.N_COMPONENTS
        ]
        entry = list(COVARIANCE_TYPES).index(covariance_type)
        for position, (k, step) in enumerate(
            zip(gmm_plots.N_COMPONENTS, steps, strict=True)
        ):
            traces = shown_after(figure, entry, position)
            names = [trace.name or "" for trace in traces]
            assert sum(name.startswith("component") for name in names) == k
            assert sum(name.startswith("BIC") for name in names) == 4
            assert "data" in names and "means" in names and "this model" in names
            model = GaussianMixture(k, covariance_type=covariance_type, random_state=0)
            bic = model.fit(X).bic(X)
            (chosen,) = [trace for trace in traces if trace.name == "this model"]
            assert chosen.y[0] == pytest.approx(bic)
            assert f"BIC {bic:.1f}" in step["args"][1]["title.text"]
    # The data and the BIC curves are stored once, whatever the setting.
    assert sum(trace.name == "data" for trace in figure.data) == 1
    assert sum((trace.name or "").startswith("BIC") for trace in figure.data) == 4


def test_a_live_only_number_of_components_draws(explorer, X):
    assert 8 in gmm_plots.LIVE_N_COMPONENTS and 8 not in gmm_plots.N_COMPONENTS
    figure = explorer.figure(covariance_type="diag", n_components=8)
    ellipses = [t for t in figure.data if (t.name or "").startswith("component")]
    assert len(ellipses) == 8
    model = GaussianMixture(8, covariance_type="diag", random_state=0).fit(X)
    (means,) = [t for t in figure.data if t.name == "means"]
    np.testing.assert_allclose(means.x, model.means_[:, 0])
    (chosen,) = [t for t in figure.data if t.name == "this model"]
    assert chosen.y[0] == pytest.approx(model.bic(X))


def test_the_lowest_bic_named_in_the_title_is_the_lowest(explorer, X):
    table = experiments.bic_table(X, gmm_plots.LIVE_N_COMPONENTS, random_state=0)
    best_type = min(table, key=lambda name: min(table[name]))
    best_k = gmm_plots.LIVE_N_COMPONENTS[int(np.argmin(table[best_type]))]
    title = explorer.figure(covariance_type="full", n_components=2).layout.title.text
    assert title.endswith(f"lowest BIC of all: {best_k} {best_type}")
    curves = explorer.figure(covariance_type="full", n_components=2).data
    for covariance_type, values in table.items():
        (line,) = [t for t in curves if t.name == f"BIC, {covariance_type}"]
        np.testing.assert_allclose(line.y, values)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_ellipses_are_at_two_mahalanobis_deviations(X, covariance_type):
    model = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
    covariances = full_covariances(model.covariances_, covariance_type, 3, 2)
    for k, (xs, ys) in enumerate(gmm_plots.component_ellipses(model, n_stds=(1, 2))):
        points = np.column_stack([xs, ys])[~np.isnan(xs)] - model.means_[k]
        squared = np.sum(points @ np.linalg.inv(covariances[k]) * points, axis=1)
        np.testing.assert_allclose(squared, np.repeat([1.0, 4.0], 60))


def test_translucent_colours():
    assert figures.translucent("#1b9e77", 0.5) == "rgba(27,158,119,0.5)"
