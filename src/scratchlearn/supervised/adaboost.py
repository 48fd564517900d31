"""AdaBoost for any number of classes: SAMME (Chapter 12).

Boosting trains weak learners one after another, each on the same samples but with
new sample weights: the samples the ensemble got wrong so far weigh more, so the next
learner concentrates on them. The final prediction is a weighted vote in which each
learner's say, its weight ``alpha``, grows with its weighted accuracy.

SAMME (Zhu, Zou, Rosset and Hastie 2009) extends AdaBoost.M1 from two classes to
``K``: the only change is the term ``log(K - 1)`` in ``alpha``, which keeps a learner
that beats random guessing (error below ``1 - 1/K``, not below 1/2) useful.

The weak learners are small decision trees, stumps (one split) by default, fitted to
*weighted* samples. Chapter 10's :class:`DecisionTreeClassifier` counts samples and
takes no weights, so this module carries its own small weighted tree,
:class:`WeightedDecisionTree`. It reuses Chapter 10's idea, not its code: per node
each feature is sorted once and cumulative sums of the sorted *weighted* class
indicators give the weighted Gini impurity of every threshold at once. With the same
tie-breaking as Chapter 10 (first feature, then smallest threshold), it grows the
tree scikit-learn grows from ``fit(X, y, sample_weight)`` whenever no two splits tie.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin
from scratchlearn.numerics import softmax
from scratchlearn.supervised.decision_tree import EPSILON, FEATURE_THRESHOLD, LEAF
from scratchlearn.supervised.forest import apply_forest, join_trees
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    check_predict_input,
    check_X_y,
)

# ---------------------------------------------------------------------------
# The weak learner: a decision tree fitted to weighted samples
# ---------------------------------------------------------------------------


def _gini_mass(class_weights):
    """``W * gini`` of weighted class totals of shape (n_classes, ...): ``W - sum
    c^2 / W`` with ``W = sum c``. Summing it over two children scores a split."""
    total = class_weights.sum(axis=0)  # (...)
    squares = np.sum(class_weights**2, axis=0)  # (...)
    return total - np.divide(squares, total, out=np.zeros_like(total), where=total > 0)


def weighted_best_split(X, class_weights):
    """Split of ``X`` with the lowest weighted Gini impurity.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    class_weights : ndarray of shape (n_samples, n_classes)
        Row ``i`` is sample ``i``'s weight in the column of its class, 0 elsewhere.

    Returns
    -------
    split : tuple (feature, threshold) or None
        ``X[:, feature] <= threshold`` goes left; ``None`` if every feature is
        constant.
    """
    # Features in rows and samples in columns, so that sorting and the cumulative
    # sums run along contiguous memory (several times faster than down columns).
    X_by_feature = np.ascontiguousarray(X.T)  # (n_features, n_samples)
    order = np.argsort(X_by_feature, axis=1, kind="stable")  # (n_feat, n_samples)
    X_sorted = np.take_along_axis(X_by_feature, order, axis=1)  # (n_feat, n_samp)
    # A split after sorted position p keeps samples 0..p-1 left; it needs two
    # different values on either side.
    valid = X_sorted[:, 1:] > X_sorted[:, :-1] + FEATURE_THRESHOLD  # (n_feat, n_pos)
    if not valid.any():
        return None
    # The candidate splits, feature by feature, then position by position.
    candidate_feature, candidate_position = np.nonzero(valid)  # (n_candidates,)
    # Weighted class totals left of each split: cumulative sums of the sorted
    # weights, read at the candidates only; the right child holds the rest.
    sorted_weights = class_weights.T[:, order]  # (n_classes, n_features, n_samples)
    cumulative = np.cumsum(sorted_weights, axis=2)  # (n_classes, n_feat, n_samples)
    left = cumulative[:, candidate_feature, candidate_position]  # (n_cls, n_cand)
    right = class_weights.sum(axis=0)[:, np.newaxis] - left  # (n_cls, n_cand)
    score = _gini_mass(left) + _gini_mass(right)  # (n_candidates,)
    # argmin returns the first best: ties go to the first feature, then the
    # smallest threshold, as in Chapter 10.
    best = np.argmin(score)
    feature, position = candidate_feature[best], candidate_position[best]
    below, above = X_sorted[feature, position], X_sorted[feature, position + 1]
    threshold = below / 2.0 + above / 2.0
    if threshold == above or not np.isfinite(threshold):  # rounding pushed it over
        threshold = below
    return int(feature), float(threshold)


class WeightedDecisionTree:
    """A Gini classification tree grown on weighted samples (AdaBoost's learner).

    Not a full estimator: AdaBoost validates the data and passes class indices
    ``0..n_classes-1``; ``predict`` returns class indices too.

    Parameters
    ----------
    max_depth : int or None
        Deepest a leaf may be (1 grows a stump); ``None`` grows until pure.

    Attributes
    ----------
    feature_, threshold_, left_, right_ : ndarray of shape (n_nodes,)
        The tree in flat arrays, as in Chapter 10's trees.
    value_ : ndarray of shape (n_nodes, n_classes)
        Weighted class proportions of each node's training samples.
    """

    def __init__(self, max_depth=1):
        self.max_depth = max_depth

    def fit(self, X, y_index, sample_weight, n_classes):
        """Grow the tree depth first; ``y_index`` holds class indices."""
        max_depth = np.inf if self.max_depth is None else self.max_depth
        class_weights = np.zeros((len(y_index), n_classes))  # (n_samples, n_classes)
        class_weights[np.arange(len(y_index)), y_index] = sample_weight
        feature, threshold, left, right, value = [], [], [], [], []
        stack = [(np.arange(len(y_index)), 0, LEAF, False)]
        while stack:
            rows, depth, parent, is_left = stack.pop()
            node = len(feature)
            if parent != LEAF:
                (left if is_left else right)[parent] = node
            totals = class_weights[rows].sum(axis=0)  # (n_classes,)
            feature.append(LEAF)
            threshold.append(0.0)
            left.append(LEAF)
            right.append(LEAF)
            value.append(totals / totals.sum())
            pure = _gini_mass(totals) / totals.sum() <= EPSILON
            if depth >= max_depth or len(rows) < 2 or pure:
                continue
            split = weighted_best_split(X[rows], class_weights[rows])
            if split is None:
                continue
            feature[node], threshold[node] = split
            goes_left = X[rows, feature[node]] <= threshold[node]
            stack.append((rows[~goes_left], depth + 1, node, False))
            stack.append((rows[goes_left], depth + 1, node, True))
        self.feature_ = np.array(feature, dtype=np.intp)
        self.threshold_ = np.array(threshold)
        self.left_ = np.array(left, dtype=np.intp)
        self.right_ = np.array(right, dtype=np.intp)
        self.value_ = np.array(value)  # (n_nodes, n_classes)
        return self

    def predict(self, X):
        """Class index of the heaviest class in each row's leaf, (n_samples,)."""
        node = np.zeros(X.shape[0], dtype=np.intp)  # everyone starts at the root
        active = self.left_[node] != LEAF  # (n_samples,)
        while active.any():  # all samples walk down together, one level per step
            current = node[active]
            goes_left = X[active, self.feature_[current]] <= self.threshold_[current]
            node[active] = np.where(
                goes_left, self.left_[current], self.right_[current]
            )
            active = self.left_[node] != LEAF
        # argmax breaks a tie of weights in favour of the smallest class index.
        return np.argmax(self.value_[node], axis=1)


# ---------------------------------------------------------------------------
# The ensemble
# ---------------------------------------------------------------------------


class AdaBoostClassifier(ClassifierMixin, BaseEstimator):
    """AdaBoost with the SAMME algorithm: boosted decision stumps for K classes.

    Parameters
    ----------
    n_estimators : int >= 1, default 50
        Most learners to train; fewer if boosting stops early (see Notes).
    learning_rate : float > 0, default 1.0
        Shrinks every learner's weight ``alpha``; smaller values need more learners.
    max_depth : int >= 1 or None, default 1
        Depth of each learner's tree: 1 boosts stumps.
    random_state : None, int or numpy.random.Generator, default None
        Accepted for parity with scikit-learn and checked, but nothing is drawn: the
        trees search every feature, and ties go to the first feature, so the fit is
        deterministic.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``, sorted.
    estimators_ : list of WeightedDecisionTree
        The trained learners, in order (shorter than ``n_estimators`` after an
        early stop).
    estimator_weights_ : ndarray of shape (n_estimators,)
        Each learner's weight ``alpha``; 0 for rounds never run.
    estimator_errors_ : ndarray of shape (n_estimators,)
        Each learner's weighted training error; 1 for rounds never run.
    n_features_in_ : int

    Notes
    -----
    Start with weights :math:`w_i = 1/n`. In round :math:`m`, fit a tree
    :math:`h_m` to the weighted samples, then

    .. math::

        \\mathrm{err}_m = \\sum_i w_i [h_m(x_i) \\ne y_i] \\,/\\, \\sum_i w_i,
        \\qquad
        \\alpha_m = \\eta \\left(\\log\\frac{1 - \\mathrm{err}_m}{\\mathrm{err}_m}
        + \\log(K - 1)\\right),

    with learning rate :math:`\\eta` and :math:`K` classes; :math:`\\alpha_m > 0`
    exactly when :math:`\\mathrm{err}_m < 1 - 1/K`, that is when :math:`h_m` beats
    guessing. The misclassified samples are reweighted,
    :math:`w_i \\leftarrow w_i \\exp(\\alpha_m [h_m(x_i) \\ne y_i])`, and the weights
    renormalised to sum to 1. The ensemble votes:

    .. math::

        f_k(x) = \\frac{\\sum_m \\alpha_m c_k(h_m(x))}{\\sum_m \\alpha_m},
        \\qquad \\hat y(x) = \\arg\\max_k f_k(x),

    where a vote for class :math:`j` is coded as in the paper,
    :math:`c_k(j) = 1` if :math:`k = j` and :math:`-1/(K - 1)` otherwise.

    For two classes ``decision_function`` returns :math:`f_1 - f_0` (positive
    means ``classes_[1]``), as scikit-learn does. ``predict_proba`` is the softmax
    of :math:`f_k / (K - 1)`. Like scikit-learn, boosting stops early when a
    learner is perfect (:math:`\\mathrm{err} = 0`; it is kept with weight 1) or no
    better than chance (:math:`\\mathrm{err} \\ge 1 - 1/K`; it is dropped).
    Chapter 12 explains this code.

    References
    ----------
    Zhu, J., Zou, H., Rosset, S. and Hastie, T. (2009). Multi-class AdaBoost.
    Statistics and Its Interface, 2(3), 349-360.

    Freund, Y. and Schapire, R. E. (1997). A decision-theoretic generalization of
    on-line learning and an application to boosting. Journal of Computer and System
    Sciences, 55(1), 119-139.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_estimators": [Interval(int, 1, None, closed="left")],
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "max_depth": [None, Interval(int, 1, None, closed="left")],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self, n_estimators=50, *, learning_rate=1.0, max_depth=1, random_state=None
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.random_state = random_state

    def fit(self, X, y):
        """Boost trees on ``X`` (n_samples, n_features) and class labels ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        n_classes = len(classes)
        if n_classes < 2:
            raise ValueError("y needs at least two classes; it holds one class.")
        n_samples = X.shape[0]
        sample_weight = np.full(n_samples, 1.0 / n_samples)  # (n_samples,)
        estimators = []
        weights = np.zeros(self.n_estimators)
        errors = np.ones(self.n_estimators)
        for round_ in range(self.n_estimators):
            tree = WeightedDecisionTree(self.max_depth)
            tree.fit(X, y_index, sample_weight, n_classes)
            wrong = tree.predict(X) != y_index  # (n_samples,)
            error = np.average(wrong, weights=sample_weight)  # weighted error rate
            if error <= 0:  # perfect: keep it with weight 1 (as scikit-learn), stop
                estimators.append(tree)
                weights[round_], errors[round_] = 1.0, 0.0
                break
            if error >= 1.0 - 1.0 / n_classes:  # no better than guessing: drop, stop
                if not estimators:
                    raise ValueError(
                        "The first learner is no better than guessing (weighted "
                        f"error {error:.3f} >= 1 - 1/{n_classes}); boosting cannot "
                        "start. Try a larger max_depth."
                    )
                break
            # SAMME's weight: the two-class AdaBoost weight plus log(K - 1).
            alpha = self.learning_rate * (
                np.log((1.0 - error) / error) + np.log(n_classes - 1)
            )
            estimators.append(tree)
            weights[round_], errors[round_] = alpha, error
            # Misclassified samples weigh exp(alpha) times more; renormalise.
            sample_weight = sample_weight * np.exp(alpha * wrong)
            sample_weight /= sample_weight.sum()
        # Learned attributes are set only now, so a failed fit changes nothing.
        self.classes_ = classes
        self.estimators_ = estimators
        # All the trees joined, for predicting with every tree at once.
        self._forest = join_trees(
            (tree.feature_, tree.threshold_, tree.left_, tree.right_)
            for tree in estimators
        )
        # argmax breaks a tie of weights in favour of the smallest class index.
        self._leaf_classes = np.concatenate(
            [np.argmax(tree.value_, axis=1) for tree in estimators]
        )
        self.estimator_weights_ = weights
        self.estimator_errors_ = errors
        self.n_features_in_ = X.shape[1]
        return self

    # -- the weighted vote ----------------------------------------------------

    def _votes(self, X):
        """Each learner's weighted vote, one learner at a time.

        A learner predicting class ``k`` gives ``alpha`` to ``k`` and
        ``-alpha / (K - 1)`` to every other class (SAMME's symmetric coding of the
        labels; the votes of a sample sum to zero). Yields arrays of shape
        (n_samples, n_classes).
        """
        X = check_predict_input(self, X)
        n_classes = len(self.classes_)
        # Row k is the vote for class k: 1 at k, -1 / (K - 1) elsewhere.
        coding = np.where(np.eye(n_classes) == 1, 1.0, -1.0 / (n_classes - 1))
        # Every tree at once (scratchlearn.supervised.forest): each row's class in
        # each tree; the Python loop below only adds the votes up.
        leaves = apply_forest(self._forest, X)  # (n_samples, n_trees)
        predicted = self._leaf_classes[leaves]  # (n_samples, n_trees)
        # After an early stop estimator_weights_ is longer (its tail is 0).
        for tree_classes, alpha in zip(
            predicted.T, self.estimator_weights_, strict=False
        ):
            yield alpha * coding[tree_classes]  # (n_samples, n_classes)

    def _to_decision(self, votes, total_alpha):
        """Normalised votes; for two classes the single score ``f_1 - f_0``."""
        decision = votes / total_alpha  # (n_samples, n_classes)
        if len(self.classes_) == 2:
            return decision[:, 1] - decision[:, 0]  # (n_samples,)
        return decision

    def staged_decision_function(self, X):
        """``decision_function`` after each boosting round, as a generator."""
        votes, total_alpha = 0.0, 0.0
        for vote, alpha in zip(self._votes(X), self.estimator_weights_, strict=False):
            votes = votes + vote
            total_alpha += alpha
            yield self._to_decision(votes, total_alpha)

    def decision_function(self, X):
        """Normalised weighted votes ``f_k`` of each class, (n_samples, n_classes).

        For two classes, shape (n_samples,): ``f_1 - f_0``, positive for
        ``classes_[1]``.
        """
        votes = sum(self._votes(X))  # (n_samples, n_classes)
        return self._to_decision(votes, self.estimator_weights_.sum())

    def _decision_to_label(self, decision):
        if len(self.classes_) == 2:
            return self.classes_[(decision > 0).astype(np.intp)]
        return self.classes_[np.argmax(decision, axis=1)]

    def predict(self, X):
        """The class with the largest weighted vote, for each row of ``X``."""
        return self._decision_to_label(self.decision_function(X))

    def predict_proba(self, X):
        """Class probabilities: softmax of the decision / (K - 1), (n_samples, K)."""
        decision = self.decision_function(X)
        n_classes = len(self.classes_)
        if n_classes == 2:  # f_1 - f_0 back to (-(f_1 - f_0), f_1 - f_0) / 2
            decision = np.column_stack([-decision, decision]) / 2.0
        else:
            decision = decision / (n_classes - 1)
        return softmax(decision, axis=1)  # (n_samples, n_classes)

    # -- the staged error curve ---------------------------------------------

    def staged_predict(self, X):
        """Predictions after each boosting round, as a generator."""
        for decision in self.staged_decision_function(X):
            yield self._decision_to_label(decision)

    def staged_score(self, X, y):
        """Accuracy on ``(X, y)`` after each boosting round, as a generator."""
        y = np.asarray(y)
        for y_pred in self.staged_predict(X):
            yield float(np.mean(y_pred == y))
