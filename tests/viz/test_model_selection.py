"""Chapter 15's pictures (scratchlearn.viz.model_selection): the three explorers draw
every setting and show the numbers they claim (fold scores, the best cells a grid
and a random search find, a re-weighed soft vote equal to a refitted one), and the
fold picture marks each fold's test samples."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from scratchlearn.supervised import (
    DecisionTreeClassifier,
    GaussianNB,
    KNeighborsClassifier,
    VotingClassifier,
    experiments,
)
from scratchlearn.viz import model_selection as plots


@pytest.fixture(scope="module")
def wine():
    X, y = datasets.wine()
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def slider_labels(button):
    return [step["label"] for step in button.args[1]["sliders"][0]["steps"]]


def test_folds_explorer(wine):
    X, y = wine
    model = KNeighborsClassifier(5)
    explorer = plots.folds_explorer(model, X, y)
    figure = explorer.static().figure
    buttons = figure.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["folds = stratified", "folds = consecutive"]
    for button in buttons:
        assert slider_labels(button) == [str(k) for k in plots.FOLDS]
    # 17 folds only the live explorer offers; consecutive folds are KFold's.
    figure = explorer.figure(folds="consecutive", n_splits=17)
    scores = cross_val_score(model, X, y, cv=KFold(17))
    np.testing.assert_allclose(figure.data[0].y, scores)
    band, mean = figure.layout.shapes
    assert mean.y0 == pytest.approx(scores.mean())
    assert band.y1 - band.y0 == pytest.approx(2 * scores.std())
    stratified = explorer.figure(folds="stratified", n_splits=5)
    expected = cross_val_score(model, X, y, cv=StratifiedKFold(5))
    np.testing.assert_allclose(stratified.data[0].y, expected)


@pytest.fixture(scope="module")
def table(wine):
    X, y = wine
    search = GridSearchCV(
        KNeighborsClassifier(),
        {"n_neighbors": [1, 3, 7, 15, 40], "p": [1.0, 2.0, 3.0]},
        cv=3,
    ).fit(X, y)
    return search, experiments.score_table(search, "n_neighbors", "p")


def test_score_table_is_the_searchs_scores(table):
    search, (xs, ys, scores) = table
    assert list(xs) == [1, 3, 7, 15, 40] and list(ys) == [1.0, 2.0, 3.0]
    for params, score in zip(
        search.cv_results_["params"], search.cv_results_["mean_test_score"], strict=True
    ):
        row, column = list(ys).index(params["p"]), list(xs).index(params["n_neighbors"])
        assert scores[row, column] == score


def test_search_explorer(table):
    _, (xs, ys, scores) = table
    explorer = plots.search_explorer(xs, ys, scores)
    figure = explorer.static().figure
    buttons = figure.layout.updatemenus[0].buttons
    assert len(buttons) == 3  # three random draws
    for button in buttons:
        assert slider_labels(button) == ["2", "3", "5"]  # grids on the fine grid's
    # A grid of 4 x 4 points is live only (its points are rounded to the grid).
    figure = explorer.figure(random_state=5, grid_size=4)
    heatmap, grid, random = figure.data
    np.testing.assert_array_equal(heatmap.z, scores)
    cells = {(int(r), int(c)) for r, c in zip(grid.y, grid.x, strict=True)}
    assert {r for r, _ in cells} == {0, 1, 2} and {c for _, c in cells} == {0, 1, 3, 4}
    picked = {(int(r), int(c)) for r, c in zip(random.y, random.x, strict=True)}
    assert len(picked) == len(random.x) == 16 - 1  # 15 cells: all but one
    grid_best = max(scores[cell] for cell in cells)
    random_best = max(scores[cell] for cell in picked)
    title = figure.layout.title.text
    assert f"best {grid_best:.3f} (squares)" in title
    assert f"best {random_best:.3f} (circles)" in title


def test_vote_explorer_equals_refitted_votes(wine):
    X, y = wine
    order = np.random.default_rng(0).permutation(len(y))
    X, y = X[order], y[order]
    members = [
        ("kNN", KNeighborsClassifier(7)),
        ("NB", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=2)),
    ]
    folds, y_index = experiments.out_of_fold_probabilities(
        members, X, y, StratifiedKFold(4)
    )
    member_scores = [
        cross_val_score(m, X, y, cv=StratifiedKFold(4)).mean() for _, m in members
    ]
    explorer = plots.vote_explorer(["kNN", "NB", "tree"], member_scores, folds, y_index)
    figure = explorer.static().figure
    assert len(figure.layout.updatemenus[0].buttons) == 3 * 3
    # Weights the static figure does not precompute.
    weights = [0.5, 2.5, 3.0]
    figure = explorer.figure(kNN=0.5, NB=2.5, tree=3.0)
    vote = VotingClassifier(members, voting="soft", weights=weights)
    refitted = cross_val_score(vote, X, y, cv=StratifiedKFold(4)).mean()
    members_bar, vote_bar = figure.data
    np.testing.assert_allclose(members_bar.y, member_scores)
    assert vote_bar.y[0] == pytest.approx(refitted)
    nothing = explorer.figure(kNN=0.0, NB=0.0, tree=0.0)
    assert len(nothing.data) == 1 and "no vote" in nothing.layout.title.text


def test_plot_folds_marks_each_folds_test_samples(wine):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, y = wine
    splits = list(StratifiedKFold(3).split(np.zeros((len(y), 1)), y))
    figure, ax = plt.subplots()
    plots.plot_folds(ax, splits, y)
    rows = ax.images[0].get_array()
    for k, (_, test) in enumerate(splits):
        np.testing.assert_array_equal(np.flatnonzero(rows[k] == 1), np.sort(test))
    np.testing.assert_array_equal(rows[-1], 2 + np.unique(y, return_inverse=True)[1])
    plt.close(figure)
