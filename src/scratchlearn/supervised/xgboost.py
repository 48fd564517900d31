"""XGBoost: gradient boosting with second-order trees (Chapter 14).

Gradient boosting (Chapter 13) adds trees one after another, each fitted to the
negative gradient of the loss at the current predictions. XGBoost (Chen and Guestrin
2016) makes three changes, all visible in this module:

* Each tree is fitted to a *second-order* Taylor expansion of the loss: every sample
  brings its gradient ``g`` and its hessian ``h`` (second derivative) of the loss with
  respect to its current prediction (the margin). A leaf holding samples with sums
  ``G`` and ``H`` gets the Newton step ``w = -G / (H + lambda)``, and a split is scored
  by how much it lowers that quadratic approximation: no impurity, no separate line
  search.
* The tree itself is regularised: ``reg_lambda`` shrinks every leaf weight towards 0
  and ``gamma`` removes splits whose gain is below it, after the tree is grown, from
  the bottom up. ``min_child_weight`` asks every child for a hessian sum of at least
  that much (for squared error: at least that many samples).
* ``learning_rate`` (eta) shrinks every tree's leaves before they are added.

The split search is xgboost's *exact greedy* one (``tree_method="exact"``): every
feature is sorted once per fit (the sorted order never changes; only ``g`` and ``h``
do), each node keeps its samples' part of that order, and cumulative sums of ``g`` and
``h`` along it give the left child's ``G`` and ``H`` for every threshold at once. No
Python loop runs over thresholds or samples.

Faithful to xgboost, where it differs from the paper or from Chapter 10:

* A sample goes left when ``x[j] < threshold`` (strictly), as in xgboost's dumps.
* xgboost's gain is the bracket ``G_L^2/(H_L+lambda) + G_R^2/(H_R+lambda) -
  G^2/(H+lambda)`` without the paper's factor 1/2, and ``gamma`` is compared with that
  bracket. So is ours, so that ``gamma`` means the same thing in both libraries.
* The softmax objective uses the hessian ``2 p (1 - p)``, twice the diagonal of the
  true hessian, as xgboost's ``multi:softprob`` does (a safe, conservative step).
* Ties between equally good splits go to the lowest feature, then the *largest*
  threshold (xgboost scans dense features from the largest value down).
* xgboost computes in float32; we compute in float64. Predictions agree to about
  1e-6 relative as long as no two splits tie within float32 rounding.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from scratchlearn.numerics import sigmoid, softmax
from scratchlearn.supervised.forest import apply_forest, join_trees
from scratchlearn.utils.validation import Interval, check_predict_input, check_X_y

# Node marker, as in Chapter 10: a leaf has no children.
LEAF = -1
# A split must lower the loss by more than this to be made (xgboost's kRtEps).
MIN_SPLIT_GAIN = 1e-6
# Hessians are kept at least this large (xgboost's eps) so no leaf divides by zero.
HESSIAN_FLOOR = 1e-16


# ---------------------------------------------------------------------------
# Losses: the gradient and hessian of each sample's loss at its margin
# ---------------------------------------------------------------------------


def squared_error_gradients(y, margin):
    """``g`` and ``h`` of ``(margin - y)^2 / 2``: ``g = margin - y``, ``h = 1``."""
    return margin - y, np.ones_like(margin)


def logistic_gradients(y, margin):
    """``g`` and ``h`` of the log loss of labels ``y`` in {0, 1} at logit ``margin``.

    With ``p = sigmoid(margin)``: ``g = p - y`` and ``h = p (1 - p)``.
    """
    p = sigmoid(margin)
    return p - y, np.maximum(p * (1.0 - p), HESSIAN_FLOOR)


def softmax_gradients(one_hot, margins):
    """``g`` and ``h`` of the cross-entropy of ``one_hot`` labels at ``margins``.

    Both of shape (n_samples, n_classes). With ``P = softmax(margins)``: ``g = P - Y``
    and, as xgboost's ``multi:softprob``, ``h = 2 P (1 - P)``.
    """
    P = softmax(margins)  # (n_samples, n_classes)
    return P - one_hot, np.maximum(2.0 * P * (1.0 - P), HESSIAN_FLOOR)


# ---------------------------------------------------------------------------
# The second-order tree: leaf weight, split gain, split search
# ---------------------------------------------------------------------------


def leaf_weight(G, H, reg_lambda):
    """Best weight of a leaf whose samples' gradients and hessians sum to G and H.

    It minimises ``G w + (H + lambda) w^2 / 2``: ``w = -G / (H + lambda)``.
    """
    return -G / (H + reg_lambda)


def split_gain(G_left, H_left, G_right, H_right, reg_lambda):
    """xgboost's gain of a split (arrays broadcast).

    ``G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda)``, with
    ``G = G_L + G_R`` and ``H = H_L + H_R``: twice the drop of the second-order
    objective, before ``gamma`` is charged for the extra leaf.
    """
    G, H = G_left + G_right, H_left + H_right
    return (
        G_left**2 / (H_left + reg_lambda)
        + G_right**2 / (H_right + reg_lambda)
        - G**2 / (H + reg_lambda)
    )


def best_split(
    X, gradients, hessians, reg_lambda=1.0, min_child_weight=1.0, order=None
):
    """The split of highest gain over every feature and threshold at once.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    gradients, hessians : ndarray of shape (n_samples,)
    reg_lambda : float
    min_child_weight : float
        Smallest hessian sum each child may have.
    order : ndarray of shape (n_node, n_features) or None
        Row indices of the node's samples, sorted by each feature (column ``j``
        sorts by ``X[:, j]``). ``None``: the node is all of ``X``, sorted here.

    Returns
    -------
    split : tuple (feature, threshold, gain) or None
        ``X[:, feature] < threshold`` goes left; the threshold is the midpoint of the
        two consecutive distinct values it separates (in float32, as in xgboost).
        ``None`` if no threshold leaves both children ``min_child_weight``.
    """
    if order is None:
        order = np.argsort(X, axis=0, kind="stable")  # (n_node, n_features)
    n_node = order.shape[0]
    if n_node < 2:
        return None
    # Feature by feature, in rows: row j lists the node's samples sorted by X[:, j].
    rows = order.T  # (n_features, n_node)
    X_sorted = np.take_along_axis(X.T, rows, axis=1)  # (n_features, n_node)
    # Entry p of a cumulative sum holds G (or H) of the p + 1 smallest values: the
    # left child of a threshold between sorted positions p and p + 1. The last entry
    # is the node's total.
    G_cumulative = np.cumsum(gradients[rows], axis=1)  # (n_features, n_node)
    H_cumulative = np.cumsum(hessians[rows], axis=1)
    H_total = H_cumulative[:, -1:]  # (n_features, 1)
    valid = (
        (X_sorted[:, 1:] > X_sorted[:, :-1])  # a threshold fits only between values
        & (H_cumulative[:, :-1] >= min_child_weight)  # left child heavy enough
        & (H_total - H_cumulative[:, :-1] >= min_child_weight)  # right child too
    )  # (n_features, n_node - 1)
    # The candidates, lowest feature first and, within a feature, largest threshold
    # first: xgboost breaks ties between equal gains that way.
    feature, from_the_top = np.nonzero(valid[:, ::-1])  # (n_candidates,) each
    if feature.size == 0:
        return None
    position = n_node - 2 - from_the_top
    G_left = G_cumulative[feature, position]  # (n_candidates,)
    H_left = H_cumulative[feature, position]
    G_right = G_cumulative[feature, -1] - G_left
    H_right = H_cumulative[feature, -1] - H_left
    gain = split_gain(G_left, H_left, G_right, H_right, reg_lambda)  # (n_candidates,)
    # Compared in float32, as xgboost stores gains: two splits whose gains differ
    # only by rounding (the same samples summed in another order) tie.
    best = np.argmax(gain.astype(np.float32))
    feature, position = int(feature[best]), int(position[best])
    below, above = X_sorted[feature, position], X_sorted[feature, position + 1]
    # The midpoint, rounded to float32 as xgboost stores it: a new sample lying right
    # between two training values then goes the same way in both libraries.
    threshold = float(np.float32(below / 2.0 + above / 2.0))
    if not below < threshold <= above:  # values closer than float32 can tell apart
        threshold = max(below / 2.0 + above / 2.0, np.nextafter(below, np.inf))
    return feature, float(threshold), float(gain[best])


class BoostedTree:
    """One regression tree on gradients and hessians, in flat arrays by node id.

    Not an estimator: :class:`XGBoostRegressor` and :class:`XGBoostClassifier` grow
    it with :meth:`grow` and read it with :meth:`predict`.

    Attributes
    ----------
    feature, threshold : ndarray of shape (n_nodes,)
        ``X[:, feature] < threshold`` goes left (-1 and nan at leaves).
    left, right : ndarray of shape (n_nodes,)
        Children's ids, -1 at leaves.
    weight : ndarray of shape (n_nodes,)
        ``-G / (H + lambda)`` of every node, before the learning rate.
    value : ndarray of shape (n_nodes,)
        What a leaf adds to the margin: ``learning_rate * weight``.
    gain : ndarray of shape (n_nodes,)
        Gain of each internal node's split (0 at leaves).
    cover : ndarray of shape (n_nodes,)
        Hessian sum ``H`` of each node's samples (xgboost's "cover").
    """

    def grow(self, X, order, gradients, hessians, params):
        """Grow depth first to ``max_depth``, pruning by ``gamma`` on the way back.

        ``order`` (n_samples, n_features) sorts all of ``X`` by each feature;
        ``params`` holds max_depth, reg_lambda, gamma, min_child_weight and
        learning_rate.
        """
        nodes = {name: [] for name in ("feature", "threshold", "left", "right")}
        nodes.update(weight=[], gain=[], cover=[])

        def add_node(node_order, depth):
            """Add the node whose samples, sorted by each feature, are the columns
            of ``node_order`` (n_features, n_node); return its id."""
            node = len(nodes["feature"])
            rows = node_order[0]  # the node's samples (sorted by feature 0)
            G, H = gradients[rows].sum(), hessians[rows].sum()
            # A node lighter than min_child_weight (only ever the root) gets weight 0.
            weight = leaf_weight(G, H, params["reg_lambda"])
            nodes["weight"].append(weight if H >= params["min_child_weight"] else 0.0)
            nodes["cover"].append(H)
            nodes["feature"].append(LEAF)
            nodes["threshold"].append(np.nan)
            nodes["left"].append(LEAF)
            nodes["right"].append(LEAF)
            nodes["gain"].append(0.0)
            if depth >= params["max_depth"]:
                return node
            split = best_split(
                X,
                gradients,
                hessians,
                params["reg_lambda"],
                params["min_child_weight"],
                order=node_order.T,
            )
            if split is None or split[2] <= MIN_SPLIT_GAIN:
                return node
            feature, threshold, gain = split
            # Each child keeps its part of every sorted column: still sorted.
            goes_left = (X[:, feature] < threshold)[node_order]  # (n_features, n_node)
            n_left = np.count_nonzero(goes_left[0])
            left_order = node_order[goes_left].reshape(len(node_order), n_left)
            right_order = node_order[~goes_left].reshape(len(node_order), -1)
            nodes["feature"][node], nodes["threshold"][node] = feature, threshold
            nodes["gain"][node] = gain
            nodes["left"][node] = add_node(left_order, depth + 1)
            nodes["right"][node] = add_node(right_order, depth + 1)
            # gamma prunes from the bottom up: a split whose children are both leaves
            # and whose gain is below gamma is undone (a split with a good split
            # below it stays, however small its own gain).
            children_are_leaves = (
                nodes["left"][nodes["left"][node]] == LEAF
                and nodes["left"][nodes["right"][node]] == LEAF
            )
            if children_are_leaves and gain < params["gamma"]:
                for values in nodes.values():
                    del values[node + 1 :]  # the two leaves were the last nodes added
                nodes["feature"][node], nodes["threshold"][node] = LEAF, np.nan
                nodes["left"][node] = nodes["right"][node] = LEAF
                nodes["gain"][node] = 0.0
            return node

        add_node(np.ascontiguousarray(order.T), 0)  # (n_features, n_samples)
        self.feature = np.array(nodes["feature"], dtype=np.intp)
        self.threshold = np.array(nodes["threshold"], dtype=np.float64)
        self.left = np.array(nodes["left"], dtype=np.intp)
        self.right = np.array(nodes["right"], dtype=np.intp)
        self.weight = np.array(nodes["weight"], dtype=np.float64)
        self.gain = np.array(nodes["gain"], dtype=np.float64)
        self.cover = np.array(nodes["cover"], dtype=np.float64)
        self.value = params["learning_rate"] * self.weight
        return self

    def apply(self, X):
        """Leaf id of every row of ``X``; all rows walk down together."""
        rows = np.arange(X.shape[0])
        node = np.zeros(X.shape[0], dtype=np.intp)  # everyone starts at the root
        active = self.left[node] != LEAF  # (n_samples,)
        while active.any():
            current = node[active]
            goes_left = X[rows[active], self.feature[current]] < self.threshold[current]
            node[active] = np.where(goes_left, self.left[current], self.right[current])
            active = self.left[node] != LEAF
        return node

    def predict(self, X):
        """What the tree adds to the margin of each row of ``X``, (n_samples,)."""
        return self.value[self.apply(X)]

    @property
    def n_leaves(self):
        return int(np.count_nonzero(self.left == LEAF))


# ---------------------------------------------------------------------------
# The estimators
# ---------------------------------------------------------------------------


class _BaseXGBoost(BaseEstimator):
    """What the regressor and the classifier share: the boosting loop."""

    _parameter_constraints: ClassVar[dict] = {
        "n_estimators": [Interval(int, 1, None, closed="left")],
        "max_depth": [Interval(int, 1, None, closed="left")],
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "reg_lambda": [Interval(float, 0, None, closed="left")],
        "gamma": [Interval(float, 0, None, closed="left")],
        "min_child_weight": [Interval(float, 0, None, closed="left")],
        # Any number here; a probability in (0, 1) for two classes (checked in fit).
        "base_score": [None, Interval(float, None, None, closed="neither")],
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        max_depth=6,
        learning_rate=0.3,
        reg_lambda=1.0,
        gamma=0.0,
        min_child_weight=1.0,
        base_score=None,
    ):
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.reg_lambda = reg_lambda
        self.gamma = gamma
        self.min_child_weight = min_child_weight
        self.base_score = base_score

    def _tree_params(self):
        """The hyperparameters the trees grow with, as ``BoostedTree.grow`` takes
        them."""
        return {
            "max_depth": self.max_depth,
            "learning_rate": float(self.learning_rate),
            "reg_lambda": float(self.reg_lambda),
            "gamma": float(self.gamma),
            "min_child_weight": float(self.min_child_weight),
        }

    def _boost(self, X, targets, initial_margin, gradients_of):
        """Add ``n_estimators`` rounds of trees; return them (n_rounds, n_trees).

        ``targets`` and the margins have shape (n_samples, n_trees): one column, or
        one per class for softmax. Every round computes ``g`` and ``h`` once at the
        current margins, then grows one tree per column.
        """
        params = self._tree_params()
        order = np.argsort(X, axis=0, kind="stable")  # (n_samples, n_features), once
        margins = np.tile(initial_margin, (X.shape[0], 1))  # (n_samples, n_trees)
        rounds = []
        for _ in range(self.n_estimators):
            gradients, hessians = gradients_of(targets, margins)  # (n_samples, n_trees)
            trees = [
                BoostedTree().grow(X, order, gradients[:, k], hessians[:, k], params)
                for k in range(targets.shape[1])
            ]
            # The update adds each tree's (already shrunk) leaf values.
            margins = margins + np.column_stack([tree.predict(X) for tree in trees])
            rounds.append(trees)
        return rounds

    def _margins(self, X):
        """Margin of every row of ``X``: the initial margin plus every tree's leaves.

        Shape (n_samples, n_trees_per_round).
        """
        X = check_predict_input(self, X)
        # Every tree at once (scratchlearn.supervised.forest): the leaf of each row in
        # each tree, read as the leaf's value; trees ordered round by round.
        leaves = apply_forest(self._forest, X, strictly_below=True)  # (n, n_trees)
        values = self._leaf_values[leaves]  # (n_samples, n_rounds * n_per_round)
        n_per_round = len(self.initial_margin_)
        margins = np.tile(self.initial_margin_, (X.shape[0], 1))  # (n, n_per_round)
        for start in range(0, values.shape[1], n_per_round):  # rounds, in order
            margins += values[:, start : start + n_per_round]
        return margins

    def _store(self, X, rounds, initial_margin):
        # Learned attributes are set only now, so a failed fit changes nothing.
        trees = [tree for trees in rounds for tree in trees]
        self._forest = join_trees(
            (tree.feature, tree.threshold, tree.left, tree.right) for tree in trees
        )
        self._leaf_values = np.concatenate([tree.value for tree in trees])
        self.estimators_ = rounds
        self.initial_margin_ = initial_margin
        self.n_features_in_ = X.shape[1]
        return self


class XGBoostRegressor(RegressorMixin, _BaseXGBoost):
    """Gradient-boosted regression trees fitted to a second-order expansion of the
    squared error (xgboost's ``reg:squarederror``, ``tree_method="exact"``).

    Parameters
    ----------
    n_estimators : int >= 1, default 100
        Number of boosting rounds (one tree each).
    max_depth : int >= 1, default 6
        Deepest a leaf may be.
    learning_rate : float > 0, default 0.3
        Shrinkage eta: each tree adds ``learning_rate * w`` to the margin.
    reg_lambda : float >= 0, default 1.0
        L2 penalty on leaf weights: ``w = -G / (H + reg_lambda)``.
    gamma : float >= 0, default 0.0
        Least gain a split must bring; weaker splits are pruned from the bottom up.
    min_child_weight : float >= 0, default 1.0
        Least hessian sum of each child (for squared error: the number of samples).
    base_score : float or None, default None
        The initial prediction of every sample; ``None`` takes the mean of ``y``.

    Attributes
    ----------
    estimators_ : list of lists of BoostedTree
        ``estimators_[round][0]`` is the tree of that round.
    initial_margin_ : ndarray of shape (1,)
        The prediction before any tree.
    n_features_in_ : int

    Notes
    -----
    Round ``t`` takes each sample's gradient and hessian of the loss
    :math:`\\ell(y, \\hat y) = (\\hat y - y)^2 / 2` at the current prediction:
    :math:`g_i = \\hat y_i - y_i`, :math:`h_i = 1`. A tree with leaves :math:`j` of
    sums :math:`G_j, H_j` lowers the second-order objective
    :math:`\\sum_i [g_i f(x_i) + h_i f(x_i)^2 / 2] + \\gamma T
    + \\lambda \\sum_j w_j^2 / 2`
    most with :math:`w_j = -G_j / (H_j + \\lambda)`, leaving
    :math:`-\\frac12 \\sum_j G_j^2 / (H_j + \\lambda) + \\gamma T`. A split's gain is
    :math:`G_L^2/(H_L+\\lambda) + G_R^2/(H_R+\\lambda) - G^2/(H+\\lambda)`, compared
    with :math:`\\gamma` as xgboost does. The prediction is
    ``base_score + learning_rate * sum of the trees' leaf weights``.
    Chapter 14 explains this code.

    References
    ----------
    Chen, T. and Guestrin, C. (2016). XGBoost: A Scalable Tree Boosting System.
    Proceedings of KDD '16, 785-794.
    """

    def fit(self, X, y):
        """Boost ``n_estimators`` trees on ``X`` (n_samples, n_features) and ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y, y_numeric=True)
        base = y.mean() if self.base_score is None else float(self.base_score)
        initial_margin = np.array([base])
        rounds = self._boost(
            X, y[:, np.newaxis], initial_margin, squared_error_gradients
        )
        return self._store(X, rounds, initial_margin)

    def predict(self, X):
        """Predicted targets of ``X``, shape (n_samples,)."""
        return self._margins(X)[:, 0]


class XGBoostClassifier(ClassifierMixin, _BaseXGBoost):
    """Gradient-boosted classification trees on a second-order expansion of the log
    loss: ``binary:logistic`` for two classes (one tree per round),
    ``multi:softprob`` for more (one tree per class per round).

    Parameters
    ----------
    n_estimators, max_depth, learning_rate, reg_lambda, gamma, min_child_weight
        As for :class:`XGBoostRegressor`.
    base_score : float or None, default None
        Two classes: the initial probability of the second class, strictly between 0
        and 1 (its logit is the initial margin), as in xgboost; ``None`` takes the
        fraction of the second class. More classes: the initial margin of every
        class (any number: softmax ignores a common shift); ``None`` takes the log
        of each class's fraction.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    estimators_ : list of lists of BoostedTree
        ``estimators_[round][k]`` is the tree of class ``k`` (one tree, for the
        second class's logit, when there are two classes).
    initial_margin_ : ndarray of shape (1,) or (n_classes,)
    n_features_in_ : int

    Notes
    -----
    Two classes, :math:`p = \\sigma(\\text{margin})`: :math:`g = p - y`,
    :math:`h = p(1-p)`. :math:`K` classes, :math:`P = \\operatorname{softmax}`:
    :math:`g_k = P_k - Y_k` and, as in xgboost, :math:`h_k = 2 P_k (1 - P_k)`.
    Trees, gains and leaf weights are those of :class:`XGBoostRegressor` with these
    gradients and hessians. Chapter 14 explains this code.

    References
    ----------
    As for :class:`XGBoostRegressor`.
    """

    def fit(self, X, y):
        """Boost on ``X`` (n_samples, n_features) and class labels ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError("XGBoostClassifier needs two classes; y holds one class.")
        if len(classes) == 2:
            # One margin, the logit of the second class; base_score is a probability.
            if self.base_score is not None and not 0 < self.base_score < 1:
                raise ValueError(
                    "base_score is a probability for two classes and must lie "
                    f"strictly between 0 and 1, got {self.base_score!r}."
                )
            p = y_index.mean() if self.base_score is None else self.base_score
            p = np.clip(p, 1e-7, 1 - 1e-7)  # one class absent from a tiny set
            initial_margin = np.array([np.log(p / (1.0 - p))])
            targets = y_index[:, np.newaxis].astype(np.float64)  # (n_samples, 1)
            gradients_of = logistic_gradients
        else:
            fractions = np.bincount(y_index) / len(y_index)  # (n_classes,)
            initial_margin = (
                np.log(fractions)
                if self.base_score is None
                else np.full(len(classes), float(self.base_score))
            )
            targets = np.eye(len(classes))[y_index]  # (n_samples, n_classes)
            gradients_of = softmax_gradients
        rounds = self._boost(X, targets, initial_margin, gradients_of)
        self._store(X, rounds, initial_margin)
        self.classes_ = classes
        return self

    def decision_function(self, X):
        """Margins: the logit of the second class (n_samples,) for two classes, the
        softmax inputs (n_samples, n_classes) for more."""
        margins = self._margins(X)
        return margins[:, 0] if len(self.classes_) == 2 else margins

    def predict_proba(self, X):
        """Class probabilities of ``X``, shape (n_samples, n_classes)."""
        margins = self._margins(X)
        if len(self.classes_) == 2:
            p = sigmoid(margins[:, 0])  # (n_samples,)
            return np.column_stack([1.0 - p, p])
        return softmax(margins)

    def predict(self, X):
        """Most probable class of each row of ``X``."""
        probabilities = self.predict_proba(X)  # (n_samples, n_classes)
        return self.classes_[np.argmax(probabilities, axis=1)]
