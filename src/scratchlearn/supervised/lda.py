"""Linear discriminant analysis: Fisher's projection and a Gaussian classifier
(Chapter 8).

Two ideas that lead to the same straight lines:

* **Fisher's discriminant** looks for the direction ``w`` along which the classes are
  best separated: their means far apart *relative to* the spread within each class.
  For two classes it is ``w ∝ S_w^{-1} (m_1 - m_0)`` (:func:`fisher_direction`); for
  ``K`` classes, the ``K - 1`` leading solutions of the generalised eigenproblem
  ``S_b v = λ S_w v`` give a projection to at most ``K - 1`` dimensions.
* **The Gaussian classifier** models each class as a normal distribution, all of them
  with one shared covariance matrix ``Σ``. Bayes' rule then gives scores that are
  linear in ``x``, and boundaries that are straight lines (hyperplanes).

:class:`LinearDiscriminantAnalysis` does both, like scikit-learn's estimator of the
same name: ``transform`` projects onto the discriminant directions, ``predict`` and
``predict_proba`` use the Gaussian model. :func:`scatter_matrices` and
:func:`fisher_criterion` are the quantities the chapter draws.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from scratchlearn.supervised.naive_bayes import PosteriorMixin
from scratchlearn.utils.validation import (
    CHECKED_IN_FIT,
    Interval,
    Options,
    check_array,
    check_predict_input,
    check_priors,
    check_X_y,
)

# The svd solver drops directions whose singular value is below this (relative, for
# the between-class step): scikit-learn's default ``tol``.
RANK_TOLERANCE = 1e-4


def _class_counts_and_means(X, y_index, n_classes):
    """Number of samples and mean of each class; ``y_index`` holds class positions.

    Returns arrays of shapes (n_classes,) and (n_classes, n_features).
    """
    one_hot = (y_index[:, np.newaxis] == np.arange(n_classes)).astype(X.dtype)
    counts = one_hot.sum(axis=0)  # (n_classes,)
    sums = one_hot.T @ X  # (n_classes, n_features): each class's rows added up
    return counts, sums / counts[:, np.newaxis]


def scatter_matrices(X, y):
    """The within-class and between-class scatter matrices of a labelled data set.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Class labels (numbers or strings).

    Returns
    -------
    within : ndarray of shape (n_features, n_features)
        :math:`S_w = \\sum_c \\sum_{i \\in c} (x_i - m_c)(x_i - m_c)^\\top`.
    between : ndarray of shape (n_features, n_features)
        :math:`S_b = \\sum_c n_c (m_c - m)(m_c - m)^\\top`.

    Notes
    -----
    :math:`m_c` is the mean of the :math:`n_c` samples of class :math:`c`, and
    :math:`m` the mean of all samples. The two add up to the total scatter,
    :math:`S_w + S_b = \\sum_i (x_i - m)(x_i - m)^\\top`: the spread of the data is
    the spread within the classes plus the spread of the class means.

    Chapter 8 explains this code.
    """
    X, y = check_X_y(X, y, y_numeric=False)
    classes, y_index = np.unique(y, return_inverse=True)
    counts, means = _class_counts_and_means(X, y_index, len(classes))
    within_deviations = X - means[y_index]  # (n_samples, n_features)
    mean_deviations = means - X.mean(axis=0)  # (n_classes, n_features)
    within = within_deviations.T @ within_deviations
    between = (counts[:, np.newaxis] * mean_deviations).T @ mean_deviations
    return within, between


def fisher_direction(X, y):
    """Fisher's discriminant direction of a two-class data set, of length 1.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Exactly two distinct labels.

    Returns
    -------
    w : ndarray of shape (n_features,)
        The unit vector along which the classes are best separated, pointing from the
        first class (in sorted order) to the second.

    Notes
    -----
    Projected onto :math:`w`, the class means are :math:`w^\\top m_0` and
    :math:`w^\\top m_1`. Fisher's criterion is their squared distance divided by the
    spread of the projected points around their own class mean,

    .. math::

        J(w) = \\frac{(w^\\top (m_1 - m_0))^2}{w^\\top S_w w} ,

    and it is largest for :math:`w \\propto S_w^{-1}(m_1 - m_0)`. We solve the linear
    system :math:`S_w w = m_1 - m_0` instead of inverting :math:`S_w`: it is cheaper
    and more accurate.

    Chapter 8 explains this code.

    References
    ----------
    Fisher, R. A. (1936). The use of multiple measurements in taxonomic problems.
    Annals of Eugenics 7(2), 179-188.
    """
    X, y = check_X_y(X, y, y_numeric=False)
    classes = np.unique(y)
    if len(classes) != 2:
        raise ValueError(
            f"fisher_direction needs exactly two classes, got {len(classes)}. For more "
            "classes use LinearDiscriminantAnalysis, which finds n_classes - 1 "
            "directions."
        )
    within, _ = scatter_matrices(X, y)
    difference = X[y == classes[1]].mean(axis=0) - X[y == classes[0]].mean(axis=0)
    try:
        w = np.linalg.solve(within, difference)
    except np.linalg.LinAlgError:
        raise ValueError(
            "The within-class scatter matrix is singular (a feature is constant within "
            "the classes, or some features are linear combinations of others): "
            "Fisher's direction is not unique. Drop the redundant features."
        ) from None
    return w / np.linalg.norm(w)


def fisher_criterion(X, y, w):
    """Fisher's criterion ``J(w) = w' S_b w / w' S_w w`` of one or more directions.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    w : array-like of shape (n_features,) or (n_features, n_directions)
        A direction, or one direction per column. Their length does not matter.

    Returns
    -------
    float or ndarray of shape (n_directions,)
        The spread of the projected class means divided by the spread of the projected
        points within their classes: the larger, the better separated.

    Notes
    -----
    With the scatter matrices of :func:`scatter_matrices`,

    .. math:: J(w) = \\frac{w^\\top S_b w}{w^\\top S_w w} .

    For two classes :math:`S_b = \\frac{n_0 n_1}{n} (m_1 - m_0)(m_1 - m_0)^\\top`, so
    this is the two-class criterion of :func:`fisher_direction` times
    :math:`n_0 n_1 / n`: the same best direction. Its largest value over all
    :math:`w` is the largest eigenvalue of :math:`S_b v = \\lambda S_w v`.

    Chapter 8 explains this code.
    """
    within, between = scatter_matrices(X, y)
    directions = check_array(w, name="w", ensure_2d=np.ndim(w) == 2)
    if directions.shape[0] != within.shape[0]:
        raise ValueError(
            f"w has {directions.shape[0]} components, but X has {within.shape[0]} "
            "features."
        )
    # w' S w for every column at once: the column sums of w * (S w).
    separation = np.sum(directions * (between @ directions), axis=0)
    spread = np.sum(directions * (within @ directions), axis=0)
    return separation / spread


def _covariance(deviations, weights, shrinkage):
    """``sum_i weights_i deviations_i deviations_i'``, shrunk towards a multiple of the
    identity: ``(1 - shrinkage) C + shrinkage * (trace(C) / n_features) * I``."""
    covariance = (weights[:, np.newaxis] * deviations).T @ deviations
    if shrinkage:
        n_features = covariance.shape[0]
        average_variance = np.trace(covariance) / n_features
        covariance = (1.0 - shrinkage) * covariance
        covariance.flat[:: n_features + 1] += shrinkage * average_variance  # diagonal
    return covariance


def _largest_entry_positive(directions):
    """Flip the sign of each column so that its largest entry (in absolute value) is
    positive: eigenvectors have no sign of their own, and this makes ours
    reproducible."""
    largest = np.argmax(np.abs(directions), axis=0)  # (n_directions,)
    signs = np.sign(directions[largest, np.arange(directions.shape[1])])
    return directions * np.where(signs == 0, 1.0, signs)


class LinearDiscriminantAnalysis(
    PosteriorMixin, ClassifierMixin, TransformerMixin, BaseEstimator
):
    """Linear discriminant analysis: a Gaussian classifier with one shared covariance
    matrix, and the projection that separates the classes best.

    Parameters
    ----------
    n_components : int or None, default None
        Number of discriminant directions ``transform`` keeps, at most
        ``min(n_features, n_classes - 1)`` (``None``: all of them). It does not change
        the predictions.
    priors : array-like of shape (n_classes,) or None, default None
        Prior probability of each class, in the order of the sorted labels; ``None``
        estimates them as the share of each class in the training set.
    solver : {"eigen", "svd"}, default "eigen"
        ``"eigen"`` solves the generalised eigenproblem ``S_b v = λ S_w v`` through
        the Cholesky factor of the within-class covariance; it needs that covariance
        to be invertible (use ``shrinkage`` if it is not). ``"svd"`` never forms the
        covariance: two singular value decompositions of the data, which also work
        when features are redundant (constant within classes, or collinear).
    shrinkage : float in [0, 1] or None, default None
        Eigen solver only. Moves every covariance towards a multiple of the identity,
        ``(1 - shrinkage) C + shrinkage * (trace(C) / n_features) * I``: stabler
        with few samples per feature; at 1 the features count as uncorrelated with
        equal variances, and the classifier becomes nearest-class-mean.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``, sorted.
    priors_ : ndarray of shape (n_classes,)
        Prior probability of each class.
    means_ : ndarray of shape (n_classes, n_features)
        Mean of each class.
    covariance_ : ndarray of shape (n_features, n_features)
        The shared within-class covariance: the classes' own covariances (divided by
        :math:`n_c`), averaged with the priors as weights, then shrunk.
    xbar_ : ndarray of shape (n_features,)
        The priors-weighted mean of the class means (the svd solver's centre).
    scalings_ : ndarray of shape (n_features, n_directions)
        The discriminant directions, one per column, best first, scaled so that
        ``scalings_.T @ covariance_ @ scalings_`` is the identity (for the svd
        solver with given priors: of the covariance weighted by class sizes); each
        column's largest entry is positive. ``n_directions`` is ``min(n_features,
        n_classes - 1)`` (the svd solver drops directions the data do not span).
    explained_variance_ratio_ : ndarray of shape (n_components_,)
        Share of the between-class separation that each kept direction explains.
    coef_ : ndarray of shape (n_classes, n_features), or (1, n_features) for 2 classes
        Weights of the linear scores; for two classes, class 1's minus class 0's.
    intercept_ : ndarray of shape (n_classes,), or (1,) for two classes
    n_components_ : int
        Number of directions ``transform`` returns.
    n_features_in_ : int

    Notes
    -----
    **Projection.** With :math:`S_w` the within-class and :math:`S_b` the
    between-class covariance, the best direction maximises Fisher's criterion
    :math:`J(v) = v^\\top S_b v \\,/\\, v^\\top S_w v`. Setting its gradient to 0 gives
    the generalised eigenproblem

    .. math:: S_b v = \\lambda S_w v ,

    whose eigenvalues are the values of :math:`J`; only :math:`K - 1` of them are
    non-zero, because the :math:`K` class means span :math:`K - 1` dimensions. With
    the Cholesky factor :math:`S_w = L L^\\top` and :math:`v = L^{-\\top} u` it becomes
    the ordinary symmetric eigenproblem
    :math:`(L^{-1} S_b L^{-\\top})\\, u = \\lambda u`, solved by ``np.linalg.eigh``
    (real eigenvalues, orthonormal :math:`u`; no inverse of :math:`S_w`, no complex
    numbers). The directions then satisfy :math:`v^\\top S_w v = 1`.

    Like scikit-learn, the eigen solver takes :math:`S_b = S_t - S_w`, the total
    covariance minus the within-class one. With the estimated priors that is exactly
    :math:`\\sum_c \\pi_c (\\mu_c - \\mu)(\\mu_c - \\mu)^\\top`; with given
    priors, or with shrinkage (applied to :math:`S_t` too), it differs a little.

    **Classification.** Class :math:`c` is :math:`\\mathcal N(\\mu_c, \\Sigma)` with
    prior :math:`\\pi_c`. The log of :math:`\\pi_c \\, p(x \\mid c)`, dropping what is
    the same for all classes, is the linear score

    .. math::

        \\delta_c(x) = x^\\top \\Sigma^{-1} \\mu_c
        - \\tfrac12 \\mu_c^\\top \\Sigma^{-1} \\mu_c + \\log \\pi_c ,

    that is ``X @ coef_.T + intercept_``; the prediction is the largest score and the
    probabilities are the scores' softmax. With all eigen-directions :math:`V`,
    :math:`V^\\top \\Sigma V = I`, so :math:`V V^\\top = \\Sigma^{-1}`: that is how
    ``coef_`` is computed, as in scikit-learn, whose ``LinearDiscriminantAnalysis``
    this class follows (with the same estimates, so the same predictions).

    The eigen solver's ``transform`` projects ``X`` itself, the svd solver's
    ``X - xbar_`` (as scikit-learn's solvers do): the directions are the same, the
    outputs differ by a constant shift.

    Chapter 8 explains this code.

    References
    ----------
    Hastie, T., Tibshirani, R. and Friedman, J. (2009). The Elements of Statistical
    Learning, 2nd edition, Sections 4.3 and 4.3.3. Springer.

    Duda, R. O., Hart, P. E. and Stork, D. G. (2001). Pattern Classification, 2nd
    edition, Section 3.8. Wiley.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_components": [None, Interval(int, 1, None, closed="left")],
        # None, or one probability per class: that needs the classes of y.
        "priors": [CHECKED_IN_FIT],
        "solver": [Options("eigen", "svd")],
        "shrinkage": [None, Interval(float, 0, 1, closed="both")],
    }

    def __init__(
        self, *, n_components=None, priors=None, solver="eigen", shrinkage=None
    ):
        self.n_components = n_components
        self.priors = priors
        self.solver = solver
        self.shrinkage = shrinkage

    def fit(self, X, y):
        """Learn the class means, the shared covariance and the discriminant directions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings), at least two distinct ones.

        Returns
        -------
        self
        """
        self._validate_params()
        if self.shrinkage is not None and self.solver == "svd":
            raise ValueError(
                "shrinkage needs solver='eigen': the svd solver never forms the "
                "covariance matrix that shrinkage changes."
            )
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        (n_samples, n_features), n_classes = X.shape, len(classes)
        if n_classes < 2 or n_samples <= n_classes:
            raise ValueError(
                f"Linear discriminant analysis needs at least two classes and more "
                f"samples than classes; got {n_classes} class(es) and {n_samples} "
                "samples."
            )
        n_directions = min(n_features, n_classes - 1)
        n_components = n_directions
        if self.n_components is not None:
            if self.n_components > n_directions:
                raise ValueError(
                    f"n_components={self.n_components} is too many: with {n_classes} "
                    f"classes and {n_features} features there are at most "
                    f"min(n_features, n_classes - 1) = {n_directions} discriminant "
                    "directions (the class means span no more)."
                )
            n_components = self.n_components
        counts, means = _class_counts_and_means(X, y_index, n_classes)
        if self.priors is None:
            priors = counts / n_samples
        else:
            priors = check_priors(self.priors, n_classes)

        deviations = X - means[y_index]  # (n_samples, n_features): within classes
        # Each class's covariance (divided by n_c) weighted by its prior: one sum
        # over all samples, each weighted prior_c / n_c.
        weights = (priors / counts)[y_index]  # (n_samples,)
        covariance = _covariance(deviations, weights, self.shrinkage)
        overall = priors @ means  # (n_features,): the priors-weighted mean

        if self.solver == "eigen":
            total = _covariance(
                X - X.mean(axis=0), np.full(n_samples, 1.0 / n_samples), self.shrinkage
            )
            scalings, ratio, coef, intercept = self._solve_eigen(
                means, priors, covariance, total
            )
        else:
            scalings, ratio, coef, intercept = self._solve_svd(
                means, priors, deviations, overall
            )
        scalings = scalings[:, :n_directions]
        if n_classes == 2:  # one score: class 1's minus class 0's, as scikit-learn
            coef = coef[1:] - coef[:1]  # (1, n_features)
            intercept = intercept[1:] - intercept[:1]  # (1,)

        self.classes_ = classes
        self.priors_ = priors
        self.means_ = means
        self.covariance_ = covariance
        self.xbar_ = overall
        self.scalings_ = scalings
        self.explained_variance_ratio_ = ratio[:n_components]
        self.coef_ = coef
        self.intercept_ = intercept
        self.n_components_ = min(n_components, scalings.shape[1])
        self.n_features_in_ = n_features
        return self

    @staticmethod
    def _solve_eigen(means, priors, covariance, total):
        """Directions from ``S_b v = λ S_w v`` through the Cholesky factor of ``S_w``.

        Returns all ``n_features`` directions (best first), the explained ratios,
        and the Gaussian model's ``coef`` and ``intercept``, one row per class.
        """
        between = total - covariance  # total spread = within + between
        try:
            cholesky = np.linalg.cholesky(covariance)  # S_w = L L'
        except np.linalg.LinAlgError:
            cholesky = None
        diagonal = None if cholesky is None else np.diag(cholesky)
        if diagonal is None or diagonal.min() <= 1e-7 * diagonal.max():
            raise ValueError(
                "The within-class covariance matrix is singular (or nearly so): some "
                "features are constant within the classes or linear combinations of "
                "others. Use solver='svd', or shrinkage > 0, or drop those features."
            )
        # L^{-1} S_b L^{-T}, by two triangular solves (S_b is symmetric); then
        # symmetrise away the rounding so that eigh sees an exactly symmetric matrix.
        half = np.linalg.solve(cholesky, between)  # L^{-1} S_b
        whitened = np.linalg.solve(cholesky, half.T)  # L^{-1} S_b L^{-T}
        whitened = (whitened + whitened.T) / 2.0
        eigenvalues, rotations = np.linalg.eigh(whitened)  # ascending
        eigenvalues, rotations = eigenvalues[::-1], rotations[:, ::-1]  # best first
        directions = np.linalg.solve(cholesky.T, rotations)  # v = L^{-T} u
        directions = _largest_entry_positive(directions)  # (n_features, n_features)
        ratio = eigenvalues / eigenvalues.sum()
        # V' S_w V = I, so V V' is the inverse of S_w: coef_c = S_w^{-1} mean_c.
        coef = means @ directions @ directions.T  # (n_classes, n_features)
        with np.errstate(divide="ignore"):  # a prior of 0 gives log(0) = -inf
            intercept = -0.5 * np.sum(coef * means, axis=1) + np.log(priors)
        return directions, ratio, coef, intercept

    @staticmethod
    def _solve_svd(means, priors, deviations, overall):
        """Directions from two singular value decompositions, never forming ``S_w``.

        1. Whiten: with the SVD of the (scaled) within-class deviations, find ``W``
           such that ``W' S_w W = I``, dropping directions of no within-class spread.
        2. In that whitened space the best directions are those of largest spread of
           the (prior-weighted) class means: the SVD of the centred means.
        """
        n_samples = len(deviations)
        std = deviations.std(axis=0)
        std[std == 0] = 1.0  # a constant feature: leave it unscaled
        _, singular, rows = np.linalg.svd(
            deviations / std / np.sqrt(n_samples), full_matrices=False
        )
        rank = int(np.sum(singular > RANK_TOLERANCE))
        if rank == 0:
            raise ValueError(
                "The classes have no spread at all (every sample equals its class "
                "mean): there is no within-class covariance to whiten."
            )
        whitening = (rows[:rank] / std).T / singular[:rank]  # (n_features, rank)
        centred_means = np.sqrt(priors)[:, np.newaxis] * (means - overall)
        _, singular, rows = np.linalg.svd(
            centred_means @ whitening, full_matrices=False
        )  # (n_classes, rank) -> rows of (rank, rank) at most
        ratio = singular**2 / np.sum(singular**2)
        rank = int(np.sum(singular > RANK_TOLERANCE * singular[0]))
        directions = _largest_entry_positive(whitening @ rows[:rank].T)
        projected_means = (means - overall) @ directions  # (n_classes, n_directions)
        coef = projected_means @ directions.T  # (n_classes, n_features)
        with np.errstate(divide="ignore"):
            intercept = -0.5 * np.sum(projected_means**2, axis=1) + np.log(priors)
        intercept -= coef @ overall  # scores of x, not of x - overall
        return directions, ratio, coef, intercept

    def transform(self, X):
        """Project ``X`` onto the first ``n_components_`` discriminant directions.

        Returns
        -------
        ndarray of shape (n_samples, n_components_)
        """
        X = check_predict_input(self, X)
        if self.solver == "svd":  # the svd solver's directions start at xbar_
            X = X - self.xbar_
        return X @ self.scalings_[:, : self.n_components_]

    def decision_function(self, X):
        """The linear scores ``X @ coef_.T + intercept_``.

        Returns
        -------
        ndarray of shape (n_samples, n_classes), or (n_samples,) for two classes
            For two classes, class 1's score minus class 0's: positive means class 1.
        """
        X = check_predict_input(self, X)
        scores = X @ self.coef_.T + self.intercept_  # (n_samples, n_classes or 1)
        return scores[:, 0] if len(self.classes_) == 2 else scores

    def _class_scores(self, X):
        """One score per class, shape (n_samples, n_classes), even for two classes.

        Each is the joint log-likelihood up to a constant per sample, so that
        :class:`~scratchlearn.supervised.naive_bayes.PosteriorMixin` turns them into
        ``predict_log_proba``, ``predict_proba`` and ``predict``: a softmax by
        log-sum-exp (Chapter 7), which no score, however large, overflows.
        """
        scores = self.decision_function(X)
        if len(self.classes_) == 2:  # class 0 scores 0, class 1 the difference
            return np.column_stack([np.zeros_like(scores), scores])
        return scores
