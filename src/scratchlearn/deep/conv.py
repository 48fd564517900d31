"""Convolutional layers (Chapter 26): Conv2D, MaxPooling2D, AveragePooling2D,
ZeroPadding2D, ConstantPadding2D and UpSampling2D; and Conv2DTranspose (Chapter 29).

Images are channels-last, ``(batch, height, width, channels)``, as Keras's default,
and every layer follows :class:`scratchlearn.deep.base.Layer` (hyperparameters in
``__init__``, parameters in ``build``, forward and backward side by side). A
convolution kernel has Keras's layout ``(kernel_height, kernel_width, in_channels,
filters)``, so weights copy 1:1 between the two libraries.

**Windows.** Convolution and pooling both slide a window over the (padded) image and
reduce each window to one output pixel. :func:`image_windows` makes every window
visible at once as a *view* of shape ``(batch, out_height, out_width,
window_height, window_width, channels)``, without copying a pixel; a convolution is
then one matrix product with the kernel (im2col) and a pooling one ``max`` or
``mean`` over the window axes. The backward pass needs the adjoint,
:func:`add_windows` (col2im): every window's gradient is added back onto the
pixels that window read. Windows overlap when the stride is smaller than the
window, so a pixel collects the gradient of every window it belongs to.

**Padding, as Keras.** ``"valid"`` uses no padding: out = floor((n - k) / s) + 1.
``"same"`` gives out = ceil(n / s) and pads the smallest total that makes the last
window fit, ``max((out - 1) * s + k - n, 0)``; when the total is odd, the extra row
(column) goes at the bottom (right), as TensorFlow does.

Convention for the backward pass: ``grad_output`` is the gradient of the *batch
mean* of the loss (what :mod:`scratchlearn.deep.losses` returns), so the parameter
gradients below are sums over the batch, never means.
"""

import math
import numbers

import numpy as np

from scratchlearn.deep import activations
from scratchlearn.deep.base import Layer
from scratchlearn.deep.layers import (
    _as_generator,
    _cache_of,
    _check_forward_input,
)
from scratchlearn.utils.validation import POSITIVE_INT, check_value

__all__ = [
    "AveragePooling2D",
    "ConstantPadding2D",
    "Conv2D",
    "Conv2DTranspose",
    "MaxPooling2D",
    "UpSampling2D",
    "ZeroPadding2D",
    "add_windows",
    "image_windows",
]


# --- shared geometry ---------------------------------------------------------------


def _pair(value, name):
    """``value`` as ``(height, width)``: an int means the same for both."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1
            for v in value
        )
    ):
        raise ValueError(
            f"{name} must be a positive integer or a tuple of two positive integers "
            f"(height, width), got {value!r}."
        )
    return int(value[0]), int(value[1])


def _check_padding_mode(padding):
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")
    return padding


def _check_image_shape(layer, input_shape):
    """One sample's shape as ``(height, width, channels)`` of positive ints."""
    input_shape = tuple(input_shape)
    if len(input_shape) != 3 or not all(
        isinstance(n, numbers.Integral) and n >= 1 for n in input_shape
    ):
        raise ValueError(
            f"{type(layer).__name__} works on images (batch, height, width, "
            f"channels), so one sample must have shape (height, width, channels); "
            f"got {input_shape}."
        )
    return tuple(int(n) for n in input_shape)


def _window_geometry(layer, input_shape, window, strides, padding):
    """Output size and padding of a window sliding over images of ``input_shape``.

    Returns ``((out_height, out_width), ((top, bottom), (left, right)))``.
    """
    height, width, _ = _check_image_shape(layer, input_shape)
    out, pads = [], []
    for n, k, s in zip((height, width), window, strides, strict=True):
        if padding == "valid":
            if k > n:
                raise ValueError(
                    f"{type(layer).__name__}'s {layer._window_name} {tuple(window)} "
                    f"is larger than its input ({height}, {width}) with "
                    f"padding='valid'; use padding='same' or a smaller "
                    f"{layer._window_name}."
                )
            out.append((n - k) // s + 1)
            pads.append((0, 0))
        else:
            n_out = -(-n // s)  # ceil(n / s)
            total = max((n_out - 1) * s + k - n, 0)
            out.append(n_out)
            pads.append((total // 2, total - total // 2))  # extra one at the end
    return tuple(out), tuple(pads)


def _pad(X, pads, value=0.0):
    """``X`` with ``pads = ((top, bottom), (left, right))`` rows and columns of
    ``value`` around each image (``X`` itself when there is nothing to pad)."""
    if not any(any(p) for p in pads):
        return X
    return np.pad(X, ((0, 0), *pads, (0, 0)), constant_values=value)


def _crop(X_padded, pads):
    """The inverse of :func:`_pad`: the backward pass of a padding."""
    (top, bottom), (left, right) = pads
    height = X_padded.shape[1] - top - bottom
    width = X_padded.shape[2] - left - right
    return X_padded[:, top : top + height, left : left + width, :]


def image_windows(X, window, strides):
    """Every window of the images ``X``, as a read-only view (no copy).

    Parameters
    ----------
    X : ndarray of shape (batch, height, width, channels)
        The images, already padded.
    window, strides : tuple of int
        ``(height, width)`` of the window and of its steps.

    Returns
    -------
    ndarray of shape (batch, out_height, out_width, window_height, window_width,
    channels)
        ``windows[b, i, j]`` is the patch of image ``b`` under output pixel
        ``(i, j)``: rows ``i * stride_h ...`` and columns ``j * stride_w ...``.
    """
    view = np.lib.stride_tricks.sliding_window_view(X, window, axis=(1, 2))
    # (batch, height - kh + 1, width - kw + 1, channels, kh, kw): a window at every
    # pixel; the strides keep every s-th one, floor((height - kh) / s) + 1 of them.
    view = view[:, :: strides[0], :: strides[1]]
    return view.transpose(0, 1, 2, 4, 5, 3)  # (batch, out_h, out_w, kh, kw, channels)


def add_windows(grad_windows, padded_shape, strides):
    """The adjoint of :func:`image_windows` (col2im): add each window's gradient
    back onto the pixels it covers.

    Parameters
    ----------
    grad_windows : ndarray of shape (batch, out_height, out_width, kh, kw, channels)
    padded_shape : tuple of int
        Shape of the padded images the windows were taken from.
    strides : tuple of int

    Returns
    -------
    ndarray of ``padded_shape``

    Notes
    -----
    The loop runs over the ``kh * kw`` offsets inside a window, never over samples
    or pixels: for a fixed offset ``(p, q)``, the windows read the pixels
    ``(p + i * stride_h, q + j * stride_w)``, one strided slice of the image, and
    distinct windows read distinct pixels there, so a plain ``+=`` is exact.
    """
    _, out_h, out_w, kh, kw, _ = grad_windows.shape
    sh, sw = strides
    grad = np.zeros(padded_shape)
    for p in range(kh):
        for q in range(kw):
            rows = slice(p, p + (out_h - 1) * sh + 1, sh)  # out_h rows
            cols = slice(q, q + (out_w - 1) * sw + 1, sw)  # out_w columns
            grad[:, rows, cols, :] += grad_windows[:, :, :, p, q, :]
    return grad


# --- Conv2D ------------------------------------------------------------------------


class _Convolution(Layer):
    """The settings that Conv2D and Conv2DTranspose share (Keras's names); each
    subclass builds its kernel and runs its own passes."""

    _window_name = "kernel"  # in error messages

    def __init__(
        self,
        filters,
        kernel_size,
        *,
        strides=1,
        padding="valid",
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
    ):
        super().__init__()
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer

    def get_config(self):
        return {
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "kernel_initializer": self.kernel_initializer,
            "bias_initializer": self.bias_initializer,
        }


class Conv2D(_Convolution):
    """2-D convolution (Keras's, which is a cross-correlation): each of ``filters``
    kernels slides over the image and takes a weighted sum of the window under it.

    Parameters
    ----------
    filters : int
        Number of kernels, the channels of the output.
    kernel_size : int or tuple of (int, int)
        ``(kernel_height, kernel_width)``; an int means a square kernel.
    strides : int or tuple of (int, int)
        Step of the window down and across.
    padding : {"valid", "same"}
        ``"valid"``: no padding, the output shrinks by ``kernel - 1`` (before
        striding). ``"same"``: zero padding so that the output has
        ``ceil(input / stride)`` pixels; an odd total puts the extra row and
        column at the bottom and right, as Keras.
    activation : str or None
        A name from :mod:`scratchlearn.deep.activations`; ``None`` is linear.
    use_bias : bool
    kernel_initializer, bias_initializer : str or callable
        Names from :mod:`scratchlearn.deep.initializers`, or functions
        ``(shape, rng) -> array``. Fans count the receptive field, as Keras.

    Attributes
    ----------
    params : dict
        ``kernel`` of shape ``(kernel_height, kernel_width, in_channels, filters)``
        and ``bias`` of shape ``(filters,)``.

    Notes
    -----
    Inputs ``(batch, height, width, in_channels)`` give ``(batch, out_height,
    out_width, filters)`` with, for padded images ``X``,

    .. math::

        Z_{b,i,j,f} = \\sum_{p,q,c} X_{b,\\, i s_h + p,\\, j s_w + q,\\, c}\\,
        K_{p,q,c,f} + b_f, \\qquad Y = \\mathrm{activation}(Z).

    Flattening every window into a row (im2col) turns this into one matrix product,
    ``Z = columns @ K.reshape(kh * kw * in_channels, filters)``. Its gradients are
    those of a dense layer applied to the rows:

    * ``dK = columns.T @ dZ`` (summed over the batch and the pixels),
    * ``db = dZ`` summed over the batch and the pixels,
    * ``dcolumns = dZ @ K.T``, whose rows are added back where each window came
      from (col2im, :func:`add_windows`); the padding is then cropped off.

    Chapter 26 explains this code.
    """

    def build(self, input_shape, rng):
        check_value(self.filters, "filters", [POSITIVE_INT])
        input_shape = _check_image_shape(self, input_shape)
        # The window's size, steps and padding, checked once and kept for the passes.
        self._window, self._strides, _, self._pads = self._geometry(input_shape)
        self._activation = activations.get(self.activation)
        rng = _as_generator(rng)
        kernel_shape = (*self._window, input_shape[-1], self.filters)
        self.add_kernel_and_bias(kernel_shape, (self.filters,), rng)
        super().build(input_shape, rng)

    def _geometry(self, input_shape):
        window = _pair(self.kernel_size, "kernel_size")
        strides = _pair(self.strides, "strides")
        padding = _check_padding_mode(self.padding)
        out, pads = _window_geometry(self, input_shape, window, strides, padding)
        return window, strides, out, pads

    def compute_output_shape(self, input_shape):
        _, _, (out_h, out_w), _ = self._geometry(input_shape)
        return (out_h, out_w, self.filters)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        kernel = self.params["kernel"]
        X_padded = _pad(X, self._pads)  # (batch, padded_h, padded_w, in_channels)
        windows = image_windows(X_padded, self._window, self._strides)
        # im2col: one row per output pixel; the reshape copies into one contiguous
        # matrix, which makes the product below a single fast BLAS call.
        # (batch * out_h * out_w, kh * kw * in_channels)
        columns = windows.reshape(-1, kernel[..., 0].size)
        Z = columns @ kernel.reshape(-1, self.filters)  # (batch*out_h*out_w, filters)
        Z = Z.reshape(X.shape[0], *self.output_shape_)  # (batch, out_h, out_w, filters)
        if self.use_bias:
            Z += self.params["bias"]  # (filters,) broadcast over batch and pixels
        Y = self._activation.forward(Z)
        self._cache = (X_padded.shape, windows.shape, columns, Z, Y)
        return Y

    def backward(self, grad_output):
        padded_shape, windows_shape, columns, Z, Y = _cache_of(self)
        kernel = self.params["kernel"]
        dZ = self._activation.backward(Z, Y, np.asarray(grad_output, dtype=np.float64))
        dZ_rows = dZ.reshape(-1, self.filters)  # (batch*out_h*out_w, filters)
        # A dense layer on the rows of ``columns``: sums over the batch and pixels.
        self.grads["kernel"] = (columns.T @ dZ_rows).reshape(kernel.shape)
        if self.use_bias:
            self.grads["bias"] = dZ_rows.sum(axis=0)
        grad_columns = dZ_rows @ kernel.reshape(-1, self.filters).T  # (rows, kh*kw*c)
        # (batch, out_h, out_w, kh, kw, in_channels)
        grad_windows = grad_columns.reshape(*windows_shape)
        grad_padded = add_windows(grad_windows, padded_shape, self._strides)
        return _crop(grad_padded, self._pads)


# --- pooling -----------------------------------------------------------------------


class _Pooling2D(Layer):
    """What max and average pooling share: the window, the strides (the window
    size when ``None``, as Keras) and the padding; no parameters."""

    _window_name = "pool window"  # in error messages

    def __init__(self, pool_size=2, strides=None, padding="valid"):
        super().__init__()
        self.pool_size = pool_size
        self.strides = strides
        self.padding = padding

    def build(self, input_shape, rng):
        input_shape = _check_image_shape(self, input_shape)
        # The window's size, steps and padding, checked once and kept for the passes.
        self._window, self._strides, _, self._pads = self._geometry(input_shape)
        super().build(input_shape, rng)

    def _geometry(self, input_shape):
        window = _pair(self.pool_size, "pool_size")
        strides = window if self.strides is None else _pair(self.strides, "strides")
        padding = _check_padding_mode(self.padding)
        out, pads = _window_geometry(self, input_shape, window, strides, padding)
        return window, strides, out, pads

    def compute_output_shape(self, input_shape):
        _, _, out, _ = self._geometry(input_shape)
        return (*out, tuple(input_shape)[-1])

    def get_config(self):
        return {
            "pool_size": self.pool_size,
            "strides": self.strides,
            "padding": self.padding,
        }


class MaxPooling2D(_Pooling2D):
    """Max pooling: each output pixel is the largest value in its window, channel
    by channel.

    Parameters
    ----------
    pool_size : int or tuple of (int, int)
        Window ``(height, width)``.
    strides : int, tuple of (int, int) or None
        Step of the window; ``None`` means ``pool_size`` (windows side by side).
    padding : {"valid", "same"}
        ``"same"`` pads with -inf, as Keras: a padded cell never wins a window, so
        the maximum is that of the window's real pixels.

    Notes
    -----
    ``y = max over the window of x``. Its derivative is 1 for the window's largest
    input and 0 for the others, so the backward pass routes each output's
    gradient to the one pixel that won its window (a pixel that wins several
    overlapping windows collects all their gradients). On ties the first maximum in
    the window, reading row by row, wins: that is ``np.argmax``'s rule and
    TensorFlow's (the tests check it).

    Chapter 26 explains this code.
    """

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        X_padded = _pad(X, self._pads, value=-np.inf)  # (batch, padded_h, padded_w, c)
        windows = image_windows(X_padded, self._window, self._strides)
        # (batch, out_h, out_w, ph * pw, channels): each window as one column.
        flat = windows.reshape(*windows.shape[:3], -1, windows.shape[-1])
        winner = flat.argmax(axis=3)  # (batch, out_h, out_w, channels)
        Y = np.take_along_axis(flat, winner[:, :, :, None], axis=3)[:, :, :, 0]
        self._cache = (X_padded.shape, winner)
        return Y

    def backward(self, grad_output):
        padded_shape, winner = _cache_of(self)
        grad_output = np.asarray(grad_output, dtype=np.float64)
        # One-hot over the window positions: the gradient goes to the winner only.
        pool_height, pool_width = self._window
        positions = np.arange(pool_height * pool_width).reshape(*self._window, 1)
        # (batch, out_h, out_w, ph, pw, channels), broadcast against (ph, pw, 1)
        is_winner = winner[:, :, :, None, None, :] == positions
        grad_windows = grad_output[:, :, :, None, None, :] * is_winner
        grad_padded = add_windows(grad_windows, padded_shape, self._strides)
        return _crop(grad_padded, self._pads)


class AveragePooling2D(_Pooling2D):
    """Average pooling: each output pixel is the mean of its window, channel by
    channel.

    Parameters
    ----------
    pool_size : int or tuple of (int, int)
        Window ``(height, width)``.
    strides : int, tuple of (int, int) or None
        Step of the window; ``None`` means ``pool_size``.
    padding : {"valid", "same"}
        With ``"same"``, Keras averages over the window's *real* pixels only: a
        window hanging over the border divides by the number of pixels it covers
        inside the image, not by ``pool_height * pool_width`` (padded cells do not
        count as zeros). This layer does the same.

    Notes
    -----
    ``y = (1 / n) * sum over the window of x``, with ``n`` the number of real
    pixels in the window. Each input of a window receives ``dy / n``; a pixel in
    several overlapping windows adds up their shares.

    Chapter 26 explains this code.
    """

    def build(self, input_shape, rng):
        super().build(input_shape, rng)
        # Real (unpadded) pixels in each window: pool a padded image of ones.
        height, width, _ = self.input_shape_
        ones = _pad(np.ones((1, height, width, 1)), self._pads)  # padding counts 0
        windows = image_windows(ones, self._window, self._strides)
        self._counts = windows.sum(axis=(3, 4))[0]  # (out_h, out_w, 1)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        X_padded = _pad(X, self._pads)  # zeros add nothing to the sums
        windows = image_windows(X_padded, self._window, self._strides)
        # (batch, out_h, out_w, channels) / (out_h, out_w, 1)
        Y = windows.sum(axis=(3, 4)) / self._counts
        self._cache = X_padded.shape
        return Y

    def backward(self, grad_output):
        padded_shape = _cache_of(self)
        share = np.asarray(grad_output, dtype=np.float64) / self._counts
        # Every cell of a window gets the same share: a broadcast view, no copy.
        batch, out_h, out_w, channels = share.shape
        grad_windows = np.broadcast_to(
            share[:, :, :, None, None, :],
            (batch, out_h, out_w, *self._window, channels),
        )
        grad_padded = add_windows(grad_windows, padded_shape, self._strides)
        return _crop(grad_padded, self._pads)


# --- padding -----------------------------------------------------------------------


def _padding_amounts(padding):
    """Keras's three ways to give a padding, as ``((top, bottom), (left, right))``:
    an int (all four sides), ``(vertical, horizontal)``, or the full pairs."""

    def is_size(n):
        return isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 0

    if is_size(padding):
        return ((int(padding),) * 2,) * 2
    if isinstance(padding, tuple | list) and len(padding) == 2:
        if all(is_size(n) for n in padding):
            return tuple((int(n), int(n)) for n in padding)
        if all(
            isinstance(pair, tuple | list)
            and len(pair) == 2
            and all(is_size(n) for n in pair)
            for pair in padding
        ):
            return tuple((int(a), int(b)) for a, b in padding)
    raise ValueError(
        "padding must be a non-negative int, a tuple (vertical, horizontal) or "
        f"((top, bottom), (left, right)), got {padding!r}."
    )


class ConstantPadding2D(Layer):
    """Surround each image with rows and columns of a constant ``value``.

    Parameters
    ----------
    padding : int, (int, int) or ((int, int), (int, int))
        Rows and columns added: the same on every side, ``(vertical,
        horizontal)`` added on both sides, or ``((top, bottom), (left, right))``,
        as Keras's ZeroPadding2D.
    value : float
        The value of the new cells (Keras has no such layer; ZeroPadding2D is
        ``value=0``).

    Notes
    -----
    The output copies the input into its middle, so the backward pass is cropping:
    the padded cells are constants and pass no gradient on.

    Chapter 26 explains this code.
    """

    def __init__(self, padding=1, value=0.0):
        super().__init__()
        self.padding = padding
        self.value = value

    def build(self, input_shape, rng):
        if (
            isinstance(self.value, bool)
            or not isinstance(self.value, numbers.Real)
            or not math.isfinite(self.value)
        ):
            raise ValueError(f"value must be a finite number, got {self.value!r}.")
        super().build(_check_image_shape(self, input_shape), rng)

    def compute_output_shape(self, input_shape):
        (top, bottom), (left, right) = _padding_amounts(self.padding)
        height, width, channels = input_shape
        return (height + top + bottom, width + left + right, channels)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        pads = _padding_amounts(self.padding)
        self._cache = pads
        # (batch, height + top + bottom, width + left + right, channels), a copy
        return np.pad(X, ((0, 0), *pads, (0, 0)), constant_values=float(self.value))

    def backward(self, grad_output):
        pads = _cache_of(self)
        return _crop(np.asarray(grad_output, dtype=np.float64), pads).copy()

    def get_config(self):
        return {"padding": self.padding, "value": self.value}


class ZeroPadding2D(ConstantPadding2D):
    """Surround each image with rows and columns of zeros (Keras's ZeroPadding2D).

    Parameters
    ----------
    padding : int, (int, int) or ((int, int), (int, int))
        As :class:`ConstantPadding2D`.

    Chapter 26 explains this code.
    """

    def __init__(self, padding=1):
        super().__init__(padding, value=0.0)

    def get_config(self):
        return {"padding": self.padding}


# --- up-sampling -------------------------------------------------------------------


class UpSampling2D(Layer):
    """Nearest-neighbour up-sampling: every pixel becomes a block of
    ``size = (rows, columns)`` copies of itself (Keras's default interpolation).

    Notes
    -----
    ``y[b, i, j, c] = x[b, i // size_h, j // size_w, c]``. One input feeds the whole
    block of outputs, so its gradient is the *sum* of the block's gradients (not
    their mean, and not one of them).

    Chapter 26 explains this code.
    """

    def __init__(self, size=2):
        super().__init__()
        self.size = size

    def build(self, input_shape, rng):
        super().build(_check_image_shape(self, input_shape), rng)

    def compute_output_shape(self, input_shape):
        size_h, size_w = _pair(self.size, "size")
        height, width, channels = input_shape
        return (height * size_h, width * size_w, channels)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        size_h, size_w = _pair(self.size, "size")
        self._cache = (size_h, size_w)
        # (batch, height * size_h, width * size_w, channels)
        return X.repeat(size_h, axis=1).repeat(size_w, axis=2)

    def backward(self, grad_output):
        size_h, size_w = _cache_of(self)
        grad_output = np.asarray(grad_output, dtype=np.float64)
        height, width, channels = self.input_shape_
        # (batch, height, size_h, width, size_w, channels): each block on its own axes
        blocks = grad_output.reshape(-1, height, size_h, width, size_w, channels)
        return blocks.sum(axis=(2, 4))  # (batch, height, width, channels)

    def get_config(self):
        return {"size": self.size}


# --- transposed convolution ----------------------------------------------------------


class Conv2DTranspose(_Convolution):
    """Transposed convolution (Keras's ``Conv2DTranspose``): every input pixel paints
    a ``kernel_size`` patch of the output, ``strides`` pixels from its neighbour's;
    overlapping patches add up. It up-samples, e.g. 4x4 maps to 8x8 with strides 2.

    Parameters
    ----------
    filters : int
        Channels of the output.
    kernel_size : int or tuple of (int, int)
    strides : int or tuple of (int, int)
        The up-sampling factor.
    padding : {"valid", "same"}
        As Keras: ``"same"`` gives ``input * strides`` pixels per side;
        ``"valid"`` gives ``input * strides + max(kernel - strides, 0)``.
    activation : str or None
    use_bias : bool
    kernel_initializer, bias_initializer : str or callable

    Attributes
    ----------
    params : dict
        ``kernel`` of Keras's shape ``(kernel_height, kernel_width, filters,
        in_channels)`` (output channels first, the reverse of Conv2D's) and ``bias``
        of shape ``(filters,)``.

    Notes
    -----
    It is the backward pass of a convolution with respect to its input, used as a
    forward pass: for input pixel ``(i, j)``,

    .. math::

        \\text{full}_{b,\\, i s_h + p,\\, j s_w + q,\\, f} \\mathrel{+}=
        \\sum_c X_{b,i,j,c}\\, K_{p,q,f,c}, \\qquad
        Y = \\mathrm{activation}(\\text{crop}(\\text{full}) + b).

    In matrices: ``patches = X_rows @ K.reshape(kh * kw * filters, in_channels).T``,
    one patch per input pixel, added onto the output by col2im
    (:func:`add_windows`). ``"same"`` crops ``max(k - s, 0)`` rows of the full
    result, the extra one at the bottom (right), as TensorFlow. Its gradients are
    those of a convolution: ``dX`` is the convolution of ``dY`` (im2col of the
    gradient, :func:`image_windows`, times the kernel), ``dK = windows.T @ X_rows``.

    Chapter 29 explains this code.
    """

    def build(self, input_shape, rng):
        check_value(self.filters, "filters", [POSITIVE_INT])
        input_shape = _check_image_shape(self, input_shape)
        self._window, self._strides, self._canvas, self._offset, _ = self._geometry(
            input_shape
        )
        self._activation = activations.get(self.activation)
        rng = _as_generator(rng)
        kernel_shape = (*self._window, self.filters, input_shape[-1])
        self.add_kernel_and_bias(kernel_shape, (self.filters,), rng)
        super().build(input_shape, rng)

    def _geometry(self, input_shape):
        """Window, strides, the full (uncropped) output's size, where the output
        starts in it, and the output's size, per axis."""
        window = _pair(self.kernel_size, "kernel_size")
        strides = _pair(self.strides, "strides")
        padding = _check_padding_mode(self.padding)
        height, width, _ = _check_image_shape(self, input_shape)
        canvas, offset, out = [], [], []
        for n, k, s in zip((height, width), window, strides, strict=True):
            if padding == "valid":
                n_out, start = n * s + max(k - s, 0), 0
            else:
                n_out, start = n * s, max(k - s, 0) // 2  # extra row at the end
            # Large enough for every patch and for the output (zeros beyond the
            # patches when the kernel is smaller than the stride).
            canvas.append(max((n - 1) * s + k, start + n_out))
            offset.append(start)
            out.append(n_out)
        return window, strides, tuple(canvas), tuple(offset), tuple(out)

    def compute_output_shape(self, input_shape):
        *_, (out_h, out_w) = self._geometry(input_shape)
        return (out_h, out_w, self.filters)

    def _kernel_matrix(self):
        # (kh * kw * filters, in_channels): rows in the (p, q, f) order of a window
        return self.params["kernel"].reshape(-1, self.input_shape_[-1])

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        batch, height, width, channels = X.shape
        patches = X.reshape(-1, channels) @ self._kernel_matrix().T  # (b*h*w, kh*kw*f)
        # (batch, height, width, kh, kw, filters): input pixel (i, j)'s patch
        patches = patches.reshape(batch, height, width, *self._window, self.filters)
        full = add_windows(patches, (batch, *self._canvas, self.filters), self._strides)
        (top, left), (out_h, out_w, _) = self._offset, self.output_shape_
        Z = full[:, top : top + out_h, left : left + out_w, :].copy()  # (b, oh, ow, f)
        if self.use_bias:
            Z += self.params["bias"]
        Y = self._activation.forward(Z)
        self._cache = (X, Z, Y)
        return Y

    def backward(self, grad_output):
        X, Z, Y = _cache_of(self)
        dZ = self._activation.backward(Z, Y, np.asarray(grad_output, dtype=np.float64))
        batch, height, width, channels = X.shape
        (top, left), (out_h, out_w, _) = self._offset, self.output_shape_
        grad_full = np.zeros((batch, *self._canvas, self.filters))
        grad_full[:, top : top + out_h, left : left + out_w, :] = dZ  # uncrop
        # Each input pixel's patch of the gradient: a convolution's windows.
        windows = image_windows(grad_full, self._window, self._strides)
        windows = windows[:, :height, :width]  # (batch, h, w, kh, kw, filters)
        rows = windows.reshape(batch * height * width, -1)  # (b*h*w, kh*kw*f)
        X_rows = X.reshape(-1, channels)  # (b*h*w, in_channels)
        self.grads["kernel"] = (rows.T @ X_rows).reshape(self.params["kernel"].shape)
        if self.use_bias:
            self.grads["bias"] = dZ.sum(axis=(0, 1, 2))
        return (rows @ self._kernel_matrix()).reshape(X.shape)
