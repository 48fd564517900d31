"""The explorer of the appendix on model compression: a trained network pruned by
magnitude and quantized, its weights before and as stored, its accuracy and size."""

import os
import tempfile

import numpy as np

from scratchlearn import deep
from scratchlearn.deep.compression import prunable_layers
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, REFERENCE_COLOUR

SPARSITIES = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95)
LIVE_SPARSITIES = [i / 20 for i in range(20)]  # 0% to 95%
N_BINS = 80


def kernel_weights(model):
    """Every kernel weight of ``model`` (its Dense and Conv2D layers), flat."""
    kernels = [model.layers[i].params["kernel"] for i in prunable_layers(model)]
    return np.concatenate([kernel.ravel() for kernel in kernels])


def stored_kb(model, bits=32, per_channel=True):
    """The size in kB of ``model`` saved by ``save_compressed`` with ``bits`` per
    kernel value (32: float32), without zlib: the same on every machine."""
    with tempfile.TemporaryDirectory() as folder:
        options = {"bits": None if bits == 32 else bits, "compress": False}
        options["per_channel"] = per_channel
        path = deep.save_compressed(model, os.path.join(folder, "m"), **options)
        return os.path.getsize(path) / 1000


def _bars(weights, edges, name, colour, panel):
    """The histogram of ``weights`` over the bins ``edges``, in ``panel``."""
    import plotly.graph_objects as go

    width = float(edges[1] - edges[0])
    counts = np.histogram(weights, edges)[0].tolist()  # short in JSON: "0,3,12"
    start = float(edges[0]) + width / 2
    return go.Bar(y=counts, x0=start, dx=width, name=name, marker_color=colour), panel


def explorer(networks, tuned=None):
    """Prune by magnitude and quantize the trained ``networks``, ``{name: (model,
    X_test, y_test)}``. ``tuned``, ``{(name, scope, sparsity): model}``, holds pruned
    models already fine-tuned; other settings are pruned alone (fine-tuning is too
    slow to be live)."""

    float_kb = {name: stored_kb(model) for name, (model, *_) in networks.items()}

    def draw(network, scope, scales, bits, sparsity):
        model, X_test, y_test = networks[network]
        pruned = (tuned or {}).get((network, scope, sparsity))
        tuning = "fine-tuned" if pruned is not None else "not fine-tuned"
        if pruned is None:
            pruned = deep.prune(model, deep.magnitude_masks(model, sparsity, scope))
        stored, per_channel = pruned, scales == "per channel"
        if bits != 32:
            stored = deep.quantize_model(pruned, bits, per_channel=per_channel)
        weights, kept = kernel_weights(model), kernel_weights(pruned) != 0
        edges = np.linspace(-1, 1, N_BINS + 1) * np.abs(weights).max()
        values = np.clip(kernel_weights(stored), edges[0], edges[-1])
        accuracy = np.mean(stored.predict(X_test).argmax(axis=1) == y_test)
        parts = [
            (weights[kept], "kept", COLOURS[0], 1),
            (weights[~kept], "pruned", REFERENCE_COLOUR, 1),
            (values[values != 0], "stored", COLOURS[1], 2),
        ]
        kind = "float32" if bits == 32 else f"{bits} bits {scales}"
        size = stored_kb(pruned, bits, per_channel)
        return View(
            [_bars(w, edges, *rest) for w, *rest in parts],
            title=f"{network}, {sparsity:.0%} pruned ({scope}, {tuning}), {kind}:<br>"
            f"test accuracy {accuracy:.3f}, {size:.1f} kB "
            f"(float32 unpruned: {float_kb[network]:.1f} kB)",
        )

    controls = [
        Control("network", list(networks)),
        Control("scope", ["global", "layer"]),
        Control("scales", ["per channel"], live_values=["per channel", "per tensor"]),
        Control("bits", [32, 8, 4, 2], live_values=[32, 8, 6, 4, 2], start=8),
        Control("sparsity", SPARSITIES, live_values=LIVE_SPARSITIES, start=0.8),
    ]
    return Explorer(
        controls,
        draw,
        name="compression-explorer",
        panels=(1, 2),
        subplot_titles=("trained weights: kept, pruned", "non-zero weights as stored"),
        layout={"barmode": "stack", "bargap": 0},
        axis_titles=[("weight", "count"), ("weight", None)],
        description="Histograms of a network's kernel weights, kept and pruned by "
        "magnitude, and as stored after quantization, with the test accuracy and size",
    )
