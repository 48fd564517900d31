"""Supervised learning: Part I of the book."""

from scratchlearn.numerics import log_sum_exp
from scratchlearn.supervised.adaboost import AdaBoostClassifier
from scratchlearn.supervised.bayesian_regression import BayesianLinearRegression
from scratchlearn.supervised.decision_tree import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    best_split,
    entropy,
    gini,
)
from scratchlearn.supervised.gradient_boosting import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)
from scratchlearn.supervised.knn import KNeighborsClassifier, KNeighborsRegressor
from scratchlearn.supervised.lda import (
    LinearDiscriminantAnalysis,
    fisher_criterion,
    fisher_direction,
    scatter_matrices,
)
from scratchlearn.supervised.linear_regression import LinearRegression
from scratchlearn.supervised.logistic_regression import (
    LogisticRegression,
    sigmoid,
    softmax,
)
from scratchlearn.supervised.naive_bayes import GaussianNB
from scratchlearn.supervised.perceptron import Perceptron
from scratchlearn.supervised.random_forest import (
    RandomForestClassifier,
    RandomForestRegressor,
)
from scratchlearn.supervised.regularized import (
    ElasticNet,
    Lasso,
    Ridge,
    coefficient_path,
    soft_threshold,
)
from scratchlearn.supervised.svm import SVC, kernel_matrix
from scratchlearn.supervised.voting import VotingClassifier
from scratchlearn.supervised.xgboost import XGBoostClassifier, XGBoostRegressor

__all__ = [
    "SVC",
    "AdaBoostClassifier",
    "BayesianLinearRegression",
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "ElasticNet",
    "GaussianNB",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "KNeighborsClassifier",
    "KNeighborsRegressor",
    "Lasso",
    "LinearDiscriminantAnalysis",
    "LinearRegression",
    "LogisticRegression",
    "Perceptron",
    "RandomForestClassifier",
    "RandomForestRegressor",
    "Ridge",
    "VotingClassifier",
    "XGBoostClassifier",
    "XGBoostRegressor",
    "best_split",
    "coefficient_path",
    "entropy",
    "fisher_criterion",
    "fisher_direction",
    "gini",
    "kernel_matrix",
    "log_sum_exp",
    "scatter_matrices",
    "sigmoid",
    "soft_threshold",
    "softmax",
]
