"""Chapter 2: LinearRegression (least squares and gradient descent) against
scikit-learn."""

import numpy as np
from harness import Case, split
from sklearn import linear_model

from scratchlearn.preprocessing import StandardScaler
from scratchlearn.supervised import LinearRegression


def diabetes():
    return split("diabetes")


def standardised_diabetes():
    """Diabetes scaled with the training set's statistics, as gradient descent needs."""
    X_train, X_test, y_train, y_test = diabetes()
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def large_random():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(25_000, 50))
    y = X @ rng.normal(size=50) + 2.0 + rng.normal(size=25_000)
    return X[:20_000], X[20_000:], y[:20_000], y[20_000:]


CASES = [
    Case(
        name="LinearRegression lstsq, diabetes",
        chapter="2",
        data=diabetes,
        ours=LinearRegression,
        reference=linear_model.LinearRegression,
        repeats=21,
        notes="reference: sklearn LinearRegression; same solution (normal equation, "
        "SVD-based lstsq on centred data)",
    ),
    Case(
        name="LinearRegression lstsq, 20000 x 50",
        chapter="2",
        data=large_random,
        ours=LinearRegression,
        reference=linear_model.LinearRegression,
        notes="reference: sklearn LinearRegression; seeded Gaussian data",
    ),
    Case(
        name="LinearRegression gd, diabetes (std.)",
        chapter="2",
        data=standardised_diabetes,
        ours=lambda: LinearRegression(solver="gd", learning_rate=0.1, max_iter=500),
        reference=lambda: linear_model.SGDRegressor(penalty=None, random_state=0),
        notes="reference: sklearn SGDRegressor (no penalty, its default stopping "
        "rule); ours: full-batch gradient descent, learning rate 0.1, 500 epochs; "
        "standardised features",
    ),
]
