"""The perceptron: a linear classifier that learns from its mistakes (Chapter 6).

The perceptron predicts the class of a point ``x`` from the sign of ``w . x + b``. It
learns online, one sample at a time: when it gets a sample wrong it adds the sample to
``w`` (subtracts it, for the negative class), which turns ``w`` towards classifying
that sample correctly; when it gets a sample right it does nothing. Passes over the
training set (epochs) repeat until one pass makes no mistake.

Two tricks keep the code short:

* **The intercept is one more weight.** Appending a constant feature 1 to every sample
  makes ``w . x + b`` a single dot product ``(w, b) . (x, 1)``; the update of ``b`` is
  the update of that weight.
* **Signed samples.** With labels ``y`` in {-1, +1}, a sample is classified correctly
  exactly when ``y (w . x + b) > 0``. Multiplying each (extended) sample by its label
  and by the learning rate once, ``s = learning_rate * y * (x, 1)``, leaves one rule:
  a mistake is ``s . w <= 0``, and the update is ``w <- w + s``.

More than two classes are handled one-vs-rest, as scikit-learn's ``Perceptron`` does:
one binary perceptron per class separates it from all the others, and a point goes to
the class whose perceptron gives it the highest score.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.base import BaseEstimator, ClassifierMixin
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    check_predict_input,
    check_random_state,
    check_X_y,
)

# How many samples perceptron_epoch checks in one vectorised step (see there).
BLOCK_SIZE = 64


def perceptron_epoch(signed, coef, block_size=BLOCK_SIZE):
    """One pass of the perceptron over the rows of ``signed``, in order.

    Parameters
    ----------
    signed : ndarray of shape (n_samples, n_weights)
        The signed samples ``learning_rate * y_i * x_i`` (``x_i`` extended by a 1 if
        the model has an intercept), in the order of this epoch.
    coef : ndarray of shape (n_weights,)
        The weights, updated in place: ``coef += signed[i]`` for every row ``i`` with
        ``signed[i] @ coef <= 0`` at the moment its turn comes.
    block_size : int >= 1
        How many rows are checked at once.

    Returns
    -------
    mistakes : list of int
        The rows that caused an update, in the order of the updates.

    Notes
    -----
    The perceptron is online: each update changes the weights that the next sample is
    judged by, so an epoch is sequential and runs as a Python loop. It need not test
    the samples one by one, though. Between two mistakes the weights do not change,
    so the next ``block_size`` rows can be tested together, in one vectorised product;
    the first of them with a margin ``<= 0`` is exactly where the one-by-one loop would
    make its next update. After the update the loop goes on from the row after it.
    The result is the same as testing one row at a time, and the Python loop turns
    once per mistake (or per block without a mistake) instead of once per sample.

    A margin of exactly 0 counts as a mistake. It has to: the weights start at 0,
    where every margin is 0, and with ``< 0`` nothing would ever be learned.
    """
    n_samples = len(signed)
    mistakes = []
    start = 0
    # A Python loop, as the perceptron is online: each update changes the weights
    # that the samples after it are judged by, so they cannot all be judged at once.
    while start < n_samples:
        margins = signed[start : start + block_size] @ coef  # (block_size,)
        first = int(np.argmax(margins <= 0))  # the first mistake, or 0 if none
        if margins[first] > 0:  # no mistake in this block: nothing changes
            start += block_size
            continue
        row = start + first
        coef += signed[row]  # w <- w + learning_rate * y_i * x_i
        mistakes.append(row)
        start = row + 1
    return mistakes


def train_perceptron(
    signed,
    *,
    max_iter=1000,
    tol=None,
    n_iter_no_change=5,
    learning_rate=1.0,
    shuffle=True,
    rng=None,
):
    """Run binary perceptron epochs from ``w = 0`` until one makes no mistake, or
    until the loss stops falling.

    Parameters
    ----------
    signed : ndarray of shape (n_samples, n_weights)
        The signed samples ``learning_rate * y_i * x_i``, see :func:`perceptron_epoch`.
    max_iter : int >= 1
        The most epochs to run.
    tol : float or None
        With a number, also stop once the epoch's mean perceptron loss (see Notes)
        has failed ``n_iter_no_change`` epochs in a row to fall below the lowest so
        far minus ``tol``: scikit-learn's rule. ``None``: no such rule.
    n_iter_no_change : int >= 1
        How many epochs in a row without improvement stop training (with ``tol``).
    learning_rate : float > 0
        The learning rate folded into ``signed``; the loss is measured in the units
        of the scores ``w . x + b``, so it is divided out again.
    shuffle : bool
        Visit the samples in a new random order in every epoch (else in their order).
    rng : numpy.random.Generator, optional
        Draws the orders if ``shuffle`` (an unseeded one if not given).

    Returns
    -------
    coef : ndarray of shape (n_weights,)
        The weights after the last epoch.
    updates : ndarray of shape (n_updates,)
        Index of the sample behind each update, in order. The weights after update
        ``t`` are ``signed[updates[: t + 1]].sum(axis=0)``: the perceptron's weights are
        always a sum of the samples it got wrong.
    mistakes_per_epoch : ndarray of shape (n_epochs,)
        Updates made in each epoch. Its length is the number of epochs run: up to
        and including the first without a mistake (its last entry is then 0), up to
        the stopping rule of ``tol``, or ``max_iter``.

    Notes
    -----
    The perceptron loss of a sample is :math:`\\max(0, -y_i (w \\cdot x_i + b))`,
    with the weights as they are when its turn comes: 0 when it is on its side, and
    how far on the wrong side it is otherwise. Summed over an epoch and divided by
    ``n_samples`` it is the number scikit-learn's ``tol`` rule watches.
    """
    n_samples, n_weights = signed.shape
    if shuffle and rng is None:
        rng = np.random.default_rng()
    coef = np.zeros(n_weights)
    updates, mistakes_per_epoch = [], []
    best_loss, epochs_without_improvement = np.inf, 0
    for _ in range(max_iter):
        start = coef.copy()
        if shuffle:
            order = rng.permutation(n_samples)
            mistakes = order[perceptron_epoch(signed[order], coef)]
        else:
            mistakes = np.array(perceptron_epoch(signed, coef), dtype=int)
        updates += mistakes.tolist()
        mistakes_per_epoch.append(len(mistakes))
        if len(mistakes) == 0:  # all on their side: no later epoch changes coef
            break
        if tol is not None:  # scikit-learn's rule: stop when the loss stops falling
            loss = epoch_loss(signed[mistakes], start) / (learning_rate * n_samples)
            improved = loss <= best_loss - tol
            epochs_without_improvement = (
                0 if improved else epochs_without_improvement + 1
            )
            best_loss = min(best_loss, loss)
            if epochs_without_improvement >= n_iter_no_change:
                break
    return coef, np.array(updates, dtype=int), np.array(mistakes_per_epoch)


def epoch_loss(steps, start):
    """Summed perceptron loss of an epoch, in the units of ``signed``.

    ``steps`` are the signed samples of the epoch's mistakes, in the order of the
    updates, ``start`` the weights before the epoch. The samples that were on their
    side have loss 0; the ``k``-th mistake had the score ``steps[k] @ w_k`` with the
    weights ``w_k = start + steps[0] + ... + steps[k - 1]`` of that moment.
    """
    # Running sums, added in the order of the updates: the very weights of the epoch.
    weights = np.cumsum(np.vstack([start, steps]), axis=0)[
        :-1
    ]  # (n_mistakes, n_weights)
    margins = np.einsum("kw,kw->k", steps, weights)  # (n_mistakes,), each <= 0
    return -float(margins.sum())


def geometric_margin(X, y, coef, intercept=0.0):
    """Smallest signed distance of a sample to the hyperplane ``coef . x + intercept``.

    Measured, as in the perceptron's convergence proof, in the space of the extended
    samples ``(x, 1)``: ``min_i y_i (coef . x_i + intercept) / ||(coef, intercept)||``.
    Positive exactly when the hyperplane separates the two classes.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Labels in {-1, +1}.
    coef : ndarray of shape (n_features,)
    intercept : float
    """
    norm = np.sqrt(coef @ coef + intercept**2)
    return float(np.min(y * (X @ coef + intercept)) / norm)


def mistake_bound(X, y, coef, intercept=0.0, *, fit_intercept=True):
    """Novikoff's bound ``(R / gamma)^2`` on the perceptron's number of updates.

    ``R`` is the largest norm of a sample (extended by a 1 if ``fit_intercept``) and
    ``gamma`` the :func:`geometric_margin` of the separating hyperplane
    ``(coef, intercept)`` (any one; the larger its margin, the tighter the bound).
    Infinite if that hyperplane does not separate ``(X, y)``.
    """
    extended = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X
    radius = np.sqrt(np.max(np.einsum("ij,ij->i", extended, extended)))
    gamma = geometric_margin(X, y, coef, intercept if fit_intercept else 0.0)
    return float((radius / gamma) ** 2) if gamma > 0 else float("inf")


class Perceptron(ClassifierMixin, BaseEstimator):
    """Rosenblatt's perceptron, binary or one-vs-rest multiclass.

    Parameters
    ----------
    learning_rate : float > 0, default 1.0
        The step of every update (scikit-learn's ``eta0``). Starting from ``w = 0``
        it only scales the weights: the mistakes made, and so the predictions, are the
        same for every ``learning_rate``.
    max_iter : int >= 1, default 1000
        The most epochs (passes over the training set) per binary problem.
    tol : float >= 0 or None, default 1e-3
        scikit-learn's stopping rule: stop once the mean perceptron loss of an
        epoch has failed ``n_iter_no_change`` epochs in a row to fall below the lowest
        so far minus ``tol``. ``None`` turns the rule off: only an epoch without a
        mistake, or ``max_iter``, ends training.
    n_iter_no_change : int >= 1, default 5
        Epochs in a row without improvement that stop training (with ``tol``).
    shuffle : bool, default True
        Visit the samples in a new random order in each epoch.
    fit_intercept : bool, default True
        Learn an intercept ``b``. If False the boundary goes through the origin.
    random_state : None, int or numpy.random.Generator, default 0
        Seeds the shuffling. The default, as scikit-learn's, is a fixed seed: the
        same data give the same perceptron every time. ``None`` draws a fresh order.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``, sorted.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        The weights: one row for two classes (the score of ``classes_[1]``), else one
        row per class, as scikit-learn's.
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Epochs run; with more than two classes the most over the binary problems.
    n_updates_ : int
        Updates made, that is mistakes made during training (over all the binary
        problems).
    n_features_in_ : int

    Notes
    -----
    With labels :math:`y_i \\in \\{-1, +1\\}` and the weights :math:`w` started at 0,
    each epoch visits the samples in turn and updates on every mistake:

    .. math::

        \\text{if } y_i (w \\cdot x_i + b) \\le 0: \\quad
        w \\leftarrow w + \\eta\\, y_i x_i, \\quad b \\leftarrow b + \\eta\\, y_i .

    Training stops after an epoch without a mistake, or after ``max_iter`` epochs,
    or, with ``tol``, when the loss stops falling. On data that no hyperplane
    separates every epoch makes mistakes, and that last rule is what ends training
    early.

    **Convergence (Novikoff, 1962).** If some unit vector :math:`u` separates the
    extended samples :math:`z_i = (x_i, 1)` with margin
    :math:`\\gamma = \\min_i y_i\\, u \\cdot z_i > 0`, and
    :math:`R = \\max_i \\|z_i\\|`, the perceptron makes at most
    :math:`(R / \\gamma)^2` updates, whatever the order of the samples. (Each update
    raises :math:`u \\cdot w` by at least :math:`\\eta\\gamma` but :math:`\\|w\\|^2`
    by at most :math:`\\eta^2 R^2`.) On data that no hyperplane separates there is
    no such bound: the weights keep changing and the last ones are not the best ones
    seen.

    **Agreement with scikit-learn.** ``Perceptron(learning_rate=eta, tol=tol)`` makes
    the same updates as scikit-learn's ``Perceptron(eta0=eta, penalty=None,
    tol=tol)``, and stops after the same epoch by the same ``tol`` rule; with
    ``shuffle=False`` the weights are equal (scikit-learn's shuffling draws other
    orders). One difference: scikit-learn goes on after an epoch without a mistake
    (with ``tol=None`` to ``max_iter``, else ``n_iter_no_change`` epochs more), but no
    later epoch changes anything, so stopping there gives the same weights in fewer
    epochs (``n_iter_``). The loss that ``tol`` is compared with is measured in scores,
    which the learning rate scales: with ``tol``, the learning rate changes when
    training stops, in scikit-learn as here. Two classes: ``classes_[1]`` is the
    positive one, predicted when the score is > 0. More classes: the highest score
    wins, ties going to the first.

    Chapter 6 explains this code.

    References
    ----------
    Rosenblatt, F. (1958). The perceptron: a probabilistic model for information
    storage and organization in the brain. Psychological Review 65(6), 386-408.

    Novikoff, A. B. J. (1962). On convergence proofs on perceptrons. Symposium on the
    Mathematical Theory of Automata 12, 615-622.
    """

    _parameter_constraints: ClassVar[dict] = {
        "learning_rate": [Interval(float, 0, None, closed="neither")],
        "max_iter": [Interval(int, 1, None, closed="left")],
        "tol": [Interval(float, 0, None, closed="left"), None],
        "n_iter_no_change": [Interval(int, 1, None, closed="left")],
        "shuffle": [bool],
        "fit_intercept": [bool],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        *,
        learning_rate=1.0,
        max_iter=1000,
        tol=1e-3,
        n_iter_no_change=5,
        shuffle=True,
        fit_intercept=True,
        random_state=0,
    ):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.fit_intercept = fit_intercept
        self.random_state = random_state

    def fit(self, X, y):
        """Learn the weights from ``X`` (n_samples, n_features) and labels ``y``."""
        self._validate_params()
        rng = check_random_state(self.random_state)
        X, y = check_X_y(X, y, classifier=True)
        classes, y_index = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"y holds one class ({classes[0]!r}); a classifier needs at least "
                "2 classes."
            )

        n_samples, n_features = X.shape
        if self.fit_intercept:  # the intercept is the weight of a constant feature 1
            X = np.column_stack([X, np.ones(n_samples)])  # (n_samples, n_features + 1)
        # Two classes: one problem, classes_[1] positive. More: one per class (OvR).
        positives = [1] if len(classes) == 2 else range(len(classes))
        weights, n_epochs, n_updates = [], [], 0
        for positive in positives:
            y_signed = np.where(y_index == positive, 1.0, -1.0)  # (n_samples,)
            scale = self.learning_rate * y_signed  # (n_samples,): eta * y_i
            signed = scale[:, np.newaxis] * X  # (n_samples, n_weights)
            coef, updates, mistakes_per_epoch = train_perceptron(
                signed,
                max_iter=self.max_iter,
                tol=self.tol,
                n_iter_no_change=self.n_iter_no_change,
                learning_rate=self.learning_rate,
                shuffle=self.shuffle,
                rng=rng,
            )
            weights.append(coef)
            n_epochs.append(len(mistakes_per_epoch))
            n_updates += len(updates)

        weights = np.array(weights)  # (n_problems, n_weights)
        self.classes_ = classes
        self.coef_ = weights[:, :n_features]  # (n_problems, n_features)
        self.intercept_ = (
            weights[:, n_features] if self.fit_intercept else np.zeros(len(weights))
        )  # (n_problems,)
        self.n_iter_ = max(n_epochs)
        self.n_updates_ = n_updates
        self.n_features_in_ = n_features
        return self

    def decision_function(self, X):
        """Scores ``X @ coef_.T + intercept_``: shape (n_samples,) for two classes
        (positive means ``classes_[1]``), else (n_samples, n_classes)."""
        X = check_predict_input(self, X)
        scores = X @ self.coef_.T + self.intercept_  # (n_samples, n_problems)
        return scores[:, 0] if len(self.classes_) == 2 else scores

    def predict(self, X):
        """The predicted class of each row of ``X``, shape (n_samples,)."""
        scores = self.decision_function(X)
        if len(self.classes_) == 2:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]
