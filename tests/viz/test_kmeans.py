"""Chapter 16's explorer and pictures (scratchlearn.viz.kmeans): one slider step per
iteration and one menu entry per start and k; what each iteration draws is what
KMeans computes after that many iterations; the Voronoi cells hold exactly the points
nearest their centre."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.unsupervised import KMeans, experiments
from scratchlearn.unsupervised.kmeans import nearest_centres
from scratchlearn.viz import kmeans as kmeans_plots
from scratchlearn.viz.figures import voronoi_cells


@pytest.fixture(scope="module")
def X():
    return datasets.iris().X[:, 2:]  # petal length and width


@pytest.fixture(scope="module")
def explorer(X):
    return kmeans_plots.explorer(X, seed=80)


def test_the_static_explorer_has_a_step_per_iteration_and_an_entry_per_start(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == [str(i) for i in range(7)]
    (menu,) = figure.layout.updatemenus
    labels = [button.label for button in menu.buttons]
    assert labels == [
        f"init = {init}, k = {k}" for init in ("k-means++", "random") for k in (3, 4)
    ]  # one seed only: the seed is not in the menu
    for button in menu.buttons:
        assert len(button.args[1]["sliders"][0]["steps"]) == 7
    assert labels[menu.active] == "init = k-means++, k = 4"
    titles = [step.args[1]["title.text"] for step in slider.steps]
    assert titles[0] == "k=4, init k-means++, seed 80: start"
    assert titles[1].startswith("k=4, init k-means++, seed 80: iteration 1, inertia ")


def _centres(figure):
    (trace,) = [t for t in figure.data if t.name == "centres"]
    xy = np.column_stack([trace.x, trace.y])
    sizes = np.broadcast_to(trace.marker.size, len(xy))
    return xy[np.asarray(sizes) > 0]  # the crosses, not where lines start


@pytest.mark.parametrize("iteration", [1, 2, 5])
def test_an_iteration_draws_what_kmeans_computes_after_that_many(
    X, explorer, iteration
):
    # seed 7 and k = 6 are offered live only.
    figure = explorer.figure(init="random", n_clusters=6, seed=7, iteration=iteration)
    model = KMeans(
        6, init="random", n_init=1, random_state=7, max_iter=iteration, tol=0.0
    ).fit(X)
    np.testing.assert_allclose(_centres(figure), model.cluster_centers_, atol=1e-12)
    (curve,) = [t for t in figure.data if t.name == "inertia"]
    # At iteration + 0.5 the points are assigned to these centres: KMeans's labels.
    assert curve.x[2 * iteration] == iteration + 0.5
    assert curve.y[2 * iteration] == pytest.approx(model.inertia_, rel=1e-12)
    if iteration > 1:  # at the iteration itself: new centres, points as assigned
        before = KMeans(
            6, init="random", n_init=1, random_state=7, max_iter=iteration - 1, tol=0
        ).fit(X)
        updated = np.sum((X - model.cluster_centers_[before.labels_]) ** 2)
        assert curve.y[2 * iteration - 1] == pytest.approx(updated, rel=1e-12)
        assert f"inertia {updated:.4g}" in figure.layout.title.text
    (line,) = figure.layout.shapes  # marks the iteration on the curve
    assert line.x0 == iteration


def test_after_convergence_the_final_centres_stay(X, explorer):
    figure = explorer.figure(init="k-means++", n_clusters=3, seed=2, iteration=12)
    model = KMeans(3, n_init=1, random_state=2, tol=0.0).fit(X)
    np.testing.assert_allclose(_centres(figure), model.cluster_centers_, atol=1e-12)
    assert "converged (iteration" in figure.layout.title.text
    path = experiments.lloyd_path(X, experiments.starting_centres(X, 3, "k-means++", 2))
    assert len(path) + 1 == model.n_iter_  # the last iteration only confirms


def test_the_inertia_never_rises_along_the_path(X):
    for init in ("k-means++", "random"):
        for seed in range(5):
            start = experiments.starting_centres(X, 5, init, seed)
            _, inertias = experiments.inertia_by_step(experiments.lloyd_path(X, start))
            assert np.all(np.diff(inertias) <= 1e-12)


def test_voronoi_cells_hold_the_points_nearest_their_centre():
    rng = np.random.default_rng(0)
    centres = rng.uniform(0, 10, size=(6, 2))
    box = ((-1.0, 11.0), (-2.0, 12.0))
    cells = voronoi_cells(centres, box)
    points = rng.uniform((-1, -2), (11, 12), size=(2000, 2))
    nearest = nearest_centres(points, centres)
    for i, cell in enumerate(cells):
        # Inside a convex polygon (counter-clockwise): left of every edge.
        edges = np.roll(cell, -1, axis=0) - cell
        to_points = points[:, np.newaxis, :] - cell  # (n_points, n_vertices, 2)
        cross = edges[:, 0] * to_points[..., 1] - edges[:, 1] * to_points[..., 0]
        inside = np.all(cross >= -1e-9, axis=1)
        np.testing.assert_array_equal(inside, nearest == i)
    areas = [
        0.5
        * abs(
            np.dot(c[:, 0], np.roll(c[:, 1], -1))
            - np.dot(c[:, 1], np.roll(c[:, 0], -1))
        )
        for c in cells
    ]
    assert sum(areas) == pytest.approx(12 * 14)  # the cells tile the box
