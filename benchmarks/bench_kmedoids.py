"""Chapter 17: k-medoids (PAM) against PAM written the textbook way.

No k-medoids library is among the book's dependencies (scikit-learn has none), so
the reference is the same algorithm as Kaufman and Rousseeuw describe it: every swap
of a medoid for a non-medoid scored by recomputing the total distance, over
scipy's distance table. Both find the same medoids (the same score); the ratio shows
what scoring every swap in one pass (``swap_gains``) is worth. The score is minus
the total distance from the test points to their nearest medoid.
"""

import numpy as np
from harness import Case, split
from scipy.spatial.distance import cdist
from sklearn.model_selection import train_test_split

from scratchlearn import datasets
from scratchlearn.unsupervised import KMedoids


class TextbookPAM:
    """PAM with each candidate medoid set scored from scratch."""

    def __init__(self, n_clusters):
        self.n_clusters = n_clusters

    @staticmethod
    def _cost(distances, medoids):
        return distances[:, medoids].min(axis=1).sum()

    def fit(self, X, y=None):
        distances = cdist(X, X)
        n_samples = len(X)
        medoids = [int(np.argmin(distances.sum(axis=0)))]
        while len(medoids) < self.n_clusters:
            costs = [
                self._cost(distances, [*medoids, h]) if h not in medoids else np.inf
                for h in range(n_samples)
            ]
            medoids.append(int(np.argmin(costs)))
        cost = self._cost(distances, medoids)
        while True:
            best = (cost, None)
            for position in range(self.n_clusters):
                for h in range(n_samples):
                    if h in medoids:
                        continue
                    swapped = list(medoids)
                    swapped[position] = h
                    swapped_cost = self._cost(distances, swapped)
                    if swapped_cost < best[0]:
                        best = (swapped_cost, swapped)
            if best[1] is None:
                break
            cost, medoids = best
        self.cluster_centers_ = X[medoids]
        return self

    def predict(self, X):
        return np.argmin(cdist(X, self.cluster_centers_), axis=1)

    def score(self, X, y=None):
        return -float(cdist(X, self.cluster_centers_).min(axis=1).sum())


def digits_sample():
    """400 digits to cluster, 200 to score."""
    X, y = datasets.digits()
    return train_test_split(X[:600], y[:600], train_size=400, random_state=0)


def iris():
    return split("iris")


CASES = [
    Case(
        name="KMedoids k=3, iris",
        chapter="17",
        data=iris,
        ours=lambda: KMedoids(3),
        reference=lambda: TextbookPAM(3),
        notes="reference: PAM scoring every swap from scratch (no library)",
    ),
    Case(
        name="KMedoids k=10, 400 digits",
        chapter="17",
        data=digits_sample,
        ours=lambda: KMedoids(10),
        reference=lambda: TextbookPAM(10),
        repeats=3,
        notes="reference: PAM scoring every swap from scratch (no library)",
    ),
]
