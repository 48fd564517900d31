"""Chapter 27's pictures and explorer (scratchlearn.viz.recurrent): the gradient per
step is the backward pass's, every setting is computed once in advance, and every
entry and step of the static explorer shows what a fresh computation gives."""

import numpy as np
import pytest

from scratchlearn.deep.recurrent import LSTM, SimpleRNN
from scratchlearn.viz import recurrent as plots
from scratchlearn.viz.explorer import shown_traces
from tests.deep.test_layers import numerical_gradient

TIMESTEPS = (5, 12)


@pytest.fixture(scope="module")
def trained():
    calls = []
    original = plots.gradient_per_step

    def counted(cell, timesteps, scale, **kwargs):
        calls.append((cell, scale, timesteps))
        return original(cell, timesteps, scale, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plots, "gradient_per_step", counted)
        explorer = plots.explorer(timesteps=TIMESTEPS)
        figure = explorer.static().figure
        explorer.figure(cell="GRU", scale=2.0, timesteps=12)
    return explorer, figure, calls


def test_gradient_per_step_is_the_input_gradient_of_a_last_step_loss():
    norms, kernel_norm = plots.gradient_per_step("SimpleRNN", 4, 1.0, units=3, batch=2)
    # The same computation by finite differences of the loss.
    rng = np.random.default_rng(0)
    layer = SimpleRNN(3)
    layer.build((4, 4), rng)
    X = rng.normal(size=(2, 4, 4))
    R = rng.normal(size=(2, 3))
    numeric = numerical_gradient(lambda: float(np.sum(layer.forward(X) * R)), X)
    expected = np.linalg.norm(numeric, axis=-1).mean(axis=0)
    np.testing.assert_allclose(norms, expected, rtol=1e-6)
    assert kernel_norm > 0


def test_vanishing_and_exploding_gradients_show():
    vanishing, _ = plots.gradient_per_step("SimpleRNN", 50, 0.5)
    exploding, kernel_norm = plots.gradient_per_step("SimpleRNN", 50, 2.0)
    lstm, _ = plots.gradient_per_step("LSTM", 50, 1.0)
    simple, _ = plots.gradient_per_step("SimpleRNN", 50, 1.0)
    assert vanishing[0] < 1e-10 * vanishing[-1]
    assert exploding[0] > 10 * exploding[-1] and kernel_norm > 100
    assert lstm[0] / lstm[-1] > 100 * simple[0] / simple[-1]  # the cell keeps more


def test_every_setting_is_computed_once_in_advance(trained):
    _, _, calls = trained
    expected = {
        (cell, scale, n)
        for cell in plots.CELLS
        for scale in plots.SCALES
        for n in TIMESTEPS
    }
    assert len(calls) == len(set(calls)) == len(expected)
    assert set(calls) == expected


def test_every_static_entry_and_step_shows_its_runs(trained):
    _, figure, _ = trained
    (menu,) = figure.layout.updatemenus
    entries = [(cell, scale) for cell in plots.CELLS for scale in plots.SCALES]
    assert len(menu.buttons) == len(entries)
    for entry, (cell, scale) in enumerate(entries):
        for step, n in enumerate(TIMESTEPS):
            shown = [figure.data[i] for i in shown_traces(figure, entry, step)]
            norms, _ = plots.gradient_per_step(cell, n, scale)
            by_name = {trace.name: np.asarray(trace.y) for trace in shown}
            np.testing.assert_allclose(by_name[cell], norms, rtol=1e-6)
            if cell != "SimpleRNN":
                simple, _ = plots.gradient_per_step("SimpleRNN", n, scale)
                np.testing.assert_allclose(by_name["SimpleRNN"], simple, rtol=1e-6)
            assert len(shown) == (1 if cell == "SimpleRNN" else 2)


def test_the_title_says_what_clipping_does(trained):
    explorer, _, _ = trained
    figure = explorer.figure(cell="SimpleRNN", scale=2.0, timesteps=12)
    _, kernel_norm = plots.gradient_per_step("SimpleRNN", 12, 2.0)
    title = figure.layout.title.text
    assert f"gradient norm {kernel_norm:.3g}" in title
    assert f"scales it by {min(1.0, 1.0 / kernel_norm):.3g}" in title


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
    fig = plots.plot_curves({"ours": {"loss": [1.0, 0.5]}, "Keras": {"loss": [1, 0.4]}})
    assert [line.get_linestyle() for line in fig.axes[0].lines] == ["-", "--"]
    fig = plots.plot_gradient_steps({"a": np.array([1e-3, 1.0])})
    assert fig.axes[0].get_yscale() == "log"
    plt.close("all")
