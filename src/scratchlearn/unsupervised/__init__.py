"""Part II of the book: learning without labels (clustering, mixtures, projections and
association rules), each estimator built from scratch in NumPy and held against its
reference library in the tests. One import line per chapter, in chapter order."""

# Chapter 22: association rules.
from scratchlearn.unsupervised.association_rules import Apriori, FPGrowth  # noqa: F401
