"""Gradient boosting for regression and classification (Chapter 13).

Gradient boosting builds an additive model one small regression tree at a time. It
starts from a constant, the *initial estimate* (the mean target; the log-odds or the
log class priors), and every stage fits a tree to the *pseudo-residuals*, the
negative gradient of the loss with respect to the current predictions, then adds
that tree, shrunk by the learning rate. It is gradient descent in the space of
functions: each tree is one step downhill on the training loss (Friedman, 2001).

* Squared error: the pseudo-residuals are the plain residuals ``y - F(x)``, and the
  tree's leaf means are already the best step.
* Log-loss: the pseudo-residuals are ``y - p(x)`` (one-hot ``y`` and softmax ``p``
  for ``K`` classes, one tree per class per stage); each leaf's value is replaced by
  one Newton step, ``sum(residual) / sum(p (1 - p))`` over its samples, times
  ``(K - 1) / K`` for ``K > 2`` classes, as in Friedman's paper and scikit-learn.

The initial estimate is part of the model: ``predict`` adds the trees to it. Leaving
it out (a mistake of an earlier collection) shifts every prediction by the mean
target. The trees are Chapter 10's :class:`DecisionTreeRegressor`, unchanged; only
their leaf values are rewritten for the log-loss, as scikit-learn rewrites its trees'
``tree_.value``.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from scratchlearn.metrics import r2_score
from scratchlearn.numerics import log_softmax
from scratchlearn.supervised.decision_tree import LEAF, DecisionTreeRegressor
from scratchlearn.supervised.forest import apply_forest, join_trees
from scratchlearn.supervised.logistic_regression import probabilities_from_logits
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    check_predict_input,
    check_random_state,
    check_X_y,
)

# A leaf whose summed Hessian p (1 - p) is below this gets the value 0 instead of a
# huge Newton step: its probabilities are already 0 or 1 (scikit-learn's rule).
TINY_HESSIAN = 1e-150


def newton_leaf_values(tree, leaves, residuals, hessians, scale=1.0):
    """The tree's node values with each leaf set to one Newton step of the loss.

    Parameters
    ----------
    tree : fitted DecisionTreeRegressor
    leaves : ndarray of shape (n_samples,)
        The leaf each training sample of the tree ends in (``tree.apply``).
    residuals : ndarray of shape (n_samples,)
        Pseudo-residuals (negative gradients) ``y - p`` of those samples.
    hessians : ndarray of shape (n_samples,)
        Second derivatives ``p (1 - p)`` of the loss for those samples.
    scale : float
        ``(K - 1) / K`` for ``K > 2`` classes, else 1.

    Returns
    -------
    ndarray of shape (n_nodes,)
        ``scale * sum(residuals) / sum(hessians)`` over each leaf's samples; internal
        nodes keep their value.
    """
    n_nodes = tree.node_count_
    numerator = np.bincount(leaves, weights=residuals, minlength=n_nodes)
    denominator = np.bincount(leaves, weights=hessians, minlength=n_nodes)
    tiny = np.abs(denominator) < TINY_HESSIAN  # (n_nodes,)
    step = scale * numerator / np.where(tiny, 1.0, denominator)
    return np.where(tree.left_ == LEAF, np.where(tiny, 0.0, step), tree.value_)


class _BaseGradientBoosting(BaseEstimator):
    """The boosting loop, shared by the regressor and the classifier.

    Both keep raw predictions ``F`` of shape (n_samples, n_trees_per_iteration): one
    column for regression and two classes, ``K`` columns for ``K > 2`` classes. The
    subclasses say what the loss is: ``_initial_estimate``, ``_pseudo_residuals``,
    ``_leaf_values`` and ``_loss``. The two share this constructor: the same
    hyperparameters with the same defaults, described in each subclass's docstring.
    """

    _parameter_constraints: ClassVar[dict] = {
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "n_estimators": [Interval(int, 1, None, closed="left")],
        # Passed to every tree: declared as the trees declare them.
        **{
            name: DecisionTreeRegressor._parameter_constraints[name]
            for name in ("max_depth", "min_samples_split", "min_samples_leaf")
        },
        "subsample": [Interval(float, 0, 1, closed="right")],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        *,
        learning_rate=0.1,
        n_estimators=100,
        max_depth=3,
        min_samples_split=2,
        min_samples_leaf=1,
        subsample=1.0,
        random_state=None,
    ):
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.subsample = subsample
        self.random_state = random_state

    def _boost(self, X, targets):
        """Fit the initial estimate, then ``n_estimators`` stages of trees.

        ``targets`` has shape (n_samples, n_trees_per_iteration): the real targets,
        or the class indicators. Returns everything ``fit`` stores.
        """
        rng = check_random_state(self.random_state)
        n_samples, n_columns = targets.shape
        n_in_bag = max(1, int(self.subsample * n_samples))
        initial = self._initial_estimate(targets)  # (n_columns,)
        raw = np.tile(initial, (n_samples, 1))  # (n_samples, n_columns)
        stages, train_loss = [], np.zeros(self.n_estimators)
        for stage in range(self.n_estimators):
            if n_in_bag < n_samples:  # stochastic gradient boosting
                in_bag = np.sort(rng.choice(n_samples, n_in_bag, replace=False))
            else:
                in_bag = np.arange(n_samples)
            # One gradient per stage: the K trees of a stage all start from the same F.
            residuals, hessians = self._pseudo_residuals(targets, raw)  # (n, n_cols)
            trees = []
            for k in range(n_columns):
                tree = DecisionTreeRegressor(
                    max_depth=self.max_depth,
                    min_samples_split=self.min_samples_split,
                    min_samples_leaf=self.min_samples_leaf,
                )
                tree.fit(X[in_bag], residuals[in_bag, k])
                if hessians is not None:  # log-loss: one Newton step per leaf
                    tree.value_ = newton_leaf_values(
                        tree,
                        tree.apply(X[in_bag]),
                        residuals[in_bag, k],
                        hessians[in_bag, k],
                        scale=self._newton_scale(n_columns),
                    )
                # Shrinkage: each tree only takes a fraction of its step.
                raw[:, k] += self.learning_rate * tree.predict(X)
                trees.append(tree)
            stages.append(trees)
            train_loss[stage] = self._loss(targets[in_bag], raw[in_bag])
        trees = [tree for trees in stages for tree in trees]  # stage by stage
        return {
            "initial_estimate_": initial[0] if n_columns == 1 else initial,
            "estimators_": stages,
            # All the trees joined, for predicting with every tree at once.
            "_forest": join_trees(
                (tree.feature_, tree.threshold_, tree.left_, tree.right_)
                for tree in trees
            ),
            "_leaf_values": np.concatenate([tree.value_ for tree in trees]),
            "train_score_": train_loss,
            "n_trees_per_iteration_": n_columns,
            "n_features_in_": X.shape[1],
        }

    @staticmethod
    def _newton_scale(n_columns):
        return 1.0 if n_columns == 1 else (n_columns - 1) / n_columns

    def _staged_raw(self, X):
        """Raw predictions ``F`` after each stage, as a generator of arrays of shape
        (n_samples, n_trees_per_iteration). ``F`` starts at the initial estimate."""
        X = check_predict_input(self, X)
        initial = np.atleast_1d(self.initial_estimate_)  # (n_columns,)
        raw = np.tile(initial, (X.shape[0], 1))  # (n_samples, n_columns)
        for trees in self.estimators_:
            for k, tree in enumerate(trees):
                raw[:, k] += self.learning_rate * tree.predict(X)
            yield raw.copy()

    def _raw(self, X):
        """Raw predictions of the whole ensemble, (n_samples, n_trees_per_iteration).

        The same sums as :meth:`_staged_raw`'s last, added in the same order, but
        with every tree walked at once (scratchlearn.supervised.forest).
        """
        X = check_predict_input(self, X)
        leaves = apply_forest(self._forest, X)  # (n_samples, n_trees)
        values = self._leaf_values[leaves]  # (n_samples, n_stages * n_columns)
        initial = np.atleast_1d(self.initial_estimate_)  # (n_columns,)
        n_columns = len(initial)
        raw = np.tile(initial, (X.shape[0], 1))  # (n_samples, n_columns)
        for start in range(0, values.shape[1], n_columns):  # stages, in order
            raw += self.learning_rate * values[:, start : start + n_columns]
        return raw


class GradientBoostingRegressor(RegressorMixin, _BaseGradientBoosting):
    """Gradient boosting of regression trees on the squared error.

    Parameters
    ----------
    learning_rate : float > 0, default 0.1
        Shrinkage: each tree's prediction is multiplied by it before being added.
        Smaller values need more trees and usually generalise better.
    n_estimators : int >= 1, default 100
        Number of boosting stages (trees).
    max_depth : int >= 1 or None, default 3
        Depth of each tree.
    min_samples_split, min_samples_leaf
        Passed to every tree; see :class:`DecisionTreeRegressor`.
    subsample : float in (0, 1], default 1.0
        Fraction of the training samples, drawn without replacement at every stage,
        that the stage's tree is grown on (stochastic gradient boosting). The
        remaining samples still get the tree's prediction added.
    random_state : None, int or numpy.random.Generator, default None
        Seeds the draws of ``subsample`` (nothing is drawn when it is 1.0).

    Attributes
    ----------
    initial_estimate_ : float
        The mean of ``y``: the model's prediction before any tree.
    estimators_ : list of list of DecisionTreeRegressor
        ``estimators_[m][0]`` is the tree of stage ``m``.
    train_score_ : ndarray of shape (n_estimators,)
        Mean squared error on the (in-bag) training samples after each stage.
    n_trees_per_iteration_ : int
        1.
    n_features_in_ : int

    Notes
    -----
    With the loss :math:`L(y, F) = \\frac{1}{2}(y - F)^2`, start from the constant
    that minimises it, :math:`F_0 = \\bar y`. At stage :math:`m` the pseudo-residuals
    are the negative gradients

    .. math:: r_i = -\\frac{\\partial L(y_i, F)}{\\partial F}\\Big|_{F = F_{m-1}(x_i)}
              = y_i - F_{m-1}(x_i),

    a regression tree :math:`h_m` is fitted to them (its leaves hold their means),
    and :math:`F_m = F_{m-1} + \\eta\\, h_m` with learning rate :math:`\\eta`. The
    prediction is :math:`F_M(x) = F_0 + \\eta \\sum_{m=1}^{M} h_m(x)`, initial
    estimate included. Chapter 13 explains this code.

    References
    ----------
    Friedman, J. H. (2001). Greedy function approximation: a gradient boosting
    machine. Annals of Statistics, 29(5), 1189-1232.

    Friedman, J. H. (2002). Stochastic gradient boosting. Computational Statistics &
    Data Analysis, 38(4), 367-378.
    """

    # -- the loss: squared error ------------------------------------------------

    @staticmethod
    def _initial_estimate(targets):
        return targets.mean(axis=0)  # the constant of least squared error

    @staticmethod
    def _pseudo_residuals(targets, raw):
        # No Hessians: the leaf means are already the best step.
        return targets - raw, None

    @staticmethod
    def _loss(targets, raw):
        return float(np.mean((targets - raw) ** 2))

    # -- fit and predict --------------------------------------------------------

    def fit(self, X, y):
        """Boost trees on ``X`` (n_samples, n_features) and real targets ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y, y_numeric=True)
        fitted = self._boost(X, y[:, np.newaxis])  # targets (n_samples, 1)
        # Learned attributes are set only now, so a failed fit changes nothing.
        for name, value in fitted.items():
            setattr(self, name, value)
        return self

    def predict(self, X):
        """Initial estimate plus the shrunk sum of the trees, shape (n_samples,)."""
        return self._raw(X)[:, 0]

    def staged_predict(self, X):
        """Predictions after each stage, as a generator."""
        for raw in self._staged_raw(X):
            yield raw[:, 0]

    def staged_score(self, X, y):
        """R² on ``(X, y)`` after each stage, as a generator."""
        for y_pred in self.staged_predict(X):
            yield r2_score(y, y_pred)


class GradientBoostingClassifier(ClassifierMixin, _BaseGradientBoosting):
    """Gradient boosting of regression trees on the log-loss, for any number of
    classes.

    Parameters
    ----------
    learning_rate, n_estimators, max_depth, min_samples_split, min_samples_leaf,
    subsample, random_state
        As for :class:`GradientBoostingRegressor`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``, sorted.
    initial_estimate_ : float or ndarray of shape (n_classes,)
        Two classes: the log-odds :math:`\\log(\\pi_1 / (1 - \\pi_1))` of the share
        :math:`\\pi_1` of ``classes_[1]``. More: the log class priors
        :math:`\\log \\pi_k`, centred to sum to zero as in scikit-learn (the softmax
        ignores a common shift).
    estimators_ : list of list of DecisionTreeRegressor
        ``estimators_[m][k]`` is the tree of stage ``m`` for class ``k`` (one tree
        per stage for two classes, on the log-odds of ``classes_[1]``).
    train_score_ : ndarray of shape (n_estimators,)
        Mean log-loss (cross-entropy) on the (in-bag) training samples after each
        stage.
    n_trees_per_iteration_ : int
        1 for two classes, ``n_classes`` otherwise.
    n_features_in_ : int

    Notes
    -----
    Two classes, :math:`y \\in \\{0, 1\\}`: the model's raw output :math:`F` is the
    log-odds, :math:`p = \\sigma(F) = 1 / (1 + e^{-F})`, and the log-loss is
    :math:`L = -y \\log p - (1 - y) \\log(1 - p)`. Its negative gradient and second
    derivative with respect to :math:`F` are

    .. math:: r_i = y_i - p_i, \\qquad \\frac{\\partial^2 L}{\\partial F^2} =
              p_i (1 - p_i).

    A tree is grown on the :math:`r_i` with the squared error, then each leaf
    :math:`R` gets the Newton step
    :math:`\\gamma_R = \\sum_{i \\in R} r_i \\big/ \\sum_{i \\in R} p_i (1 - p_i)`, and
    :math:`F \\leftarrow F + \\eta\\, \\gamma_{R(x)}`. For :math:`K > 2` classes each
    stage grows one tree per class :math:`k` on :math:`y_{ik} - p_{ik}` with the
    softmax :math:`p_{ik} = e^{F_{ik}} / \\sum_l e^{F_{il}}`, and the Newton step is
    multiplied by :math:`(K - 1) / K` (Friedman, 2001, Algorithm 6).
    Chapter 13 explains this code.

    References
    ----------
    Friedman, J. H. (2001). Greedy function approximation: a gradient boosting
    machine. Annals of Statistics, 29(5), 1189-1232.

    Friedman, J., Hastie, T. and Tibshirani, R. (2000). Additive logistic
    regression: a statistical view of boosting. Annals of Statistics, 28(2),
    337-407.
    """

    # -- the loss: log-loss -----------------------------------------------------

    @staticmethod
    def _initial_estimate(targets):
        """Log-odds of class 1 (one column), or centred log priors (K columns)."""
        eps = np.finfo(np.float64).eps
        priors = np.clip(targets.mean(axis=0), eps, 1 - eps)  # (n_columns,)
        if targets.shape[1] == 1:
            return np.log(priors / (1 - priors))
        log_priors = np.log(priors)
        return log_priors - log_priors.mean()

    @staticmethod
    def _pseudo_residuals(targets, raw):
        probabilities = probabilities_from_logits(raw)  # (n_samples, n_columns)
        return targets - probabilities, probabilities * (1 - probabilities)

    @staticmethod
    def _loss(targets, raw):
        if raw.shape[1] == 1:  # -y log p - (1 - y) log(1 - p) = log(1 + e^F) - y F
            return float(np.mean(np.logaddexp(0.0, raw) - targets * raw))
        return float(-np.mean(np.sum(targets * log_softmax(raw), axis=1)))

    # -- fit and predict --------------------------------------------------------

    def fit(self, X, y):
        """Boost trees on ``X`` (n_samples, n_features) and class labels ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError("y needs at least two classes; it holds one class.")
        if len(classes) == 2:  # one column: is it classes_[1]?
            targets = y_index[:, np.newaxis].astype(np.float64)  # (n_samples, 1)
        else:  # one-hot class indicators
            targets = np.eye(len(classes))[y_index]  # (n_samples, n_classes)
        fitted = self._boost(X, targets)
        # Learned attributes are set only now, so a failed fit changes nothing.
        for name, value in fitted.items():
            setattr(self, name, value)
        self.classes_ = classes
        return self

    @staticmethod
    def _to_decision(raw):
        return raw[:, 0] if raw.shape[1] == 1 else raw

    @staticmethod
    def _to_proba(raw):
        probabilities = probabilities_from_logits(raw)  # (n_samples, n_columns)
        if raw.shape[1] == 1:  # two classes: P(classes_[0]) = 1 - P(classes_[1])
            return np.column_stack([1 - probabilities[:, 0], probabilities[:, 0]])
        return probabilities

    def decision_function(self, X):
        """Raw scores ``F``: the log-odds of ``classes_[1]``, shape (n_samples,),
        for two classes; one column per class, (n_samples, n_classes), otherwise."""
        return self._to_decision(self._raw(X))

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes)."""
        return self._to_proba(self._raw(X))

    def _to_label(self, raw):
        """The most probable class: ``F >= 0`` for two classes, else the largest
        ``F_k`` (the softmax keeps the order of the ``F_k``)."""
        if raw.shape[1] == 1:
            return self.classes_[(raw[:, 0] >= 0).astype(np.intp)]
        return self.classes_[np.argmax(raw, axis=1)]

    def predict(self, X):
        """The most probable class of each row of ``X``."""
        return self._to_label(self._raw(X))

    def staged_decision_function(self, X):
        """``decision_function`` after each stage, as a generator."""
        for raw in self._staged_raw(X):
            yield self._to_decision(raw)

    def staged_predict_proba(self, X):
        """``predict_proba`` after each stage, as a generator."""
        for raw in self._staged_raw(X):
            yield self._to_proba(raw)

    def staged_predict(self, X):
        """Predictions after each stage, as a generator."""
        for raw in self._staged_raw(X):
            yield self._to_label(raw)

    def staged_score(self, X, y):
        """Accuracy on ``(X, y)`` after each stage, as a generator."""
        y = np.asarray(y)
        for y_pred in self.staged_predict(X):
            yield float(np.mean(y_pred == y))
