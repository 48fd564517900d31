"""Weight initialisers (Chapter 23): Keras's definitions, drawn with NumPy.

Each initialiser is a function ``init(shape, rng)`` returning a float64 array of
``shape``, with ``rng`` a ``numpy.random.Generator`` (the model's, so that a seed
makes a whole network reproducible). The random ones scale their spread by the
layer's fan-in and fan-out so that activations and gradients keep roughly the same
variance from layer to layer:

================  ==================  ================================================
name              variance            distribution
================  ==================  ================================================
glorot_uniform    2 / (in + out)      U(-limit, limit), limit = sqrt(6 / (in + out))
glorot_normal     2 / (in + out)      truncated normal (see below)
he_uniform        2 / in              U(-limit, limit), limit = sqrt(6 / in)
he_normal         2 / in              truncated normal (see below)
random_uniform    0.05^2 / 3          U(-0.05, 0.05), Keras's default for embeddings
orthogonal        1 / max(in, out)    orthonormal rows or columns (recurrent kernels)
zeros, ones       0                   constant
================  ==================  ================================================

**Truncated normals.** Keras's "normal" variants draw from a normal distribution cut
at two of its standard deviations (values beyond are drawn again). Cutting the tails
shrinks the spread: a standard normal truncated to [-2, 2] has standard deviation
0.87962566103423978. Keras therefore draws with ``stddev = target / 0.8796...`` so
that the values actually drawn have the target standard deviation sqrt(variance).
:func:`truncated_normal` does the same by rejection. NumPy's and TensorFlow's random
streams differ, so the values differ from Keras's; their distribution is the same.

Shapes are Keras's, so weights can be copied 1:1 between the two libraries: a dense
kernel has shape ``(n_in, units)`` and a convolution kernel
``(kernel_height, kernel_width, in_channels, filters)``.
"""

import math

import numpy as np

# Standard deviation of a standard normal truncated to [-2, 2] (Keras's constant).
TRUNCATED_NORMAL_STD = 0.87962566103423978


def compute_fans(shape):
    """``(fan_in, fan_out)`` of a weight of ``shape``, as Keras counts them.

    A dense kernel ``(n_in, units)`` has fan-in ``n_in`` and fan-out ``units``. A
    convolution kernel ``(*kernel_size, in_channels, filters)`` connects each output
    to ``prod(kernel_size) * in_channels`` inputs, and each input to
    ``prod(kernel_size) * filters`` outputs. A vector counts its length for both.
    """
    shape = tuple(int(n) for n in shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def truncated_normal(shape, rng, stddev):
    """Normal values of mean 0 and ``stddev``, each within two ``stddev`` of 0.

    Values that fall outside are drawn again (about 4.6% each round) until none is
    left: exactly the truncated distribution, as TensorFlow's.
    """
    values = rng.normal(0.0, stddev, size=shape)
    outside = np.abs(values) > 2.0 * stddev
    while np.any(outside):
        values[outside] = rng.normal(0.0, stddev, size=int(outside.sum()))
        outside = np.abs(values) > 2.0 * stddev
    return values


def variance_scaling(shape, rng, *, scale, mode, distribution):
    """Keras's VarianceScaling: values of variance ``scale / n``.

    ``n`` is the fan-in (``mode="fan_in"``), the fan-out or their mean
    (``"fan_avg"``); ``distribution`` is ``"uniform"`` or ``"truncated_normal"``.
    """
    fan_in, fan_out = compute_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    variance = scale / max(1.0, n)
    if distribution == "uniform":
        # A uniform on [-limit, limit] has variance limit^2 / 3.
        limit = math.sqrt(3.0 * variance)
        return rng.uniform(-limit, limit, size=shape)
    if distribution == "truncated_normal":
        return truncated_normal(shape, rng, math.sqrt(variance) / TRUNCATED_NORMAL_STD)
    raise ValueError(f"Unknown distribution {distribution!r}.")


def glorot_uniform(shape, rng):
    """Glorot (Xavier) uniform: U(-limit, limit), limit = sqrt(6 / (in + out))."""
    return variance_scaling(
        shape, rng, scale=1.0, mode="fan_avg", distribution="uniform"
    )


def glorot_normal(shape, rng):
    """Glorot normal: truncated normal of standard deviation sqrt(2 / (in + out))."""
    return variance_scaling(
        shape, rng, scale=1.0, mode="fan_avg", distribution="truncated_normal"
    )


def he_uniform(shape, rng):
    """He uniform: U(-limit, limit), limit = sqrt(6 / fan_in) (for ReLU networks)."""
    return variance_scaling(
        shape, rng, scale=2.0, mode="fan_in", distribution="uniform"
    )


def he_normal(shape, rng):
    """He normal: truncated normal of standard deviation sqrt(2 / fan_in)."""
    return variance_scaling(
        shape, rng, scale=2.0, mode="fan_in", distribution="truncated_normal"
    )


def random_uniform(shape, rng, minval=-0.05, maxval=0.05):
    """Keras's ``RandomUniform`` with its defaults, U(-0.05, 0.05) (embeddings)."""
    return rng.uniform(minval, maxval, size=shape)


def orthogonal(shape, rng, gain=1.0):
    """Keras's ``Orthogonal`` initializer (the default of every recurrent kernel):
    the Q of the QR decomposition of a normal matrix, signs fixed by R's diagonal,
    so that its rows (or columns) are orthonormal (Saxe et al., 2014)."""
    n_rows, n_cols = int(np.prod(shape[:-1])), shape[-1]
    a = rng.normal(size=(max(n_rows, n_cols), min(n_rows, n_cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))
    if n_rows < n_cols:
        q = q.T
    return gain * q.reshape(shape)


def zeros(shape, rng=None):
    return np.zeros(shape)


def ones(shape, rng=None):
    return np.ones(shape)


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "orthogonal": orthogonal,
    "random_uniform": random_uniform,
    "zeros": zeros,
    "ones": ones,
}


def get(initializer):
    """The initialiser called ``initializer``, or ``initializer`` itself if it is a
    function ``(shape, rng) -> array``.

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    """
    if callable(initializer):
        return initializer
    if not isinstance(initializer, str) or initializer not in INITIALIZERS:
        raise ValueError(
            f"Unknown initializer {initializer!r}; use one of {sorted(INITIALIZERS)} "
            "or a function (shape, rng) -> array."
        )
    return INITIALIZERS[initializer]
