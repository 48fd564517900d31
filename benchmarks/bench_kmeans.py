"""Chapter 16: k-means against scikit-learn's KMeans (Lloyd). The score is minus the
inertia of the test set with the fitted centres (both libraries' ``score``)."""

from harness import Case, split
from sklearn import cluster
from sklearn.datasets import make_blobs

from scratchlearn.unsupervised import KMeans


def digits():
    return split("digits")


def large_blobs():
    """20,000 points in 20 dimensions around 8 centres."""
    X, y = make_blobs(20_000, n_features=20, centers=8, random_state=0)
    return X[:16_000], X[16_000:], y[:16_000], y[16_000:]


def same_start():
    """The digits' training part and ten of its points as the start."""
    return digits()[0][:10]


CASES = [
    Case(
        name="KMeans k=10 n_init=10, digits",
        chapter="16",
        data=digits,
        ours=lambda: KMeans(10, n_init=10, random_state=0),
        reference=lambda: cluster.KMeans(10, n_init=10, random_state=0),
        notes="reference: sklearn KMeans(n_init=10) (its k-means++ is greedy)",
    ),
    Case(
        name="KMeans k=10 from the same start, digits",
        chapter="16",
        data=digits,
        ours=lambda: KMeans(10, init=same_start()),
        reference=lambda: cluster.KMeans(
            10, init=same_start(), n_init=1, algorithm="lloyd"
        ),
        notes="Lloyd's iterations alone, the same labels on both sides",
    ),
    Case(
        name="KMeans k=8 n_init=3, 16000 x 20",
        chapter="16",
        data=large_blobs,
        ours=lambda: KMeans(8, n_init=3, random_state=0),
        reference=lambda: cluster.KMeans(8, n_init=3, random_state=0),
        repeats=3,
    ),
]
