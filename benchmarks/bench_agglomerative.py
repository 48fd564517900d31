"""Chapter 19: agglomerative clustering against SciPy's ``linkage`` and ``fcluster``
on 1,000 points, for all four linkages. Target: within 10x. One more case measures
the nearest-neighbour chain against our own naive O(n^3) loop.

Clustering has no test set: ``fit`` builds the tree and cuts it (timed),
``predict`` returns the labels found (both sides alike, so its ratio is about 1 and
says nothing), and the score is the adjusted Rand index of the labels against the
blobs the points were drawn from."""

from harness import Case, Clustering
from scipy.cluster import hierarchy
from sklearn.metrics import adjusted_rand_score

from scratchlearn import datasets
from scratchlearn.unsupervised import AgglomerativeClustering
from scratchlearn.unsupervised.agglomerative import LINKAGES, cut_tree, naive_linkage

N_CLUSTERS = 5


class SciPyClustering:
    """SciPy's ``linkage`` and ``fcluster`` (``maxclust``), as an estimator."""

    def __init__(self, method):
        self.method = method

    def fit(self, X, y=None):
        Z = hierarchy.linkage(X, self.method)
        self.labels_ = hierarchy.fcluster(Z, N_CLUSTERS, criterion="maxclust")
        return self

    def predict(self, X):
        return self.labels_

    def score(self, X, y):
        return adjusted_rand_score(y, self.labels_)


class NaiveClustering(SciPyClustering):
    """Our naive O(n^3) loop (the whole matrix scanned at each merge)."""

    def fit(self, X, y=None):
        self.labels_ = cut_tree(naive_linkage(X, self.method), N_CLUSTERS)
        return self


def blobs():
    data = datasets.blobs(1000, centers=N_CLUSTERS, cluster_std=1.5, random_state=0)
    return data.X, data.X, data.y, data.y


def digits():
    data = datasets.digits()
    X, y = data.X[:1000], data.y[:1000]
    return X, X, y, y


def ours(method):
    return lambda: Clustering(AgglomerativeClustering(N_CLUSTERS, linkage=method))


CASES = [
    Case(
        name=f"Agglomerative {method}, 1000 blobs",
        chapter="19",
        data=blobs,
        ours=ours(method),
        reference=lambda method=method: SciPyClustering(method),
        repeats=5,
        notes="reference: scipy linkage + fcluster; score: adjusted Rand index",
    )
    for method in LINKAGES
] + [
    Case(
        name="Agglomerative ward, 1000 digits (64 features)",
        chapter="19",
        data=digits,
        ours=ours("ward"),
        reference=lambda: SciPyClustering("ward"),
        repeats=5,
        notes="reference: scipy linkage + fcluster; score: adjusted Rand index",
    ),
    Case(
        name="Agglomerative average, 1000 blobs, vs naive",
        chapter="19",
        data=blobs,
        ours=ours("average"),
        reference=lambda: NaiveClustering("average"),
        repeats=2,
        notes="reference: our naive O(n^3) loop (naive_linkage); same tree",
    ),
]
