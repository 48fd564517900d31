"""The appendix's compression explorer (scratchlearn.viz.compression): every static
setting is drawn, and each setting draws the histograms, accuracy and size of the
network pruned and quantized as it says, fine-tuned where a fine-tuned model is
given."""

import os

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import (
    Adam,
    Dense,
    Sequential,
    SparseCategoricalCrossentropy,
    digits_cnn,
    magnitude_masks,
    prune,
    quantize_model,
    save_compressed,
)
from scratchlearn.deep.compression import prunable_layers
from scratchlearn.viz import compression as plots
from scratchlearn.viz.explorer import shown_traces
from scratchlearn.viz.figures import COLOURS

START = {"network": "MLP", "scope": "layer", "scales": "per channel", "bits": 8}


@pytest.fixture(scope="module")
def networks():
    """A small MLP trained briefly on flat digits, and an untrained CNN."""
    digits = datasets.digits()
    X, y = digits.X[:300] / 16.0, digits.y[:300]
    mlp = Sequential([Dense(16, activation="relu"), Dense(10)], random_state=0)
    mlp.compile(Adam(0.01), SparseCategoricalCrossentropy(from_logits=True))
    mlp.fit(X[:200], y[:200], epochs=3, batch_size=32, verbose=0)
    images = datasets.digit_images()
    cnn = digits_cnn(random_state=0).build((8, 8, 1))
    return {
        "MLP": (mlp, X[200:], y[200:]),
        "CNN": (cnn, images.X[200:300], images.y[200:300]),
    }


def _kernels(model):
    return np.concatenate(
        [model.layers[i].params["kernel"].ravel() for i in prunable_layers(model)]
    )


def _accuracy(model, X, y):
    return np.mean(model.predict(X).argmax(axis=1) == y)


def test_the_static_explorer_draws_every_setting(networks):
    explorer = plots.explorer(networks)
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    labels = ["0", "0.5", "0.7", "0.8", "0.9", "0.95"]
    assert [step.label for step in slider.steps] == labels
    (menu,) = figure.layout.updatemenus
    assert len(menu.buttons) == 2 * 2 * 4  # network, scope, bits; scales: per channel
    assert menu.buttons[0].label == "network = MLP, scope = global, bits = 32"
    for entry in range(len(menu.buttons)):
        for step in range(len(slider.steps)):
            shown = [figure.data[i] for i in shown_traces(figure, entry, step)]
            # Kept and pruned on the left, the stored weights on the right.
            assert [trace.name for trace in shown] == ["kept", "pruned", "stored"]
            assert [trace.xaxis for trace in shown] == ["x", "x", "x2"]
    # Opened at MLP, global, 8 bits, 80%.
    assert figure.layout.title.text.startswith("MLP, 80% pruned (global, not fine")


@pytest.mark.parametrize("network", ["MLP", "CNN"])
def test_a_setting_draws_its_pruned_and_quantized_network(networks, network):
    model, X, y = networks[network]
    # Per tensor, 6 bits and 85% are offered by the live explorer only.
    setting = {**START, "network": network, "scales": "per tensor", "bits": 6}
    figure = plots.explorer(networks).figure(**setting, sparsity=0.85)
    kept, pruned, stored = figure.data
    pruned_model = prune(model, magnitude_masks(model, 0.85, "layer"))
    small = quantize_model(pruned_model, 6, per_channel=False)
    weights, mask = _kernels(model), _kernels(pruned_model) != 0
    edges = np.linspace(-1, 1, plots.N_BINS + 1) * np.abs(weights).max()
    np.testing.assert_array_equal(kept.y, np.histogram(weights[mask], edges)[0])
    np.testing.assert_array_equal(pruned.y, np.histogram(weights[~mask], edges)[0])
    # The float32 scale can put the largest weights a hair outside the bins: clipped.
    values = np.clip(_kernels(small), edges[0], edges[-1])
    np.testing.assert_array_equal(stored.y, np.histogram(values[values != 0], edges)[0])
    # Per layer, each kernel keeps its own exact share.
    for i in prunable_layers(model):
        kernel = pruned_model.layers[i].params["kernel"]
        assert np.sum(kernel == 0) == round(0.85 * kernel.size)
    assert sum(pruned.y) == sum(
        round(0.85 * model.layers[i].params["kernel"].size)
        for i in prunable_layers(model)
    )
    assert kept.x0 == pytest.approx(edges[0] + (edges[1] - edges[0]) / 2)
    assert (kept.marker.color, stored.marker.color) == (COLOURS[0], COLOURS[1])
    title = figure.layout.title.text
    assert title.startswith(f"{network}, 85% pruned (layer, not fine-tuned), 6 bits")
    assert f"test accuracy {_accuracy(small, X, y):.3f}" in title
    assert f"{plots.stored_kb(pruned_model, 6, per_channel=False):.1f} kB" in title


def test_a_fine_tuned_model_is_drawn_where_given(networks):
    model, X, y = networks["MLP"]
    # A stand-in for a fine-tuned model: pruned, its survivors then changed.
    tuned = prune(model, magnitude_masks(model, 0.5, "global"))
    for i in prunable_layers(tuned):
        tuned.layers[i].params["kernel"] *= 2.0
    explorer = plots.explorer(networks, tuned={("MLP", "global", 0.5): tuned})
    setting = {**START, "scope": "global", "bits": 32}
    figure = explorer.figure(**setting, sparsity=0.5)
    _, pruned, stored = figure.data
    weights, mask = _kernels(model), _kernels(tuned) != 0
    edges = np.linspace(-1, 1, plots.N_BINS + 1) * np.abs(weights).max()
    np.testing.assert_array_equal(pruned.y, np.histogram(weights[~mask], edges)[0])
    values = np.clip(_kernels(tuned), edges[0], edges[-1])  # float32: as trained
    np.testing.assert_array_equal(stored.y, np.histogram(values[values != 0], edges)[0])
    title = figure.layout.title.text
    assert title.startswith("MLP, 50% pruned (global, fine-tuned), float32")
    assert f"test accuracy {_accuracy(tuned, X, y):.3f}" in title
    # Elsewhere, the same network is pruned alone.
    other = explorer.figure(**{**setting, "scope": "layer"}, sparsity=0.5)
    assert "(layer, not fine-tuned)" in other.layout.title.text


def test_the_size_is_that_of_the_saved_file(networks, tmp_path):
    model = networks["MLP"][0]
    path = save_compressed(model, tmp_path / "model", bits=4, compress=False)
    assert plots.stored_kb(model, 4) == os.path.getsize(path) / 1000
    path = save_compressed(model, tmp_path / "float", compress=False)
    assert plots.stored_kb(model) == os.path.getsize(path) / 1000
