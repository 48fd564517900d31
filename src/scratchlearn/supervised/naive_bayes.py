"""Gaussian naive Bayes, computed in log-space (Chapter 7).

Naive Bayes classifies by Bayes' rule, ``P(c | x) ∝ P(c) P(x | c)``, with one
*naive* assumption: within a class, the features are independent, so that
``P(x | c)`` is a product of one density per feature. Gaussian naive Bayes takes each
of those densities to be a normal distribution whose mean and variance are the
feature's mean and variance within the class. Training is counting and averaging:
no optimisation, no iterations.

A product of hundreds of densities is too small for floating point (it underflows to
0.0 for every class, and 0 / 0 is no probability). Every quantity here is therefore a
*logarithm*: products become sums, and the final normalisation is done by
:func:`log_sum_exp`, which never leaves log-space.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin
from scratchlearn.numerics import log_sum_exp
from scratchlearn.utils.validation import (
    CHECKED_IN_FIT,
    Interval,
    check_predict_input,
    check_priors,
    check_X_y,
)


class PosteriorMixin:
    """Bayes' rule: class probabilities and predictions from per-class log scores.

    A generative classifier scores each class ``c`` of a sample ``x`` by its joint
    log-likelihood ``log P(c) + log p(x | c)``, up to a constant per sample, in a
    method ``_class_scores(X)`` of shape (n_samples, n_classes). This mixin turns the
    scores into posteriors and predictions; :class:`GaussianNB` and
    :class:`~scratchlearn.supervised.LinearDiscriminantAnalysis` both use it.
    """

    def predict_log_proba(self, X):
        """Log of the posterior probability of each class, shape (n_samples, n_classes).

        The joint log-likelihoods minus their log-sum-exp over the classes: the
        logarithm of ``P(c) P(x | c) / sum_k P(k) P(x | k)``, computed in log-space
        (a constant added to a sample's scores cancels).
        """
        joint = self._class_scores(X)  # (n_samples, n_classes)
        return joint - log_sum_exp(joint, axis=1)[:, np.newaxis]

    def predict_proba(self, X):
        """Posterior probability of each class, shape (n_samples, n_classes)."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """Most probable class of each row of ``X``; ties go to the smallest label."""
        joint = self._class_scores(X)  # (n_samples, n_classes)
        return self.classes_[np.argmax(joint, axis=1)]


class GaussianNB(PosteriorMixin, ClassifierMixin, BaseEstimator):
    """Gaussian naive Bayes classifier, computed in log-space.

    Parameters
    ----------
    priors : array-like of shape (n_classes,) or None, default None
        Prior probability of each class, in the order of the sorted labels
        (``classes_``); non-negative and summing to 1. ``None`` estimates them as the
        share of each class in the training set.
    var_smoothing : float >= 0, default 1e-9
        Share of the largest feature variance added to every variance, so that no
        variance is 0 (a feature constant within a class) or absurdly small.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``, sorted.
    class_count_ : ndarray of shape (n_classes,)
        Number of training samples of each class.
    class_prior_ : ndarray of shape (n_classes,)
        Prior probability of each class: ``priors``, or the estimated shares.
    theta_ : ndarray of shape (n_classes, n_features)
        Mean of each feature within each class.
    var_ : ndarray of shape (n_classes, n_features)
        Variance of each feature within each class, plus ``epsilon_``.
    epsilon_ : float
        What was added to every variance: ``var_smoothing`` times the largest
        variance of a feature over the whole training set.
    n_features_in_ : int

    Notes
    -----
    For class :math:`c` with prior :math:`\\pi_c`, means :math:`\\mu_{cj}` and
    variances :math:`\\sigma^2_{cj}`, the joint log-likelihood of a sample
    :math:`x` is

    .. math::

        \\ell_c(x) = \\log P(c) + \\log P(x \\mid c) = \\log \\pi_c
        - \\frac{1}{2} \\sum_{j=1}^{d} \\log(2 \\pi \\sigma^2_{cj})
        - \\frac{1}{2} \\sum_{j=1}^{d} \\frac{(x_j - \\mu_{cj})^2}{\\sigma^2_{cj}} .

    The predicted class maximises it; the posterior probabilities are
    :math:`P(c \\mid x) = \\exp(\\ell_c - \\operatorname{logsumexp}_k \\ell_k)`. The
    variances are the maximum-likelihood ones (divided by :math:`n_c`, not
    :math:`n_c - 1`) plus :math:`\\varepsilon`, as in scikit-learn's ``GaussianNB``,
    so that both give the same predictions.

    Chapter 7 explains this code.

    References
    ----------
    Hastie, T., Tibshirani, R. and Friedman, J. (2009). The Elements of Statistical
    Learning, 2nd edition, Section 6.6.3. Springer.

    Domingos, P. and Pazzani, M. (1997). On the optimality of the simple Bayesian
    classifier under zero-one loss. Machine Learning 29, 103-130.
    """

    _parameter_constraints: ClassVar[dict] = {
        # None, or one probability per class: that needs the classes of y.
        "priors": [CHECKED_IN_FIT],
        "var_smoothing": [Interval(float, 0, None, closed="left")],
    }

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def fit(self, X, y):
        """Learn each class's prior, means and variances from ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings).

        Returns
        -------
        self
        """
        self._validate_params()
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        n_classes, n_features = len(classes), X.shape[1]
        priors = None if self.priors is None else check_priors(self.priors, n_classes)

        means = np.empty((n_classes, n_features))
        variances = np.empty((n_classes, n_features))
        for c in range(n_classes):  # a few classes; each step vectorised
            members = X[y_index == c]  # (n_samples_in_c, n_features)
            means[c] = members.mean(axis=0)
            variances[c] = members.var(axis=0)  # divided by n_c, not n_c - 1
        epsilon = self.var_smoothing * float(np.max(np.var(X, axis=0)))
        variances += epsilon
        if np.any(variances == 0):
            c, j = np.argwhere(variances == 0)[0]
            raise ValueError(
                f"Feature {j} has variance 0 in class {classes[c].item()!r} even after "
                f"smoothing (epsilon = var_smoothing * largest feature variance = "
                f"{epsilon:g}): a Gaussian of variance 0 has no density. Use "
                "var_smoothing > 0, drop constant features, or give every class more "
                "than one sample."
            )
        class_count = np.bincount(y_index, minlength=n_classes).astype(np.float64)

        self.classes_ = classes
        self.class_count_ = class_count
        self.class_prior_ = class_count / len(y) if priors is None else priors
        self.theta_ = means
        self.var_ = variances
        self.epsilon_ = epsilon
        self.n_features_in_ = n_features
        return self

    def predict_joint_log_proba(self, X):
        """Joint log-likelihood ``log P(c) + log P(x | c)`` of every row and class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Unnormalised: the log-posterior up to a constant per row.
        """
        X = check_predict_input(self, X)
        with np.errstate(divide="ignore"):  # a prior of 0 gives log(0) = -inf
            log_prior = np.log(self.class_prior_)  # (n_classes,)
        # The Gaussians' normalising constants, -1/2 sum_j log(2 pi var_cj):
        log_norm = -0.5 * np.log(2.0 * np.pi * self.var_).sum(axis=1)  # (n_classes,)
        # One pass per class, each over all samples and features at once. Doing all
        # classes at once would hold an (n_samples, n_classes, n_features) array.
        squared_distance = np.empty((X.shape[0], len(self.classes_)))
        for c in range(len(self.classes_)):
            scaled = (X - self.theta_[c]) ** 2 / self.var_[c]  # (n_samples, n_features)
            squared_distance[:, c] = np.sum(scaled, axis=1)
        log_likelihood = log_norm - 0.5 * squared_distance  # (n_samples, n_classes)
        return log_prior + log_likelihood

    def _class_scores(self, X):
        # The scores PosteriorMixin turns into probabilities and predictions.
        return self.predict_joint_log_proba(X)
