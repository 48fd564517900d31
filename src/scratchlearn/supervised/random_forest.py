"""Random forests for classification and regression (Chapter 11).

A random forest averages many decision trees (Chapter 10), each made different from
the others in two ways (Breiman, 2001):

* **Bagging.** Each tree is grown on a bootstrap sample: ``n_samples`` rows drawn
  from the training set *with replacement*, so a tree sees about 63% of the distinct
  samples, some of them several times.
* **Feature sampling per split.** Every node of every tree searches only
  ``max_features`` features drawn at random *for that node*. Drawing the features
  once per tree instead (a mistake of an earlier collection) would give trees that
  can never use most features; drawing per split lets every tree use every feature
  while still decorrelating the trees. The trees of
  :mod:`scratchlearn.supervised.decision_tree` already draw per node; the forest only
  gives each tree its own seed.

Averaging decorrelated trees keeps their low bias and lowers their variance. The
samples a tree did not draw (about 37%, its *out-of-bag* samples) are a free
validation set: predicting each training sample with only the trees that never saw
it gives the out-of-bag score, an estimate of the score on new data.

A bootstrap sample is not copied: as in scikit-learn, each tree is grown on the
training set with a *sample weight* per row, the number of times the bootstrap drew it
(0 for the rows it missed, which take no part). A row drawn twice weighs as two copies
in the impurities and leaf values, so the splits are those of the copied rows, while
each tree sorts only the distinct rows it drew (about 63% of them).
``min_samples_split`` and ``min_samples_leaf`` count distinct rows, as scikit-learn's
do.
"""

import warnings
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from scratchlearn.metrics import r2_score
from scratchlearn.supervised.decision_tree import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
)
from scratchlearn.utils.validation import (
    Interval,
    check_predict_input,
    check_random_state,
    check_X_y,
)

# Tree seeds are drawn below this bound (the largest 32-bit signed integer).
MAX_SEED = np.iinfo(np.int32).max


class _BaseForest(BaseEstimator):
    """What the classifier and the regressor share: bagging and out-of-bag rows."""

    # The forest's own hyperparameters; each subclass adds those of its trees.
    _parameter_constraints: ClassVar[dict] = {
        "n_estimators": [Interval(int, 1, None, closed="left")],
        "bootstrap": [bool],
        "oob_score": [bool],
    }

    def __init__(
        self,
        n_estimators,
        *,
        criterion,
        max_depth,
        min_samples_split,
        min_samples_leaf,
        max_features,
        bootstrap,
        oob_score,
        random_state,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.random_state = random_state

    def _fit_trees(self, X, targets):
        """Grow ``n_estimators`` trees, each on its bootstrap sample and own seed.

        Returns the trees and the rows each drew (with repeats).
        """
        if self.oob_score and not self.bootstrap:  # two hyperparameters together
            raise ValueError(
                "oob_score=True needs bootstrap=True: without bootstrap samples "
                "every tree sees every sample, so none is out of bag."
            )
        rng = check_random_state(self.random_state)
        n_samples = X.shape[0]
        trees, samples = [], []
        for _ in range(self.n_estimators):
            # One seed per tree: its per-node feature draws differ from its
            # neighbours', and the forest can be rebuilt from random_state alone.
            seed = int(rng.integers(MAX_SEED))
            if self.bootstrap:
                rows = rng.integers(0, n_samples, size=n_samples)  # with replacement
                # Each row weighs as many copies as were drawn (0: not drawn).
                weight = np.bincount(rows, minlength=n_samples)  # (n_samples,)
            else:
                rows, weight = np.arange(n_samples), None
            tree = self._make_tree(seed)
            tree.fit(X, targets, sample_weight=weight)
            trees.append(tree)
            samples.append(rows)
        return trees, samples

    def _make_tree(self, seed):
        return self._tree_class(
            criterion=self.criterion,
            max_depth=self.max_depth,
            min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            random_state=seed,
        )

    def _fit(self, X, targets):
        """Grow the forest; set what the classifier and the regressor both learn.

        ``targets`` are class indices (classification) or real targets. Returns the
        out-of-bag predictions, shape (n_samples, ...), or ``None`` without
        ``oob_score``.
        """
        trees, samples = self._fit_trees(X, targets)
        oob_prediction = None
        if self.oob_score:
            out_of_bag = self._out_of_bag_mask(samples, X.shape[0])
            every_tree = np.stack([tree.value_[tree.apply(X)] for tree in trees])
            oob_prediction = self._average_out_of_bag(every_tree, out_of_bag)
            # A sample no tree left out is NaN in every column: test the first.
            covered = ~np.isnan(oob_prediction.reshape(X.shape[0], -1)[:, 0])
            oob_score = self._score_out_of_bag(
                targets[covered], oob_prediction[covered]
            )
        importances = self._mean_importances(trees, X.shape[1])
        # Learned attributes are set only now, so a failed fit changes nothing.
        self.estimators_ = trees
        self.estimators_samples_ = samples
        self.feature_importances_ = importances
        self.n_features_in_ = X.shape[1]
        self._forget_out_of_bag()
        if self.oob_score:
            self.oob_score_ = oob_score
        return oob_prediction

    def _mean_of_trees(self, X):
        """Mean of the trees' leaf values for the rows of ``X``: the prediction."""
        X = check_predict_input(self, X)
        total = 0.0
        for tree in self.estimators_:
            total = total + tree.value_[tree.apply(X)]  # (n_samples, ...)
        return total / len(self.estimators_)

    @staticmethod
    def _out_of_bag_mask(samples, n_samples):
        """Boolean (n_estimators, n_samples): True where a tree never drew a sample."""
        drawn = np.zeros((len(samples), n_samples), dtype=bool)
        for tree_index, rows in enumerate(samples):
            drawn[tree_index, rows] = True
        return ~drawn

    @staticmethod
    def _average_out_of_bag(predictions, out_of_bag):
        """Mean over the trees that did not see each sample; NaN where none.

        ``predictions`` has shape (n_estimators, n_samples, ...) and holds every
        tree's prediction for every training sample.
        """
        weights = out_of_bag.astype(np.float64)  # (n_estimators, n_samples)
        counts = weights.sum(axis=0)  # (n_samples,)
        if np.any(counts == 0):
            warnings.warn(
                f"{int(np.sum(counts == 0))} sample(s) were drawn by every tree and "
                "have no out-of-bag prediction; use more estimators.",
                UserWarning,
                stacklevel=3,
            )
        extra_axes = (np.newaxis,) * (predictions.ndim - 2)
        total = np.sum(predictions * weights[(..., *extra_axes)], axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / counts[(..., *extra_axes)]  # (n_samples, ...)

    def _forget_out_of_bag(self):
        """Drop out-of-bag results of an earlier fit (refitting without them)."""
        for name in ("oob_score_", "oob_decision_function_", "oob_prediction_"):
            vars(self).pop(name, None)

    @staticmethod
    def _mean_importances(trees, n_features):
        """Mean of the trees' normalised impurity-decrease importances, renormalised.

        A tree that is a single leaf (it split nothing) has no importances to give
        and is left out, as in scikit-learn.
        """
        split = [tree.feature_importances_ for tree in trees if tree.node_count_ > 1]
        if not split:
            return np.zeros(n_features)
        importances = np.mean(split, axis=0)  # (n_features,)
        return importances / importances.sum()


class RandomForestClassifier(ClassifierMixin, _BaseForest):
    """A forest of classification trees grown on bootstrap samples, with features
    sampled at every split, whose class probabilities are averaged.

    Parameters
    ----------
    n_estimators : int >= 1, default 100
        Number of trees.
    criterion : {"gini", "entropy", "log_loss"}, default "gini"
        The impurity each tree's splits lower.
    max_depth, min_samples_split, min_samples_leaf
        Passed to every tree; see :class:`DecisionTreeClassifier`.
    max_features : int, float, "sqrt", "log2" or None, default "sqrt"
        How many features, drawn at random *for each node*, are searched for its
        split. ``"sqrt"`` (``int(sqrt(n_features))``) is scikit-learn's default for
        classification; ``None`` searches all features (bagged trees, no feature
        sampling).
    bootstrap : bool, default True
        Grow each tree on a bootstrap sample. If False every tree sees the whole
        training set and the trees differ only by their feature draws.
    oob_score : bool, default False
        Compute ``oob_score_`` and ``oob_decision_function_`` (needs ``bootstrap``).
    random_state : None, int or numpy.random.Generator, default 0
        Seeds the bootstrap samples and each tree's seed. The default is a fixed
        seed, so fitting twice on the same data gives the same forest (scikit-learn's
        default, ``None``, gives a new forest every time); ``None`` draws afresh.

    Attributes
    ----------
    estimators_ : list of DecisionTreeClassifier
        The trees. Each is fitted on class *indices* (``0 .. n_classes - 1``) of all
        the rows, those it did not draw with weight 0, so ``tree.classes_`` holds
        every index and a class its bootstrap sample missed has proportion 0.
    estimators_samples_ : list of ndarray of shape (n_samples,)
        The training rows each tree drew, with repeats; it was grown on the distinct
        ones, each weighted by how often it was drawn.
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``, sorted.
    feature_importances_ : ndarray of shape (n_features,)
        Mean of the trees' impurity-decrease importances, normalised to sum to 1.
    oob_score_ : float
        Accuracy of the out-of-bag predictions (only with ``oob_score=True``).
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Mean class probabilities given to each training sample by the trees that
        did not draw it; NaN for a sample every tree drew (then left out of
        ``oob_score_``). Only with ``oob_score=True``.
    n_features_in_ : int

    Notes
    -----
    With :math:`B` trees whose leaves give class proportions :math:`p_b(c \\mid x)`,
    the forest predicts

    .. math:: p(c \\mid x) = \\frac{1}{B} \\sum_{b=1}^{B} p_b(c \\mid x),
              \\qquad \\hat y = \\arg\\max_c p(c \\mid x),

    averaging probabilities as scikit-learn does (Breiman's original forest takes a
    majority vote of the trees' classes). A bootstrap sample misses a given sample
    with probability :math:`(1 - 1/n)^n \\to e^{-1} \\approx 0.368`, so each sample is
    out of bag for about a third of the trees; averaging only those trees gives its
    out-of-bag prediction. If the trees' errors have variance :math:`\\sigma^2` and
    pairwise correlation :math:`\\rho`, their mean has variance
    :math:`\\rho\\sigma^2 + (1 - \\rho)\\sigma^2 / B`: more trees shrink the second
    term only, and sampling features per split lowers :math:`\\rho`.
    Chapter 11 explains this code.

    References
    ----------
    Breiman, L. (1996). Bagging predictors. Machine Learning, 24(2), 123-140.
    Breiman, L. (2001). Random forests. Machine Learning, 45(1), 5-32.
    """

    _tree_class = DecisionTreeClassifier
    _parameter_constraints: ClassVar[dict] = {
        **DecisionTreeClassifier._parameter_constraints,
        **_BaseForest._parameter_constraints,
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features="sqrt",
        bootstrap=True,
        oob_score=False,
        random_state=0,
    ):
        super().__init__(
            n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            max_features=max_features,
            bootstrap=bootstrap,
            oob_score=oob_score,
            random_state=random_state,
        )

    def fit(self, X, y):
        """Grow the forest on ``X`` (n_samples, n_features) and class labels ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        oob_proba = self._fit(X, y_index)
        self.classes_ = classes
        if self.oob_score:
            self.oob_decision_function_ = oob_proba
        return self

    @staticmethod
    def _score_out_of_bag(y_index, proba):
        """Accuracy of the out-of-bag class probabilities (n_samples, n_classes)."""
        return float(np.mean(np.argmax(proba, axis=1) == y_index))

    def predict_proba(self, X):
        """Mean of the trees' class probabilities, shape (n_samples, n_classes).

        Every tree was fitted on all the class indices (rows it did not draw have
        weight 0), so its leaves hold a proportion for every class, 0 for a class
        its bootstrap sample missed.
        """
        return self._mean_of_trees(X)

    def predict(self, X):
        """Class of highest mean probability; ties go to the smallest label."""
        probabilities = self.predict_proba(X)  # (n_samples, n_classes)
        return self.classes_[np.argmax(probabilities, axis=1)]


class RandomForestRegressor(RegressorMixin, _BaseForest):
    """A forest of regression trees grown on bootstrap samples, with features
    sampled at every split, whose predictions are averaged.

    Parameters
    ----------
    n_estimators : int >= 1, default 100
        Number of trees.
    criterion : {"squared_error"}, default "squared_error"
    max_depth, min_samples_split, min_samples_leaf
        Passed to every tree; see :class:`DecisionTreeRegressor`.
    max_features : int, float, "sqrt", "log2" or None, default 1.0
        How many features, drawn at random for each node, are searched for its
        split. scikit-learn's default for regression, 1.0, searches all of them
        (bagged trees); ``"sqrt"`` or ``1 / 3`` give a random forest in Breiman's
        sense.
    bootstrap : bool, default True
        Grow each tree on a bootstrap sample.
    oob_score : bool, default False
        Compute ``oob_score_`` and ``oob_prediction_`` (needs ``bootstrap``).
    random_state : None, int or numpy.random.Generator, default 0
        As for :class:`RandomForestClassifier`.

    Attributes
    ----------
    estimators_ : list of DecisionTreeRegressor
    estimators_samples_ : list of ndarray of shape (n_samples,)
        As for :class:`RandomForestClassifier`.
    feature_importances_ : ndarray of shape (n_features,)
    oob_score_ : float
        R² of the out-of-bag predictions (only with ``oob_score=True``).
    oob_prediction_ : ndarray of shape (n_samples,)
        Mean prediction for each training sample by the trees that did not draw it;
        NaN for a sample every tree drew (then left out of ``oob_score_``).
    n_features_in_ : int

    Notes
    -----
    With :math:`B` trees :math:`f_b`, the forest predicts
    :math:`\\hat f(x) = \\frac{1}{B} \\sum_{b=1}^{B} f_b(x)`. The out-of-bag
    prediction of training sample :math:`i` averages only the trees whose bootstrap
    sample missed it, :math:`\\hat f_{\\text{oob}}(x_i) = \\frac{1}{|O_i|}
    \\sum_{b \\in O_i} f_b(x_i)`, and ``oob_score_`` is the :math:`R^2` of these.
    Chapter 11 explains this code.

    References
    ----------
    Breiman, L. (2001). Random forests. Machine Learning, 45(1), 5-32.
    """

    _tree_class = DecisionTreeRegressor
    _parameter_constraints: ClassVar[dict] = {
        **DecisionTreeRegressor._parameter_constraints,
        **_BaseForest._parameter_constraints,
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features=1.0,
        bootstrap=True,
        oob_score=False,
        random_state=0,
    ):
        super().__init__(
            n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            max_features=max_features,
            bootstrap=bootstrap,
            oob_score=oob_score,
            random_state=random_state,
        )

    def fit(self, X, y):
        """Grow the forest on ``X`` (n_samples, n_features) and real targets ``y``."""
        self._validate_params()
        X, y = check_X_y(X, y, y_numeric=True)
        oob_prediction = self._fit(X, y)
        if self.oob_score:
            self.oob_prediction_ = oob_prediction
        return self

    @staticmethod
    def _score_out_of_bag(y, prediction):
        """R² of the out-of-bag predictions."""
        return float(r2_score(y, prediction))

    def predict(self, X):
        """Mean of the trees' predictions, shape (n_samples,)."""
        return self._mean_of_trees(X)
