"""Supervised learning: Part I of the book."""

from scratchlearn.supervised.knn import KNeighborsClassifier, KNeighborsRegressor
from scratchlearn.supervised.linear_regression import LinearRegression
from scratchlearn.supervised.regularized import (
    ElasticNet,
    Lasso,
    Ridge,
    coefficient_path,
    soft_threshold,
)

__all__ = [
    "ElasticNet",
    "KNeighborsClassifier",
    "KNeighborsRegressor",
    "Lasso",
    "LinearRegression",
    "Ridge",
    "coefficient_path",
    "soft_threshold",
]
