"""The restricted Boltzmann machine with binary units (Chapter 31).

An RBM is a two-layer model of a distribution: visible units :math:`v` (the pixels
of a digit) and hidden units :math:`h` (features), with a weight on every
visible-hidden pair and none inside a layer. Because of that restriction each layer,
given the other, is a set of independent coins with logistic probabilities, so
sampling alternates between the two layers in one matrix product each (Gibbs
sampling). Training lowers the energy of the data and raises that of the model's own
samples: contrastive divergence (CD-k) starts the sampling chain at the data and
runs it ``k`` steps; persistent CD (PCD, scikit-learn's only algorithm) keeps one
chain running across mini-batches.

The names are scikit-learn's (``n_components``, ``learning_rate``, ``batch_size``,
``n_iter``, ``components_``, ``intercept_hidden_``, ``intercept_visible_``,
``h_samples_``), so that code written for ``sklearn.neural_network.BernoulliRBM``
runs on this one; ``k`` and ``persistent`` choose the training algorithm.
"""

import math
from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, TransformerMixin
from scratchlearn.numerics import log_sum_exp, sigmoid
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    check_array,
    check_predict_input,
    check_random_state,
    check_X_y,
)

__all__ = [
    "BernoulliRBM",
    "contrastive_divergence_gradients",
    "free_energy",
    "log_partition_function",
]


def free_energy(V, components, intercept_hidden, intercept_visible):
    """The free energy :math:`F(v) = -b^T v - \\sum_j \\log(1 + e^{W_j v + c_j})`
    of each row of ``V`` (n_samples, n_features), with the weights ``components``
    :math:`W` (n_components, n_features), hidden biases :math:`c` and visible
    biases :math:`b`. Returns shape (n_samples,).

    :math:`e^{-F(v)} = \\sum_h e^{-E(v, h)}`: the hidden units summed out. The
    softplus :math:`\\log(1 + e^x)` is ``np.logaddexp(0, x)``, which never
    overflows.
    """
    hidden_input = V @ components.T + intercept_hidden  # (n_samples, n_components)
    return -V @ intercept_visible - np.logaddexp(0.0, hidden_input).sum(axis=1)


def log_partition_function(components, intercept_hidden, intercept_visible):
    """The exact :math:`\\log Z = \\log \\sum_v e^{-F(v)}`, summed over all
    :math:`2^{n_{features}}` visible states: possible for a toy machine only (at
    most 20 visible units, a million states). Then :math:`\\log p(v) = -F(v) -
    \\log Z` is the exact log-likelihood that training approximately maximises."""
    n_features = components.shape[1]
    if n_features > 20:
        raise ValueError(
            f"{n_features} visible units have 2**{n_features} states: too many to "
            "sum over (at most 20)."
        )
    states = (np.arange(2**n_features)[:, None] >> np.arange(n_features)) & 1
    F = free_energy(
        states.astype(np.float64), components, intercept_hidden, intercept_visible
    )  # (2**n_features,)
    return float(log_sum_exp(-F))


def contrastive_divergence_gradients(V_data, H_data, V_model, H_model):
    """The (approximate) gradient of the mean log-likelihood with respect to the
    weights and both biases: data statistics minus model statistics.

    Parameters
    ----------
    V_data : ndarray of shape (n_samples, n_features)
        A mini-batch of data.
    H_data : ndarray of shape (n_samples, n_components)
        :math:`P(h = 1 \\mid v)` for each row of ``V_data``.
    V_model : ndarray of shape (n_chains, n_features)
        Visible samples from the end of the Gibbs chains.
    H_model : ndarray of shape (n_chains, n_components)
        :math:`P(h = 1 \\mid v)` for each row of ``V_model``.

    Returns
    -------
    dW : ndarray of shape (n_components, n_features)
    d_intercept_hidden : ndarray of shape (n_components,)
    d_intercept_visible : ndarray of shape (n_features,)

    Notes
    -----
    .. math:: \\Delta W = \\langle h v^T \\rangle_{data} - \\langle h v^T
       \\rangle_{model}, \\quad \\Delta c = \\langle h \\rangle_{data} -
       \\langle h \\rangle_{model}, \\quad \\Delta b = \\langle v \\rangle_{data}
       - \\langle v \\rangle_{model}

    Each average is over its own rows (a persistent chain may hold another number of
    samples than the batch). It equals :math:`-\\nabla (\\bar F_{data} - \\bar
    F_{model})` with the model samples held fixed.
    """
    positive = H_data.T @ V_data / len(V_data)  # (n_components, n_features)
    negative = H_model.T @ V_model / len(V_model)  # (n_components, n_features)
    return (
        positive - negative,
        H_data.mean(axis=0) - H_model.mean(axis=0),
        V_data.mean(axis=0) - V_model.mean(axis=0),
    )


class BernoulliRBM(TransformerMixin, BaseEstimator):
    """Restricted Boltzmann machine with binary visible and hidden units, trained
    by contrastive divergence (CD-k) or persistent contrastive divergence (PCD).

    Parameters
    ----------
    n_components : int >= 1, default 256
        Number of hidden units.
    learning_rate : float > 0, default 0.1
        Step size of the gradient ascent on the log-likelihood.
    batch_size : int >= 1, default 10
        Samples per mini-batch (and, for PCD, the number of persistent chains).
    n_iter : int >= 0, default 10
        Passes over the training set (epochs).
    k : int >= 1, default 1
        Gibbs steps of the sampling chain per update (the k of CD-k).
    persistent : bool, default True
        Keep the chains running from one update to the next (PCD, as
        scikit-learn does); ``False`` restarts them at the batch (CD-k).
    random_state : None, int or numpy.random.Generator, default 0
        Seeds the initial weights, the batch order, the sampling, and the bit
        that :meth:`score_samples` flips. The default is 0, not scikit-learn's
        ``None``, so that the same call gives the same machine.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        The weights :math:`W`; row :math:`j` is hidden unit :math:`j`'s filter.
    intercept_hidden_ : ndarray of shape (n_components,)
        The hidden biases :math:`c`.
    intercept_visible_ : ndarray of shape (n_features,)
        The visible biases :math:`b`.
    h_samples_ : ndarray of shape (n_chains, n_components)
        The hidden states at the end of the last update's chains (PCD continues
        from them).
    reconstruction_errors_ : ndarray of shape (n_iter,)
        After each epoch, the mean squared error of the mean-field reconstruction of
        the training set (see :meth:`reconstruct`).
    n_features_in_ : int

    Notes
    -----
    The energy of a joint state and the distribution it defines are

    .. math:: E(v, h) = -b^T v - c^T h - h^T W v, \\qquad
       p(v, h) = e^{-E(v, h)} / Z .

    With no connection inside a layer, :math:`p(h_j = 1 \\mid v) = \\sigma(W_j v +
    c_j)` and :math:`p(v_i = 1 \\mid h) = \\sigma(W_{:, i}^T h + b_i)`. The gradient
    of :math:`\\log p(v)` is the data statistics minus the model's (see
    :func:`contrastive_divergence_gradients`); the model's expectation is estimated
    from the end of a Gibbs chain of ``k`` steps. The input should lie in [0, 1]
    (read as probabilities of each pixel being on); as in scikit-learn, it is not
    checked. Chapter 31 explains this code.

    References
    ----------
    Smolensky, P. (1986). Information processing in dynamical systems: foundations
    of harmony theory. Hinton, G. E. (2002). Training products of experts by
    minimizing contrastive divergence. Neural Computation 14(8), 1771-1800.
    Tieleman, T. (2008). Training restricted Boltzmann machines using
    approximations to the likelihood gradient. ICML.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_components": [Interval(int, 1, None, closed="left")],
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "batch_size": [Interval(int, 1, None, closed="left")],
        "n_iter": [Interval(int, 0, None, closed="left")],
        "k": [Interval(int, 1, None, closed="left")],
        "persistent": [bool],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        n_components=256,
        *,
        learning_rate=0.1,
        batch_size=10,
        n_iter=10,
        k=1,
        persistent=True,
        random_state=0,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.k = k
        self.persistent = persistent
        self.random_state = random_state

    # --- the two conditionals and sampling ---------------------------------------

    def _mean_hiddens(self, V):
        """:math:`P(h = 1 \\mid v)` for each row of ``V``, (n_samples,
        n_components)."""
        return sigmoid(V @ self.components_.T + self.intercept_hidden_)

    def _mean_visibles(self, H):
        """:math:`P(v = 1 \\mid h)` for each row of ``H``, (n_samples,
        n_features)."""
        return sigmoid(H @ self.components_ + self.intercept_visible_)

    @staticmethod
    def _sample(probabilities, rng):
        """One coin per unit: 1.0 with its probability, else 0.0."""
        return (rng.random(probabilities.shape) < probabilities).astype(np.float64)

    # --- training ---------------------------------------------------------------

    def fit(self, X, y=None):
        """Train on ``X`` (n_samples, n_features), values in [0, 1], for ``n_iter``
        epochs of mini-batches; ``y`` is ignored (if given, as long as ``X``)."""
        self._validate_params()
        X = check_array(X) if y is None else check_X_y(X, y, y_numeric=False)[0]
        rng = check_random_state(self.random_state)
        self._initialise(X.shape[1], rng)
        n_samples = len(X)
        n_batches = math.ceil(n_samples / self.batch_size)
        errors = []
        for _ in range(self.n_iter):
            order = rng.permutation(n_samples)
            # Even batches, as scikit-learn's: 1,797 samples by 10 make 180
            # batches, 177 of 10 samples and 3 of 9 (not 179 of 10 and one of 7).
            for batch in np.array_split(order, n_batches):
                self._update(X[batch], rng)
            reconstruction = self._mean_visibles(self._mean_hiddens(X))
            errors.append(np.mean((X - reconstruction) ** 2))
        self.reconstruction_errors_ = np.array(errors)
        self.n_features_in_ = X.shape[1]
        self._rng = rng
        return self

    def partial_fit(self, X, y=None):
        """One update on ``X`` as a single mini-batch; the first call initialises
        the machine. Returns ``self``."""
        if not hasattr(self, "components_"):
            self._validate_params()
            X = check_array(X) if y is None else check_X_y(X, y, y_numeric=False)[0]
            self._rng = check_random_state(self.random_state)
            self._initialise(X.shape[1], self._rng)
            self.reconstruction_errors_ = np.array([])
            self.n_features_in_ = X.shape[1]
        else:
            X = check_predict_input(self, X)
        self._update(X, self._rng)
        return self

    def _initialise(self, n_features, rng):
        """Small random weights, zero biases, and persistent chains whose hidden
        units all start off (scikit-learn's start)."""
        self.components_ = rng.normal(0.0, 0.01, (self.n_components, n_features))
        self.intercept_hidden_ = np.zeros(self.n_components)
        self.intercept_visible_ = np.zeros(n_features)
        self.h_samples_ = np.zeros((self.batch_size, self.n_components))

    def _update(self, V_data, rng):
        """One step of gradient ascent on a mini-batch ``V_data`` (n_samples,
        n_features)."""
        H_data = self._mean_hiddens(V_data)  # (n_samples, n_components)
        # The chain starts from the persistent states (PCD) or from the data (CD).
        H = self.h_samples_ if self.persistent else self._sample(H_data, rng)
        for _ in range(self.k):
            V_model = self._sample(self._mean_visibles(H), rng)  # (n_chains, n_f.)
            H_model = self._mean_hiddens(V_model)  # (n_chains, n_components)
            H = self._sample(H_model, rng)
        dW, dc, db = contrastive_divergence_gradients(V_data, H_data, V_model, H_model)
        self.components_ += self.learning_rate * dW
        self.intercept_hidden_ += self.learning_rate * dc
        self.intercept_visible_ += self.learning_rate * db
        self.h_samples_ = H

    # --- using a trained machine ------------------------------------------------

    def transform(self, X):
        """The features of ``X``: :math:`P(h = 1 \\mid v)`, (n_samples,
        n_components)."""
        X = check_predict_input(self, X)
        return self._mean_hiddens(X)

    def reconstruct(self, X):
        """The mean-field reconstruction :math:`P(v = 1 \\mid h = P(h = 1 \\mid
        X))`, (n_samples, n_features): up to the hidden layer and back, with
        probabilities instead of samples (deterministic)."""
        X = check_predict_input(self, X)
        return self._mean_visibles(self._mean_hiddens(X))

    def gibbs(self, X):
        """One Gibbs step from the visible states ``X``: sample :math:`h \\sim
        P(h \\mid X)`, then :math:`v \\sim P(v \\mid h)`. Returns the binary
        visible samples, (n_samples, n_features)."""
        X = check_predict_input(self, X)
        H = self._sample(self._mean_hiddens(X), self._rng)
        return self._sample(self._mean_visibles(H), self._rng)

    def free_energy(self, X):
        """The free energy of each row of ``X``, (n_samples,): see
        :func:`free_energy`. Lower means more probable: :math:`p(v) =
        e^{-F(v)} / Z`."""
        X = check_predict_input(self, X)
        return free_energy(
            X, self.components_, self.intercept_hidden_, self.intercept_visible_
        )

    def score_samples(self, X, flipped=None):
        """The pseudo-log-likelihood of each row of ``X``, (n_samples,), estimated
        from one flipped bit per sample, as scikit-learn does.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Binary visible states (values in {0, 1}; not checked).
        flipped : ndarray of int of shape (n_samples,), optional
            The index of the bit to flip in each row. By default drawn uniformly
            from a generator made afresh from ``random_state`` (so a seeded machine
            gives the same scores on every call).

        Notes
        -----
        The pseudo-likelihood :math:`\\sum_i \\log p(v_i \\mid v_{-i})` needs no
        partition function: with :math:`\\tilde v` equal to :math:`v` with bit
        :math:`i` flipped, :math:`p(v_i \\mid v_{-i}) = \\sigma(F(\\tilde v) -
        F(v))`. One random :math:`i` per sample, times ``n_features``, is an
        unbiased estimate of the sum.
        """
        X = check_predict_input(self, X)
        n_samples, n_features = X.shape
        if flipped is None:
            rng = check_random_state(self.random_state)
            flipped = rng.integers(0, n_features, n_samples)
        flipped = np.asarray(flipped)
        integers = np.issubdtype(flipped.dtype, np.integer)
        if flipped.shape != (n_samples,) or not integers:
            raise ValueError(
                f"flipped must hold one integer index per sample, shape "
                f"({n_samples},); got shape {flipped.shape} of {flipped.dtype}."
            )
        rows = np.arange(n_samples)
        X_flipped = X.copy()
        X_flipped[rows, flipped] = 1.0 - X_flipped[rows, flipped]
        difference = self.free_energy(X_flipped) - self.free_energy(X)
        # log sigma(d) = -log(1 + exp(-d)), written without overflow.
        return -n_features * np.logaddexp(0.0, -difference)

    def pseudo_likelihood(self, X):
        """The pseudo-log-likelihood :math:`\\sum_i \\log p(v_i \\mid v_{-i})` of
        each row of ``X``, summed over every bit instead of estimated from one:
        deterministic, at ``n_features`` times the cost of :meth:`score_samples`
        (whose expectation over the flipped bit it is). Returns (n_samples,)."""
        X = check_predict_input(self, X)
        n_samples, n_features = X.shape
        total = np.zeros(n_samples)
        for index in range(n_features):
            total += self.score_samples(X, flipped=np.full(n_samples, index))
        return total / n_features
