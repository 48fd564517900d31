"""Voting: several classifiers decide together (Chapter 15).

A voting ensemble fits each of its members on the same data and combines their
answers. *Hard* voting counts each member's predicted class (with a weight per
member); *soft* voting averages the members' predicted class probabilities (again
with weights) and picks the most probable class. Members that make different
mistakes cancel out each other's errors, so the ensemble is often better than its
best member and rarely much worse.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin, clone
from scratchlearn.utils.metaestimators import available_if
from scratchlearn.utils.validation import (
    Instance,
    Options,
    check_array,
    check_predict_input,
    check_X_y,
)


class VotingClassifier(ClassifierMixin, BaseEstimator):
    """Combine classifiers by a (weighted) majority vote or averaged probabilities.

    Parameters
    ----------
    estimators : list of (str, estimator) pairs
        The members, each with a unique name. Any classifier with ``fit`` and
        ``predict`` works (ours or scikit-learn's); soft voting also needs
        ``predict_proba``. They are cloned in ``fit``, never fitted themselves.
    voting : {"hard", "soft"}, default "hard"
        ``"hard"``: each member votes for its predicted class. ``"soft"``: the
        members' class probabilities are averaged.
    weights : array-like of shape (n_estimators,) or None, default None
        Each member's say (non-negative, not all zero); ``None`` weighs all equally.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted clones, in the order of ``estimators``.
    named_estimators_ : dict
        The same, by name.
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``, sorted.
    n_features_in_ : int

    Notes
    -----
    Every member is fitted on the class *indices* ``0..K-1`` (the position of each
    label in ``classes_``), as scikit-learn does, so that the members' answers line
    up whatever the labels are. With member weights :math:`w_m`, hard voting
    predicts

    .. math::

        \\hat y(x) = \\arg\\max_c \\sum_m w_m \\,[h_m(x) = c],

    and soft voting, with member probabilities :math:`p_m(c \\mid x)`,

    .. math::

        p(c \\mid x) = \\frac{\\sum_m w_m\\, p_m(c \\mid x)}{\\sum_m w_m},
        \\qquad \\hat y(x) = \\arg\\max_c p(c \\mid x).

    Ties go to the smallest class label (``np.argmax`` takes the first maximum).
    Soft voting uses each member's confidence, so it usually beats hard voting
    when the probabilities are well calibrated. Chapter 15 explains this code.

    References
    ----------
    Kuncheva, L. I. (2014). Combining Pattern Classifiers: Methods and Algorithms,
    2nd edition, Chapter 4. Wiley.
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimators": [
            Instance((list, tuple), description="a list of (name, estimator) pairs")
        ],
        "voting": [Options("hard", "soft")],
        "weights": [None, Instance((list, tuple, np.ndarray))],
    }

    def __init__(self, estimators, *, voting="hard", weights=None):
        self.estimators = estimators
        self.voting = voting
        self.weights = weights

    def _check_members_and_weights(self):
        """What the declarations cannot say: what the lists hold. The members must be
        uniquely named estimators with the methods ``voting`` needs, and ``weights``
        one non-negative weight per member, not all zero. Returns the weights."""
        if not self.estimators:
            raise ValueError(
                "estimators must be a non-empty list of (name, estimator) pairs, "
                f"got {self.estimators!r}."
            )
        needs = ["fit", "get_params", "predict"]
        if self.voting == "soft":
            needs.append("predict_proba")
        for pair in self.estimators:
            if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
                raise ValueError(
                    f"estimators must hold (name, estimator) pairs, got {pair!r}."
                )
            name, estimator = pair
            if not isinstance(name, str):
                raise ValueError(
                    f"estimators: each name must be a string, got {name!r}."
                )
            missing = [method for method in needs if not hasattr(estimator, method)]
            if missing:
                raise ValueError(
                    f"estimators: {name!r} has no {' or '.join(missing)} method, "
                    f"which voting={self.voting!r} needs."
                )
        names = [name for name, _ in self.estimators]
        if len(set(names)) != len(names):
            raise ValueError(f"estimators must have unique names, got {names}.")
        n_estimators = len(self.estimators)
        if self.weights is None:
            return np.ones(n_estimators)
        weights = check_array(self.weights, name="weights", ensure_2d=False)
        if weights.shape != (n_estimators,) or np.any(weights < 0):
            raise ValueError(
                f"weights must hold one non-negative number per estimator "
                f"({n_estimators}), got {self.weights!r}."
            )
        if weights.sum() == 0:
            raise ValueError("weights must not all be zero.")
        return weights

    def fit(self, X, y):
        """Fit a clone of every member on ``X`` (n_samples, n_features) and ``y``."""
        self._validate_params()
        weights = self._check_members_and_weights()
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        members = [clone(estimator).fit(X, y_index) for _, estimator in self.estimators]
        # Learned attributes are set only now, so a failed fit changes nothing.
        self.estimators_ = members
        self.named_estimators_ = {
            name: member
            for (name, _), member in zip(self.estimators, members, strict=True)
        }
        self.classes_ = classes
        self.weights_ = weights
        self.n_features_in_ = X.shape[1]
        return self

    def _hard_votes(self, X):
        """Weighted votes of every class, shape (n_samples, n_classes)."""
        predictions = np.column_stack(
            [member.predict(X) for member in self.estimators_]
        ).astype(np.intp)  # (n_samples, n_estimators): class indices
        one_hot = predictions[:, :, np.newaxis] == np.arange(
            len(self.classes_)
        )  # (n_samples, n_estimators, n_classes)
        return np.sum(
            self.weights_[np.newaxis, :, np.newaxis] * one_hot, axis=1
        )  # (n_samples, n_classes)

    def _soft(self):
        return self.voting == "soft"

    @available_if(
        _soft,
        "predict_proba is only available with voting='soft'; hard voting counts "
        "votes, it does not average probabilities.",
    )
    def predict_proba(self, X):
        """Weighted mean of the members' probabilities, (n_samples, n_classes).

        Only with ``voting="soft"`` (``hasattr`` is false otherwise): hard votes are
        not probabilities.
        """
        X = check_predict_input(self, X)
        probabilities = np.stack(
            [member.predict_proba(X) for member in self.estimators_]
        )  # (n_estimators, n_samples, n_classes)
        weighted = self.weights_[:, np.newaxis, np.newaxis] * probabilities
        return weighted.sum(axis=0) / self.weights_.sum()  # (n_samples, n_classes)

    def predict(self, X):
        """The class with the most (weighted) votes or the highest mean probability."""
        if self.voting == "soft":
            scores = self.predict_proba(X)  # (n_samples, n_classes)
        else:
            scores = self._hard_votes(check_predict_input(self, X))
        return self.classes_[np.argmax(scores, axis=1)]
