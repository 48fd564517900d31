"""Making a trained network small: magnitude pruning and post-training quantization
(the book's appendix on model compression).

Pruning sets the smallest weights of the kernels (of the :class:`Dense` and
:class:`Conv2D` layers) to zero, either the smallest of the whole network
(``scope="global"``) or the same share of every layer (``scope="layer"``);
:func:`fine_tune` then trains the survivors while the pruned weights stay zero.
Quantization stores every kernel as small integers and one scale per tensor or per
output channel; :func:`quantize_model` gives the network that inference with those
integers computes, and :func:`save_compressed` writes the integers (and, for a
pruned network, only the non-zero ones) without pickle.

    masks = magnitude_masks(model, 0.8)          # {layer index: True = kept}
    pruned = prune(model, masks)                 # a copy, 80% of its kernels zero
    fine_tune(pruned, masks, X, y, epochs=3)     # the zeros stay zero
    small = quantize_model(pruned, bits=8)       # int8 kernels, dequantized
    save_compressed(pruned, "model.npz", bits=8) # int8 values + a bit mask

Biases and batch normalisation's parameters are few; they stay floating point
(float32 in the saved file). Activations are not quantized: this is weight-only
post-training quantization.
"""

import copy
import json
import math
import numbers
import os

import numpy as np

from scratchlearn.deep.conv import Conv2D
from scratchlearn.deep.layers import BatchNormalization, Dense
from scratchlearn.deep.model import Sequential, _layer_from_config
from scratchlearn.deep.optimizers import Adam
from scratchlearn.deep.schedules import CosineDecay

__all__ = [
    "dequantize",
    "fine_tune",
    "load_compressed",
    "magnitude_masks",
    "prunable_layers",
    "prune",
    "quantize",
    "quantize_model",
    "recalibrate_batch_norm",
    "save_compressed",
    "sparsity",
]

SCOPES = ("global", "layer")
PRUNABLE = (Dense, Conv2D)  # the layers whose "kernel" is pruned and quantized
FORMAT = "scratchlearn.compressed"


# --- checks ----------------------------------------------------------------------


def _check_model(model):
    if not isinstance(model, Sequential):
        raise TypeError(f"Expected a Sequential model; got {type(model).__name__}.")
    if not model.built:
        raise RuntimeError(
            "The model has no weights yet: fit it (or build it) before compressing it."
        )
    if not prunable_layers(model):
        raise ValueError("The model has no Dense or Conv2D layer to compress.")


def _check_sparsity(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"sparsity must be a number in [0, 1); got {value!r}.")
    if not 0 <= value < 1:  # also rejects NaN
        raise ValueError(
            f"sparsity must be in [0, 1) (the share of weights set to zero); "
            f"got {value!r}."
        )
    return float(value)


def _check_bits(bits):
    if isinstance(bits, bool) or not isinstance(bits, numbers.Integral):
        raise TypeError(f"bits must be an integer from 2 to 8; got {bits!r}.")
    if not 2 <= bits <= 8:
        raise ValueError(
            f"bits must be from 2 to 8 (the values are stored as int8); got {bits}."
        )
    return int(bits)


def _check_masks(model, masks):
    indices = prunable_layers(model)
    if not isinstance(masks, dict) or sorted(masks) != indices:
        got = sorted(masks) if isinstance(masks, dict) else type(masks).__name__
        raise ValueError(
            f"masks must map the indices of the Dense and Conv2D layers {indices} to "
            f"boolean arrays (as magnitude_masks returns); got keys {got}."
        )
    for i in indices:
        kernel = model.layers[i].params["kernel"]
        mask = np.asarray(masks[i])
        if mask.dtype != bool or mask.shape != kernel.shape:
            raise ValueError(
                f"The mask of layer {i} must be a boolean array of shape "
                f"{kernel.shape}; got {mask.dtype} of shape {mask.shape}."
            )


# --- pruning ---------------------------------------------------------------------


def prunable_layers(model):
    """Indices of the layers of ``model`` whose kernel is pruned and quantized (the
    :class:`Dense` and :class:`Conv2D` layers)."""
    return [i for i, layer in enumerate(model.layers) if isinstance(layer, PRUNABLE)]


def _smallest(magnitudes, share):
    """Boolean array, True for all but the ``round(share * n)`` smallest entries of
    the 1-D ``magnitudes`` (ties broken by position, so the count is exact)."""
    n_pruned = round(share * magnitudes.size)
    keep = np.ones(magnitudes.size, dtype=bool)
    keep[np.argsort(magnitudes, kind="stable")[:n_pruned]] = False
    return keep


def magnitude_masks(model, sparsity, scope="global"):
    """Which kernel weights survive magnitude pruning.

    Parameters
    ----------
    model : Sequential
        A built (usually trained) model.
    sparsity : float in [0, 1)
        Share of the weights to set to zero: exactly ``round(sparsity * n)`` of the
        ``n`` weights in scope.
    scope : {"global", "layer"}, default "global"
        ``"global"``: the smallest weights of all kernels together (a layer with
        small weights loses more); ``"layer"``: the smallest of each kernel, the
        same share in every layer.

    Returns
    -------
    dict of int to ndarray of bool
        For each Dense and Conv2D layer (by index in ``model.layers``), a mask of
        its kernel's shape: True where the weight is kept.

    Notes
    -----
    Pruning by magnitude assumes that the weights closest to zero matter least:
    removing weight :math:`w` changes a unit's input by :math:`w x`. Biases and
    batch normalisation parameters are not pruned (they are a few hundred numbers).

    References
    ----------
    S. Han, J. Pool, J. Tran and W. J. Dally, "Learning both Weights and
    Connections for Efficient Neural Network", NeurIPS 2015.
    """
    _check_model(model)
    sparsity = _check_sparsity(sparsity)
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}; got {scope!r}.")
    kernels = {i: model.layers[i].params["kernel"] for i in prunable_layers(model)}
    if scope == "layer":
        return {
            i: _smallest(np.abs(k).ravel(), sparsity).reshape(k.shape)
            for i, k in kernels.items()
        }
    flat = np.concatenate([np.abs(k).ravel() for k in kernels.values()])
    keep = _smallest(flat, sparsity)  # (total weights,)
    masks, start = {}, 0
    for i, k in kernels.items():
        masks[i] = keep[start : start + k.size].reshape(k.shape)
        start += k.size
    return masks


def _apply_masks(model, masks):
    """Zero, in place, the kernel weights where ``masks`` is False."""
    for i, mask in masks.items():
        model.layers[i].params["kernel"] *= mask


def prune(model, masks):
    """A copy of ``model`` whose kernels are zero where ``masks`` (from
    :func:`magnitude_masks`) is False; the model itself is unchanged."""
    _check_model(model)
    _check_masks(model, masks)
    pruned = copy.deepcopy(model)
    _apply_masks(pruned, masks)
    return pruned


def sparsity(model):
    """Share of zero weights in the kernels of ``model``: a dict with one entry per
    Dense and Conv2D layer (by index) and ``"total"``."""
    _check_model(model)
    kernels = {i: model.layers[i].params["kernel"] for i in prunable_layers(model)}
    shares = {i: float(np.mean(k == 0)) for i, k in kernels.items()}
    zeros = sum(int(np.sum(k == 0)) for k in kernels.values())
    shares["total"] = zeros / sum(k.size for k in kernels.values())
    return shares


def fine_tune(
    model, masks, X, y, *, epochs=3, learning_rate=3e-3, batch_size=32, random_state=0
):
    """Train a pruned model further, in place, keeping its pruned weights at zero.

    Each step masks the kernels' gradients, takes an Adam step, then multiplies
    the kernels by their masks again: the gradient mask alone is not enough, since
    an optimizer with momentum (or weight decay) can move a weight whose gradient
    is zero.

    Parameters
    ----------
    model : Sequential
        Compiled (its loss is used); usually the output of :func:`prune`.
    masks : dict of int to ndarray of bool
        From :func:`magnitude_masks`.
    X, y : ndarray
        Training data, ``y`` as ``model.fit`` expects it (class indices for a
        sparse cross-entropy, one-hot rows for a categorical one).
    epochs : int, default 3
    learning_rate : float, default 3e-3
        Initial rate of a fresh Adam optimizer, decayed to zero over the
        fine-tuning by :class:`CosineDecay` (the model's own optimizer may have
        decayed its rate to zero by the end of its training).
    batch_size : int, default 32
    random_state : int, default 0
        Seed of the batches' order.

    Returns
    -------
    list of float
        The mean training loss of every epoch.

    Notes
    -----
    At the end, :func:`recalibrate_batch_norm` sets the batch normalisation
    statistics to those of ``X`` through the pruned network.
    """
    _check_model(model)
    _check_masks(model, masks)
    if model.loss is None:
        raise RuntimeError("fine_tune needs a compiled model (it uses its loss).")
    X, y = model._check_X_y(X, y)
    steps = epochs * math.ceil(len(X) / batch_size)
    model.compile(Adam(CosineDecay(learning_rate, steps)), model.loss, model.metrics)
    _apply_masks(model, masks)
    rng = np.random.default_rng(random_state)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(X))
        total = 0.0
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss, _ = model.compute_gradients(X[batch], y[batch])
            for i, mask in masks.items():
                model.layers[i].grads["kernel"] *= mask  # no gradient through a zero
            model.apply_gradients()
            _apply_masks(model, masks)  # and no drift from Adam's momentum
            total += loss * len(batch)
        losses.append(total / len(X))
    recalibrate_batch_norm(model, X)
    return losses


def recalibrate_batch_norm(model, X):
    """Set, in place, every batch normalisation layer's running mean and variance
    to the statistics of ``X`` (all of it, one pass, no dropout).

    Pruning changes what reaches these layers; the running statistics, moving by
    ``1 - momentum`` per step, take hundreds of steps to catch up, and inference
    uses them.
    """
    outputs = model._check_X(X)
    for layer in model.layers:
        if isinstance(layer, BatchNormalization):
            momentum, layer.momentum = layer.momentum, 0.0  # keep only this batch
            outputs = layer.forward(outputs, training=True)
            layer.momentum = momentum
        else:
            outputs = layer.forward(outputs, training=False)


# --- quantization ----------------------------------------------------------------


def quantize(weights, bits=8, *, per_channel=False):
    """Symmetric linear quantization of ``weights`` to integers of ``bits`` bits.

    Parameters
    ----------
    weights : array_like of float, at least 1-D
        A kernel: (inputs, units) for Dense, (height, width, channels, filters)
        for Conv2D; the last axis is the output channel.
    bits : int from 2 to 8, default 8
    per_channel : bool, default False
        One scale per output channel (last axis) instead of one for the tensor.

    Returns
    -------
    q : ndarray of int8, the shape of ``weights``
        Integers in ``[-(2**(bits-1) - 1), 2**(bits-1) - 1]``.
    scale : ndarray of float32, shape () or (channels,)
        ``weights ~= q * scale``.

    Notes
    -----
    With :math:`q_{max} = 2^{b-1} - 1` and :math:`s = \\max|w| / q_{max}` (over the
    tensor or the channel), :math:`q = \\mathrm{round}(w / s)`. Since
    :math:`|w / s| \\le q_{max}` nothing is clipped, so the error
    :math:`|w - q s|` is at most half a step, :math:`s / 2`. The range is
    symmetric (-127 to 127 for 8 bits, not -128) so that zero is exact and
    :math:`-w` quantizes to :math:`-q`. A channel of zeros gets scale 1.

    References
    ----------
    B. Jacob et al., "Quantization and Training of Neural Networks for Efficient
    Integer-Arithmetic-Only Inference", CVPR 2018; R. Krishnamoorthi, "Quantizing
    deep convolutional networks for efficient inference: A whitepaper",
    arXiv:1806.08342 (2018).
    """
    bits = _check_bits(bits)
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 0 or w.size == 0:
        raise ValueError(f"weights must be a non-empty array; got shape {w.shape}.")
    if not np.all(np.isfinite(w)):
        raise ValueError("weights contain NaN or infinity.")
    q_max = 2 ** (bits - 1) - 1
    axes = tuple(range(w.ndim - 1)) if per_channel else None
    max_abs = np.max(np.abs(w), axis=axes)  # () or (channels,)
    scale = np.where(max_abs > 0, max_abs / q_max, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -q_max, q_max).astype(np.int8)
    return q, scale


def dequantize(q, scale):
    """The floating-point weights ``q * scale`` (float64), the scale broadcast over
    the last axis (per channel) or the whole tensor."""
    return np.asarray(q, dtype=np.float64) * np.asarray(scale, dtype=np.float64)


def quantize_model(model, bits=8, *, per_channel=True):
    """A copy of ``model`` whose kernels are replaced by their quantized values.

    Its predictions are those of integer-weight inference: each kernel is
    ``dequantize(*quantize(kernel, bits))``, computed in floating point. (An integer
    engine computes ``(x @ q) * scale`` instead, the same numbers up to rounding,
    since a per-channel scale factors out of each output's sum.) Biases, batch
    normalisation and activations stay floating point.
    """
    _check_model(model)
    bits = _check_bits(bits)
    quantized = copy.deepcopy(model)
    for i in prunable_layers(quantized):
        params = quantized.layers[i].params
        params["kernel"][...] = dequantize(
            *quantize(params["kernel"], bits, per_channel=per_channel)
        )
    return quantized


# --- saving ----------------------------------------------------------------------


def _pack(q, bits):
    """Signed integers ``q`` of ``bits`` bits, packed ``bits`` bits each into
    bytes: each stored as ``q + q_max`` (0 to 2 q_max), its low ``bits`` bits."""
    codes = (q.ravel().astype(np.int16) + 2 ** (bits - 1) - 1).astype(np.uint8)
    fields = np.unpackbits(codes[:, None], axis=1)[:, 8 - bits :]  # (n, bits)
    return np.packbits(fields.ravel())


def _unpack(packed, bits, count):
    """Inverse of :func:`_pack`: ``count`` int8 values."""
    fields = np.unpackbits(packed, count=count * bits).reshape(count, bits)
    codes = np.packbits(np.pad(fields, ((0, 0), (8 - bits, 0))), axis=1)[:, 0]
    return (codes.astype(np.int16) - (2 ** (bits - 1) - 1)).astype(np.int8)


def save_compressed(model, path, *, bits=None, per_channel=True, compress=True):
    """Save ``model`` small, without pickle; returns the path written.

    One ``.npz`` archive of three arrays: ``floats`` (float32: the parameters and
    state of every layer but the kernels, the kernels' scales, and the kernels
    themselves when ``bits`` is None), ``codes`` (bytes: the kernels' integers of
    ``bits`` bits, packed, and their masks) and ``architecture`` (UTF-8 JSON: the
    layers, and where each array lies in the other two). A kernel is stored
    sparse, as a packed bit mask of its non-zero entries (one bit per weight) and
    the non-zero values only, when that takes fewer bytes. Three arrays rather
    than one per parameter: each array of an archive costs about 230 bytes of
    headers, as much as a small layer.

    Parameters
    ----------
    model : Sequential
    path : str or path-like
        ``.npz`` is appended if missing.
    bits : int from 2 to 8 or None, default None
        Quantize the kernels (:func:`quantize`); 4-bit values take half a byte.
    per_channel : bool, default True
        One scale per output channel (with ``bits``).
    compress : bool, default True
        Write with ``np.savez_compressed`` (zlib over the arrays) rather than
        ``np.savez``. Without it the file's size depends only on the model's
        shapes, its number of non-zero weights and ``bits``.
    """
    _check_model(model)
    if bits is not None:
        bits = _check_bits(bits)
    stores = {"floats": [], "codes": []}
    sizes = dict.fromkeys(stores, 0)

    def put(store, array):
        """Append ``array`` to ``store``; return where it lies, [start, stop]."""
        stores[store].append(array.ravel())
        start, sizes[store] = sizes[store], sizes[store] + array.size
        return [start, sizes[store]]

    index = {}
    prunable = set(prunable_layers(model))
    value_bits = 32 if bits is None else bits
    for i, layer in enumerate(model.layers):
        for kind in ("params", "state"):
            for name, array in getattr(layer, kind).items():
                key = f"layers/{i}/{kind}/{name}"
                if not (i in prunable and name == "kernel"):
                    index[key] = {"floats": put("floats", array.astype(np.float32))}
                    continue
                entry = index[key] = {}
                if bits is None:
                    values = array.astype(np.float32)
                else:
                    values, scale = quantize(array, bits, per_channel=per_channel)
                    entry["scale"] = put("floats", scale)
                nonzero = values != 0
                dense_bytes = math.ceil(values.size * value_bits / 8)
                sparse_bytes = math.ceil(values.size / 8) + math.ceil(
                    int(nonzero.sum()) * value_bits / 8
                )
                if sparse_bytes < dense_bytes:
                    entry["mask"] = put("codes", np.packbits(nonzero.ravel()))
                    values = values[nonzero]
                if bits is None:
                    entry["values"] = put("floats", values)
                else:
                    entry["values"] = put("codes", _pack(values, bits))
    config = model.get_config()
    config.pop("compile", None)  # a compressed model is for inference
    config.pop("rng_state", None)
    config.update(format=FORMAT, bits=bits, arrays=index)
    # The JSON as UTF-8 bytes (a NumPy string array would take 4 bytes a character).
    text = json.dumps(config, separators=(",", ":")).encode()
    arrays = {
        "architecture": np.frombuffer(text, dtype=np.uint8),
        "floats": np.concatenate([np.zeros(0, np.float32), *stores["floats"]]),
        "codes": np.concatenate([np.zeros(0, np.uint8), *stores["codes"]]),
    }
    path = os.fspath(path)
    if not path.endswith(".npz"):
        path += ".npz"
    (np.savez_compressed if compress else np.savez)(path, **arrays)
    return path


def load_compressed(path):
    """The model saved by :func:`save_compressed`, its kernels dequantized to
    float64 (not compiled: for ``predict``)."""
    path = os.fspath(path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    try:
        config = json.loads(arrays["architecture"].tobytes().decode())
    except (KeyError, ValueError, UnicodeDecodeError):
        config = {}
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ValueError(f"{path} was not written by save_compressed.")
    bits, index = config["bits"], config["arrays"]
    floats, codes = arrays["floats"], arrays["codes"]

    def part(store, where):
        return (floats if store == "floats" else codes)[where[0] : where[1]]

    model = Sequential(
        [_layer_from_config(entry) for entry in config["layers"]],
        random_state=config["random_state"],
    )
    model.build(tuple(config["input_shape"]))
    for i, layer in enumerate(model.layers):
        for kind in ("params", "state"):
            for name, array in getattr(layer, kind).items():
                entry = index[f"layers/{i}/{kind}/{name}"]
                if "floats" in entry:
                    array[...] = part("floats", entry["floats"]).reshape(array.shape)
                    continue
                nonzero = np.ones(array.size, dtype=bool)
                if "mask" in entry:
                    mask = np.unpackbits(part("codes", entry["mask"]), count=array.size)
                    nonzero = mask.astype(bool)
                if bits is None:
                    values = part("floats", entry["values"])
                else:
                    packed = part("codes", entry["values"])
                    values = _unpack(packed, bits, int(nonzero.sum()))
                full = np.zeros(array.size, dtype=values.dtype)
                full[nonzero] = values
                full = full.reshape(array.shape)
                if bits is not None:
                    full = dequantize(full, part("floats", entry["scale"]))
                array[...] = full
    return model
