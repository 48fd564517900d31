"""Chapter 30's figures and explorer (scratchlearn.viz.gan): every setting is
trained once, in advance; both explorers draw those runs and nothing else; the
figures draw what they are given."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import experiments
from scratchlearn.viz import gan as gan_plots
from scratchlearn.viz.explorer import shown_traces

EPOCHS = (1, 2)
DIMS = (2, 4)
RATES = (0.001, 0.003)


@pytest.fixture(scope="module")
def trained():
    X = datasets.digits().X[:96] / 8 - 1  # (96, 64) in [-1, 1]
    calls = []
    original = experiments.train_small_gan

    def counted(X, dim, rate, **kwargs):
        calls.append((dim, rate))
        return original(X, dim, rate, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(experiments, "train_small_gan", counted)
        explorer = gan_plots.explorer(
            X, epochs=EPOCHS, latent_dims=DIMS, learning_rates=RATES
        )
        static = explorer.static()
        explorer.figure(latent_dim=4, learning_rate=0.001, epochs=1)
    return explorer, static, calls


def test_every_setting_is_trained_once_in_advance(trained):
    _, _, calls = trained
    assert sorted(calls) == sorted((d, r) for d in DIMS for r in RATES)


def test_the_static_explorer_shows_the_samples_and_losses_of_each_setting(trained):
    explorer, static, _ = trained
    data = static.figure.data
    # Opening: the controls' first values (the middle ones) at the last epoch.
    shown = [data[i] for i in shown_traces(static.figure)]
    heatmaps = [t for t in shown if t.type == "heatmap"]
    assert len(heatmaps) == 1
    opening = {c.name: c.first for c in explorer.controls}
    assert opening == {"latent_dim": 4, "learning_rate": 0.003, "epochs": 2}
    expected = explorer.figure(**opening)
    np.testing.assert_array_equal(
        np.asarray(heatmaps[0].z, dtype=float), np.asarray(expected.data[0].z)
    )
    # Two losses of two epochs each, in the second panel.
    lines = [t for t in shown if t.type == "scatter"]
    assert sorted(t.name for t in lines) == ["discriminator", "generator"]
    assert all(len(t.y) == 2 and t.xaxis == "x2" for t in lines)
    # The first slider step (epoch 1): another grid and one-point curves.
    after_one = [data[i] for i in shown_traces(static.figure, None, 0)]
    assert all(len(t.y) == 1 for t in after_one if t.type == "scatter")
    grid = next(t for t in after_one if t.type == "heatmap")
    assert not np.array_equal(np.asarray(grid.z), np.asarray(heatmaps[0].z))


def test_mosaic_tiles_images_with_blank_gaps():
    images = np.arange(3 * 64).reshape(3, 64)
    tiled = gan_plots.mosaic(images, n_columns=2)
    assert tiled.shape == (17, 17)
    np.testing.assert_array_equal(tiled[:8, :8], images[0].reshape(8, 8))
    np.testing.assert_array_equal(tiled[9:, :8], images[2].reshape(8, 8))
    assert np.isnan(tiled[8]).all() and np.isnan(tiled[9:, 9:]).all()


def test_figures_draw_what_they_are_given():
    rng = np.random.default_rng(0)
    history = {
        "d_loss": [1.2, 1.1, 1.0],
        "g_loss": [0.9, 1.0, 1.1],
        "d_real": [0.6, 0.55, 0.5],
        "d_fake": [0.3, 0.4, 0.45],
    }
    fig = gan_plots.plot_history(history)
    lines = fig.axes[0].get_lines()
    np.testing.assert_array_equal(lines[0].get_ydata(), history["d_loss"])
    samples = [rng.uniform(-1, 1, size=(12, 64)) for _ in range(3)]
    fig = gan_plots.plot_samples_per_epoch(samples, [1, 3], n_shown=5)
    assert len(fig.axes) == 10
    shown = fig.axes[5].get_images()[0].get_array()  # epoch 3, first sample
    np.testing.assert_allclose(shown, (samples[2][0].reshape(8, 8) + 1) / 2)
    fig = gan_plots.plot_class_shares(np.full(10, 0.1), np.full(10, 0.1))
    assert len(fig.axes[0].patches) == 20
