"""Part II of the book: learning without labels (clustering, mixtures, projections and
association rules), each estimator built from scratch in NumPy and held against its
reference library in the tests. One import line per chapter, in chapter order."""

from scratchlearn.unsupervised.gaussian_mixture import (
    GaussianMixture as GaussianMixture,
)
from scratchlearn.unsupervised.pca import PCA as PCA
