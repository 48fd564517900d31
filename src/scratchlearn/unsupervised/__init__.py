"""Part II of the book: learning without labels (clustering, mixtures, projections and
association rules), each estimator built from scratch in NumPy and held against its
reference library in the tests."""

from scratchlearn.unsupervised.agglomerative import AgglomerativeClustering
from scratchlearn.unsupervised.association_rules import Apriori, FPGrowth
from scratchlearn.unsupervised.dbscan import DBSCAN
from scratchlearn.unsupervised.gaussian_mixture import GaussianMixture
from scratchlearn.unsupervised.pca import PCA

__all__ = [
    "DBSCAN",  # chapter 18
    "PCA",  # 21
    "AgglomerativeClustering",  # 19
    "Apriori",  # 22
    "FPGrowth",  # 22
    "GaussianMixture",  # 20
]
