"""Supervised learning: Part I of the book."""

from scratchlearn.supervised.knn import KNeighborsClassifier, KNeighborsRegressor

__all__ = ["KNeighborsClassifier", "KNeighborsRegressor"]
