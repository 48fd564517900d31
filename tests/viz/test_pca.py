"""Chapter 21's explorer and pictures (scratchlearn.viz.pca): one slider step per
number of components, each showing the same ten digits and their reconstruction from
that many components, and its place on the curve of variance kept; a live-only number
of components draws; the mosaic puts each digit where it belongs."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.unsupervised import PCA, experiments
from scratchlearn.viz import pca as pca_plots


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


@pytest.fixture(scope="module")
def digits():
    data = datasets.digits()
    return data.X, data.y


@pytest.fixture(scope="module")
def explorer(digits):
    return pca_plots.explorer(*digits)


def test_the_static_explorer_has_one_step_per_number_of_components(explorer, digits):
    X, y = digits
    figure = explorer.static().figure
    assert not figure.layout.updatemenus  # one control: a slider, no menu
    (slider,) = figure.layout.sliders
    labels = [step.label for step in slider.steps]
    assert labels == [str(k) for k in pca_plots.N_COMPONENTS]
    assert labels[slider.active] == "10"
    heatmaps = [trace for trace in figure.data if trace.type == "heatmap"]
    # The originals once, and one reconstruction per step.
    assert len(heatmaps) == 1 + len(pca_plots.N_COMPONENTS)
    shown = X[experiments.one_of_each(y)]
    for position, (k, step) in enumerate(
        zip(pca_plots.N_COMPONENTS, slider.steps, strict=True)
    ):
        visible = shown_after(figure, step=position)
        kinds = sorted(trace.type for trace in visible)
        assert kinds == ["heatmap", "heatmap", "scatter", "scatter"]
        (rebuilt,) = [t for t in visible if t.type == "heatmap" and t.yaxis == "y3"]
        model = PCA(k).fit(X)
        rebuilt_digits = model.inverse_transform(model.transform(shown))
        expected = pca_plots.mosaic(np.clip(rebuilt_digits, 0, 16))
        np.testing.assert_allclose(
            np.array(rebuilt.z, dtype=float), expected, atol=1e-9
        )
        share = np.sum(model.explained_variance_ratio_)
        assert f"keep {share:.1%} of the variance" in step.args[1]["title.text"]


def test_a_live_only_number_of_components_draws(explorer, digits):
    X, y = digits
    figure = explorer.figure(n_components=37)
    model = PCA(37).fit(X)
    (marker,) = [t for t in figure.data if t.type == "scatter" and len(t.x) == 1]
    assert marker.x[0] == 37
    assert marker.y[0] == pytest.approx(np.sum(model.explained_variance_ratio_))
    rebuilt = model.inverse_transform(model.transform(X))
    error = np.sqrt(np.mean((X - rebuilt) ** 2))
    assert f"off by {error:.2f} per pixel" in figure.layout.title.text
    # All 64 components rebuild the digits exactly.
    (full,) = [
        t
        for t in explorer.figure(n_components=64).data
        if t.type == "heatmap" and t.yaxis == "y3"
    ]
    shown = X[experiments.one_of_each(y)]
    np.testing.assert_allclose(
        np.array(full.z, dtype=float), pca_plots.mosaic(shown), atol=1e-9
    )


def test_the_mosaic_puts_each_image_in_its_place():
    images = np.arange(7 * 4, dtype=float).reshape(7, 4)  # seven 2 x 2 images
    tiled = pca_plots.mosaic(images, n_columns=3, side=2)
    assert tiled.shape == (3 * 3 - 1, 3 * 3 - 1)
    np.testing.assert_array_equal(tiled[3:5, 6:8], images[5].reshape(2, 2))
    np.testing.assert_array_equal(tiled[6:8, 0:2], images[6].reshape(2, 2))
    assert np.isnan(tiled[2]).all() and np.isnan(tiled[:, 5]).all()
    assert np.isnan(tiled[6:8, 3:]).all()  # no eighth or ninth image
