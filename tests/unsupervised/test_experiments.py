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
