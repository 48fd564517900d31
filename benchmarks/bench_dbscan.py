"""Chapter 18: DBSCAN against scikit-learn's (its default neighbour search, a k-d
tree or ball tree where they apply). Target: within 5x.

Clustering has no test set: ``fit`` clusters the data (timed), ``predict`` returns
the labels found (both sides alike, so its ratio is about 1 and says nothing), and
the score is the adjusted Rand index of the labels against the groups the data were
drawn from (background noise counted as one group)."""

import numpy as np
from harness import Case, Clustering
from sklearn import cluster

from scratchlearn import datasets
from scratchlearn.unsupervised import DBSCAN


def with_noise(X, y, n_noise, margin):
    X = datasets.add_uniform_noise(X, n_noise, margin=margin, random_state=1)
    y = np.concatenate([y, np.full(n_noise, -1)])
    return X, X, y, y


def moons(n_samples):
    data = datasets.moons(n_samples, noise=0.07, random_state=0)
    return lambda: with_noise(data.X, data.y, n_samples // 10, margin=0.25)


def blobs():
    data = datasets.blobs(5000, centers=6, cluster_std=0.6, random_state=0)
    return with_noise(data.X, data.y, 500, margin=2.0)


def digits():
    data = datasets.digits()
    return data.X, data.X, data.y, data.y


def case(name, data, eps, min_samples, **extra):
    return Case(
        name=name,
        chapter="18",
        data=data,
        ours=lambda: Clustering(DBSCAN(eps, min_samples=min_samples)),
        reference=lambda: Clustering(cluster.DBSCAN(eps=eps, min_samples=min_samples)),
        notes="reference: sklearn DBSCAN; score: adjusted Rand index vs the groups",
        **extra,
    )


CASES = [
    case("DBSCAN eps=0.2, 264 moons with noise", moons(240), 0.2, 6),
    case("DBSCAN eps=0.1, 2200 moons with noise", moons(2000), 0.1, 6),
    case("DBSCAN eps=0.3, 5500 blobs with noise", blobs, 0.3, 10, repeats=5),
    case("DBSCAN eps=20.5, digits (64 features)", digits, 20.5, 8, repeats=5),
]
