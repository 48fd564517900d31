"""Chapter 22: FP-Growth against mlxtend's fpgrowth, and against our own Apriori.

Each side mines the frequent itemsets and the rules of the same boolean table.
``predict`` says which frequent itemsets each test transaction holds; ``score`` is
the number of frequent itemsets, so that the two sides of a case report the same
number when they agree.
"""

import warnings

import numpy as np
from harness import Case

from scratchlearn import datasets
from scratchlearn.unsupervised import Apriori, FPGrowth
from scratchlearn.unsupervised.association_rules import one_hot


class Ours:
    """Our Apriori or FPGrowth, timed like any estimator."""

    def __init__(self, cls, min_support, min_confidence):
        self.model = cls(min_support, min_confidence=min_confidence)

    def fit(self, X, y=None):
        self.model.fit(X)
        return self

    def predict(self, X):
        return self.model.transform(X)  # (n_transactions, n_itemsets)

    def score(self, X, y=None):
        return float(len(self.model.frequent_itemsets_))


class Mlxtend:
    """mlxtend's apriori or fpgrowth, then its association_rules, on a DataFrame."""

    def __init__(self, algorithm, min_support, min_confidence):
        self.algorithm, self.min_support = algorithm, min_support
        self.min_confidence = min_confidence

    def fit(self, X, y=None):
        import pandas as pd
        from mlxtend import frequent_patterns

        frame = pd.DataFrame(X.astype(bool))
        mine = getattr(frequent_patterns, self.algorithm)
        self.itemsets_ = mine(frame, min_support=self.min_support)
        with warnings.catch_warnings():  # a DeprecationWarning inside pandas
            warnings.simplefilter("ignore", DeprecationWarning)
            self.rules_ = frequent_patterns.association_rules(
                self.itemsets_,
                len(frame),
                metric="confidence",
                min_threshold=self.min_confidence,
            )
        return self

    def predict(self, X):
        membership = np.zeros((X.shape[1], len(self.itemsets_)), dtype=np.int64)
        for column, itemset in enumerate(self.itemsets_["itemsets"]):
            membership[list(itemset), column] = 1
        return (X != 0).astype(np.int64) @ membership == membership.sum(axis=0)

    def score(self, X, y=None):
        return float(len(self.itemsets_))


def inked_pixels():
    """The digits as transactions: each image's inked pixels (1,797 x 64)."""
    X = datasets.digits().X > 0
    return X, X[:500], np.zeros(len(X)), np.zeros(500)


def shop():
    """50,000 generated baskets over 20 items (datasets.baskets): many transactions,
    few distinct ones, where the FP-tree's compression shows."""
    X, _ = one_hot(datasets.baskets(50_000))
    return X, X[:2000], np.zeros(len(X)), np.zeros(2000)


CASES = [
    Case(
        name="FPGrowth 0.7, digits' inked pixels",
        chapter="22",
        data=inked_pixels,
        ours=lambda: Ours(FPGrowth, 0.7, 0.95),
        reference=lambda: Mlxtend("fpgrowth", 0.7, 0.95),
        repeats=3,
        notes="reference: mlxtend fpgrowth + association_rules (confidence 0.95)",
    ),
    Case(
        name="FPGrowth 0.005, 50000 baskets",
        chapter="22",
        data=shop,
        ours=lambda: Ours(FPGrowth, 0.005, 0.5),
        reference=lambda: Mlxtend("fpgrowth", 0.005, 0.5),
        repeats=3,
        notes="reference: mlxtend fpgrowth + association_rules (confidence 0.5)",
    ),
    Case(
        name="FPGrowth vs our Apriori, 50000 baskets",
        chapter="22",
        data=shop,
        ours=lambda: Ours(FPGrowth, 0.005, 0.5),
        reference=lambda: Ours(Apriori, 0.005, 0.5),
        repeats=3,
        notes="reference: scratchlearn's own Apriori (min_support 0.005)",
    ),
    Case(
        name="Apriori 0.7, digits' inked pixels",
        chapter="22",
        data=inked_pixels,
        ours=lambda: Ours(Apriori, 0.7, 0.95),
        reference=lambda: Mlxtend("apriori", 0.7, 0.95),
        repeats=3,
        notes="reference: mlxtend apriori + association_rules (confidence 0.95)",
    ),
]
