"""Chapter 17's explorer and pictures (scratchlearn.viz.kmedoids): one slider step per
PAM step and one menu entry per number of outliers and k; the steps are PAM's own
(the build's prefixes, then swaps that each lower the total), ending on KMedoids's
medoids, with KMeans's centres beside them."""

import itertools

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.unsupervised import KMeans, KMedoids, experiments
from scratchlearn.unsupervised.kmedoids import exact_distances, pam_build, total_cost
from scratchlearn.viz import kmedoids as kmedoids_plots


@pytest.fixture(scope="module")
def data():
    X = datasets.blobs(60, centers=3, cluster_std=0.6, random_state=2).X
    angles = np.array([0.3, 2.4, 4.3])
    outliers = X.mean(axis=0) + 14 * np.column_stack([np.cos(angles), np.sin(angles)])
    return X, outliers


@pytest.fixture(scope="module")
def explorer(data):
    return kmedoids_plots.explorer(*data)


def test_the_static_explorer_has_a_step_per_pam_step_and_an_entry_per_setting(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [str(i) for i in range(1, 9)]
    (menu,) = figure.layout.updatemenus
    labels = [button.label for button in menu.buttons]
    assert labels == [f"outliers = {n}, k = {k}" for n in (0, 3) for k in (2, 3, 4)]
    assert labels[menu.active] == "outliers = 3, k = 3"
    for button in menu.buttons:
        assert len(button.args[1]["sliders"][0]["steps"]) == 8


def _medoid_points(figure):
    (trace,) = [t for t in figure.data if t.name == "medoids"]
    xy = np.column_stack([trace.x, trace.y])
    sizes = np.broadcast_to(trace.marker.size, len(xy))
    symbols = np.broadcast_to(np.asarray(trace.marker.symbol, dtype=object), len(xy))
    return xy[(np.asarray(sizes) > 0) & (symbols == "diamond")]


@pytest.mark.parametrize(("n_outliers", "n_clusters"), [(1, 5), (3, 3), (0, 1)])
def test_the_last_step_draws_kmedoids_and_kmeans(
    data, explorer, n_outliers, n_clusters
):
    # 1 outlier, k = 5 and k = 1 are offered live only.
    X, outliers = data
    both = np.vstack([X, outliers[:n_outliers]])
    figure = explorer.figure(n_outliers=n_outliers, n_clusters=n_clusters, step=12)
    model = KMedoids(n_clusters).fit(both)
    np.testing.assert_array_equal(_medoid_points(figure), model.cluster_centers_)
    (points,) = [t for t in figure.data if t.name == "points"]
    np.testing.assert_array_equal(points.marker.color, model.labels_)
    (crosses,) = [t for t in figure.data if t.name == "k-means centres"]
    expected = KMeans(n_clusters, random_state=0).fit(both).cluster_centers_
    np.testing.assert_allclose(np.column_stack([crosses.x, crosses.y]), expected)
    (curve,) = [t for t in figure.data if t.name == "total distance"]
    assert curve.y[-1] == pytest.approx(model.inertia_)
    assert "PAM stops after" in figure.layout.title.text


def test_the_path_is_the_build_then_swaps_that_lower_the_total(data):
    X, outliers = data
    both = np.vstack([X, outliers])
    distances = exact_distances(both, both)
    for k in (2, 3, 4, 5):
        path = experiments.pam_path(distances, k)
        built = pam_build(distances, k)
        for j, record in enumerate(path[:k], start=1):
            np.testing.assert_array_equal(record["medoids"], built[:j])
            assert record["cost"] == total_cost(distances, built[:j])
        swaps = path[k - 1 :]
        assert all(r["kind"] == "swap" for r in swaps[1:])
        assert all(b["cost"] < a["cost"] for a, b in itertools.pairwise(swaps))
        for before, after in itertools.pairwise(swaps):
            changed = np.flatnonzero(before["medoids"] != after["medoids"])
            assert len(changed) == 1
            assert before["medoids"][changed[0]] == after["out"]
            assert after["medoids"][changed[0]] == after["in"]
        model = KMedoids(k).fit(both)
        np.testing.assert_array_equal(path[-1]["medoids"], model.medoid_indices_)
        assert len(swaps) - 1 == model.n_iter_


def test_a_swap_step_draws_the_medoid_that_left(data, explorer):
    X, outliers = data
    both = np.vstack([X, outliers])
    path = experiments.pam_path(exact_distances(both, both), 3)
    step = next(i for i, r in enumerate(path, start=1) if r["kind"] == "swap")
    figure = explorer.figure(n_outliers=3, n_clusters=3, step=step)
    (trace,) = [t for t in figure.data if t.name == "medoids"]
    (hollow,) = [
        i for i, symbol in enumerate(trace.marker.symbol) if symbol == "diamond-open"
    ]
    np.testing.assert_array_equal(
        [trace.x[hollow], trace.y[hollow]], both[path[step - 1]["out"]]
    )
    assert f"point {path[step - 1]['in']} in" in figure.layout.title.text
