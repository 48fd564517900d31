"""Chapter 14: XGBoost from scratch against the xgboost library (exact greedy, one
thread, no sampling, the same hyperparameters and an explicit base score)."""

import numpy as np
import xgboost
from harness import Case, split

from scratchlearn.supervised import XGBoostClassifier, XGBoostRegressor


def _split(name):
    X_train, X_test, y_train, y_test = split(name)
    # The values xgboost sees (it stores features as float32).
    X_train, X_test = (
        X.astype(np.float32).astype(np.float64) for X in (X_train, X_test)
    )
    return X_train, X_test, y_train, y_test


def diabetes():
    return _split("diabetes")


def breast_cancer():
    return _split("breast_cancer")


def digits():
    return _split("digits")


def reference(cls, **params):
    return cls(
        tree_method="exact", n_jobs=1, subsample=1.0, colsample_bytree=1.0, **params
    )


REGRESSION = dict(n_estimators=100, max_depth=3, learning_rate=0.1, base_score=150.0)
BINARY = dict(n_estimators=100, max_depth=3, learning_rate=0.3, base_score=0.5)
SOFTMAX = dict(n_estimators=20, max_depth=3, learning_rate=0.3, base_score=0.5)

CASES = [
    Case(
        name="XGBoostRegressor 100 trees depth 3, diabetes",
        chapter="14",
        data=diabetes,
        ours=lambda: XGBoostRegressor(**REGRESSION),
        reference=lambda: reference(xgboost.XGBRegressor, **REGRESSION),
        notes="reg:squarederror; predictions within 1e-6 relative",
    ),
    Case(
        name="XGBoostClassifier 100 trees depth 3, breast cancer",
        chapter="14",
        data=breast_cancer,
        ours=lambda: XGBoostClassifier(**BINARY),
        reference=lambda: reference(xgboost.XGBClassifier, **BINARY),
        notes="binary:logistic; probabilities within 1e-6",
    ),
    Case(
        name="XGBoostClassifier 20 rounds depth 3, digits",
        chapter="14",
        data=digits,
        ours=lambda: XGBoostClassifier(**SOFTMAX),
        reference=lambda: reference(xgboost.XGBClassifier, **SOFTMAX),
        repeats=3,
        notes="multi:softprob, 10 trees per round",
    ),
]
