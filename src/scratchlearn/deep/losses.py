"""Loss functions and their gradients, side by side (Chapter 23).

Each loss is an object with

* ``loss(y_true, y_pred)``: the mean over the batch, as a Python float (what Keras
  reports, with its default reduction ``"sum_over_batch_size"``);
* ``gradient(y_true, y_pred)``: dLoss/dy_pred, of the shape of ``y_pred``. Because
  the loss is a *mean*, the gradient carries the factor 1 / batch size, and the layers
  below sum their parameter gradients over the batch.

``y_pred`` is what the network outputs, of shape ``(batch, ...)``; ``y_true`` has the
same shape. A column ``(batch, 1)`` of predictions also accepts targets ``(batch,)``,
as Keras does. Anything else, NaN or infinity in either array, or labels outside
their range raise a ``ValueError`` that says what to do.

The cross-entropies take ``from_logits``. With ``from_logits=True`` the network ends
with a *linear* layer and the loss works on the logits directly, through
log-sum-exp identities that never overflow: finite loss and gradient even for logits
of size 1000, where ``log(sigmoid(z))`` computed naively gives ``log(0) = -inf``.
That is the recommended setting. With ``from_logits=False`` (Keras's default, for
networks ending in a sigmoid or softmax) the probabilities are clipped to
[1e-7, 1 - 1e-7] before the logarithm, as Keras does.

Class labels: :class:`CategoricalCrossentropy` wants one-hot rows;
:class:`SparseCategoricalCrossentropy` takes integer class indices.
"""

import numpy as np

from scratchlearn.numerics import log_softmax, sigmoid, softmax

# Keras's backend epsilon: how far probabilities are kept from 0 and 1.
EPSILON = 1e-7

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Huber",
    "Loss",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "get",
]


def _as_float_array(values, name):
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} could not be converted to numbers: {error}") from None
    if array.ndim == 0 or array.shape[0] == 0 or array.size == 0:
        raise ValueError(
            f"{name} must be a non-empty batch of shape (batch, ...), got shape "
            f"{array.shape}."
        )
    if not np.all(np.isfinite(array)):
        n_bad = int(np.count_nonzero(~np.isfinite(array)))
        hint = (
            " The network's outputs are not finite: training has probably diverged "
            "(try a smaller learning rate), or the inputs hold NaN."
            if name == "y_pred"
            else " Remove or impute them."
        )
        raise ValueError(f"{name} contains NaN or infinity ({n_bad} value(s)).{hint}")
    return array


class Loss:
    """Base class: validates the two arrays and defines ``__call__`` as ``loss``."""

    def __call__(self, y_true, y_pred):
        return self.loss(y_true, y_pred)

    def loss(self, y_true, y_pred):
        raise NotImplementedError

    def gradient(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {}

    def __repr__(self):
        config = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({config})"

    def _check(self, y_true, y_pred):
        """Both arrays as float64 of the same shape, finite."""
        y_pred = _as_float_array(y_pred, "y_pred")
        y_true = _as_float_array(y_true, "y_true")
        if y_true.shape != y_pred.shape:
            if y_pred.shape[-1] == 1 and y_true.shape == y_pred.shape[:-1]:
                y_true = y_true.reshape(y_pred.shape)  # targets (batch,), column out
            else:
                raise ValueError(self._shape_message(y_true, y_pred))
        return y_true, y_pred

    def _shape_message(self, y_true, y_pred):
        return (
            f"{type(self).__name__}: y_true has shape {y_true.shape} but y_pred has "
            f"shape {y_pred.shape}; they must be the same."
        )

    def _check_probabilities(self, values, name, what):
        low, high = float(values.min()), float(values.max())
        if low < 0 or high > 1:
            raise ValueError(
                f"{type(self).__name__}: {name} must hold {what} in [0, 1], but its "
                f"values range from {low:g} to {high:g}."
                + (
                    " If the network ends without a sigmoid/softmax, these are "
                    "logits: use from_logits=True."
                    if name == "y_pred"
                    else ""
                )
            )


class MeanSquaredError(Loss):
    """mean((y_pred - y_true)^2) over every value of the batch.

    Gradient: 2 (y_pred - y_true) / n, with n the number of values.
    """

    def loss(self, y_true, y_pred):
        y_true, y_pred = self._check(y_true, y_pred)
        return float(np.mean((y_pred - y_true) ** 2))

    def gradient(self, y_true, y_pred):
        y_true, y_pred = self._check(y_true, y_pred)
        return 2.0 * (y_pred - y_true) / y_pred.size


class Huber(Loss):
    """The Huber loss: squared for small errors, absolute for large ones.

    For the error :math:`x = y_{pred} - y_{true}` and ``delta`` :math:`\\delta`,

    .. math::

        \\ell(x) = \\begin{cases} x^2 / 2 & |x| \\le \\delta \\\\
        \\delta (|x| - \\delta / 2) & |x| > \\delta \\end{cases}, \\qquad
        \\ell'(x) = \\operatorname{clip}(x, -\\delta, \\delta),

    averaged over every value of the batch (Keras's ``Huber``). Its gradient is
    bounded by ``delta``: one wildly wrong target, frequent while a Q-network
    bootstraps from its own estimates, cannot take a huge step (the deep
    Q-network of Chapter 35 trains on it).
    """

    def __init__(self, delta=1.0):
        self.delta = delta

    def get_config(self):
        return {"delta": self.delta}

    def loss(self, y_true, y_pred):
        y_true, y_pred = self._check(y_true, y_pred)
        error = np.abs(y_pred - y_true)
        quadratic = np.minimum(error, self.delta)  # the part within delta
        return float(np.mean(0.5 * quadratic**2 + self.delta * (error - quadratic)))

    def gradient(self, y_true, y_pred):
        y_true, y_pred = self._check(y_true, y_pred)
        return np.clip(y_pred - y_true, -self.delta, self.delta) / y_pred.size


class BinaryCrossentropy(Loss):
    """-[y log p + (1 - y) log(1 - p)], averaged over every value of the batch.

    Parameters
    ----------
    from_logits : bool, default False (as Keras)
        ``True``: ``y_pred`` are logits z and p = sigmoid(z). The loss is then
        computed as max(z, 0) - z y + log(1 + exp(-|z|)), which never overflows, and
        its gradient is simply (sigmoid(z) - y) / n. ``False``: ``y_pred`` are
        probabilities, clipped to [1e-7, 1 - 1e-7] (zero gradient where clipped).

    ``y_true`` holds 0/1 labels (or probabilities in [0, 1]) of ``y_pred``'s shape.
    """

    def __init__(self, from_logits=False):
        self.from_logits = from_logits

    def get_config(self):
        return {"from_logits": self.from_logits}

    def _check(self, y_true, y_pred):
        y_true, y_pred = super()._check(y_true, y_pred)
        self._check_probabilities(y_true, "y_true", "labels 0/1 (or probabilities)")
        if not self.from_logits:
            self._check_probabilities(y_pred, "y_pred", "probabilities")
        return y_true, y_pred

    def loss(self, y_true, y_pred):
        y, p = self._check(y_true, y_pred)
        if self.from_logits:
            z = p
            values = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
        else:
            p = np.clip(p, EPSILON, 1.0 - EPSILON)
            values = -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
        return float(np.mean(values))

    def gradient(self, y_true, y_pred):
        y, p = self._check(y_true, y_pred)
        if self.from_logits:
            return (sigmoid(p) - y) / p.size
        inside = (p >= EPSILON) & (p <= 1.0 - EPSILON)
        p = np.clip(p, EPSILON, 1.0 - EPSILON)
        return np.where(inside, (p - y) / (p * (1.0 - p)), 0.0) / p.size


class CategoricalCrossentropy(Loss):
    """-sum_k y_k log p_k over the classes (last axis), averaged over the samples.

    Parameters
    ----------
    from_logits : bool, default False (as Keras)
        ``True``: ``y_pred`` are logits z and p = softmax(z). The loss is computed
        from log p = z - logsumexp(z) (shifted by the row maximum: no overflow), and
        its gradient is (softmax(z) - y) / n_samples for rows of y summing to 1.
        ``False``: ``y_pred`` are probabilities; as Keras, each row is divided by its
        sum, then clipped to [1e-7, 1 - 1e-7].

    ``y_true`` must be one-hot rows of ``y_pred``'s shape ``(batch, n_classes)``. For
    integer class labels use :class:`SparseCategoricalCrossentropy` or one-hot encode
    them (``np.eye(n_classes)[labels]``).
    """

    def __init__(self, from_logits=False):
        self.from_logits = from_logits

    def get_config(self):
        return {"from_logits": self.from_logits}

    def _shape_message(self, y_true, y_pred):
        message = super()._shape_message(y_true, y_pred)
        if y_true.shape == y_pred.shape[:-1] or y_true.shape == (
            *y_pred.shape[:-1],
            1,
        ):
            message += (
                f" y_true looks like integer class labels, but {type(self).__name__} "
                "needs one-hot rows of shape (batch, n_classes): one-hot encode them "
                "(np.eye(n_classes)[labels]) or use SparseCategoricalCrossentropy."
            )
        return message

    def _check(self, y_true, y_pred):
        y_true, y_pred = super()._check(y_true, y_pred)
        self._check_probabilities(y_true, "y_true", "one-hot labels (or probabilities)")
        if not self.from_logits:
            self._check_probabilities(y_pred, "y_pred", "probabilities")
        return y_true, y_pred

    def _n_samples(self, y_pred):
        return y_pred.size // y_pred.shape[-1]

    def loss(self, y_true, y_pred):
        y, p = self._check(y_true, y_pred)
        if self.from_logits:
            log_p = log_softmax(p)
        else:
            p = p / np.sum(p, axis=-1, keepdims=True)
            log_p = np.log(np.clip(p, EPSILON, 1.0 - EPSILON))
        return float(-np.sum(y * log_p) / self._n_samples(p))

    def gradient(self, y_true, y_pred):
        y, p = self._check(y_true, y_pred)
        n = self._n_samples(p)
        if self.from_logits:
            # d/dz [sum(y) logsumexp(z) - y . z] = sum(y) softmax(z) - y.
            return (np.sum(y, axis=-1, keepdims=True) * softmax(p) - y) / n
        total = np.sum(p, axis=-1, keepdims=True)
        q = p / total
        inside = (q >= EPSILON) & (q <= 1.0 - EPSILON)
        grad_q = np.where(inside, -y / np.clip(q, EPSILON, 1.0 - EPSILON), 0.0)
        # Back through q = p / sum(p): dq_k/dp_j = (delta_kj - q_k) / sum(p).
        grad_p = (grad_q - np.sum(grad_q * q, axis=-1, keepdims=True)) / total
        return grad_p / n


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer class labels.

    ``y_true`` holds class indices in [0, n_classes) of shape ``(batch,)`` (or
    ``(batch, 1)``) for ``y_pred`` of shape ``(batch, n_classes)``; they are one-hot
    encoded and passed to :class:`CategoricalCrossentropy`.
    """

    def _check(self, y_true, y_pred):
        y_pred = _as_float_array(y_pred, "y_pred")
        labels = _as_float_array(y_true, "y_true")
        if labels.shape == (*y_pred.shape[:-1], 1) and labels.shape != y_pred.shape:
            labels = labels.reshape(y_pred.shape[:-1])
        if labels.shape != y_pred.shape[:-1]:
            hint = (
                " y_true looks one-hot encoded: use CategoricalCrossentropy, or pass "
                "labels.argmax(axis=-1)."
                if labels.shape == y_pred.shape
                else ""
            )
            raise ValueError(
                f"SparseCategoricalCrossentropy: y_true must hold one class index per "
                f"sample, of shape {y_pred.shape[:-1]}, for y_pred of shape "
                f"{y_pred.shape}; got {labels.shape}.{hint}"
            )
        n_classes = y_pred.shape[-1]
        if np.any(labels != np.round(labels)) or np.any(
            (labels < 0) | (labels >= n_classes)
        ):
            raise ValueError(
                "SparseCategoricalCrossentropy: y_true must hold integer class indices "
                f"in [0, {n_classes}) for {n_classes} classes; got values from "
                f"{labels.min():g} to {labels.max():g}."
            )
        one_hot = np.eye(n_classes)[labels.astype(np.intp)]
        return super()._check(one_hot, y_pred)


LOSSES = {
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "huber": Huber,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


def get(loss):
    """A :class:`Loss` from a name (``"mse"``, ``"binary_crossentropy"``... with
    Keras's defaults) or a :class:`Loss` itself."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss]()
    raise ValueError(
        f"Unknown loss {loss!r}; use a Loss object or one of {sorted(LOSSES)}."
    )
