"""Decision trees for classification and regression (Chapter 10).

A decision tree asks a question about one feature at each internal node ("is
``x[j] <= t``?") and sends a sample left or right until it reaches a leaf, whose value
is the prediction: the class proportions of the training samples that ended there
(classification) or their mean target (regression).

The tree is grown greedily, as in CART and scikit-learn: each node takes the split
that lowers the impurity of its samples most, and the children are split in turn
until a stopping rule holds. Three choices make this module fast and faithful:

* The split search is vectorised. Per node each feature is sorted once, and
  cumulative sums (``np.cumsum``) of class counts, or of targets, give the impurity of
  the left and right children of *every* threshold at once: no Python loop over
  thresholds.
* The tree lives in flat arrays (``feature_``, ``threshold_``, ``left_``, ``right_``,
  ``value_``, ...), indexed by node id, like scikit-learn's ``tree_``. It is grown with
  an explicit stack, depth first, so deep trees meet no recursion limit, and the nodes
  are numbered as scikit-learn numbers them (parent, then its left subtree, then its
  right subtree).
* Prediction walks all samples down the tree together, one level per step.

Ties: where several splits lower the impurity equally, the first feature (in column
order, or in the drawn order when ``max_features`` samples them) and the smallest
threshold win. scikit-learn visits features in a random order, so it may break such
ties differently; on data without tied improvements the two trees are identical.
"""

import numbers
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    Options,
    RealNotInt,
    check_predict_input,
    check_random_state,
    check_X_y,
)

# Node markers, as in scikit-learn's tree_: a leaf has no children and no question.
LEAF = -1
UNDEFINED = -2
# Two feature values closer than this are treated as equal (scikit-learn's
# FEATURE_THRESHOLD): no threshold is placed between them.
FEATURE_THRESHOLD = 1e-7
# A node whose impurity is at most this is pure and becomes a leaf.
EPSILON = np.finfo(np.float64).eps


# ---------------------------------------------------------------------------
# Impurities
# ---------------------------------------------------------------------------


def gini(y):
    """Gini impurity of the labels ``y``: :math:`1 - \\sum_c p_c^2`."""
    _, counts = np.unique(np.asarray(y), return_counts=True)
    proportions = counts / counts.sum()
    return float(1.0 - np.sum(proportions**2))


def entropy(y):
    """Entropy of the labels ``y`` in bits: :math:`-\\sum_c p_c \\log_2 p_c`."""
    _, counts = np.unique(np.asarray(y), return_counts=True)
    proportions = counts / counts.sum()
    return float(-np.sum(proportions * np.log2(proportions)))


def _weighted_impurity(counts, criterion):
    """``n * impurity`` of class counts, for any leading shape.

    ``counts`` has shape (..., n_classes); the result has shape (...). Multiplying by
    the number of samples ``n`` makes the impurity of a split a plain sum:
    ``n_left * impurity_left + n_right * impurity_right``.
    """
    n = counts.sum(axis=-1)  # (...)
    safe_n = np.maximum(n, 1)  # empty children never get chosen; avoid 0 / 0
    if criterion == "gini":
        # n * (1 - sum (c / n)^2) = n - sum c^2 / n
        return n - np.sum(counts**2, axis=-1) / safe_n
    # n * (-sum (c / n) log2 (c / n)) = n log2 n - sum c log2 c, with 0 log 0 = 0
    c_log_c = counts * np.log2(np.where(counts > 0, counts, 1))
    return n * np.log2(safe_n) - np.sum(c_log_c, axis=-1)


# ---------------------------------------------------------------------------
# The split search
# ---------------------------------------------------------------------------


def best_split(X, targets, criterion, min_samples_leaf=1):
    """Best threshold of every feature of ``X`` at once; return the best of all.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The samples of one node, restricted to the features allowed to split it.
    targets : ndarray of shape (n_samples, n_classes) or (n_samples,)
        One-hot class indicators, integers (classification), or real targets
        (regression).
    criterion : {"gini", "entropy", "squared_error"}
    min_samples_leaf : int
        Fewest samples each child may hold.

    Returns
    -------
    split : tuple (feature, threshold, score) or None
        ``feature`` is a column of ``X``; ``threshold`` is the midpoint between the
        two consecutive sorted values it separates; ``score`` is the split's impurity
        ``n_left * impurity_left + n_right * impurity_right`` (lower is better).
        ``None`` if no feature can be split (all constant, or too few samples).

    Notes
    -----
    After sorting feature ``j``, a split after position ``p`` puts the ``p``
    smallest values left. The class counts (or target sums) of the left child for
    every ``p`` are the cumulative sums of the sorted targets; the right child's are
    the node's totals minus those.
    """
    n_samples = X.shape[0]
    order = np.argsort(X, axis=0, kind="stable")  # (n_samples, n_features)
    X_sorted = np.take_along_axis(X, order, axis=0)  # (n_samples, n_features)
    # Splitting after position p (1 <= p < n_samples) keeps rows 0..p-1 on the left.
    # A threshold can only go between two different values, leaving enough samples
    # on each side.
    n_left = np.arange(1, n_samples)  # (n_positions,)
    valid = X_sorted[1:] > X_sorted[:-1] + FEATURE_THRESHOLD  # (n_positions, n_feat)
    valid &= ((n_left >= min_samples_leaf) & (n_samples - n_left >= min_samples_leaf))[
        :, np.newaxis
    ]
    splittable = np.flatnonzero(valid.any(axis=0))  # features that can be split
    if splittable.size == 0:
        return None
    # The candidate splits, feature by feature, then position by position.
    candidate_feature, candidate_position = np.nonzero(valid[:, splittable].T)
    n_left = candidate_position + 1  # (n_candidates,)
    n_right = n_samples - n_left
    # Cumulative sums of the targets sorted by each feature: row p - 1 sums the p
    # targets left of a split after position p.
    sorted_targets = targets[order[:, splittable]]  # (n_samples, n_split, [n_classes])
    cumulative = np.cumsum(sorted_targets, axis=0)  # (n_samples, n_split, [n_classes])
    left = cumulative[candidate_position, candidate_feature].astype(np.float64)
    right = targets.sum(axis=0) - left  # (n_candidates, [n_classes])
    if targets.ndim == 2:  # classification: left and right hold class counts
        score = _weighted_impurity(left, criterion) + _weighted_impurity(
            right, criterion
        )  # (n_candidates,)
    else:  # regression: n * variance = sum y^2 - (sum y)^2 / n for each child
        score = np.sum(targets**2) - (left**2 / n_left + right**2 / n_right)
    # argmin returns the first best: the lowest feature, then the lowest threshold.
    best = np.argmin(score)
    feature = splittable[candidate_feature[best]]
    position = candidate_position[best]
    below, above = X_sorted[position, feature], X_sorted[position + 1, feature]
    threshold = below / 2.0 + above / 2.0
    if threshold == above or not np.isfinite(threshold):  # rounding pushed it over
        threshold = below
    return int(feature), float(threshold), float(score[best])


# ---------------------------------------------------------------------------
# The estimators
# ---------------------------------------------------------------------------


class _BaseDecisionTree(BaseEstimator):
    """What the classifier and the regressor share: growing, walking and reading."""

    # Counts are ints and fractions (of the samples or features) floats, as in
    # scikit-learn; each subclass adds its criterion.
    _parameter_constraints: ClassVar[dict] = {
        "max_depth": [None, Interval(int, 1, None, closed="left")],
        "min_samples_split": [
            Interval(int, 2, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "min_samples_leaf": [
            Interval(int, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "max_features": [
            None,
            Options("sqrt", "log2"),
            Interval(int, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="right"),
        ],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        *,
        criterion,
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features=None,
        random_state=None,
    ):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.random_state = random_state

    # -- hyperparameters ----------------------------------------------------

    def _resolve_hyperparameters(self, n_samples, n_features):
        """Turn the (validated) hyperparameters into integers for this training set.

        ``min_samples_split``, ``min_samples_leaf`` and ``max_features`` may be counts
        (ints) or fractions (floats) of the samples or features, as in scikit-learn;
        fractions are rounded as scikit-learn rounds them.
        """
        max_depth = np.inf if self.max_depth is None else self.max_depth
        min_split = _count(self.min_samples_split, n_samples, low=2, round_up=True)
        min_leaf = _count(self.min_samples_leaf, n_samples, low=1, round_up=True)
        if self.max_features is None:
            n_drawn = n_features
        elif isinstance(self.max_features, str):
            root = np.sqrt if self.max_features == "sqrt" else np.log2
            n_drawn = max(1, int(root(n_features)))
        else:
            n_drawn = _count(self.max_features, n_features, low=1, round_up=False)
        if n_drawn > n_features:  # the one check that needs the data
            raise ValueError(
                f"max_features={self.max_features} is more than the {n_features} "
                "features of X."
            )
        # A node must hold two full leaves to be split at all.
        return max_depth, max(min_split, 2 * min_leaf), min_leaf, n_drawn

    # -- growing --------------------------------------------------------------

    def _grow(self, X, targets):
        """Grow the tree depth first with an explicit stack; return its arrays."""
        n_samples, n_features = X.shape
        max_depth, min_split, min_leaf, n_drawn = self._resolve_hyperparameters(
            n_samples, n_features
        )
        rng = check_random_state(self.random_state)
        feature, threshold, left, right = [], [], [], []
        value, n_node_samples, impurity = [], [], []
        # Each entry: (rows of X in the node, depth, parent id, is it a left child).
        stack = [(np.arange(n_samples), 0, LEAF, False)]
        while stack:
            rows, depth, parent, is_left = stack.pop()
            node = len(feature)  # ids in order of creation: scikit-learn's order
            if parent != LEAF:
                (left if is_left else right)[parent] = node
            node_targets = targets[rows]
            node_value, node_impurity = self._node_value_and_impurity(node_targets)
            feature.append(UNDEFINED)
            threshold.append(float(UNDEFINED))
            left.append(LEAF)
            right.append(LEAF)
            value.append(node_value)
            n_node_samples.append(len(rows))
            impurity.append(node_impurity)

            if depth >= max_depth or len(rows) < min_split or node_impurity <= EPSILON:
                continue
            candidates = self._draw_features(X[rows], n_drawn, rng)
            split = best_split(
                X[np.ix_(rows, candidates)], node_targets, self._criterion(), min_leaf
            )
            if split is None:  # every candidate feature is constant here
                continue
            column, node_threshold, _ = split
            feature[node] = int(candidates[column])
            threshold[node] = node_threshold
            goes_left = X[rows, feature[node]] <= node_threshold
            # Right is pushed first so that the left subtree is grown (and numbered)
            # first.
            stack.append((rows[~goes_left], depth + 1, node, False))
            stack.append((rows[goes_left], depth + 1, node, True))

        return {
            "feature_": np.array(feature, dtype=np.intp),
            "threshold_": np.array(threshold, dtype=np.float64),
            "left_": np.array(left, dtype=np.intp),
            "right_": np.array(right, dtype=np.intp),
            "value_": np.array(value, dtype=np.float64),
            "n_node_samples_": np.array(n_node_samples, dtype=np.intp),
            "impurity_": np.array(impurity, dtype=np.float64),
        }

    def _draw_features(self, X_node, n_drawn, rng):
        """The features a node may split on: all of them, or ``n_drawn`` at random.

        As in scikit-learn, a random draw that holds only features that are constant
        in this node goes on drawing until it finds one that is not (if any).
        """
        n_features = X_node.shape[1]
        if n_drawn >= n_features:
            return np.arange(n_features)
        order = rng.permutation(n_features)
        varies = np.ptp(X_node[:, order], axis=0) > FEATURE_THRESHOLD  # (n_features,)
        if not varies[:n_drawn].any() and varies.any():
            return order[: np.argmax(varies) + 1]
        return order[:n_drawn]

    def _fit(self, X, targets):
        """Grow, then store the tree and the feature importances."""
        tree = self._grow(X, targets)
        importances = _feature_importances(tree, X.shape[1])
        # Learned attributes are set only now, so a failed fit changes nothing.
        for name, array in tree.items():
            setattr(self, name, array)
        self.feature_importances_ = importances
        self.n_features_in_ = X.shape[1]
        return self

    # -- reading --------------------------------------------------------------

    def apply(self, X):
        """Id of the leaf each row of ``X`` ends in, shape (n_samples,).

        All samples walk down together: at each step every sample still at an
        internal node moves to its left or right child.
        """
        X = check_predict_input(self, X)
        rows = np.arange(X.shape[0])
        node = np.zeros(X.shape[0], dtype=np.intp)  # everyone starts at the root
        active = self.left_[node] != LEAF  # (n_samples,)
        while active.any():
            current = node[active]
            goes_left = (
                X[rows[active], self.feature_[current]] <= self.threshold_[current]
            )
            node[active] = np.where(
                goes_left, self.left_[current], self.right_[current]
            )
            active = self.left_[node] != LEAF
        return node

    def get_depth(self):
        """Length of the longest path from the root to a leaf (a stump has 1)."""
        depth = np.zeros(len(self.feature_), dtype=np.intp)
        for node in range(len(self.feature_)):  # parents come before their children
            if self.left_[node] != LEAF:
                depth[self.left_[node]] = depth[self.right_[node]] = depth[node] + 1
        return int(depth.max())

    def get_n_leaves(self):
        """Number of leaves."""
        return int(np.count_nonzero(self.left_ == LEAF))

    @property
    def node_count_(self):
        """Number of nodes, internal and leaves."""
        return len(self.feature_)


def _count(value, total, *, low, round_up):
    """An int is a count already; a float in (0, 1] is a fraction of ``total``,
    rounded up (sample counts) or down (feature counts) as scikit-learn does, and at
    least ``low``."""
    if isinstance(value, numbers.Integral):
        return int(value)
    scaled = value * total
    return max(low, int(np.ceil(scaled) if round_up else scaled))


def _feature_importances(tree, n_features):
    """Total impurity decrease brought by each feature, normalised to sum to 1.

    A split of node ``t`` into ``l`` and ``r`` lowers the weighted impurity by
    ``n_t i_t - n_l i_l - n_r i_r``; summing that over the nodes split on feature
    ``j`` gives feature ``j``'s importance (before normalisation).
    """
    internal = tree["left_"] != LEAF
    n, impurity = tree["n_node_samples_"], tree["impurity_"]
    left, right = tree["left_"][internal], tree["right_"][internal]
    decrease = (
        n[internal] * impurity[internal]
        - n[left] * impurity[left]
        - n[right] * impurity[right]
    )  # (n_internal,)
    importances = (
        np.bincount(tree["feature_"][internal], weights=decrease, minlength=n_features)
        / n[0]
    )
    total = importances.sum()
    return importances / total if total > 0 else importances


class DecisionTreeClassifier(ClassifierMixin, _BaseDecisionTree):
    """A classification tree grown greedily by the Gini impurity or the entropy.

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss"}, default "gini"
        The impurity a split lowers. ``"log_loss"`` is another name for the entropy.
    max_depth : int >= 1 or None, default None
        Deepest a leaf may be; ``None`` grows until the leaves are pure or too small.
    min_samples_split : int >= 2 or float in (0, 1], default 2
        Fewest samples a node needs to be split (a float: that fraction of the
        training samples, rounded up).
    min_samples_leaf : int >= 1 or float in (0, 1], default 1
        Fewest samples each child of a split must keep.
    max_features : int, float, "sqrt", "log2" or None, default None
        How many features, drawn at random for each node, are searched for its
        split. ``None`` searches them all (the tree is then deterministic).
    random_state : None, int or numpy.random.Generator, default None
        Seeds the draws of ``max_features``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``, sorted.
    feature_, threshold_ : ndarray of shape (n_nodes,)
        The question of each node: ``X[:, feature_] <= threshold_`` goes left.
        Leaves hold -2 in both.
    left_, right_ : ndarray of shape (n_nodes,)
        Node ids of the children, -1 for leaves.
    value_ : ndarray of shape (n_nodes, n_classes)
        Proportion of each class among the node's training samples.
    n_node_samples_ : ndarray of shape (n_nodes,)
        How many training samples reached each node.
    impurity_ : ndarray of shape (n_nodes,)
        Impurity of each node.
    feature_importances_ : ndarray of shape (n_features,)
        Impurity decrease brought by each feature, normalised to sum to 1.
    n_features_in_ : int

    Notes
    -----
    A node with class proportions :math:`p_c` has Gini impurity
    :math:`G = 1 - \\sum_c p_c^2` or entropy :math:`H = -\\sum_c p_c \\log_2 p_c`.
    A split of the node's :math:`n` samples into :math:`n_L` and :math:`n_R` is
    scored by :math:`n_L\\,i_L + n_R\\,i_R`; the best split minimises it, that is
    maximises the impurity decrease :math:`n\\,i - n_L\\,i_L - n_R\\,i_R`.
    Thresholds are midpoints between consecutive sorted feature values.
    Chapter 10 explains this code.

    References
    ----------
    Breiman, L., Friedman, J., Olshen, R. and Stone, C. (1984). Classification and
    Regression Trees. Wadsworth.
    """

    _parameter_constraints: ClassVar[dict] = {
        "criterion": [Options("gini", "entropy", "log_loss")],
        **_BaseDecisionTree._parameter_constraints,
    }

    def __init__(
        self,
        criterion="gini",
        *,
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features=None,
        random_state=None,
    ):
        super().__init__(
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            max_features=max_features,
            random_state=random_state,
        )

    def _criterion(self):
        return "entropy" if self.criterion == "log_loss" else self.criterion

    def _node_value_and_impurity(self, one_hot):
        counts = one_hot.sum(axis=0).astype(np.float64)  # (n_classes,)
        n = counts.sum()
        return counts / n, float(_weighted_impurity(counts, self._criterion()) / n)

    def fit(self, X, y):
        """Grow the tree on ``X`` (n_samples, n_features) and class labels ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y, y_numeric=False)
        classes, y_index = np.unique(y, return_inverse=True)
        # Small integers make the cumulative class counts of the split search fast.
        one_hot = np.eye(len(classes), dtype=np.int32)[y_index]  # (n_samples, n_cls)
        self._fit(X, one_hot)
        self.classes_ = classes
        return self

    def predict_proba(self, X):
        """Class proportions of the leaf each row ends in, (n_samples, n_classes)."""
        leaves = self.apply(X)  # (n_samples,)
        return self.value_[leaves]

    def predict(self, X):
        """Majority class of each row's leaf; ties go to the smallest label."""
        probabilities = self.predict_proba(X)  # (n_samples, n_classes)
        return self.classes_[np.argmax(probabilities, axis=1)]


class DecisionTreeRegressor(RegressorMixin, _BaseDecisionTree):
    """A regression tree grown greedily by the squared error (the variance).

    Parameters
    ----------
    criterion : {"squared_error"}, default "squared_error"
    max_depth, min_samples_split, min_samples_leaf, max_features, random_state
        As for :class:`DecisionTreeClassifier`.

    Attributes
    ----------
    feature_, threshold_, left_, right_, n_node_samples_ : ndarray of shape (n_nodes,)
        As for :class:`DecisionTreeClassifier`.
    value_ : ndarray of shape (n_nodes,)
        Mean target of each node's training samples: the prediction of a leaf.
    impurity_ : ndarray of shape (n_nodes,)
        Variance of the targets in each node (the mean squared error of its mean).
    feature_importances_ : ndarray of shape (n_features,)
    n_features_in_ : int

    Notes
    -----
    A node's impurity is the variance :math:`\\frac{1}{n}\\sum_i (y_i - \\bar y)^2`.
    Since :math:`n \\operatorname{Var} = \\sum y_i^2 - (\\sum y_i)^2 / n`, the best
    split maximises :math:`S_L^2 / n_L + S_R^2 / n_R` where :math:`S` are the children's
    sums of targets, which cumulative sums give for every threshold at once.
    Chapter 10 explains this code.

    References
    ----------
    Breiman, L., Friedman, J., Olshen, R. and Stone, C. (1984). Classification and
    Regression Trees. Wadsworth.
    """

    _parameter_constraints: ClassVar[dict] = {
        "criterion": [Options("squared_error")],
        **_BaseDecisionTree._parameter_constraints,
    }

    def __init__(
        self,
        criterion="squared_error",
        *,
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features=None,
        random_state=None,
    ):
        super().__init__(
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            max_features=max_features,
            random_state=random_state,
        )

    def _criterion(self):
        return self.criterion

    def _node_value_and_impurity(self, y):
        mean = y.mean()
        return mean, float(np.mean((y - mean) ** 2))

    def fit(self, X, y):
        """Grow the tree on ``X`` (n_samples, n_features) and real targets ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y, y_numeric=True)
        return self._fit(X, y)

    def predict(self, X):
        """Mean training target of the leaf each row of ``X`` ends in."""
        leaves = self.apply(X)  # (n_samples,)
        return self.value_[leaves]
