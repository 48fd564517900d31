"""Part II of the book: learning without labels (clustering, mixtures, projections and
association rules), each estimator built from scratch in NumPy and held against its
reference library in the tests. One import line per chapter, in chapter order."""

from scratchlearn.unsupervised.kmeans import KMeans as KMeans
from scratchlearn.unsupervised.kmeans import kmeans_plusplus as kmeans_plusplus
from scratchlearn.unsupervised.kmedoids import KMedoids as KMedoids
