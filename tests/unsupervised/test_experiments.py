"""scratchlearn.unsupervised.experiments: the runs and computations behind the book's
pictures."""

import numpy as np

from scratchlearn import datasets
from scratchlearn.unsupervised import Apriori, experiments

# --- the pictures of tests/viz/test_pca.py


def test_one_of_each_class():
    y = np.array([3, 1, 1, 0, 3, 2])
    np.testing.assert_array_equal(experiments.one_of_each(y), [3, 1, 5, 0])


# --- the pictures of tests/viz/test_association_rules.py


def test_the_lattice_of_the_classic_baskets_by_hand():
    # At min_support 0.25 (2 baskets of 7): {1, 3} is counted and fails, so
    # {1, 2, 3} and {1, 3, 4} are never joined; {1, 2, 4} and {2, 3, 4} are
    # counted and frequent; the four items together are never joined.
    status = experiments.lattice_status(datasets.classic_transactions(), 0.25)
    assert len(status) == 15
    kinds = {s: kind for s, (_, kind) in status.items()}
    assert kinds[1, 3] == "infrequent"
    assert kinds[1, 2, 3] == kinds[1, 3, 4] == kinds[1, 2, 3, 4] == "skipped"
    assert kinds[1, 2, 4] == kinds[2, 3, 4] == "frequent"
    frequent = {s for s, kind in kinds.items() if kind == "frequent"}
    model = Apriori(0.25).fit(datasets.classic_transactions())
    assert frequent == set(model.frequent_itemsets_)
    assert status[1, 2, 3, 4] == (1, "skipped") and status[2, 4] == (4, "frequent")


def test_the_fp_tree_of_the_classic_baskets_by_hand():
    nodes, order = experiments.fp_tree(datasets.classic_transactions(), 0.25)
    assert order == [2, 4, 3, 1]  # by count: 6, 5, 4, 3
    assert nodes == {
        (2,): 6,
        (2, 4): 4,
        (2, 4, 3): 2,
        (2, 4, 3, 1): 1,
        (2, 4, 1): 1,
        (2, 1): 1,
        (2, 3): 1,
        (4,): 1,
        (4, 3): 1,
    }


def test_mixture_runs_fit_each_setting_once_and_find_the_lowest_bic():
    X, _ = datasets.blobs(120, centers=3, random_state=0)
    n_components = (1, 2, 3, 4)
    fitted, table, best = experiments.mixture_runs(X, n_components, random_state=0)
    assert table == experiments.bic_table(X, n_components, random_state=0)
    lowest = min(min(values) for values in table.values())
    assert table[best[0]][n_components.index(best[1])] == lowest
    assert fitted(*best) is fitted(*best)  # kept, not refitted
    assert fitted(*best).bic(X) == lowest


def test_kmeans_runs_keep_each_path_and_the_best_inertia():
    from scratchlearn.unsupervised import KMeans

    X, _ = datasets.blobs(90, centers=3, random_state=1)
    path_of, best_inertia = experiments.kmeans_runs(X)
    path = path_of("k-means++", 3, 0)
    assert path is path_of("k-means++", 3, 0)
    start = experiments.starting_centres(X, 3, "k-means++", 0)
    assert len(path) == len(experiments.lloyd_path(X, start))
    expected = KMeans(3, n_init=10, random_state=0).fit(X).inertia_
    assert best_inertia(3) == expected
