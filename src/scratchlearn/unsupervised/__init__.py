"""Part II of the book: learning without labels (clustering, mixtures, projections and
association rules), each estimator built from scratch in NumPy and held against its
reference library in the tests: k-means (chapter 16), k-medoids (17), DBSCAN (18),
agglomerative clustering (19), Gaussian mixtures (20), PCA (21), Apriori and
FP-Growth (22)."""

from scratchlearn.unsupervised.agglomerative import AgglomerativeClustering
from scratchlearn.unsupervised.association_rules import Apriori, FPGrowth
from scratchlearn.unsupervised.dbscan import DBSCAN
from scratchlearn.unsupervised.gaussian_mixture import GaussianMixture
from scratchlearn.unsupervised.kmeans import KMeans, kmeans_plusplus
from scratchlearn.unsupervised.kmedoids import KMedoids
from scratchlearn.unsupervised.pca import PCA

__all__ = [
    "DBSCAN",
    "PCA",
    "AgglomerativeClustering",
    "Apriori",
    "FPGrowth",
    "GaussianMixture",
    "KMeans",
    "KMedoids",
    "kmeans_plusplus",
]
