"""Chapter 18's explorer and pictures (scratchlearn.viz.dbscan): one slider step per
eps and one menu entry per min_samples, each setting's core, border and noise points
as scikit-learn's DBSCAN finds them, and live-only settings drawn the same way."""

import numpy as np
import pytest
from sklearn import cluster

from scratchlearn import datasets
from scratchlearn.unsupervised import DBSCAN, experiments
from scratchlearn.viz import dbscan as dbscan_plots
from scratchlearn.viz.figures import COLOURS


@pytest.fixture(scope="module")
def X():
    moons = datasets.moons(150, noise=0.07, random_state=0).X
    return datasets.add_uniform_noise(moons, 15, random_state=1)


@pytest.fixture(scope="module")
def explorer(X):
    return dbscan_plots.explorer(X)


def shown(figure, step):
    """The traces that a slider step of the static figure shows."""
    visible, _, indices = step["args"]
    on = zip(indices, visible["visible"], strict=True)
    return [figure.data[i] for i, v in on if v]


def kinds_by_scikit_learn(X, eps, min_samples):
    reference = cluster.DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    kinds = np.where(reference.labels_ == -1, "noise", "border")
    kinds[reference.core_sample_indices_] = "core"
    return kinds, reference.labels_


def test_one_slider_step_per_eps_and_one_menu_entry_per_min_samples(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [s.label for s in slider.steps] == [f"{e:g}" for e in dbscan_plots.EPS]
    assert slider.steps[slider.active].label == "0.2"
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == [
        f"min_samples = {m}" for m in dbscan_plots.MIN_SAMPLES
    ]
    assert menu.buttons[menu.active].label == "min_samples = 6"
    for button in menu.buttons:
        steps = button.args[1]["sliders"][0]["steps"]
        assert len(steps) == len(dbscan_plots.EPS)
        for step in steps:
            names = [trace.name for trace in shown(figure, step)]
            assert sorted(names) == ["border", "core", "noise"]


@pytest.mark.parametrize("min_samples", dbscan_plots.MIN_SAMPLES)
def test_each_step_draws_the_kinds_scikit_learn_finds(explorer, X, min_samples):
    figure = explorer.static().figure
    (menu,) = figure.layout.updatemenus
    button = menu.buttons[dbscan_plots.MIN_SAMPLES.index(min_samples)]
    steps = button.args[1]["sliders"][0]["steps"]
    for eps, step in zip(dbscan_plots.EPS, steps, strict=True):
        kinds, labels = kinds_by_scikit_learn(X, eps, min_samples)
        for trace in shown(figure, step):
            members = kinds == trace.name
            np.testing.assert_allclose(trace.x, X[members, 0])
            np.testing.assert_allclose(trace.y, X[members, 1])
            if trace.name != "noise":
                np.testing.assert_array_equal(
                    trace.marker.color, labels[members] % len(COLOURS)
                )
        n_clusters = labels.max() + 1
        assert f": {n_clusters} cluster" in step["args"][1]["title.text"]
        circle = step["args"][1]["shapes"][0]
        assert circle["x1"] - circle["x0"] == pytest.approx(2 * eps)


def test_a_live_setting_draws_that_model(explorer, X):
    assert 0.17 in dbscan_plots.LIVE_EPS and 0.17 not in dbscan_plots.EPS
    assert 4 in dbscan_plots.LIVE_MIN_SAMPLES and 4 not in dbscan_plots.MIN_SAMPLES
    figure = explorer.figure(min_samples=4, eps=0.17)
    kinds, _ = kinds_by_scikit_learn(X, 0.17, 4)
    for trace in figure.data:
        members = kinds == trace.name
        np.testing.assert_allclose(trace.x, X[members, 0])
    counts = [f"{np.count_nonzero(kinds == k)} {k}" for k in dbscan_plots.KINDS]
    counts = ", ".join(counts)
    assert figure.layout.title.text.endswith(f"; {counts} points")


def test_point_kinds_and_the_still_picture(X):
    import matplotlib.pyplot as plt

    model = DBSCAN(0.16, min_samples=6).fit(X)
    kinds, _ = kinds_by_scikit_learn(X, 0.16, 6)
    np.testing.assert_array_equal(experiments.point_kinds(model), kinds)
    fig, ax = plt.subplots()
    dbscan_plots.plot_clusters(model, X, ax)
    # Core, border (and the key's empty ring) and noise.
    assert [len(c.get_offsets()) for c in ax.collections] == [
        np.count_nonzero(kinds == "core"),
        np.count_nonzero(kinds == "border"),
        0,
        np.count_nonzero(kinds == "noise"),
    ]
    plt.close(fig)


def test_each_setting_is_fitted_once(X, monkeypatch):
    fits = []
    original = DBSCAN.fit

    def counted(self, X, y=None):
        fits.append((self.eps, self.min_samples))
        return original(self, X, y)

    monkeypatch.setattr(DBSCAN, "fit", counted)
    explorer = dbscan_plots.explorer(X)
    for eps in (0.1, 0.2, 0.1):
        explorer.figure(min_samples=5, eps=eps)
    assert fits == [(0.1, 5), (0.2, 5)]
