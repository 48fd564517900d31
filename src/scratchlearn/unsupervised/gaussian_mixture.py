"""Gaussian mixtures fitted by expectation-maximisation (Chapter 20).

A Gaussian mixture says that each sample was drawn by first picking one of
``n_components`` Gaussians at random (component ``k`` with probability ``weights_[k]``)
and then drawing from it. Fitting it is a chicken-and-egg problem: knowing which
component drew each sample, each Gaussian's mean and covariance would be plain
averages; knowing the Gaussians, the probability that each drew each sample would be
Bayes' rule. Expectation-maximisation (EM) alternates the two:

* **E-step**: the *responsibility* of each component for each sample, the posterior
  probability that it drew it, under the current parameters;
* **M-step**: weights, means and covariances as averages weighted by those
  responsibilities.

Each round can only raise the likelihood of the data; EM stops when the mean
log-likelihood per sample rises by less than ``tol``.

Everything is computed in log space. Far from every component a density is
:math:`e^{-1000}` or less, which is 0 in floating point, and Bayes' rule would divide
0 by 0; the log-densities are finite, and :func:`scratchlearn.numerics.log_sum_exp`
normalises them without ever forming the tiny numbers.

The steps, the initialisations and the stopping rule are scikit-learn's, so that
from the same initial parameters both follow the same path (the tests check it to
1e-8 for every covariance type).
"""

import math
import warnings
from typing import ClassVar, NamedTuple

import numpy as np

from scratchlearn.base import BaseEstimator, ClusterMixin, check_is_fitted
from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.numerics import log_sum_exp
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Instance,
    Interval,
    Options,
    check_array,
    check_predict_input,
    check_random_state,
)

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
INIT_PARAMS = ("kmeans", "k-means++", "random", "random_from_data")
ARRAY_LIKE = Instance((list, tuple, np.ndarray), description="an array-like")
ILL_DEFINED = (
    "Fitting the mixture model failed because some components have ill-defined "
    "covariance (for instance a component holding a single sample, or samples that "
    "all coincide). Try fewer components, a larger reg_covar, or scaled features."
)


class Mixture(NamedTuple):
    """The parameters of a Gaussian mixture; the shapes of the covariances and of
    their precision factors depend on the covariance type (see
    :class:`GaussianMixture`)."""

    weights: np.ndarray  # (n_components,)
    means: np.ndarray  # (n_components, n_features)
    covariances: np.ndarray | None
    precisions_cholesky: np.ndarray


# --- the M-step: parameters from responsibilities ----------------------------------


def estimate_parameters(X, resp, reg_covar, covariance_type):
    """Weights, means and covariances of the components as averages of ``X``
    (n_samples, n_features) weighted by the responsibilities ``resp``
    (n_samples, n_components).

    Returns the *unnormalised* weights (each component's total responsibility, its
    "number of samples"), the means (n_components, n_features) and the covariances:
    (n_components, n_features, n_features) for ``"full"``, (n_features, n_features)
    for ``"tied"``, (n_components, n_features) for ``"diag"``, (n_components,) for
    ``"spherical"``. ``reg_covar`` is added to every variance, so that a component
    on a flat patch of data (a pixel that is always 0) keeps an invertible matrix.
    """
    # A tiny floor: a component that explains no sample must not divide by zero.
    counts = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps  # (n_components,)
    means = resp.T @ X / counts[:, np.newaxis]  # (n_components, n_features)
    n_features = X.shape[1]
    if covariance_type == "full":
        centred = X - means[:, np.newaxis, :]  # (n_components, n_samples, n_features)
        weighted = resp.T[:, :, np.newaxis] * centred  # same shape
        covariances = np.swapaxes(weighted, 1, 2) @ centred  # (n_comp., n_f., n_f.)
        covariances /= counts[:, np.newaxis, np.newaxis]
        covariances += reg_covar * np.eye(n_features)
    elif covariance_type == "tied":
        # One matrix: the scatter of the data about their own components' means.
        covariances = X.T @ X - (counts * means.T) @ means  # (n_features, n_features)
        covariances /= counts.sum()
        covariances += reg_covar * np.eye(n_features)
    else:
        squares = resp.T @ (X * X) / counts[:, np.newaxis]  # (n_components, n_f.)
        covariances = squares - means**2 + reg_covar  # E[x^2] - E[x]^2, per feature
        if covariance_type == "spherical":
            covariances = covariances.mean(axis=1)  # (n_components,)
    return counts, means, covariances


def precision_cholesky(covariances, covariance_type):
    """A factor :math:`P` of each precision matrix :math:`\\Sigma^{-1} = P P^T`.

    With the Cholesky factor :math:`\\Sigma = L L^T`, :math:`P = L^{-T}`. For
    ``"diag"`` and ``"spherical"`` it is ``1 / sqrt(variance)``. Raises ValueError
    if a covariance is not positive definite.
    """
    if covariance_type in ("full", "tied"):
        try:
            lower = np.linalg.cholesky(covariances)  # (..., n_features, n_features)
        except np.linalg.LinAlgError:
            raise ValueError(ILL_DEFINED) from None
        identity = np.broadcast_to(np.eye(covariances.shape[-1]), lower.shape)
        return np.swapaxes(np.linalg.solve(lower, identity), -1, -2)  # L^{-T}
    if np.any(covariances <= 0.0):
        raise ValueError(ILL_DEFINED)
    return 1.0 / np.sqrt(covariances)


def precision_cholesky_from_precisions(precisions, covariance_type):
    """A factor :math:`P` with :math:`P P^T` equal to each given precision matrix
    (the Cholesky factor itself); square roots for ``"diag"`` and ``"spherical"``."""
    if covariance_type in ("full", "tied"):
        return np.linalg.cholesky(precisions)
    return np.sqrt(precisions)


# --- the E-step: log-densities and responsibilities --------------------------------


def log_gaussian_density(X, means, precisions_cholesky, covariance_type):
    """:math:`\\log \\mathcal{N}(x_i \\mid \\mu_k, \\Sigma_k)` for every sample and
    component: shape (n_samples, n_components).

    With :math:`\\Sigma_k^{-1} = P_k P_k^T`, the squared Mahalanobis distance is
    :math:`\\lVert (x - \\mu_k)^T P_k \\rVert^2` (the sample in the component's
    whitened coordinates) and :math:`-\\frac12 \\log\\det \\Sigma_k = \\sum_j \\log
    (P_k)_{jj}`, so no matrix is ever inverted or its determinant formed.
    """
    n_features = X.shape[1]
    n_components = len(means)
    P = precisions_cholesky
    if covariance_type == "full":
        # Every sample in every component's whitened coordinates, (x - mu_k)^T P_k:
        # one batched matrix product, shape (n_components, n_samples, n_features).
        whitened = X @ P - means[:, np.newaxis, :] @ P
        log_det = np.log(np.diagonal(P, axis1=1, axis2=2)).sum(axis=1)
    elif covariance_type == "tied":  # one P for all: whiten X once
        whitened = (X @ P)[np.newaxis, :, :] - (means @ P)[:, np.newaxis, :]
        log_det = np.full(n_components, np.log(np.diag(P)).sum())
    if covariance_type in ("full", "tied"):
        squared_distances = np.sum(whitened**2, axis=2).T  # (n_samples, n_comp.)
    else:
        # Diagonal precisions, (n_components, n_features) (a sphere repeats its one
        # value). The square expanded, sum_j (x_j - mu_j)^2 p_j = sum_j x_j^2 p_j
        # - 2 sum_j x_j mu_j p_j + sum_j mu_j^2 p_j, is two matrix products for all
        # samples and components (it may round a distance near 0 to a tiny negative
        # number, which does no harm).
        precisions = np.broadcast_to(
            P.reshape(n_components, -1) ** 2, (n_components, n_features)
        )
        squared_distances = (
            (X**2) @ precisions.T
            - 2 * X @ (means * precisions).T
            + np.sum(means**2 * precisions, axis=1)
        )  # (n_samples, n_components)
        log_det = 0.5 * np.log(precisions).sum(axis=1)
    return -0.5 * (n_features * math.log(2 * math.pi) + squared_distances) + log_det


def n_parameters(n_components, n_features, covariance_type):
    """The number of free parameters of a mixture: the means, the covariances
    (a symmetric matrix has n(n+1)/2 free entries) and all weights but one (they sum
    to 1). AIC and BIC charge for each."""
    covariance_parameters = {
        "full": n_components * n_features * (n_features + 1) // 2,
        "tied": n_features * (n_features + 1) // 2,
        "diag": n_components * n_features,
        "spherical": n_components,
    }[covariance_type]
    return covariance_parameters + n_components * n_features + n_components - 1


def full_covariances(covariances, covariance_type, n_components, n_features):
    """Every component's covariance as a full matrix, (n_components, n_features,
    n_features), whatever the covariance type stores."""
    if covariance_type == "full":
        return np.asarray(covariances)
    if covariance_type == "tied":
        return np.broadcast_to(covariances, (n_components, n_features, n_features))
    variances = np.broadcast_to(
        np.reshape(covariances, (n_components, -1)), (n_components, n_features)
    )
    return variances[:, :, np.newaxis] * np.eye(n_features)  # diagonal matrices


# --- a few lines of k-means, for the default initialisation ------------------------


def kmeans_plus_plus(X, n_clusters, rng):
    """Indices of ``n_clusters`` seeds drawn by the k-means++ rule: the first
    uniformly, each next one with probability proportional to its squared distance
    to the nearest seed so far (Arthur and Vassilvitskii, 2007)."""
    seeds = [int(rng.integers(len(X)))]
    closest = np.sum((X - X[seeds[0]]) ** 2, axis=1)  # (n_samples,)
    for _ in range(1, n_clusters):
        total = closest.sum()
        if total > 0:
            seed = int(rng.choice(len(X), p=closest / total))
        else:  # every sample sits on a seed: any unused one will do
            seed = int(rng.choice(np.setdiff1d(np.arange(len(X)), seeds)))
        seeds.append(seed)
        closest = np.minimum(closest, np.sum((X - X[seed]) ** 2, axis=1))
    return np.array(seeds)


def kmeans_labels(X, n_clusters, rng, max_iter=100):
    """Cluster labels of Lloyd's k-means from k-means++ seeds: the hard assignment
    the default initialisation of EM starts from. (Chapter 16 builds k-means in
    full.) A sample equally near two centres goes to the first; a centre that loses
    all its samples stays where it was."""
    centres = X[kmeans_plus_plus(X, n_clusters, rng)]  # (n_clusters, n_features)
    labels = None
    for _ in range(max_iter):
        distances = (
            np.sum(X**2, axis=1)[:, np.newaxis]
            - 2 * X @ centres.T
            + np.sum(centres**2, axis=1)
        )  # (n_samples, n_clusters)
        new_labels = np.argmin(distances, axis=1)
        if labels is not None and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        counts = np.bincount(labels, minlength=n_clusters)  # (n_clusters,)
        sums = np.zeros_like(centres)
        np.add.at(sums, labels, X)
        filled = counts > 0
        centres[filled] = sums[filled] / counts[filled, np.newaxis]
    return labels


class GaussianMixture(ClusterMixin, BaseEstimator):
    """A mixture of Gaussians fitted by expectation-maximisation.

    Parameters
    ----------
    n_components : int >= 1, default 1
        The number of Gaussians.
    covariance_type : {"full", "tied", "diag", "spherical"}, default "full"
        The shape each Gaussian may take: ``"full"`` any ellipsoid of its own,
        ``"tied"`` one ellipsoid shared by all components, ``"diag"`` ellipsoids
        aligned with the axes, ``"spherical"`` spheres.
    tol : float >= 0, default 1e-3
        EM stops when the mean log-likelihood per sample rises by less than this.
    reg_covar : float >= 0, default 1e-6
        Added to every variance, so that covariances stay invertible.
    max_iter : int >= 1, default 100
        The most EM rounds per initialisation.
    n_init : int >= 1, default 1
        How many initialisations to run; the one with the highest final
        log-likelihood is kept.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}
        Where EM starts (default ``"kmeans"``): responsibilities of 0 or 1 from a
        k-means clustering, a component at each of ``n_components`` k-means++ seeds
        or random samples, or random responsibilities (each row uniform, then
        normalised).
    weights_init : array-like of shape (n_components,), optional
        Initial weights, instead of the initialisation's.
    means_init : array-like of shape (n_components, n_features), optional
        Initial means.
    precisions_init : array-like, optional
        Initial precision matrices (inverse covariances), in the shape of
        ``covariances_``. When all three ``*_init`` are given, EM starts exactly from
        them and ``init_params`` is not used.
    random_state : None, int or numpy.random.Generator, default None
        Seeds the initialisation and :meth:`sample`.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_ : ndarray
        (n_components, n_features, n_features) for ``"full"``, (n_features,
        n_features) for ``"tied"``, (n_components, n_features) for ``"diag"``,
        (n_components,) for ``"spherical"``.
    precisions_ : ndarray
        The inverses of the covariances, in the same shape.
    precisions_cholesky_ : ndarray
        Factors :math:`P` with :math:`P P^T` the precision matrix (for ``"diag"``
        and ``"spherical"``, ``1 / sqrt(variance)``), in the same shape.
    converged_ : bool
        Whether the best initialisation stopped by ``tol`` (not by ``max_iter``).
    n_iter_ : int
        EM rounds of the best initialisation.
    lower_bound_ : float
        The mean log-likelihood per sample at the last E-step of the best
        initialisation.
    lower_bounds_ : list of float
        The same after each round: the path EM climbed.
    n_features_in_ : int

    Notes
    -----
    The density is :math:`p(x) = \\sum_k \\pi_k \\mathcal{N}(x \\mid \\mu_k,
    \\Sigma_k)`. With :math:`\\ell_{ik} = \\log \\pi_k + \\log \\mathcal{N}(x_i \\mid
    \\mu_k, \\Sigma_k)`, the E-step computes :math:`\\log p(x_i) = \\operatorname{lse}_k
    \\ell_{ik}` and the log-responsibilities :math:`\\log r_{ik} = \\ell_{ik} -
    \\log p(x_i)`; the M-step sets :math:`N_k = \\sum_i r_{ik}`, :math:`\\pi_k = N_k
    / n`, :math:`\\mu_k = \\sum_i r_{ik} x_i / N_k` and :math:`\\Sigma_k = \\sum_i
    r_{ik} (x_i - \\mu_k)(x_i - \\mu_k)^T / N_k + \\text{reg\\_covar}\\, I`. Each round
    does not decrease :math:`\\frac1n \\sum_i \\log p(x_i)`, which EM records in
    ``lower_bounds_``. Chapter 20 explains this code.

    References
    ----------
    Dempster, A. P., Laird, N. M. and Rubin, D. B. (1977). Maximum likelihood from
    incomplete data via the EM algorithm. Journal of the Royal Statistical Society B
    39(1), 1-38. Bishop, C. M. (2006). Pattern Recognition and Machine Learning,
    Section 9.2. Springer.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_components": [Interval(int, 1, None, closed="left")],
        "covariance_type": [Options(*COVARIANCE_TYPES)],
        "tol": [Interval(float, 0, None, closed="left")],
        "reg_covar": [Interval(float, 0, None, closed="left")],
        "max_iter": [Interval(int, 1, None, closed="left")],
        "n_init": [Interval(int, 1, None, closed="left")],
        "init_params": [Options(*INIT_PARAMS)],
        "weights_init": [None, ARRAY_LIKE],
        "means_init": [None, ARRAY_LIKE],
        "precisions_init": [None, ARRAY_LIKE],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state

    # --- fitting ------------------------------------------------------------------

    def fit(self, X, y=None):
        """Fit the mixture to ``X`` (n_samples, n_features) by EM; ``y`` is ignored.

        Runs ``n_init`` initialisations, each until the mean log-likelihood rises
        by less than ``tol`` or ``max_iter`` rounds, and keeps the best.
        """
        self._validate_params()
        X = check_array(X)
        n_samples, n_features = X.shape
        if n_samples < 2:
            raise ValueError(
                f"GaussianMixture needs at least 2 samples; X has {n_samples} "
                "sample(s)."
            )
        if self.n_components > n_samples:
            raise ValueError(
                f"n_components={self.n_components} is more than the {n_samples} "
                "samples: each component needs samples to estimate it from."
            )
        given = self._check_initial_parameters(n_features)
        rng = check_random_state(self.random_state)
        best = None
        for _ in range(self.n_init):
            mixture = self._initialise(X, rng, given)
            lower_bound, path, converged = -np.inf, [], False
            for _ in range(self.max_iter):
                previous = lower_bound
                log_resp, lower_bound = self._e_step(X, mixture)
                mixture = self._m_step(X, log_resp)
                path.append(lower_bound)
                if abs(lower_bound - previous) < self.tol:
                    converged = True
                    break
            if best is None or lower_bound > best[1][-1]:
                best = (mixture, path, converged)
        mixture, path, converged = best
        if not converged:
            warnings.warn(
                f"EM did not converge in max_iter={self.max_iter} rounds (tol="
                f"{self.tol}): raise max_iter or tol, or try n_init > 1.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_ = (
            mixture
        )
        self.precisions_ = self._precisions(mixture.precisions_cholesky)
        self.converged_ = converged
        self.n_iter_ = len(path)
        self.lower_bound_ = path[-1]
        self.lower_bounds_ = path
        self.n_features_in_ = n_features
        return self

    def _e_step(self, X, mixture):
        """Log-responsibilities (n_samples, n_components) and the mean
        log-likelihood per sample, under ``mixture``."""
        weighted = self._weighted_log_density(X, mixture)  # (n_samples, n_comp.)
        log_likelihood = log_sum_exp(weighted, axis=1)  # (n_samples,)
        return weighted - log_likelihood[:, np.newaxis], float(log_likelihood.mean())

    def _m_step(self, X, log_resp):
        """The mixture whose parameters are the averages weighted by
        ``exp(log_resp)``."""
        counts, means, covariances = estimate_parameters(
            X, np.exp(log_resp), self.reg_covar, self.covariance_type
        )
        return Mixture(
            counts / counts.sum(),
            means,
            covariances,
            precision_cholesky(covariances, self.covariance_type),
        )

    def _weighted_log_density(self, X, mixture):
        """:math:`\\log \\pi_k + \\log \\mathcal{N}(x_i \\mid \\mu_k, \\Sigma_k)`,
        shape (n_samples, n_components)."""
        log_density = log_gaussian_density(
            X, mixture.means, mixture.precisions_cholesky, self.covariance_type
        )
        return log_density + np.log(mixture.weights)

    def _initialise(self, X, rng, given):
        """The mixture EM starts from: the given parameters if all three are
        given, else the M-step of initial responsibilities, with any given
        parameter put in place of the estimated one."""
        weights, means, precisions = given
        if weights is not None and means is not None and precisions is not None:
            factor = precision_cholesky_from_precisions(
                precisions, self.covariance_type
            )
            return Mixture(weights, means, None, factor)
        n_samples = len(X)
        resp = np.zeros((n_samples, self.n_components))  # (n_samples, n_components)
        columns = np.arange(self.n_components)
        if self.init_params == "kmeans":
            resp[np.arange(n_samples), kmeans_labels(X, self.n_components, rng)] = 1
        elif self.init_params == "k-means++":
            resp[kmeans_plus_plus(X, self.n_components, rng), columns] = 1
        elif self.init_params == "random_from_data":
            resp[
                rng.choice(n_samples, size=self.n_components, replace=False), columns
            ] = 1
        else:  # "random"
            resp = rng.uniform(size=(n_samples, self.n_components))
            resp /= resp.sum(axis=1, keepdims=True)
        counts, estimated_means, covariances = estimate_parameters(
            X, resp, self.reg_covar, self.covariance_type
        )
        if precisions is None:
            factor = precision_cholesky(covariances, self.covariance_type)
        else:
            factor = precision_cholesky_from_precisions(
                precisions, self.covariance_type
            )
            covariances = None
        return Mixture(
            counts / n_samples if weights is None else weights,
            estimated_means if means is None else means,
            covariances,
            factor,
        )

    def _covariance_shape(self, n_features):
        k, d = self.n_components, n_features
        return {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[
            self.covariance_type
        ]

    def _check_initial_parameters(self, n_features):
        """The given initial weights, means and precisions as float arrays of the
        right shapes (``None`` where not given); ValueError if one is not valid."""
        shapes = {
            "weights_init": (self.n_components,),
            "means_init": (self.n_components, n_features),
            "precisions_init": self._covariance_shape(n_features),
        }
        checked = []
        for name, shape in shapes.items():
            value = getattr(self, name)
            if value is None:
                checked.append(None)
                continue
            try:
                array = np.array(value, dtype=np.float64)  # a copy, never the user's
            except (TypeError, ValueError):
                raise ValueError(f"{name} must hold numbers, got {value!r}.") from None
            if array.shape != shape:
                raise ValueError(
                    f"{name} must have shape {shape} for n_components="
                    f"{self.n_components}, {n_features} features and covariance_type="
                    f"{self.covariance_type!r}; got shape {array.shape}."
                )
            if not np.all(np.isfinite(array)):
                raise ValueError(f"{name} contains NaN or infinity.")
            checked.append(array)
        weights, _, precisions = checked
        if weights is not None and (
            np.any(weights < 0) or not np.isclose(weights.sum(), 1.0)
        ):
            raise ValueError(
                f"weights_init must be non-negative and sum to 1, got {weights}."
            )
        if precisions is not None:
            matrices = self.covariance_type in ("full", "tied")
            symmetric = not matrices or np.allclose(
                precisions, np.swapaxes(precisions, -1, -2)
            )
            positive = (
                np.all(np.linalg.eigvalsh(precisions) > 0)
                if matrices and symmetric
                else np.all(precisions > 0)
            )
            if not (symmetric and positive):
                kind = (
                    "symmetric positive-definite matrices" if matrices else "positive"
                )
                raise ValueError(f"precisions_init must be {kind}.")
        return checked

    def _precisions(self, factors):
        """The precision matrices :math:`P P^T` from their factors (the squares of
        ``1 / sqrt(variance)`` for the diagonal types)."""
        if self.covariance_type in ("full", "tied"):
            return factors @ np.swapaxes(factors, -1, -2)
        return factors**2

    # --- using the fitted mixture ---------------------------------------------------

    @property
    def _mixture(self):
        return Mixture(
            self.weights_, self.means_, self.covariances_, self.precisions_cholesky_
        )

    def _log_resp(self, X):
        """Log-responsibilities of the fitted mixture for checked ``X``."""
        return self._e_step(X, self._mixture)[0]

    def score_samples(self, X):
        """:math:`\\log p(x)` of each row of ``X`` under the mixture, (n_samples,)."""
        X = check_predict_input(self, X)
        return log_sum_exp(self._weighted_log_density(X, self._mixture), axis=1)

    def score(self, X, y=None):
        """The mean log-likelihood per sample of ``X`` (higher is better)."""
        return float(np.mean(self.score_samples(X)))

    def predict_proba(self, X):
        """The responsibilities: the probability that each component drew each row
        of ``X``, shape (n_samples, n_components); finite even far from every
        component (computed in log space)."""
        X = check_predict_input(self, X)
        return np.exp(self._log_resp(X))

    def predict(self, X):
        """The most probable component of each row of ``X``, (n_samples,); of equally
        probable ones, the first."""
        X = check_predict_input(self, X)
        return np.argmax(self._weighted_log_density(X, self._mixture), axis=1)

    def fit_predict(self, X, y=None):
        """Fit to ``X`` and return the most probable component of each sample."""
        return self.fit(X, y).predict(X)

    def _n_parameters(self):
        return n_parameters(
            self.n_components, self.n_features_in_, self.covariance_type
        )

    def bic(self, X):
        """Bayesian information criterion on ``X``: :math:`-2 \\log L + p \\log n`
        with :math:`p` the free parameters (lower is better)."""
        n_samples = len(check_predict_input(self, X))
        log_likelihood = self.score(X) * n_samples
        return -2 * log_likelihood + self._n_parameters() * math.log(n_samples)

    def aic(self, X):
        """Akaike information criterion on ``X``: :math:`-2 \\log L + 2p` (lower is
        better)."""
        n_samples = len(check_predict_input(self, X))
        return -2 * self.score(X) * n_samples + 2 * self._n_parameters()

    def sample(self, n_samples=1):
        """Draw ``n_samples`` new samples from the fitted mixture.

        Returns ``X`` (n_samples, n_features), grouped by component, and ``y``, the
        component of each. Seeded by ``random_state``.
        """
        check_is_fitted(self)
        if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
            raise TypeError(f"n_samples must be an int, got {n_samples!r}.")
        if n_samples < 1:
            raise ValueError(f"n_samples must be at least 1, got {n_samples}.")
        rng = check_random_state(self.random_state)
        counts = rng.multinomial(n_samples, self.weights_)  # (n_components,)
        covariances = full_covariances(
            self.covariances_,
            self.covariance_type,
            self.n_components,
            self.n_features_in_,
        )
        # Each component: its mean plus a standard normal draw shaped by the
        # Cholesky factor L of its covariance (L L^T = covariance).
        factors = np.linalg.cholesky(covariances)  # (n_comp., n_features, n_features)
        X = np.vstack(
            [
                mean + rng.standard_normal((count, self.n_features_in_)) @ factor.T
                for mean, factor, count in zip(
                    self.means_, factors, counts, strict=True
                )
            ]
        )
        y = np.repeat(np.arange(self.n_components), counts)
        return X, y
