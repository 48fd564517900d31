"""scratchlearn.metrics: the silhouette against scikit-learn's on real and random data,
with singletons, duplicates and the clear errors."""

import numpy as np
import pytest
from sklearn import metrics as sk_metrics
from sklearn.cluster import KMeans

from scratchlearn import datasets
from scratchlearn.metrics import silhouette_samples, silhouette_score


@pytest.mark.parametrize("n_clusters", [2, 5, 10])
def test_silhouette_equals_scikit_learn_on_digits(n_clusters):
    X = datasets.digits().X
    labels = KMeans(n_clusters, n_init=1, random_state=0).fit_predict(X)
    np.testing.assert_allclose(
        silhouette_samples(X, labels, block_size=500),  # several blocks
        sk_metrics.silhouette_samples(X, labels),
        rtol=0,
        atol=1e-10,
    )
    assert silhouette_score(X, labels) == pytest.approx(
        sk_metrics.silhouette_score(X, labels), abs=1e-10
    )


def test_singletons_and_duplicates_score_zero_like_scikit_learn():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(20, 3)), [[9.0, 9.0, 9.0]], [[1.0, 1.0, 1.0]] * 3])
    labels = np.r_[rng.integers(0, 2, 20), 2, 3, 3, 3]  # a singleton, 3 duplicates
    ours = silhouette_samples(X, labels)
    np.testing.assert_allclose(
        ours, sk_metrics.silhouette_samples(X, labels), atol=1e-12
    )
    assert ours[20] == 0.0


def test_string_labels_and_a_wrong_clustering_scores_low():
    X, y = datasets.blobs()
    good = silhouette_score(X, np.asarray(["abc"[i] for i in y]))
    assert good == pytest.approx(sk_metrics.silhouette_score(X, y), abs=1e-10)
    shuffled = np.random.default_rng(0).permutation(y)
    assert silhouette_score(X, shuffled) < 0.1 < good


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.zeros(5), "2 to n_samples - 1"),
        (np.arange(5), "2 to n_samples - 1"),
        (np.zeros(4), "one entry per sample"),
    ],
)
def test_silhouette_errors_are_clear(labels, message):
    X = np.arange(10.0).reshape(5, 2)
    with pytest.raises(ValueError, match=message):
        silhouette_samples(X, labels)
