"""Chapter 27's pictures and explorer (scratchlearn.viz.recurrent): the gradient per
step is the backward pass's, each step's share of the recurrent kernel's gradient
adds up to it, clipping scales the shares as the optimizer's ``clipnorm`` scales the
gradient, every static setting is computed once in advance, and every entry and
step of the static explorer shows what a fresh computation gives."""

import itertools

import numpy as np
import pytest

from scratchlearn.deep import experiments
from scratchlearn.deep.recurrent import LSTM, SimpleRNN
from scratchlearn.viz import recurrent as plots
from scratchlearn.viz.explorer import shown_traces
from scratchlearn.viz.figures import epoch_curves

TIMESTEPS = (5, 12)
UNITS = (3, 6)


@pytest.fixture(scope="module")
def built():
    calls = []
    original = experiments.clipped_shares

    def counted(cell, timesteps, scale, units, clipnorm):
        calls.append((cell, timesteps, scale, units, clipnorm))
        return original(cell, timesteps, scale, units, clipnorm)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plots, "clipped_shares", counted)
        explorer = plots.explorer(units=UNITS, timesteps=TIMESTEPS)
        figure = explorer.static().figure
        explorer.figure(cell="GRU", units=6, scale=2.0, clipnorm=1.0, timesteps=12)
        explorer.figure(cell="GRU", units=16, scale=0.5, clipnorm=None, timesteps=200)
    return explorer, figure, calls


@pytest.mark.parametrize("cell", list(experiments.CELLS))
def test_each_steps_share_is_its_term_of_the_recurrent_kernels_gradient(cell):
    """The shares are the norms of terms that add up to the layer's gradient; for
    the SimpleRNN each term is h_{t-1}^T dL/da_t, computed here from the states."""
    grad_X, shares, gradient = experiments.backpropagate(cell, 6, 1.0, units=3, batch=2)
    rng = np.random.default_rng(0)  # the same draws as backpropagate's
    layer = experiments.CELLS[cell](3)
    layer.build((6, 4), rng)
    X = rng.normal(size=(2, 6, 4))
    R = rng.normal(size=(2, 3))
    layer.forward(X, training=True)
    np.testing.assert_allclose(layer.backward(R), grad_X)
    np.testing.assert_allclose(gradient, layer.grads["recurrent_kernel"])
    assert shares.shape == (6,) and shares[0] == 0  # h_0 = 0
    assert np.all(shares[1:] > 0)
    # Triangle inequality: the sum of the shares' norms bounds the total's.
    assert np.linalg.norm(gradient) <= shares.sum() * (1 + 1e-12)
    if cell == "SimpleRNN":
        rng = np.random.default_rng(0)
        layer = SimpleRNN(3, return_sequences=True)
        layer.build((6, 4), rng)
        X = rng.normal(size=(2, 6, 4))
        R = rng.normal(size=(2, 3))
        H = layer.forward(X)  # (batch, timesteps, units)
        U = layer.params["recurrent_kernel"]
        d_h = np.zeros((2, 3))
        expected = np.zeros(6)
        for t in reversed(range(6)):
            d_h = d_h + (R if t == 5 else 0)
            d_a = d_h * (1 - H[:, t] ** 2)  # (batch, units)
            previous = H[:, t - 1] if t else np.zeros((2, 3))
            expected[t] = np.linalg.norm(previous.T @ d_a)
            d_h = d_a @ U.T
        np.testing.assert_allclose(shares, expected, rtol=1e-10, atol=1e-14)


def test_every_static_setting_is_computed_once_in_advance_and_live_ones_on_demand(
    built,
):
    _, _, calls = built
    static = {
        (cell, n, scale, units, clip)
        for cell, units, scale, clip, n in itertools.product(
            experiments.CELLS, UNITS, plots.SCALES, plots.CLIPNORMS, TIMESTEPS
        )
    }
    live = [("GRU", 200, 0.5, 16, None)]  # outside the static grid
    assert len(calls) == len(set(calls)) == len(static) + 1
    assert set(calls) == static | set(live)


def test_every_static_entry_and_step_shows_its_runs(built):
    _, figure, _ = built
    (menu,) = figure.layout.updatemenus
    entries = list(
        itertools.product(experiments.CELLS, UNITS, plots.SCALES, plots.CLIPNORMS)
    )
    assert len(menu.buttons) == len(entries)
    for entry, (cell, units, scale, clip) in enumerate(entries):
        for step, n in enumerate(TIMESTEPS):
            shown = [figure.data[i] for i in shown_traces(figure, entry, step)]
            shares, clipped, _ = experiments.clipped_shares(cell, n, scale, units, clip)
            by_name = {trace.name: np.asarray(trace.y) for trace in shown}
            np.testing.assert_allclose(by_name[cell], clipped[1:], rtol=1e-6)
            np.testing.assert_array_equal(shown[-1].x, np.arange(2, n + 1))
            if clip is None:
                assert len(shown) == 1
            else:
                assert len(shown) == 2
                np.testing.assert_allclose(
                    by_name["before clipping"], shares[1:], rtol=1e-6
                )


def test_the_title_says_what_clipping_does(built):
    explorer, _, _ = built
    figure = explorer.figure(
        cell="SimpleRNN", units=6, scale=2.0, clipnorm=1.0, timesteps=12
    )
    shares, _, norm = experiments.clipped_shares("SimpleRNN", 12, 2.0, 6, 1.0)
    title = figure.layout.title.text
    assert f"gradient norm {norm:.3g}" in title
    assert f"scales every share by {min(1.0, 1.0 / norm):.3g}" in title
    assert f"{shares[1] / shares[-1]:.2g} times the last's" in title
    figure = explorer.figure(
        cell="SimpleRNN", units=6, scale=2.0, clipnorm=None, timesteps=12
    )
    assert figure.layout.title.text.endswith("no clipping")


def test_the_live_explorer_offers_the_issues_controls(built):
    explorer, _, _ = built
    widgets = explorer.widgets()
    labels = [widget.description for widget in widgets]
    assert labels == [
        "cell",
        "units",
        "recurrent kernel scale",
        "clipnorm",
        "sequence length",
    ]
    options = {w.description: [label for label, _ in w.options] for w in widgets}
    assert options["units"] == ["4", "8", "16", "32", "64"]
    assert options["clipnorm"] == ["None", "1"]
    assert "200" in options["sequence length"]


def test_still_figures_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    layer = LSTM(5, return_sequences=True)
    layer.build((8, 8), np.random.default_rng(0))
    image = np.random.default_rng(1).random((8, 8))
    states = layer.forward(image[None])[0]
    fig = plots.plot_reading(image, states, title="a digit")
    assert len(fig.axes) == 3  # image, states, colour bar
    fig = epoch_curves({"ours": [1.0, 0.5], "Keras": [1, 0.4]}, ylabel="loss", log=True)
    assert [line.get_label() for line in fig.axes[0].lines] == ["ours", "Keras"]
    assert fig.axes[0].get_yscale() == "log"
    fig = plots.plot_gradient_steps({"a": np.array([1e-3, 1.0])})
    assert fig.axes[0].get_yscale() == "log"
    years = np.arange(1700, 1720)
    values = np.abs(np.sin(years / 2.0)) * 100
    fig = plots.plot_parts(years, values, {"train": 1700, "validation": 1710})
    assert len(fig.axes[0].patches) == 2  # one shaded span per part
    fig = plots.plot_forecasts(years, values, {"persistence": values, "AR": values})
    assert [line.get_label() for line in fig.axes[0].lines] == [
        "observed",
        "persistence",
        "AR",
    ]
    assert fig.axes[0].lines[1].get_linestyle() == "--"
    plt.close("all")
