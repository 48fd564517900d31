"""Part II of the book: learning without labels (clustering, mixtures, projections and
association rules), each estimator built from scratch in NumPy and held against its
reference library in the tests. One import line per chapter, in chapter order."""

from scratchlearn.unsupervised.agglomerative import (
    AgglomerativeClustering as AgglomerativeClustering,
)
from scratchlearn.unsupervised.dbscan import DBSCAN as DBSCAN
