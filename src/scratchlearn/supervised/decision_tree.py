"""Decision trees for classification and regression (Chapter 10).

A decision tree asks a question about one feature at each internal node ("is
``x[j] <= t``?") and sends a sample left or right until it reaches a leaf, whose value
is the prediction: the class proportions of the training samples that ended there
(classification) or their mean target (regression).

The tree is grown greedily, as in CART and scikit-learn: each node takes the split
that lowers the impurity of its samples most, and the children are split in turn
until a stopping rule holds. Four choices make this module fast and faithful:

* A node is summarised by **sums of its rows' statistics**: per class, the weight of
  its rows of that class (classification), or the weight, weighted sum and weighted
  sum of squares of its targets (regression). Its value and impurity follow from
  these few numbers, and so do the children's of every possible split.
* The split search is vectorised. Per node each feature is sorted once, and
  cumulative sums (``np.cumsum``) of the sorted rows' statistics give the sums, and so
  the impurities, of the left and right children of *every* threshold at once: no
  Python loop over thresholds. The chosen split hands its children their sums.
* Samples may be weighted (``sample_weight``), as in scikit-learn: a weight of 3 counts
  as three copies of the row in the impurities and values, while
  ``min_samples_split`` and ``min_samples_leaf`` count rows. Random forests use it to
  grow a tree on a bootstrap sample without copying rows (Chapter 11).
* The tree lives in flat arrays (``feature_``, ``threshold_``, ``left_``, ``right_``,
  ``value_``, ...), indexed by node id, like scikit-learn's ``tree_``. It is grown with
  an explicit stack, depth first, so deep trees meet no recursion limit, and the nodes
  are numbered as scikit-learn numbers them (parent, then its left subtree, then its
  right subtree). Prediction walks all samples down the tree together, one level per
  step.

Ties: where several splits lower the impurity equally, the first feature (in column
order, or in the drawn order when ``max_features`` samples them) and the smallest
threshold win. scikit-learn visits features in a random order, so it may break such
ties differently; on data without tied improvements the two trees are identical.
"""

import numbers
from typing import ClassVar, NamedTuple

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    Options,
    RealNotInt,
    check_array,
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


def row_statistics(targets, sample_weight, criterion):
    """What each training row adds to the sums that summarise a node.

    Classification (``targets`` one-hot, shape (n_samples, n_classes)): the row's
    weight in the column of its class, so that a node's sums are its weighted class
    counts. Regression (``targets`` real, shape (n_samples,)): the row's weight
    ``w``, ``w y`` and ``w y^2``, so that a node's sums give its total weight, mean
    and variance. Returns an array of shape (n_samples, n_statistics).
    """
    if criterion == "squared_error":
        return np.column_stack(
            [sample_weight, sample_weight * targets, sample_weight * targets**2]
        )  # (n_samples, 3)
    if np.all(sample_weight == np.round(sample_weight)):
        # Whole weights (none given, or a bootstrap sample's counts): integer sums
        # are exact, and NumPy accumulates integers several times faster.
        sample_weight = sample_weight.astype(np.int64)
    return targets * sample_weight[:, np.newaxis]  # (n_samples, n_classes)


def _node_weight(sums, criterion):
    """Total weight of the rows summed in ``sums`` (their number if unweighted)."""
    return sums[..., 0] if criterion == "squared_error" else sums.sum(axis=-1)


def _weighted_impurity(sums, weight, criterion):
    """``weight * impurity`` of nodes given their sums of statistics and weights.

    ``sums`` has shape (..., n_statistics) and ``weight`` shape (...); so has the
    result. Multiplying by the weight makes the impurity of a split a plain sum:
    ``w_left * impurity_left + w_right * impurity_right``.
    """
    if criterion == "squared_error":
        # w * variance = sum w y^2 - (sum w y)^2 / w
        return sums[..., 2] - sums[..., 1] ** 2 / weight
    if criterion == "gini":
        # w * (1 - sum (c / w)^2) = w - sum c^2 / w, c the weight of each class
        return weight - (sums**2).sum(axis=-1) / weight
    # w * (-sum (c / w) log2 (c / w)) = w log2 w - sum c log2 c, with 0 log 0 = 0
    c_log_c = sums * np.log2(np.where(sums > 0, sums, 1))
    return weight * np.log2(weight) - np.sum(c_log_c, axis=-1)


# ---------------------------------------------------------------------------
# The split search
# ---------------------------------------------------------------------------


class NodeSummary(NamedTuple):
    """A node, summarised: all its value, impurity and splits need of its rows."""

    sums: np.ndarray  # (n_statistics,) sums of its rows' statistics
    weight: float  # total weight of its rows
    impurity: float  # its impurity (per unit of weight)


class Split(NamedTuple):
    """The best question of a node, and what it makes of the node's rows."""

    feature: int  # column of X asked about
    threshold: float  # rows with X[:, feature] <= threshold go left
    score: float  # w_left * impurity_left + w_right * impurity_right (lower: better)
    left: NodeSummary  # the children, summarised
    right: NodeSummary


def best_split(X, statistics, criterion, min_samples_leaf=1):
    """Best threshold of every feature of ``X`` at once; return the best of all.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The rows of one node, restricted to the features allowed to split it.
    statistics : ndarray of shape (n_samples, n_statistics)
        Each row's statistics (:func:`row_statistics`); one-hot class indicators are
        the statistics of unweighted classification.
    criterion : {"gini", "entropy", "squared_error"}
    min_samples_leaf : int
        Fewest rows each child may hold.

    Returns
    -------
    split : Split or None
        ``feature`` is a column of ``X``; ``threshold`` is the midpoint between the
        two consecutive sorted values it separates; ``score`` is the split's impurity
        ``w_left * impurity_left + w_right * impurity_right`` (lower is better);
        ``left`` and ``right`` summarise the two children. ``None`` if no feature can
        be split (all constant, or too few rows).

    Notes
    -----
    After sorting feature ``j``, a split after position ``p`` puts the ``p``
    smallest values left. The sums of the left child for every ``p`` are the
    cumulative sums of the sorted rows' statistics; the right child's are the node's
    totals minus those.
    """
    n_samples = X.shape[0]
    order = np.argsort(X, axis=0, kind="stable")  # (n_samples, n_features)
    X_sorted = X[order, np.arange(X.shape[1])]  # (n_samples, n_features)
    # Splitting after position p (1 <= p < n_samples) keeps rows 0..p-1 on the left,
    # which is row p - 1 of these arrays. A threshold can only go between two
    # different values, leaving at least min_samples_leaf rows on each side.
    valid = X_sorted[1:] > X_sorted[:-1] + FEATURE_THRESHOLD  # (n_positions, n_feat)
    valid[: min_samples_leaf - 1] = False  # too few rows on the left
    valid[n_samples - min_samples_leaf :] = False  # too few rows on the right
    # The candidate splits, feature by feature, then position by position.
    candidate_feature, candidate_position = np.nonzero(valid.T)
    if candidate_feature.size == 0:
        return None
    # Row p - 1 of the cumulative sums sums the statistics of the p rows left of a
    # split after position p; the last row sums the whole node.
    cumulative = np.cumsum(statistics[order], axis=0)  # (n_samples, n_feat, n_stat)
    left = cumulative[candidate_position, candidate_feature]  # (n_candidates, n_stat)
    right = statistics.sum(axis=0) - left  # (n_candidates, n_statistics)
    weight_left = _node_weight(left, criterion)  # (n_candidates,)
    weight_right = _node_weight(right, criterion)
    impurity_left = _weighted_impurity(left, weight_left, criterion)
    impurity_right = _weighted_impurity(right, weight_right, criterion)
    score = impurity_left + impurity_right  # (n_candidates,)
    if criterion == "squared_error":
        # Every split's score holds the node's sum of w y^2, large and rounded
        # differently per split; comparing only what differs, the children's
        # (sum w y)^2 / w, as scikit-learn does, keeps that rounding out of ties.
        ranked = -(left[:, 1] ** 2 / weight_left + right[:, 1] ** 2 / weight_right)
    else:
        ranked = score
    # argmin returns the first best: the lowest feature, then the lowest threshold.
    best = np.argmin(ranked)
    feature, position = candidate_feature[best], candidate_position[best]
    below, above = X_sorted[position, feature], X_sorted[position + 1, feature]
    threshold = below / 2.0 + above / 2.0
    if threshold == above or not np.isfinite(threshold):  # rounding pushed it over
        threshold = below
    return Split(
        int(feature),
        float(threshold),
        float(score[best]),
        NodeSummary(
            left[best], weight_left[best], impurity_left[best] / weight_left[best]
        ),
        NodeSummary(
            right[best], weight_right[best], impurity_right[best] / weight_right[best]
        ),
    )


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

    def _grow(self, X, statistics):
        """Grow the tree depth first with an explicit stack; return its arrays.

        ``statistics`` (n_samples, n_statistics) holds each row's statistics
        (:func:`row_statistics`); rows of weight 0 take no part, as in scikit-learn.
        """
        n_samples, n_features = X.shape
        max_depth, min_split, min_leaf, n_drawn = self._resolve_hyperparameters(
            n_samples, n_features
        )
        criterion = self._criterion()
        rng = check_random_state(self.random_state)
        feature, threshold, left, right = [], [], [], []
        sums, n_node_samples, impurity = [], [], []
        rows = np.flatnonzero(_node_weight(statistics, criterion) > 0)
        root_sums = statistics[rows].sum(axis=0)  # (n_statistics,)
        root_weight = _node_weight(root_sums, criterion)
        root = NodeSummary(
            root_sums,
            root_weight,
            _weighted_impurity(root_sums, root_weight, criterion) / root_weight,
        )
        # Each entry: (rows of X in the node, its summary, depth, parent id, is it a
        # left child).
        stack = [(rows, root, 0, LEAF, False)]
        while stack:
            rows, summary, depth, parent, is_left = stack.pop()
            node = len(feature)  # ids in order of creation: scikit-learn's order
            if parent != LEAF:
                (left if is_left else right)[parent] = node
            feature.append(UNDEFINED)
            threshold.append(float(UNDEFINED))
            left.append(LEAF)
            right.append(LEAF)
            sums.append(summary.sums)
            n_node_samples.append(len(rows))
            impurity.append(summary.impurity)

            if (
                depth >= max_depth
                or len(rows) < min_split
                or summary.impurity <= EPSILON
            ):
                continue
            split, candidates = self._split_node(
                X, statistics, rows, n_drawn, min_leaf, rng
            )
            if split is None:  # every candidate feature is constant here
                continue
            feature[node] = int(candidates[split.feature])
            threshold[node] = split.threshold
            goes_left = X[rows, feature[node]] <= split.threshold
            # Right is pushed first so that the left subtree is grown (and numbered)
            # first.
            stack.append((rows[~goes_left], split.right, depth + 1, node, False))
            stack.append((rows[goes_left], split.left, depth + 1, node, True))

        sums = np.array(sums, dtype=np.float64)  # (n_nodes, n_statistics)
        return {
            "feature_": np.array(feature, dtype=np.intp),
            "threshold_": np.array(threshold, dtype=np.float64),
            "left_": np.array(left, dtype=np.intp),
            "right_": np.array(right, dtype=np.intp),
            "value_": self._node_value(sums),
            "n_node_samples_": np.array(n_node_samples, dtype=np.intp),
            "weighted_n_node_samples_": _node_weight(sums, criterion),
            # Rounding can leave a pure regression node a hair below 0.
            "impurity_": np.maximum(np.array(impurity, dtype=np.float64), 0.0),
        }

    def _split_node(self, X, statistics, rows, n_drawn, min_leaf, rng):
        """Best split of a node among ``n_drawn`` features drawn for it (or all).

        Returns the :class:`Split` (or ``None``) and the columns of ``X`` that were
        searched, in the order ``split.feature`` indexes. As in scikit-learn, a draw
        whose features are all constant in this node goes on drawing until it finds
        one that is not (if any): constant features do not count as searched.
        """
        n_features = X.shape[1]
        if n_drawn >= n_features:
            order = np.arange(n_features)
        else:
            order = rng.permutation(n_features)
        candidates = order[:n_drawn]
        node_rows = rows[:, np.newaxis]  # (n_rows, 1): broadcasts against columns
        node_statistics = statistics[rows]  # (n_rows, n_statistics)
        criterion = self._criterion()
        split = best_split(
            X[node_rows, candidates], node_statistics, criterion, min_leaf
        )
        if split is None and n_drawn < n_features:
            # Are all the drawn features constant here? Then draw on, in order.
            varies = np.ptp(X[node_rows, order], axis=0) > FEATURE_THRESHOLD
            if not varies[:n_drawn].any() and varies.any():
                candidates = order[: np.argmax(varies) + 1]
                split = best_split(
                    X[node_rows, candidates], node_statistics, criterion, min_leaf
                )
        return split, candidates

    def _fit(self, X, targets, sample_weight):
        """Check the weights, grow, then store the tree and the feature importances.

        ``targets`` are one-hot class indicators (classification) or real targets.
        """
        if sample_weight is None:
            sample_weight = np.ones(X.shape[0])
        else:
            sample_weight = check_array(
                sample_weight, name="sample_weight", ensure_2d=False
            )
            if sample_weight.shape != (X.shape[0],) or np.any(sample_weight < 0):
                raise ValueError(
                    f"sample_weight must hold {X.shape[0]} weights >= 0, one per "
                    f"row of X; got shape {sample_weight.shape}."
                )
            if not np.any(sample_weight > 0):
                raise ValueError(
                    "sample_weight is zero for every row: some row needs a weight > 0."
                )
        statistics = row_statistics(targets, sample_weight, self._criterion())
        tree = self._grow(X, statistics)
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
    ``w_t i_t - w_l i_l - w_r i_r`` (``w`` the nodes' weights: their numbers of
    samples if unweighted); summing that over the nodes split on feature ``j`` gives
    feature ``j``'s importance (before normalisation).
    """
    internal = tree["left_"] != LEAF
    weight, impurity = tree["weighted_n_node_samples_"], tree["impurity_"]
    left, right = tree["left_"][internal], tree["right_"][internal]
    decrease = (
        weight[internal] * impurity[internal]
        - weight[left] * impurity[left]
        - weight[right] * impurity[right]
    )  # (n_internal,)
    importances = (
        np.bincount(tree["feature_"][internal], weights=decrease, minlength=n_features)
        / weight[0]
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
        Proportion of each class among the node's training samples (by weight).
    n_node_samples_ : ndarray of shape (n_nodes,)
        How many training samples (of weight > 0) reached each node.
    weighted_n_node_samples_ : ndarray of shape (n_nodes,)
        Their total weight (``n_node_samples_`` without ``sample_weight``).
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
    Thresholds are midpoints between consecutive sorted feature values. With
    ``sample_weight``, every count (:math:`n`, :math:`n_L`, the class counts behind
    :math:`p_c`) is a sum of weights instead, as in scikit-learn.
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

    @staticmethod
    def _node_value(sums):
        """Class proportions of each node from its class weights: (n_nodes, n_cls)."""
        return sums / sums.sum(axis=1, keepdims=True)

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``X`` (n_samples, n_features) and class labels ``y``.

        ``sample_weight`` (n_samples,), optional: how much each row counts in the
        impurities and leaf values; rows of weight 0 are left out.
        """
        self._validate_params()
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        one_hot = np.eye(len(classes), dtype=np.int64)[y_index]  # (n_samples, n_cls)
        self._fit(X, one_hot, sample_weight)
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
    feature_, threshold_, left_, right_ : ndarray of shape (n_nodes,)
        As for :class:`DecisionTreeClassifier`.
    n_node_samples_, weighted_n_node_samples_ : ndarray of shape (n_nodes,)
        As for :class:`DecisionTreeClassifier`.
    value_ : ndarray of shape (n_nodes,)
        Mean target of each node's training samples (weighted): a leaf's prediction.
    impurity_ : ndarray of shape (n_nodes,)
        Variance of the targets in each node (the mean squared error of its mean).
    feature_importances_ : ndarray of shape (n_features,)
    n_features_in_ : int

    Notes
    -----
    A node's impurity is the variance :math:`\\frac{1}{n}\\sum_i (y_i - \\bar y)^2`.
    Since :math:`n \\operatorname{Var} = \\sum y_i^2 - (\\sum y_i)^2 / n`, the best
    split maximises :math:`S_L^2 / n_L + S_R^2 / n_R` where :math:`S` are the children's
    sums of targets, which cumulative sums give for every threshold at once (with
    ``sample_weight``: sums of :math:`w_i`, :math:`w_i y_i` and :math:`w_i y_i^2`).
    Chapter 10 explains this code.

    References
    ----------
    Breiman et al. (1984), as for :class:`DecisionTreeClassifier`.
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

    @staticmethod
    def _node_value(sums):
        """Weighted mean target of each node, (n_nodes,)."""
        return sums[:, 1] / sums[:, 0]

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``X`` (n_samples, n_features) and real targets ``y``.

        ``sample_weight`` (n_samples,), optional: how much each row counts in the
        impurities and leaf values; rows of weight 0 are left out.
        """
        self._validate_params()
        X, y = check_X_y(X, y, y_numeric=True)
        return self._fit(X, y, sample_weight)

    def predict(self, X):
        """Mean training target of the leaf each row of ``X`` ends in."""
        leaves = self.apply(X)  # (n_samples,)
        return self.value_[leaves]
