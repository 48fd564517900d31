"""Layers for sequences (Chapter 27): Embedding, SimpleRNN, LSTM, GRU and
Bidirectional, with masks for padded sequences and backpropagation through time.

A batch of sequences has shape ``(batch, timesteps, features)``; sequences of token
ids have shape ``(batch, timesteps)`` and go through :class:`Embedding` first. When
sequences of different lengths are padded with 0 to one length, the boolean mask
``(batch, timesteps)`` (True at a real step) tells the layers above which steps to
ignore: ``Embedding(mask_zero=True)`` makes it, a recurrent layer honours it (a
padded step changes neither the state nor any gradient), and
:class:`~scratchlearn.deep.model.Sequential` carries it from layer to layer (see
:mod:`scratchlearn.deep.base`).

The parameters have Keras's names, shapes and gate orders, so weights copy 1:1 and
the tests hold every output and gradient to TensorFlow's.
"""

import numpy as np

from scratchlearn.deep import activations, initializers
from scratchlearn.deep.base import Layer
from scratchlearn.deep.layers import (
    _cache_of,
    _check_forward_input,
    _check_input_shape,
)
from scratchlearn.utils.validation import POSITIVE_INT, RATE, check_value

__all__ = ["GRU", "LSTM", "Bidirectional", "Embedding", "SimpleRNN"]


# --- Embedding ---------------------------------------------------------------------


class Embedding(Layer):
    """A lookup table: token id ``i`` becomes row ``i`` of ``embeddings``.

    Parameters
    ----------
    input_dim : int
        Size of the vocabulary: ids are integers in ``[0, input_dim)``. With
        ``mask_zero=True`` id 0 is padding, so a vocabulary of n words needs
        ``input_dim = n + 1``.
    output_dim : int
        Length of each token's vector.
    mask_zero : bool, default False
        Make the mask ``X != 0`` for the layers above (0 is the padding id).
    embeddings_initializer : callable ``(shape, rng) -> array``, optional
        Keras's default, U(-0.05, 0.05), if None.

    Inputs ``(batch, timesteps)`` of integer ids (floats holding exact integers are
    accepted: :class:`~scratchlearn.deep.model.Sequential` stores every input as
    float64, which holds every id below 2**53 exactly) give ``(batch, timesteps,
    output_dim)``. Parameter: ``embeddings`` of shape ``(input_dim, output_dim)``.

    Notes
    -----
    The lookup is the product of a one-hot row with the table,
    :math:`y_t = \\mathrm{onehot}(x_t)^\\top E`, so the gradient of row :math:`i`
    of :math:`E` is the sum of the upstream gradients of every position holding id
    :math:`i` (a scatter-add). The ids are not differentiable: the gradient returned
    for them is 0.

    References
    ----------
    Bengio, Y., Ducharme, R., Vincent, P. and Jauvin, C. (2003). A neural
    probabilistic language model. JMLR 3, 1137-1155.
    """

    def __init__(
        self, input_dim, output_dim, *, mask_zero=False, embeddings_initializer=None
    ):
        super().__init__()
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero
        self.embeddings_initializer = embeddings_initializer

    def build(self, input_shape, rng):
        check_value(self.input_dim, "input_dim", [POSITIVE_INT])
        check_value(self.output_dim, "output_dim", [POSITIVE_INT])
        if not isinstance(self.mask_zero, bool | np.bool_):
            raise ValueError(
                f"mask_zero must be True or False, got {self.mask_zero!r}."
            )
        input_shape = _check_input_shape(self, input_shape)
        rng = np.random.default_rng(rng)
        init = self.embeddings_initializer or initializers.random_uniform
        shape = (self.input_dim, self.output_dim)
        self.params["embeddings"] = np.asarray(init(shape, rng), dtype=np.float64)
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def _ids(self, X):
        """``X`` as int64 ids, after checking that they are exact integers in range."""
        if not self.built:
            raise RuntimeError(
                "Embedding is not built yet: call build(input_shape, rng) first "
                "(a Sequential model does it)."
            )
        X = self.check_input(X)
        if not np.issubdtype(X.dtype, np.integer):
            try:
                X = np.asarray(X, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"Embedding expects integer token ids; got dtype {X.dtype}."
                ) from None
            if not np.all(np.isfinite(X)) or np.any(X != np.round(X)):
                bad = X[~np.isfinite(X) | (X != np.round(X))].ravel()[0]
                raise ValueError(
                    "Embedding expects integer token ids; got a value that is not "
                    f"a whole number ({bad!r}). Pass the ids themselves, not "
                    "features or scaled values."
                )
        ids = X.astype(np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            raise ValueError(
                f"Token ids must be in [0, input_dim) = [0, {self.input_dim}); got "
                f"ids from {ids.min()} to {ids.max()}. Raise input_dim to the "
                "vocabulary size (+1 with mask_zero: 0 is padding)."
            )
        return ids

    def forward(self, X, training=False):
        ids = self._ids(X)  # (batch, timesteps)
        self._cache = ids
        return self.params["embeddings"][ids]  # (batch, timesteps, output_dim)

    def backward(self, grad_output):
        ids = _cache_of(self)
        grad_output = np.asarray(grad_output, dtype=np.float64)
        grad = np.zeros_like(self.params["embeddings"])
        # Scatter-add: a repeated id collects the gradient of every position it is at.
        np.add.at(grad, ids.ravel(), grad_output.reshape(-1, self.output_dim))
        self.grads["embeddings"] = grad
        return np.zeros(ids.shape)  # ids are not differentiable

    def compute_mask(self, X, mask=None):
        """``X != 0`` with ``mask_zero=True`` (0 is padding), else no mask."""
        if not self.mask_zero:
            return None
        return np.asarray(X) != 0  # (batch, timesteps)

    def get_config(self):
        return {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "mask_zero": self.mask_zero,
        }


def _dropout_masks(rng, rate, count, shape):
    """``count`` inverted-dropout masks of ``shape`` (0 or 1 / (1 - rate))."""
    return (rng.random((count, *shape)) >= rate) / (1.0 - rate)


# --- recurrent layers --------------------------------------------------------------


class _Recurrent(Layer):
    """What SimpleRNN, LSTM and GRU share: the loop over time, masks, dropout
    masks, ``go_backwards``, what is returned, and backpropagation through time.

    A subclass defines the cell: ``n_gates`` blocks of ``units`` columns in the
    kernels (Keras's order), the state (``("h",)`` or ``("h", "c")``), and
    ``_step(xw, states, rec_masks) -> (new_states, cache)`` with its mirror
    ``_step_backward(cache, d_states, rec_masks) -> (d_xw, d_previous_states)``,
    which also adds the step's share to ``grads["recurrent_kernel"]``.
    """

    accepts_mask = True
    n_gates = 1
    n_states = 1

    def __init__(
        self,
        units,
        *,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        dropout=0.0,
        recurrent_dropout=0.0,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        zero_output_for_mask=False,
    ):
        super().__init__()
        self.units = units
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.zero_output_for_mask = zero_output_for_mask

    # --- building -----------------------------------------------------------------

    def build(self, input_shape, rng):
        check_value(self.units, "units", [POSITIVE_INT])
        check_value(self.dropout, "dropout", [RATE])
        check_value(self.recurrent_dropout, "recurrent_dropout", [RATE])
        input_shape = _check_input_shape(self, input_shape, min_ndim=2)
        if len(input_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expects sequences of shape (batch, timesteps, "
                f"features); got samples of shape {input_shape}."
            )
        self._activation = activations.get(self.activation)
        rng = np.random.default_rng(rng)
        self._rng = rng  # the model's generator: it draws the dropout masks
        n_in, width = input_shape[-1], self.n_gates * self.units
        kernel = initializers.get(self.kernel_initializer)((n_in, width), rng)
        self.params["kernel"] = np.asarray(kernel, dtype=np.float64)
        recurrent = initializers.get(self.recurrent_initializer)(
            (self.units, width), rng
        )
        self.params["recurrent_kernel"] = np.asarray(recurrent, dtype=np.float64)
        if self.use_bias:
            self.params["bias"] = np.asarray(self._initial_bias(rng), dtype=np.float64)
        super().build(input_shape, rng)

    def _initial_bias(self, rng):
        return initializers.get(self.bias_initializer)(
            (self.n_gates * self.units,), rng
        )

    def compute_output_shape(self, input_shape):
        timesteps = input_shape[0]
        if self.return_sequences:
            return (timesteps, self.units)
        return (self.units,)

    def compute_mask(self, X, mask=None):
        """The input's mask if the whole sequence is returned, else None (consumed)."""
        return mask if self.return_sequences else None

    # --- dropout masks ------------------------------------------------------------

    def _mask_counts(self):
        """How many distinct input and recurrent dropout masks, as Keras 3: one of
        each for SimpleRNN; for LSTM and GRU, one per gate as soon as
        ``recurrent_dropout > 0`` (Keras's "implementation 1"), else one shared."""
        per_gate = self.n_gates if self.recurrent_dropout > 0 else 1
        return per_gate, per_gate

    def _draw_masks(self, batch, n_in):
        """The dropout masks of one forward pass: drawn once, used at every step."""
        n_input, n_recurrent = self._mask_counts()
        in_masks = rec_masks = None
        if self.dropout > 0:
            in_masks = _dropout_masks(self._rng, self.dropout, n_input, (batch, n_in))
        if self.recurrent_dropout > 0:
            rec_masks = _dropout_masks(
                self._rng, self.recurrent_dropout, n_recurrent, (batch, self.units)
            )
        return in_masks, rec_masks

    # --- helpers for the gate blocks ----------------------------------------------

    def _blocks(self, array):
        """The last axis of ``array`` cut into the ``n_gates`` blocks of ``units``."""
        return np.split(array, self.n_gates, axis=-1)

    def _project(self, A, W):
        """``A @ W`` block by block when ``A`` holds one input per gate
        (``(n_gates, batch, n)``: one dropout mask per gate), else at once."""
        if A.ndim == 2:
            return A @ W  # (batch, n_gates * units)
        return np.concatenate(
            [a @ w for a, w in zip(A, self._blocks(W), strict=True)], axis=-1
        )

    def _project_backward(self, A, W, dZ, grad_W):
        """Adds ``A^T dZ`` to ``grad_W`` (block by block if needed) and returns
        dLoss/dA, with one gradient per copy of ``A`` if it has one per gate."""
        if A.ndim == 2:
            grad_W += A.T @ dZ
            return dZ @ W.T
        d_A = []
        for g, (a, w, dz) in enumerate(
            zip(A, self._blocks(W), self._blocks(dZ), strict=True)
        ):
            grad_W[:, g * self.units : (g + 1) * self.units] += a.T @ dz
            d_A.append(dz @ w.T)
        return np.stack(d_A)  # (n_gates, batch, n)

    @staticmethod
    def _masked(array, masks):
        """``array`` times each dropout mask: ``(n_masks, batch, n)``; ``array``
        itself without masks, or times the single mask for one."""
        if masks is None:
            return array
        if len(masks) == 1:
            return array * masks[0]
        return array[None] * masks

    # --- forward ------------------------------------------------------------------

    def _check_mask(self, mask, X):
        if mask is None:
            return None
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != X.shape[:2]:
            raise ValueError(
                f"{type(self).__name__} needs a boolean mask of shape (batch, "
                f"timesteps) = {X.shape[:2]}; got {mask.dtype} of shape {mask.shape}."
            )
        return mask

    def forward(self, X, training=False, mask=None):
        """Run the cell over the time steps; see the class docstring for what is
        returned."""
        X = _check_forward_input(self, X)  # (batch, timesteps, n_in)
        mask = self._check_mask(mask, X)
        if self.go_backwards:
            X = X[:, ::-1]
            mask = None if mask is None else mask[:, ::-1]
        batch, timesteps, n_in = X.shape
        in_masks, rec_masks = self._draw_masks(batch, n_in) if training else (None,) * 2
        self._last_dropout_masks = (in_masks, rec_masks)
        # Every step's input projection at once: the loop below is only recurrence.
        X_in = self._masked(X, None if in_masks is None else in_masks[:, :, None, :])
        XW = self._project_inputs(X_in)  # (batch, timesteps, n_gates * units)
        states = [np.zeros((batch, self.units)) for _ in range(self.n_states)]
        outputs = np.empty((batch, timesteps, self.units))
        caches = []
        for t in range(timesteps):
            new_states, cache = self._step(XW[:, t], states, rec_masks)
            if mask is not None:  # a padded step keeps the previous state
                keep = mask[:, t, None]  # (batch, 1)
                new_states = [
                    np.where(keep, new, old)
                    for new, old in zip(new_states, states, strict=True)
                ]
            outputs[:, t] = new_states[0]
            caches.append(cache)
            states = new_states
        if mask is not None and self.zero_output_for_mask:
            outputs = outputs * mask[:, :, None]
        self._cache = (X_in, mask, in_masks, rec_masks, caches)
        output = outputs if self.return_sequences else outputs[:, -1]
        if self.return_state:
            return [output, *states]
        return output

    def _project_inputs(self, X_in):
        """``X @ kernel + bias`` for every step (``X_in`` with one copy per gate
        when there is one input dropout mask per gate)."""
        W = self.params["kernel"]
        if X_in.ndim == 3:
            XW = X_in @ W
        else:
            XW = np.concatenate(
                [x @ w for x, w in zip(X_in, self._blocks(W), strict=True)], axis=-1
            )
        if self.use_bias:
            XW = XW + self._input_bias()
        return XW

    def _input_bias(self):
        return self.params["bias"]

    # --- backward: backpropagation through time -----------------------------------

    def _split_grad(self, grad_output):
        """dLoss/d(every step's output) and dLoss/d(each final state)."""
        X_in, mask = _cache_of(self)[:2]
        batch, timesteps = X_in.shape[-3:-1]
        if isinstance(grad_output, list | tuple):
            grad_output, *grad_states = grad_output
        else:
            grad_states = [None] * self.n_states
        if len(grad_states) != self.n_states:
            raise ValueError(
                f"{type(self).__name__}.backward expects gradients for the output "
                f"and {self.n_states} state(s); got {1 + len(grad_states)}."
            )
        d_outputs = np.zeros((batch, timesteps, self.units))
        if grad_output is not None:
            grad_output = np.asarray(grad_output, dtype=np.float64)
            if self.return_sequences:
                d_outputs += grad_output
            else:
                d_outputs[:, -1] += grad_output
        if mask is not None and self.zero_output_for_mask:
            d_outputs *= mask[:, :, None]
        d_states = [
            np.zeros((batch, self.units))
            if g is None
            else np.array(g, dtype=np.float64)
            for g in grad_states
        ]
        return d_outputs, d_states

    def backward(self, grad_output):
        """Backpropagation through time: the steps in reverse, each receiving the
        gradient of its state from the step after it.

        ``grad_output`` is dLoss/dOutput, or with ``return_state`` a list
        ``[d_output, d_h(, d_c)]`` (``None`` for a part that gets no gradient).
        Returns dLoss/dX, shape (batch, timesteps, features); padded steps get 0.
        """
        X_in, mask, in_masks, rec_masks, caches = _cache_of(self)
        d_outputs, d_states = self._split_grad(grad_output)
        self.grads["recurrent_kernel"] = np.zeros_like(self.params["recurrent_kernel"])
        self._zero_step_grads()
        timesteps = d_outputs.shape[1]
        d_XW = np.empty((*d_outputs.shape[:2], self.n_gates * self.units))
        for t in reversed(range(timesteps)):
            d_states[0] = d_states[0] + d_outputs[:, t]  # h_t is also an output
            if mask is not None:
                keep = mask[:, t, None].astype(np.float64)
                passed = [d * (1.0 - keep) for d in d_states]  # to the kept state
                d_states = [d * keep for d in d_states]  # to this step's update
            d_XW[:, t], d_previous = self._step_backward(caches[t], d_states, rec_masks)
            if mask is not None:
                d_previous = [d + p for d, p in zip(d_previous, passed, strict=True)]
            d_states = d_previous
        self._last_state_grads = d_states  # dLoss/d(initial states)
        d_X = self._project_inputs_backward(X_in, in_masks, d_XW)
        self.grads = {name: self.grads[name] for name in self.params}  # their order
        return d_X[:, ::-1] if self.go_backwards else d_X

    def _zero_step_grads(self):
        """Reset gradients that the steps accumulate (beyond the recurrent kernel)."""

    def _project_inputs_backward(self, X_in, in_masks, d_XW):
        """Kernel and input-bias gradients (one product over every step) and dX."""
        W = self.params["kernel"]
        n_in = W.shape[0]
        rows = d_XW.reshape(-1, d_XW.shape[-1])  # (batch * timesteps, n_gates * units)
        if X_in.ndim == 3:
            self.grads["kernel"] = X_in.reshape(-1, n_in).T @ rows
            d_X = d_XW @ W.T
        else:
            blocks = zip(X_in, self._blocks(W), self._blocks(rows), strict=True)
            self.grads["kernel"] = np.concatenate(
                [x.reshape(-1, n_in).T @ r for x, _, r in blocks], axis=-1
            )
            d_X = sum(
                (d @ w.T) * m[:, None, :]
                for d, w, m in zip(
                    self._blocks(d_XW), self._blocks(W), in_masks, strict=True
                )
            )
            in_masks = None  # already applied, block by block
        if in_masks is not None:
            d_X = d_X * in_masks[0][:, None, :]
        if self.use_bias:
            self._input_bias_grad(rows.sum(axis=0))
        return d_X

    def _input_bias_grad(self, grad):
        self.grads["bias"] = grad

    def get_config(self):
        return {
            "units": self.units,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "zero_output_for_mask": self.zero_output_for_mask,
        }


class SimpleRNN(_Recurrent):
    """The plain (Elman) recurrent layer: ``h_t = tanh(x_t W + h_{t-1} U + b)``.

    Parameters
    ----------
    units : int
        Size of the state ``h`` (and of each output).
    activation : str, default "tanh"
    use_bias : bool, default True
    kernel_initializer, recurrent_initializer, bias_initializer : str or callable
        Keras's defaults: Glorot uniform, orthogonal, zeros.
    dropout, recurrent_dropout : float in [0, 1), default 0
        Inverted dropout of the inputs ``x_t`` and of the previous state
        ``h_{t-1}`` in training, with one mask per sequence, the same at every
        step (Gal and Ghahramani's variational dropout, as Keras).
    return_sequences : bool, default False
        Return every step's output ``(batch, timesteps, units)``, not only the
        last ``(batch, units)``.
    return_state : bool, default False
        Return ``[output, h_T]``; ``backward`` then takes ``[d_output, d_h]``.
        Outside a Sequential (its next layer takes one array).
    go_backwards : bool, default False
        Read the sequence from its end (the output sequence is in reading order).
    zero_output_for_mask : bool, default False
        Output 0 at padded steps rather than the kept state (Keras sets it in
        Bidirectional layers).

    Notes
    -----
    With a mask ``m_t`` (1 at a real step), the state is kept at a padded step,
    :math:`h_t = m_t \\tanh(a_t) + (1 - m_t) h_{t-1}`, exactly as Keras: a padded
    step changes neither the state nor, backwards, any gradient.

    Backpropagation through time (BPTT): with :math:`\\delta_t = \\partial L /
    \\partial h_t` (from the output at :math:`t` and from step :math:`t + 1`),

    .. math::

        \\partial L / \\partial a_t = \\delta_t \\odot (1 - h_t^2), \\qquad
        \\delta_{t-1} \\mathrel{+}= (\\partial L / \\partial a_t)\\, U^\\top, \\qquad
        \\partial L / \\partial U = \\textstyle\\sum_t h_{t-1}^\\top
        (\\partial L / \\partial a_t).

    The gradient reaching step :math:`t - k` is multiplied by :math:`k` Jacobians
    :math:`\\mathrm{diag}(1 - h^2) U^\\top`: it vanishes (or explodes) geometrically
    with :math:`k`, which is why long memories need the LSTM or the GRU.

    References
    ----------
    Elman, J. L. (1990). Finding structure in time. Cognitive Science 14, 179-211.
    Werbos, P. J. (1990). Backpropagation through time: what it does and how to do
    it. Proceedings of the IEEE 78(10), 1550-1560.
    Gal, Y. and Ghahramani, Z. (2016). A theoretically grounded application of
    dropout in recurrent neural networks. NeurIPS.
    """

    def _mask_counts(self):
        return 1, 1

    def _step(self, xw, states, rec_masks):
        (h,) = states
        A = self._masked(h, rec_masks)  # h_{t-1} (after recurrent dropout)
        a = xw + self._project(A, self.params["recurrent_kernel"])
        h_new = self._activation.forward(a)
        return [h_new], (A, a, h_new)

    def _step_backward(self, cache, d_states, rec_masks):
        A, a, h_new = cache
        d_a = self._activation.backward(a, h_new, d_states[0])
        U = self.params["recurrent_kernel"]
        d_A = self._project_backward(A, U, d_a, self.grads["recurrent_kernel"])
        return d_a, [_unmask(d_A, rec_masks)]


class LSTM(_Recurrent):
    """Long short-term memory: a cell ``c`` that gates decide to keep, write and
    show.

    Parameters
    ----------
    units : int
    activation : str, default "tanh"
        Of the candidate and of the cell in the output.
    recurrent_activation : str, default "sigmoid"
        Of the gates.
    unit_forget_bias : bool, default True
        Start the forget gate's bias at 1 (Jozefowicz et al., 2015), as Keras.
    Other parameters as :class:`SimpleRNN`; ``return_state`` gives
    ``[output, h_T, c_T]``.

    Notes
    -----
    The kernels hold four blocks of ``units`` columns in Keras's order: input
    gate ``i``, forget gate ``f``, candidate ``c`` (often called ``g``), output
    gate ``o``. With :math:`z = x_t W + h_{t-1} U + b` cut into those blocks:

    .. math::

        i = \\sigma(z_i),\\; f = \\sigma(z_f),\\; g = \\tanh(z_c),\\;
        o = \\sigma(z_o), \\qquad
        c_t = f \\odot c_{t-1} + i \\odot g, \\qquad h_t = o \\odot \\tanh(c_t).

    Backwards, the cell's gradient flows through :math:`\\partial c_t / \\partial
    c_{t-1} = f`, an element-wise factor (no matrix, no squashing) that the
    network can hold near 1: the "constant error carousel" that keeps gradients
    alive over long spans.

    References
    ----------
    Hochreiter, S. and Schmidhuber, J. (1997). Long short-term memory. Neural
    Computation 9(8), 1735-1780.
    Gers, F. A., Schmidhuber, J. and Cummins, F. (2000). Learning to forget:
    continual prediction with LSTM. Neural Computation 12(10), 2451-2471.
    """

    n_gates = 4
    n_states = 2

    def __init__(
        self,
        units,
        *,
        recurrent_activation="sigmoid",
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.recurrent_activation = recurrent_activation
        self.unit_forget_bias = unit_forget_bias

    def build(self, input_shape, rng):
        self._gate = activations.get(self.recurrent_activation)
        super().build(input_shape, rng)

    def _initial_bias(self, rng):
        bias = super()._initial_bias(rng)
        if self.unit_forget_bias:
            bias = np.asarray(bias, dtype=np.float64).copy()
            bias[self.units : 2 * self.units] = 1.0
        return bias

    def _step(self, xw, states, rec_masks):
        h, c = states
        A = self._masked(h, rec_masks)
        z = xw + self._project(A, self.params["recurrent_kernel"])
        z_i, z_f, z_c, z_o = self._blocks(z)
        i, f, o = (
            self._gate.forward(z_i),
            self._gate.forward(z_f),
            self._gate.forward(z_o),
        )
        g = self._activation.forward(z_c)
        c_new = f * c + i * g
        tanh_c = self._activation.forward(c_new)
        h_new = o * tanh_c
        return [h_new, c_new], (A, z, i, f, g, o, c, c_new, tanh_c)

    def _step_backward(self, cache, d_states, rec_masks):
        A, z, i, f, g, o, c, c_new, tanh_c = cache
        d_h, d_c = d_states
        z_i, z_f, z_c, z_o = self._blocks(z)
        d_c = d_c + self._activation.backward(c_new, tanh_c, d_h * o)
        d_z = np.concatenate(
            [
                self._gate.backward(z_i, i, d_c * g),
                self._gate.backward(z_f, f, d_c * c),
                self._activation.backward(z_c, g, d_c * i),
                self._gate.backward(z_o, o, d_h * tanh_c),
            ],
            axis=-1,
        )
        U = self.params["recurrent_kernel"]
        d_A = self._project_backward(A, U, d_z, self.grads["recurrent_kernel"])
        d_h_prev = _unmask(d_A, rec_masks)
        return d_z, [d_h_prev, d_c * f]

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation,
            "unit_forget_bias": self.unit_forget_bias,
        }


class GRU(_Recurrent):
    """Gated recurrent unit: an update gate mixes the old state with a candidate.

    Parameters
    ----------
    units : int
    recurrent_activation : str, default "sigmoid"
    reset_after : bool, default True
        Keras's (and cuDNN's) convention: the reset gate multiplies
        ``h_{t-1} U_h + b_h`` after the product, and the bias has two rows
        (input and recurrent), shape ``(2, 3 * units)``. With False, the paper's
        form: ``(r * h_{t-1}) U_h``, and one bias row ``(3 * units,)``.
    Other parameters as :class:`SimpleRNN`.

    Notes
    -----
    The kernels hold three blocks in Keras's order: update gate ``z``, reset
    gate ``r``, candidate ``h``. With :math:`x_t W + b^{(0)}` cut into
    :math:`x_z, x_r, x_h` and :math:`h_{t-1} U + b^{(1)}` into
    :math:`u_z, u_r, u_h`:

    .. math::

        z = \\sigma(x_z + u_z),\\; r = \\sigma(x_r + u_r),\\;
        \\tilde h = \\tanh(x_h + r \\odot u_h), \\qquad
        h_t = z \\odot h_{t-1} + (1 - z) \\odot \\tilde h.

    Note Keras's sign: ``z`` near 1 *keeps* the old state.

    References
    ----------
    Cho, K., van Merrienboer, B., Gulcehre, C., Bahdanau, D., Bougares, F.,
    Schwenk, H. and Bengio, Y. (2014). Learning phrase representations using RNN
    encoder-decoder for statistical machine translation. EMNLP.
    """

    n_gates = 3

    def __init__(
        self, units, *, recurrent_activation="sigmoid", reset_after=True, **kwargs
    ):
        super().__init__(units, **kwargs)
        self.recurrent_activation = recurrent_activation
        self.reset_after = reset_after

    def build(self, input_shape, rng):
        self._gate = activations.get(self.recurrent_activation)
        super().build(input_shape, rng)

    def _initial_bias(self, rng):
        width = self.n_gates * self.units
        shape = (2, width) if self.reset_after else (width,)
        return initializers.get(self.bias_initializer)(shape, rng)

    def _input_bias(self):
        bias = self.params["bias"]
        return bias[0] if self.reset_after else bias

    def _input_bias_grad(self, grad):
        if self.reset_after:
            self.grads["bias"][0] = grad
        else:
            self.grads["bias"] = grad

    def _zero_step_grads(self):
        if self.use_bias and self.reset_after:
            self.grads["bias"] = np.zeros_like(self.params["bias"])

    def _step(self, xw, states, rec_masks):
        (h,) = states
        U = self.params["recurrent_kernel"]
        u = self.units
        A = self._masked(h, rec_masks)  # (batch, units) or one copy per gate
        x_z, x_r, x_h = self._blocks(xw)
        if self.reset_after:
            inner = self._project(A, U)
            if self.use_bias:
                inner = inner + self.params["bias"][1]
        else:  # only the two gates first: the candidate needs r
            A_gates = A if A.ndim == 2 else A[:2]
            inner = self._project_gates(A_gates, U[:, : 2 * u])
        pre_z, pre_r = x_z + inner[:, :u], x_r + inner[:, u : 2 * u]
        z, r = self._gate.forward(pre_z), self._gate.forward(pre_r)
        if self.reset_after:
            u_h = inner[:, 2 * u :]
            candidate_in = x_h + r * u_h
            reset_h = None
        else:
            h_h = A if A.ndim == 2 else A[2]
            reset_h = r * h_h
            u_h = reset_h @ U[:, 2 * u :]
            candidate_in = x_h + u_h
        h_tilde = self._activation.forward(candidate_in)
        h_new = z * h + (1.0 - z) * h_tilde
        cache = (A, h, pre_z, pre_r, z, r, u_h, reset_h, candidate_in, h_tilde)
        return [h_new], cache

    def _project_gates(self, A, U_gates):
        if A.ndim == 2:
            return A @ U_gates
        u = self.units
        return np.concatenate([A[0] @ U_gates[:, :u], A[1] @ U_gates[:, u:]], axis=-1)

    def _step_backward(self, cache, d_states, rec_masks):
        A, h, pre_z, pre_r, z, r, u_h, reset_h, candidate_in, h_tilde = cache
        (d_h_new,) = d_states
        U = self.params["recurrent_kernel"]
        grad_U = self.grads["recurrent_kernel"]
        u = self.units
        d_z = d_h_new * (h - h_tilde)
        d_candidate = self._activation.backward(
            candidate_in, h_tilde, d_h_new * (1.0 - z)
        )
        d_h = d_h_new * z  # the direct path through z * h_{t-1}
        if self.reset_after:
            d_r = d_candidate * u_h
            d_u_h = d_candidate * r
        else:
            d_reset_h = d_candidate @ U[:, 2 * u :].T
            grad_U[:, 2 * u :] += reset_h.T @ d_candidate
            d_r = d_reset_h * (A if A.ndim == 2 else A[2])
            d_h_h = d_reset_h * r
        x_z_grad = self._gate.backward(pre_z, z, d_z)
        x_r_grad = self._gate.backward(pre_r, r, d_r)
        d_xw = np.concatenate([x_z_grad, x_r_grad, d_candidate], axis=-1)
        if self.reset_after:
            d_inner = np.concatenate([x_z_grad, x_r_grad, d_u_h], axis=-1)
            if self.use_bias:
                self.grads["bias"][1] += d_inner.sum(axis=0)
            d_A = self._project_backward(A, U, d_inner, grad_U)
            d_h = d_h + _unmask(d_A, rec_masks)
        else:
            d_gates = np.concatenate([x_z_grad, x_r_grad], axis=-1)
            A_gates = A if A.ndim == 2 else A[:2]
            if A_gates.ndim == 2:
                grad_U[:, : 2 * u] += A_gates.T @ d_gates
                d_A_gates = d_gates @ U[:, : 2 * u].T
                d_A = d_A_gates + d_h_h
                d_h = d_h + (d_A if rec_masks is None else d_A * rec_masks[0])
            else:
                parts = [(0, x_z_grad), (1, x_r_grad)]
                for g, dz in parts:
                    grad_U[:, g * u : (g + 1) * u] += A_gates[g].T @ dz
                    d_h = d_h + (dz @ U[:, g * u : (g + 1) * u].T) * rec_masks[g]
                d_h = d_h + d_h_h * rec_masks[2]
        return d_xw, [d_h]

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation,
            "reset_after": self.reset_after,
        }


def _unmask(d_A, rec_masks):
    """dLoss/dh_{t-1} from dLoss/d(its recurrent-dropout copies)."""
    if rec_masks is None:
        return d_A
    if d_A.ndim == 2:
        return d_A * rec_masks[0]
    return np.sum(d_A * rec_masks, axis=0)


# --- Bidirectional -----------------------------------------------------------------

MERGE_MODES = ("concat", "sum", "ave", "mul")


class Bidirectional(Layer):
    """Run a recurrent layer forwards and a copy of it backwards over the
    sequence, and merge their outputs.

    Parameters
    ----------
    layer : SimpleRNN, LSTM or GRU
        The forward layer (not built yet); the backward layer is a copy of its
        configuration with ``go_backwards`` flipped, its own weights.
    merge_mode : {"concat", "sum", "ave", "mul"}, default "concat"

    Parameters ``forward/kernel``, ``forward/recurrent_kernel``, ``forward/bias``
    then the same for ``backward/``: Keras's order of weights. With
    ``return_sequences``, the backward layer's outputs are put back in time order
    before merging, and, as Keras, padded steps output 0 (``zero_output_for_mask``).

    Notes
    -----
    Step :math:`t`'s output sees the whole sequence: the past through the forward
    layer's :math:`\\overrightarrow{h}_t`, the future through the backward layer's
    :math:`\\overleftarrow{h}_t`.

    References
    ----------
    Schuster, M. and Paliwal, K. K. (1997). Bidirectional recurrent neural
    networks. IEEE Transactions on Signal Processing 45(11), 2673-2681.
    """

    accepts_mask = True

    def __init__(self, layer, *, merge_mode="concat"):
        super().__init__()
        if isinstance(layer, dict):  # from get_config, when a model is loaded
            layer = RECURRENT_LAYERS[layer["class_name"]](**layer["config"])
        if not isinstance(layer, _Recurrent):
            raise TypeError(
                "Bidirectional wraps a SimpleRNN, LSTM or GRU layer; got "
                f"{type(layer).__name__}."
            )
        self.layer = layer
        self.merge_mode = merge_mode

    def build(self, input_shape, rng):
        if self.merge_mode not in MERGE_MODES:
            raise ValueError(
                f"merge_mode must be one of {MERGE_MODES}; got {self.merge_mode!r}."
            )
        if self.layer.return_state:
            raise ValueError("Bidirectional does not support return_state.")
        config = self.layer.get_config()
        config["go_backwards"] = not config["go_backwards"]
        self.forward_layer = self.layer
        self.backward_layer = type(self.layer)(**config)
        for sublayer in (self.forward_layer, self.backward_layer):
            sublayer.zero_output_for_mask = sublayer.return_sequences  # as Keras
            sublayer.build(input_shape, rng)
        self._link()
        super().build(input_shape, rng)

    def _link(self):
        """Expose the two layers' parameters (the same arrays) under prefixes."""
        self.params = {
            f"{prefix}/{name}": array
            for prefix, sublayer in self._sublayers()
            for name, array in sublayer.params.items()
        }

    def _sublayers(self):
        return (("forward", self.forward_layer), ("backward", self.backward_layer))

    def compute_output_shape(self, input_shape):
        shape = self.layer.compute_output_shape(input_shape)
        if self.merge_mode == "concat":
            return (*shape[:-1], 2 * shape[-1])
        return tuple(shape)

    def compute_mask(self, X, mask=None):
        return mask if self.layer.return_sequences else None

    def forward(self, X, training=False, mask=None):
        y = self.forward_layer.forward(X, training=training, mask=mask)
        y_rev = self.backward_layer.forward(X, training=training, mask=mask)
        if self.layer.return_sequences:
            y_rev = y_rev[:, ::-1]  # back in time order
        self._cache = (y, y_rev)
        if self.merge_mode == "concat":
            return np.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        return y * y_rev

    def backward(self, grad_output):
        y, y_rev = _cache_of(self)
        grad = np.asarray(grad_output, dtype=np.float64)
        if self.merge_mode == "concat":
            d_y, d_y_rev = np.split(grad, 2, axis=-1)
        elif self.merge_mode == "sum":
            d_y, d_y_rev = grad, grad
        elif self.merge_mode == "ave":
            d_y, d_y_rev = grad / 2, grad / 2
        else:
            d_y, d_y_rev = grad * y_rev, grad * y
        if self.layer.return_sequences:
            d_y_rev = d_y_rev[:, ::-1]
        d_X = self.forward_layer.backward(d_y) + self.backward_layer.backward(d_y_rev)
        self.grads = {
            f"{prefix}/{name}": array
            for prefix, sublayer in self._sublayers()
            for name, array in sublayer.grads.items()
        }
        return d_X

    def get_config(self):
        return {
            "layer": {
                "class_name": type(self.layer).__name__,
                "config": self.layer.get_config(),
            },
            "merge_mode": self.merge_mode,
        }


RECURRENT_LAYERS = {cls.__name__: cls for cls in (SimpleRNN, LSTM, GRU)}
