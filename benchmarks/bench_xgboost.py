"""Chapter 14: XGBoost from scratch against the xgboost library (exact greedy, one
thread, no sampling, the same hyperparameters and an explicit base score)."""

import numpy as np
import xgboost
from harness import Case
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import train_test_split

from scratchlearn.supervised import XGBoostClassifier, XGBoostRegressor


def _split(loader, stratify):
    X, y = loader(return_X_y=True)
    X = X.astype(np.float32).astype(np.float64)  # the values xgboost sees
    return train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y if stratify else None
    )


def diabetes():
    return _split(load_diabetes, stratify=False)


def breast_cancer():
    return _split(load_breast_cancer, stratify=True)


def digits():
    return _split(load_digits, stratify=True)


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
