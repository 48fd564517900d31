"""Model selection: cross-validation, hyperparameter search and learning curves
(Chapter 15).

One train/test split gives one noisy number. Cross-validation cuts the data into
``k`` folds and lets every fold be the test set once, so every sample is tested
exactly once and the ``k`` scores show both the expected score and its spread
(:func:`cross_validate` gives several scores at once, and training scores). On
top of it sit the tools that choose hyperparameters: :class:`GridSearchCV` tries every
combination of a grid, :class:`RandomizedSearchCV` a random sample of them, and
:func:`learning_curve` and :func:`validation_curve` show whether a model suffers from
bias or from variance.

Everything works with any estimator that has ``fit``, ``predict`` (or ``score``) and
``get_params``/``set_params``: ours, and scikit-learn's. Each fit happens on a
fresh :func:`~scratchlearn.base.clone`, so the estimator passed in is never changed.

Without shuffling the folds are the same index arrays as scikit-learn's ``KFold`` and
``StratifiedKFold``; so cross-validated scores, grid-search results and curves are the
same numbers as scikit-learn's for the same estimators.
"""

import itertools
import numbers
import time
import warnings
from collections.abc import Iterable
from typing import ClassVar

import numpy as np

from scratchlearn import metrics
from scratchlearn.base import BaseEstimator, check_is_fitted, clone
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    HasMethods,
    Instance,
    Interval,
    Options,
    check_predict_input,
    check_random_state,
    check_value,
    check_X_y,
)

# ---------------------------------------------------------------------------
# Splitting the data into folds
# ---------------------------------------------------------------------------


def _train_test_from_folds(fold, n_splits):
    """Yield ``(train, test)`` index arrays (sorted) for each fold number 0..k-1.

    ``fold`` has shape (n_samples,): the fold each sample is tested in.
    """
    for k in range(n_splits):
        yield np.flatnonzero(fold != k), np.flatnonzero(fold == k)


class KFold(BaseEstimator):
    """Split ``n`` samples into ``n_splits`` consecutive folds of (almost) equal size.

    Parameters
    ----------
    n_splits : int >= 2, default 5
        Number of folds ``k``; each is the test set once.
    shuffle : bool, default False
        Permute the samples before cutting them into folds. Without it, fold 0 is
        the first ``n / k`` samples, and so on, as in scikit-learn.
    random_state : None, int or numpy.random.Generator, default None
        Seeds the permutation when ``shuffle`` is true. The permutation is NumPy's
        ``Generator.permutation``, so shuffled folds differ from scikit-learn's (which
        uses the legacy ``RandomState``); unshuffled folds are identical to it.

    Notes
    -----
    With :math:`n` samples, the first :math:`n \\bmod k` folds hold
    :math:`\\lfloor n/k \\rfloor + 1` samples and the others :math:`\\lfloor n/k
    \\rfloor`. Chapter 15 explains this code.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_splits": [Interval(int, 2, None, closed="left")],
        "shuffle": [bool],
        "random_state": RANDOM_STATE,
    }

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def _checked_generator(self, n_samples):
        """Check the hyperparameters, then that no fold of ``n_samples`` is empty;
        return the generator that shuffles."""
        self._validate_params()
        if self.n_splits > n_samples:
            raise ValueError(
                f"n_splits={self.n_splits} is more than the {n_samples} samples: "
                "some folds would be empty."
            )
        return check_random_state(self.random_state)

    def get_n_splits(self, X=None, y=None):
        """The number of folds, ``n_splits``."""
        return self.n_splits

    def split(self, X, y=None):
        """Yield ``(train_indices, test_indices)`` for each fold, both sorted.

        ``X`` only gives the number of samples; ``y`` is ignored.
        """
        n_samples = len(X)
        rng = self._checked_generator(n_samples)
        sizes = np.full(self.n_splits, n_samples // self.n_splits)  # (n_splits,)
        sizes[: n_samples % self.n_splits] += 1
        fold_of_position = np.repeat(np.arange(self.n_splits), sizes)  # (n_samples,)
        order = rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
        fold = np.empty(n_samples, dtype=np.intp)
        fold[order] = (
            fold_of_position  # sample order[p] is tested in fold_of_position[p]
        )
        yield from _train_test_from_folds(fold, self.n_splits)


class StratifiedKFold(KFold):
    """K folds that each keep the class proportions of ``y``.

    Parameters
    ----------
    n_splits : int >= 2, default 5
    shuffle : bool, default False
        Without shuffling, the folds are scikit-learn's (same index arrays). With it,
        each class's fold labels are permuted by NumPy's ``Generator`` (our own
        shuffle, not scikit-learn's).
    random_state : None, int or numpy.random.Generator, default None

    Notes
    -----
    How many samples of each class go to each fold is decided as scikit-learn
    decides it: sort the labels (classes numbered in order of first appearance),
    deal the sorted list out to the folds like cards, ``0, 1, ..., k-1, 0, 1, ...``,
    and count what each fold received. A class of :math:`n_c` samples thus puts
    :math:`\\lfloor n_c/k \\rfloor` or :math:`\\lceil n_c/k \\rceil` of them in every
    fold, and the folds' sizes differ by at most one. Within a class, the samples
    then go to folds 0, 1, ... in blocks, in the order they appear in the data.
    Chapter 15 explains this code.
    """

    def split(self, X, y):
        """Yield ``(train_indices, test_indices)`` for each fold, both sorted."""
        y = np.asarray(y)
        n_samples = len(y)
        rng = self._checked_generator(n_samples)
        # Number the classes in order of first appearance (as scikit-learn does).
        _, first_seen, y_sorted_index = np.unique(
            y, return_index=True, return_inverse=True
        )
        y_encoded = np.argsort(np.argsort(first_seen))[y_sorted_index]  # (n_samples,)
        n_classes = len(first_seen)
        counts = np.bincount(y_encoded, minlength=n_classes)  # (n_classes,)
        if np.all(counts < self.n_splits):
            raise ValueError(
                f"n_splits={self.n_splits} is more than the number of members of "
                f"every class (at most {counts.max()}): stratified folds need more."
            )
        if counts.min() < self.n_splits:
            warnings.warn(
                f"The smallest class has only {counts.min()} members, fewer than "
                f"n_splits={self.n_splits}: some folds will miss it.",
                UserWarning,
                stacklevel=2,
            )
        # Deal the sorted labels to the folds round robin and count:
        # allocation[k, c] = how many samples of class c fold k tests.
        dealt_to = np.arange(n_samples) % self.n_splits  # (n_samples,)
        allocation = np.zeros((self.n_splits, n_classes), dtype=np.intp)
        np.add.at(allocation, (dealt_to, np.sort(y_encoded)), 1)
        fold = np.empty(n_samples, dtype=np.intp)
        for c in range(n_classes):  # a loop over classes, not samples
            folds_of_class = np.repeat(np.arange(self.n_splits), allocation[:, c])
            if self.shuffle:
                folds_of_class = rng.permutation(folds_of_class)
            fold[y_encoded == c] = folds_of_class
        yield from _train_test_from_folds(fold, self.n_splits)


# ---------------------------------------------------------------------------
# Scoring, cloning and the fit-and-score step everything below repeats
# ---------------------------------------------------------------------------


def _accuracy(estimator, X, y):
    return metrics.accuracy_score(y, estimator.predict(X))


def _r2(estimator, X, y):
    return metrics.r2_score(y, estimator.predict(X))


def _neg_mean_squared_error(estimator, X, y):
    # Negated so that, like every score here, larger is better.
    return -metrics.mean_squared_error(y, estimator.predict(X))


def _own_score(estimator, X, y):
    return estimator.score(X, y)


# Named scores: scikit-learn's names for the metrics of scratchlearn.metrics.
SCORERS = {
    "accuracy": _accuracy,
    "r2": _r2,
    "neg_mean_squared_error": _neg_mean_squared_error,
}

# What the arguments shared by the searches and the functions below may be.
ESTIMATOR = [HasMethods("fit", "get_params")]
SCORING = [None, Options(*SCORERS), callable]
CV = [
    Interval(int, 2, None, closed="left"),
    HasMethods("split"),
    Instance(Iterable, description="an iterable of (train, test) pairs"),
]
PARAM_GRID = [Instance((dict, list, tuple), description="a dict or a list of dicts")]


def get_scorer(scoring):
    """The function ``scorer(estimator, X, y) -> float`` that ``scoring`` names.

    ``None`` uses the estimator's own ``score`` (accuracy for a classifier, R² for a
    regressor); a string is a key of :data:`SCORERS`; a callable is used as it is.
    """
    check_value(scoring, "scoring", SCORING)
    if scoring is None:
        return _own_score
    if callable(scoring):
        return scoring
    return SCORERS[scoring]


def is_classifier(estimator):
    """True if ``estimator`` is a classifier: ours say so with ``_estimator_type``,
    scikit-learn's (since version 1.6) with their ``__sklearn_tags__``."""
    if getattr(estimator, "_estimator_type", None) == "classifier":
        return True
    tags = getattr(estimator, "__sklearn_tags__", None)
    return tags is not None and tags().estimator_type == "classifier"


def check_cv(cv, X, y, estimator):
    """The list of ``(train, test)`` index pairs that ``cv`` stands for.

    ``cv`` is an int ``k`` (``StratifiedKFold(k)`` for a classifier, as in
    scikit-learn, ``KFold(k)`` otherwise), an object with a ``split(X, y)`` method
    (ours or scikit-learn's), or an iterable of ``(train, test)`` pairs. The pairs
    are listed once, so that every candidate of a search sees the same folds.
    """
    check_value(cv, "cv", CV)
    if isinstance(cv, numbers.Integral):
        splitter = StratifiedKFold(cv) if is_classifier(estimator) else KFold(cv)
        return list(splitter.split(X, y))
    if hasattr(cv, "split") and not isinstance(cv, str):
        return [(np.asarray(tr), np.asarray(te)) for tr, te in cv.split(X, y)]
    try:
        if isinstance(cv, str):
            raise TypeError
        splits = [(np.asarray(train), np.asarray(test)) for train, test in cv]
    except (TypeError, ValueError):
        raise TypeError(
            "cv must be an int >= 2, a splitter with a split(X, y) method, or a "
            f"list of (train, test) index pairs, got {cv!r}."
        ) from None
    if not splits:
        raise ValueError("cv gave no (train, test) pairs.")
    return splits


def fit_and_score(estimator, X, y, train, test, scorer, params=None):
    """Fit a clone of ``estimator`` (with ``params`` set) on ``train``; score it.

    Returns ``(train_score, test_score)``: the score on the training rows and on
    the test rows. Every cross-validated number of this module is one of these.
    """
    model = clone(estimator)
    if params:
        model.set_params(**params)
    model.fit(X[train], y[train])
    return (
        float(scorer(model, X[train], y[train])),
        float(scorer(model, X[test], y[test])),
    )


def _prepare(estimator, X, y, cv, scoring):
    """Validate the arguments shared by every function below; return the checked
    data, the folds and the scorer."""
    check_value(estimator, "estimator", ESTIMATOR)
    scorer = get_scorer(scoring)
    # A classifier's target must be class labels: refused here if continuous,
    # before stratified folds are cut from it.
    X, y = check_X_y(X, y, y_numeric=False, classifier=is_classifier(estimator))
    return X, y, check_cv(cv, X, y, estimator), scorer


def cross_val_score(estimator, X, y, *, scoring=None, cv=5):
    """The test score of ``estimator`` on each fold of a cross-validation.

    Parameters
    ----------
    estimator : estimator
        Ours or scikit-learn's; it is cloned for each fold and never fitted itself.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    scoring : None, str or callable, default None
        See :func:`get_scorer`.
    cv : int, splitter or iterable of (train, test), default 5
        See :func:`check_cv`.

    Returns
    -------
    scores : ndarray of shape (n_splits,)

    Notes
    -----
    With folds :math:`F_1, \\dots, F_k`, score :math:`k` is
    :math:`s\\big(\\hat f^{(-k)}, F_k\\big)`: the model fitted without fold
    :math:`k`, scored on it. Their mean estimates how well the model fitted on all
    the data will do on new data; their spread, how much that depends on the split.
    """
    X, y, splits, scorer = _prepare(estimator, X, y, cv, scoring)
    return np.array(
        [
            fit_and_score(estimator, X, y, train, test, scorer)[1]
            for train, test in splits
        ]
    )


def get_scorers(scoring):
    """The scorers that ``scoring`` names, as a dict ``{name: scorer}``.

    One score (``None``, a name or a callable, as for :func:`get_scorer`) is called
    ``"score"``, as in scikit-learn. Several: a list (or tuple) of names of
    :data:`SCORERS`, each its own key, or a dict from names of your choice to
    names or callables.
    """
    if isinstance(scoring, (list, tuple)):
        if not all(isinstance(name, str) for name in scoring):
            raise TypeError(
                "A list of scorers must hold their names (keys of SCORERS); give "
                "callables in a dict {name: callable}."
            )
        if not scoring or len(set(scoring)) != len(scoring):
            raise ValueError(
                f"scoring must name at least one scorer, each once, got {scoring!r}."
            )
        return {name: get_scorer(name) for name in scoring}
    if isinstance(scoring, dict):
        if not scoring:
            raise ValueError("scoring is an empty dict: name at least one scorer.")
        return {name: get_scorer(scorer) for name, scorer in scoring.items()}
    return {"score": get_scorer(scoring)}


def cross_validate(estimator, X, y, *, scoring=None, cv=5, return_train_score=False):
    """Cross-validate with one or several scores, timing each fit.

    Parameters
    ----------
    estimator, X, y, cv
        As for :func:`cross_val_score`.
    scoring : None, str, callable, list of str or dict, default None
        One scorer, or several: see :func:`get_scorers`. Each fold's model is
        fitted once and scored with all of them.
    return_train_score : bool, default False
        Also score each model on the rows it was fitted on: a training score far
        above the test score is the sign of overfitting.

    Returns
    -------
    results : dict of ndarrays of shape (n_splits,)
        ``"fit_time"`` and ``"score_time"`` (seconds), then for each scorer
        ``name``: ``"test_<name>"`` and, with ``return_train_score``,
        ``"train_<name>"`` (``"test_score"`` for a single scorer). The keys and,
        on the same folds, the scores are those of scikit-learn's
        ``cross_validate``.
    """
    check_value(return_train_score, "return_train_score", [bool])
    scorers = get_scorers(scoring)
    X, y, splits, _ = _prepare(estimator, X, y, cv, None)
    results = {"fit_time": [], "score_time": []}
    for train, test in splits:
        start = time.perf_counter()
        model = clone(estimator)
        model.fit(X[train], y[train])
        fitted = time.perf_counter()
        for name, scorer in scorers.items():
            test_score = scorer(model, X[test], y[test])
            results.setdefault(f"test_{name}", []).append(float(test_score))
            if return_train_score:
                train_score = scorer(model, X[train], y[train])
                results.setdefault(f"train_{name}", []).append(float(train_score))
        results["fit_time"].append(fitted - start)
        results["score_time"].append(time.perf_counter() - fitted)
    return {key: np.array(values) for key, values in results.items()}


# ---------------------------------------------------------------------------
# Candidate settings: a grid, or random draws
# ---------------------------------------------------------------------------


def _as_list_of_dicts(grid, name, estimator, *, distributions=False):
    """Check a parameter grid (a dict or a list of dicts); return a list of dicts.

    Each value must be a non-empty list (or tuple, or 1-D array) of settings, or,
    if ``distributions``, an object with an ``rvs`` method (a scipy.stats
    distribution). Each key must be a hyperparameter of ``estimator``.
    """
    grids = [grid] if isinstance(grid, dict) else grid
    if not isinstance(grids, (list, tuple)) or not grids:
        raise TypeError(f"{name} must be a dict or a non-empty list of dicts.")
    known = set(estimator.get_params())
    for one in grids:
        if not isinstance(one, dict):
            raise TypeError(f"{name} must be a dict or a list of dicts, got {one!r}.")
        for key, values in one.items():
            if key not in known:
                raise ValueError(
                    f"{name} names {key!r}, which is not a hyperparameter of "
                    f"{type(estimator).__name__}; its hyperparameters are "
                    f"{sorted(known)}."
                )
            if distributions and hasattr(values, "rvs"):
                continue
            if isinstance(values, str) or not isinstance(
                values, (list, tuple, np.ndarray)
            ):
                raise TypeError(
                    f"{name}[{key!r}] must be a list of settings to try"
                    + (" or a scipy.stats distribution" if distributions else "")
                    + f", got {values!r}."
                )
            if len(values) == 0:
                raise ValueError(f"{name}[{key!r}] is empty: give at least one value.")
    return list(grids)


def parameter_grid(grid):
    """Every combination of a grid, as a list of dicts, in scikit-learn's order.

    Parameters
    ----------
    grid : dict or list of dicts
        ``{name: [values]}``; a list of such dicts is the union of their grids.

    Returns
    -------
    candidates : list of dict
        For each dict of ``grid`` in turn, the Cartesian product of its lists with
        the names sorted and the last name varying fastest, as scikit-learn's
        ``ParameterGrid`` does.

    Examples
    --------
    >>> parameter_grid({"b": [1, 2], "a": ["x", "y"]})
    [{'a': 'x', 'b': 1}, {'a': 'x', 'b': 2}, {'a': 'y', 'b': 1}, {'a': 'y', 'b': 2}]
    """
    candidates = []
    for one in [grid] if isinstance(grid, dict) else grid:
        names = sorted(one)
        for values in itertools.product(*(one[name] for name in names)):
            candidates.append(dict(zip(names, values, strict=True)))
    return candidates


def parameter_sample(distributions, n_iter, rng):
    """``n_iter`` random settings drawn from ``distributions``.

    If every value is a list, ``n_iter`` distinct grid points are drawn without
    replacement (all of them, with a warning, if the grid is smaller). Otherwise
    each draw picks one dict of the list at random, then for each name (sorted) a
    uniform element of a list, or ``dist.rvs(random_state=rng)`` of a
    distribution. Random draws are NumPy's: the candidates differ from
    scikit-learn's for the same seed.
    """
    grids = [distributions] if isinstance(distributions, dict) else distributions
    if all(not hasattr(v, "rvs") for one in grids for v in one.values()):
        grid = parameter_grid(grids)
        if n_iter > len(grid):
            warnings.warn(
                f"n_iter={n_iter} is more than the {len(grid)} settings of the grid; "
                "all of them are tried.",
                UserWarning,
                stacklevel=3,
            )
            n_iter = len(grid)
        return [grid[i] for i in rng.choice(len(grid), size=n_iter, replace=False)]
    candidates = []
    for _ in range(n_iter):
        one = grids[rng.integers(len(grids))]
        candidates.append(
            {
                name: one[name].rvs(random_state=rng)
                if hasattr(one[name], "rvs")
                else one[name][rng.integers(len(one[name]))]
                for name in sorted(one)
            }
        )
    return candidates


# ---------------------------------------------------------------------------
# The searches
# ---------------------------------------------------------------------------


class _BaseSearchCV(BaseEstimator):
    """Cross-validate each candidate setting; refit the best on all the data.

    Subclasses say which candidates to try (``_candidates``). Everything else, the
    folds, the scores, the ranking and the refit, is shared.
    """

    @property
    def _estimator_type(self):
        # A search is a classifier if the model it tunes is one (so cv=int
        # stratifies, and a search can itself be cross-validated).
        return "classifier" if is_classifier(self.estimator) else "regressor"

    def __sklearn_tags__(self):
        # As for _estimator_type: scikit-learn sees the kind of the tuned model.
        tags = super().__sklearn_tags__()
        tuned = self.estimator.__sklearn_tags__()
        tags.estimator_type = tuned.estimator_type
        tags.classifier_tags = tuned.classifier_tags
        tags.regressor_tags = tuned.regressor_tags
        tags.target_tags.required = tuned.target_tags.required
        return tags

    def fit(self, X, y):
        """Cross-validate every candidate on ``X`` (n_samples, n_features) and
        ``y``, then refit the best one on all of it."""
        self._validate_params()
        candidates, scorer = self._candidates(), get_scorer(self.scoring)
        classifier = is_classifier(self.estimator)
        X, y = check_X_y(X, y, y_numeric=False, classifier=classifier)
        splits = check_cv(self.cv, X, y, self.estimator)
        test_scores = np.array(
            [
                [
                    fit_and_score(self.estimator, X, y, train, test, scorer, params)[1]
                    for train, test in splits
                ]
                for params in candidates
            ]
        )  # (n_candidates, n_splits)
        mean = test_scores.mean(axis=1)  # (n_candidates,)
        # Rank 1 is best; equal means share the smaller rank, and the first of
        # them is the best candidate (scikit-learn's rule).
        rank = 1 + np.sum(mean[np.newaxis, :] > mean[:, np.newaxis], axis=1)
        best = int(np.argmin(rank))
        results = {"params": candidates}
        for name in sorted({name for params in candidates for name in params}):
            results[f"param_{name}"] = [params.get(name) for params in candidates]
        for k in range(len(splits)):
            results[f"split{k}_test_score"] = test_scores[:, k]
        results["mean_test_score"] = mean
        results["std_test_score"] = test_scores.std(axis=1)
        results["rank_test_score"] = rank
        best_estimator = clone(self.estimator).set_params(**candidates[best])
        best_estimator.fit(X, y)
        # Learned attributes are set only now, so a failed fit changes nothing.
        self.cv_results_ = results
        self.best_index_ = best
        self.best_params_ = candidates[best]
        self.best_score_ = float(mean[best])
        self.best_estimator_ = best_estimator
        self.scorer_ = scorer
        self.n_splits_ = len(splits)
        self.n_features_in_ = X.shape[1]
        return self

    @property
    def classes_(self):
        """The classes of the refitted best estimator (classifiers only)."""
        check_is_fitted(self)
        return self.best_estimator_.classes_

    def predict(self, X):
        """Predictions of the best estimator, refitted on all the training data."""
        X = check_predict_input(self, X)
        return self.best_estimator_.predict(X)

    def predict_proba(self, X):
        """Class probabilities of the best estimator, (n_samples, n_classes)."""
        X = check_predict_input(self, X)
        return self.best_estimator_.predict_proba(X)

    def score(self, X, y):
        """The search's score (``scoring``) of the best estimator on ``(X, y)``."""
        X = check_predict_input(self, X)
        return float(self.scorer_(self.best_estimator_, X, np.asarray(y)))


class GridSearchCV(_BaseSearchCV):
    """Try every combination of hyperparameters by cross-validation; keep the best.

    Parameters
    ----------
    estimator : estimator
        The model to tune (ours or scikit-learn's); never fitted itself.
    param_grid : dict or list of dicts
        ``{name: [values to try]}``; see :func:`parameter_grid`.
    scoring : None, str or callable, default None
        See :func:`get_scorer`; ``None`` uses the estimator's ``score``.
    cv : int, splitter or iterable of (train, test), default 5
        See :func:`check_cv`. Every candidate is scored on the same folds.

    Attributes
    ----------
    cv_results_ : dict
        ``params`` (the candidates, in grid order), ``param_<name>`` (a list of
        each candidate's value, ``None`` where a candidate lacks it),
        ``split<k>_test_score``, ``mean_test_score``, ``std_test_score`` and
        ``rank_test_score`` (arrays of shape (n_candidates,)).
    best_index_ : int
        Index of the best candidate: the first of those with the highest mean.
    best_params_ : dict
    best_score_ : float
        Its mean cross-validated score.
    best_estimator_ : estimator
        A clone with ``best_params_``, refitted on all of ``X``, ``y``; ``predict``
        and ``score`` use it.
    scorer_ : callable
    n_splits_ : int
    n_features_in_ : int

    Notes
    -----
    With candidates :math:`\\theta_1, \\dots, \\theta_m` and :math:`k` folds, each
    candidate's score is the mean over folds,

    .. math::

        \\bar s(\\theta) = \\frac{1}{k} \\sum_{j=1}^{k}
        s\\big(\\hat f_\\theta^{(-j)}, F_j\\big),
        \\qquad \\hat\\theta = \\arg\\max_\\theta \\bar s(\\theta).

    The cost is :math:`m k + 1` fits. ``std_test_score`` is the population
    standard deviation (``ddof=0``) over folds, as in scikit-learn. Unlike
    scikit-learn, a candidate whose fit raises stops the search with that error
    instead of scoring NaN, and the best estimator is always refitted.
    ``best_score_`` is an optimistic estimate of the refitted model's score: it
    is the maximum of noisy means. Chapter 15 explains this code.

    References
    ----------
    Hastie, T., Tibshirani, R. and Friedman, J. (2009). The Elements of Statistical
    Learning, 2nd edition, Section 7.10 (cross-validation). Springer.
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": ESTIMATOR,
        # Its names must be the estimator's hyperparameters: checked by _candidates.
        "param_grid": PARAM_GRID,
        "scoring": SCORING,
        "cv": CV,
    }

    def __init__(self, estimator, param_grid, *, scoring=None, cv=5):
        self.estimator = estimator
        self.param_grid = param_grid
        self.scoring = scoring
        self.cv = cv

    def _candidates(self):
        grids = _as_list_of_dicts(self.param_grid, "param_grid", self.estimator)
        return parameter_grid(grids)


class RandomizedSearchCV(_BaseSearchCV):
    """Try ``n_iter`` random hyperparameter settings by cross-validation.

    Parameters
    ----------
    estimator : estimator
    param_distributions : dict or list of dicts
        ``{name: values}``, each a list (drawn uniformly) or a scipy.stats
        distribution (drawn with its ``rvs``); see :func:`parameter_sample`.
    n_iter : int >= 1, default 10
        How many settings to try.
    scoring : None, str or callable, default None
    cv : int, splitter or iterable of (train, test), default 5
    random_state : None, int or numpy.random.Generator, default None
        Seeds the draws (NumPy's generator: other candidates than scikit-learn's
        for the same seed; given the same candidates, the same scores).

    Attributes
    ----------
    cv_results_, best_index_, best_params_, best_score_, best_estimator_,
    scorer_, n_splits_, n_features_in_
        As for :class:`GridSearchCV`.

    Notes
    -----
    With a budget of :math:`m` fits per fold, a grid of :math:`m` points tries
    only :math:`m^{1/d}` values of each of :math:`d` hyperparameters, while
    :math:`m` random points try :math:`m` different values of each. When only a
    few hyperparameters matter, as is common, random search explores them more
    finely for the same cost (Bergstra and Bengio 2012). Chapter 15 explains this
    code.

    References
    ----------
    Bergstra, J. and Bengio, Y. (2012). Random search for hyper-parameter
    optimization. Journal of Machine Learning Research 13, 281-305.
    """

    _parameter_constraints: ClassVar[dict] = {
        "estimator": ESTIMATOR,
        # Its names must be the estimator's hyperparameters: checked by _candidates.
        "param_distributions": PARAM_GRID,
        "n_iter": [Interval(int, 1, None, closed="left")],
        "scoring": SCORING,
        "cv": CV,
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        estimator,
        param_distributions,
        *,
        n_iter=10,
        scoring=None,
        cv=5,
        random_state=None,
    ):
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.n_iter = n_iter
        self.scoring = scoring
        self.cv = cv
        self.random_state = random_state

    def _candidates(self):
        rng = check_random_state(self.random_state)
        grids = _as_list_of_dicts(
            self.param_distributions,
            "param_distributions",
            self.estimator,
            distributions=True,
        )
        return parameter_sample(grids, self.n_iter, rng)


# ---------------------------------------------------------------------------
# Curves: bias and variance in pictures
# ---------------------------------------------------------------------------


def _train_sizes_to_counts(train_sizes, n_max):
    """Fractions of (or numbers of) training samples as sorted distinct counts."""
    sizes = np.asarray(np.linspace(0.1, 1.0, 5) if train_sizes is None else train_sizes)
    if sizes.ndim != 1 or sizes.size == 0:
        raise ValueError(f"train_sizes must be a non-empty 1-D list, got {sizes!r}.")
    if np.issubdtype(sizes.dtype, np.floating):
        if sizes.min() <= 0 or sizes.max() > 1:
            raise ValueError(
                f"train_sizes as fractions must lie in (0, 1], got {sizes.tolist()}."
            )
        counts = np.clip((sizes * n_max).astype(int), 1, n_max)
    elif np.issubdtype(sizes.dtype, np.integer):
        if sizes.min() < 1 or sizes.max() > n_max:
            raise ValueError(
                f"train_sizes as counts must lie in [1, {n_max}] (the smallest "
                f"training fold), got {sizes.tolist()}."
            )
        counts = sizes
    else:
        raise TypeError(f"train_sizes must hold numbers, got {sizes!r}.")
    return np.unique(counts)


def learning_curve(
    estimator,
    X,
    y,
    *,
    train_sizes=None,
    cv=5,
    scoring=None,
    shuffle=False,
    random_state=None,
):
    """Training and test scores as the training set grows.

    Parameters
    ----------
    estimator, X, y, cv, scoring
        As for :func:`cross_val_score`.
    train_sizes : array-like, default ``np.linspace(0.1, 1.0, 5)``
        Floats: fractions of the (first) training fold; ints: numbers of samples.
    shuffle : bool, default False
        Permute each training fold before taking its first ``n`` samples (with
        NumPy's generator: other subsets than scikit-learn's). Without it the
        subsets are the first ``n`` training indices, as in scikit-learn; on data
        sorted by class they may then hold a single class.
    random_state : None, int or numpy.random.Generator, default None

    Returns
    -------
    train_sizes_abs : ndarray of shape (n_sizes,)
        The distinct numbers of training samples used.
    train_scores, test_scores : ndarray of shape (n_sizes, n_splits)

    Notes
    -----
    High bias (underfitting): both curves meet low; more data will not help, a
    more flexible model will. High variance (overfitting): a wide gap between a
    high training curve and a lower test curve that still rises; more data, or a
    simpler or more regularised model, helps. Chapter 15 explains this code.
    """
    X, y, splits, scorer = _prepare(estimator, X, y, cv, scoring)
    check_value(shuffle, "shuffle", [bool])
    rng = check_random_state(random_state)
    counts = _train_sizes_to_counts(train_sizes, len(splits[0][0]))
    if shuffle:
        splits = [(rng.permutation(train), test) for train, test in splits]
    scores = np.array(
        [
            [
                fit_and_score(estimator, X, y, train[:count], test, scorer)
                for train, test in splits
            ]
            for count in counts
        ]
    )  # (n_sizes, n_splits, 2): train then test score
    return counts, scores[:, :, 0], scores[:, :, 1]


def validation_curve(estimator, X, y, *, param_name, param_range, cv=5, scoring=None):
    """Training and test scores as one hyperparameter varies.

    Parameters
    ----------
    estimator, X, y, cv, scoring
        As for :func:`cross_val_score`.
    param_name : str
        The hyperparameter to vary.
    param_range : array-like of shape (n_values,)
        Its values.

    Returns
    -------
    train_scores, test_scores : ndarray of shape (n_values, n_splits)

    Notes
    -----
    Read from the simple end of ``param_range`` to the flexible end: both scores
    low means bias; the training score running away from the test score means
    variance. The best setting is near the top of the test curve. Chapter 15
    explains this code.
    """
    X, y, splits, scorer = _prepare(estimator, X, y, cv, scoring)
    _as_list_of_dicts({param_name: param_range}, "param_range", estimator)
    scores = np.array(
        [
            [
                fit_and_score(estimator, X, y, train, test, scorer, {param_name: value})
                for train, test in splits
            ]
            for value in param_range
        ]
    )  # (n_values, n_splits, 2): train then test score
    return scores[:, :, 0], scores[:, :, 1]
