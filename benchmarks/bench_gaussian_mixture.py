"""Chapter 20: Gaussian mixtures by EM against scikit-learn's GaussianMixture.

Both start from the same weights, means and precisions, so both run the same EM
rounds (the tests check that the paths agree) and the ratio compares the work per
round: E-step (a log-density per component, log-sum-exp) and M-step (weighted means
and covariances, a Cholesky factor each). The score is the mean log-likelihood of the
test samples. The last case starts from each library's own k-means clustering:
different random starts, so the rounds and the optimum may differ.
"""

from functools import cache

import numpy as np
from harness import Case, split
from sklearn import mixture
from sklearn.datasets import make_blobs

from scratchlearn.unsupervised import GaussianMixture

CHAPTER = "20"
N_COMPONENTS = 10


@cache
def digits():
    return split("digits")


@cache
def blobs():
    """20,000 training and 5,000 test points in 5 dimensions, eight blobs."""
    X, y = make_blobs(25_000, n_features=5, centers=8, random_state=0)
    return X[:20_000], X[20_000:], y[:20_000], y[20_000:]


@cache
def start(covariance_type):
    """The same start for both: equal weights, one training digit of each class as
    means, and round Gaussians of the data's mean variance."""
    X_train, _, y_train, _ = digits()
    means = np.array([X_train[y_train == label][0] for label in range(N_COMPONENTS)])
    precision = 1.0 / X_train.var(axis=0).mean()
    n_features = X_train.shape[1]
    precisions = {
        "full": np.stack([precision * np.eye(n_features)] * N_COMPONENTS),
        "tied": precision * np.eye(n_features),
        "diag": np.full((N_COMPONENTS, n_features), precision),
        "spherical": np.full(N_COMPONENTS, precision),
    }[covariance_type]
    return {
        "weights_init": np.full(N_COMPONENTS, 1 / N_COMPONENTS),
        "means_init": means,
        "precisions_init": precisions,
    }


def same_start(covariance_type):
    settings = {
        "n_components": N_COMPONENTS,
        "covariance_type": covariance_type,
        "reg_covar": 1e-3,  # pixels blank in every digit of a component
        **start(covariance_type),
    }
    return Case(
        name=f"GaussianMixture {covariance_type} k=10, digits",
        chapter=CHAPTER,
        data=digits,
        ours=lambda: GaussianMixture(**settings),
        reference=lambda: mixture.GaussianMixture(**settings),
        repeats=5,
        notes="the same start on both sides: the same EM rounds",
    )


CASES = [
    *(same_start(name) for name in ("full", "tied", "diag", "spherical")),
    Case(
        name="GaussianMixture full k=8, 20000 x 5 (k-means starts)",
        chapter=CHAPTER,
        data=blobs,
        ours=lambda: GaussianMixture(8, random_state=0),
        reference=lambda: mixture.GaussianMixture(8, random_state=0),
        repeats=3,
        notes="each library's own k-means start: the rounds may differ",
    ),
]
