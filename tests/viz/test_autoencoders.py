"""Chapter 29's figures and explorer (scratchlearn.viz.autoencoders): digits laid
side by side, codes on a plane, the decoder's grid, and an explorer that trains each
(latent size, noise) once and draws its reconstructions and latent map."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import experiments
from scratchlearn.deep.autoencoder import corrupt, dense_autoencoder
from scratchlearn.viz import autoencoders as ae_plots
from scratchlearn.viz.explorer import shown_traces
from scratchlearn.viz.figures import digit_rows, epoch_curves

EPOCHS = 1


@pytest.fixture(scope="module")
def data():
    X, y = datasets.digits()
    X = X / 16.0
    return X[:150], X[150:250], y[150:250]


@pytest.fixture(scope="module")
def trained(data):
    """The explorer with its static figure drawn, and the settings it trained."""
    calls = []
    original = experiments.train_setting

    def counted(X_train, latent_dim, noise, **kwargs):
        calls.append((latent_dim, noise))
        return original(X_train, latent_dim, noise, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(experiments, "train_setting", counted)
        explorer = ae_plots.explorer(*data, n_shown=4, n_points=60, epochs=EPOCHS)
        figure = explorer.static().figure
        explorer.figure(latent_dim=8, noise=0.4)  # the live explorer: kept runs
    return explorer, figure, calls


def test_mosaic_lays_digits_side_by_side_with_blank_gaps():
    digits = np.stack([np.full(64, 0.25), np.full(64, 0.5), np.full(64, 2.0)])
    laid = ae_plots.mosaic(digits)
    assert laid.shape == (8, 3 * 8 + 2)
    np.testing.assert_array_equal(laid[:, :8], 0.25)
    np.testing.assert_array_equal(laid[:, 8], 0.0)  # the gap
    np.testing.assert_array_equal(laid[:, 9:17], 0.5)
    np.testing.assert_array_equal(laid[:, 18:], 1.0)  # clipped to [0, 1]
    one = np.arange(64.0).reshape(1, 64) / 64
    np.testing.assert_array_equal(ae_plots.mosaic(one), one.reshape(8, 8))


def test_still_figures_draw(data):
    X_train, X_test, y_test = data
    model = dense_autoencoder(latent_dim=2, random_state=0)
    model.fit(X_train, epochs=1)
    codes = model.encode(X_test)
    for fig in (
        digit_rows({"clean": X_test[:5], "rebuilt": model.reconstruct(X_test[:5])}),
        ae_plots.plot_decoded_grid(model, codes, y_test, n=4),
        epoch_curves({"ours": [0.1, 0.05], "Keras": [0.1, 0.06]}, ylabel="MSE"),
    ):
        assert fig.axes
        plt.close(fig)
    ax = ae_plots.plot_latent_map(codes, y_test)
    assert len(ax.collections) == 10  # one group of dots per digit
    plt.close(ax.figure)


def test_every_setting_is_trained_once(trained):
    _, _, calls = trained
    expected = {(k, s) for k in ae_plots.LATENT_DIMS for s in ae_plots.NOISES}
    assert len(calls) == len(set(calls)) == len(expected)
    assert set(calls) == expected


def test_the_static_explorer_offers_latent_sizes_and_noise_levels(trained):
    _, figure, _ = trained
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == ["0", "0.2", "0.4", "0.6"]
    (menu,) = figure.layout.updatemenus
    assert [button.label for button in menu.buttons] == [
        f"latent size = {k}" for k in ae_plots.LATENT_DIMS
    ]


@pytest.mark.parametrize("entry, step", [(0, 0), (1, 2), (2, 3)])
def test_a_setting_shows_its_own_reconstructions_and_codes(trained, data, entry, step):
    explorer, figure, _ = trained
    X_train, X_test, y_test = data
    latent_dim, noise = ae_plots.LATENT_DIMS[entry], ae_plots.NOISES[step]
    shown = [figure.data[i] for i in shown_traces(figure, entry, step)]
    heatmaps = [t for t in shown if t.type == "heatmap"]
    legend = [t for t in shown if t.type == "scatter" and t.showlegend is not False]
    (dots,) = [t for t in shown if t.type == "scatter" and t.showlegend is False]
    assert len(heatmaps) == 2
    assert [t.name for t in legend] == [str(d) for d in range(10)]
    # The same model, trained again, rebuilds the same noisy digits (in percents).
    model = experiments.train_setting(X_train, latent_dim, noise, epochs=EPOCHS)
    noisy = corrupt(X_test, noise, np.random.default_rng(1))
    rebuilt = ae_plots.mosaic(model.reconstruct(noisy[:4]))
    np.testing.assert_allclose(np.asarray(heatmaps[1].z) / 100, rebuilt, atol=0.005)
    np.testing.assert_allclose(
        np.asarray(heatmaps[0].z)[9:17] / 100, ae_plots.mosaic(noisy[:4]), atol=0.005
    )
    codes = experiments.to_2d(model.encode(X_test[:60]))
    np.testing.assert_allclose(dots.x, codes[:, 0], atol=6e-4)
    np.testing.assert_allclose(dots.y, codes[:, 1], atol=6e-4)
    np.testing.assert_array_equal(dots.marker.color, y_test[:60])
    # Each digit's dots in its legend colour.
    scale = dict((round(p * 10, 6), c) for p, c in dots.marker.colorscale[::2])
    assert [scale[d] for d in range(10)] == [t.marker.color for t in legend]
    title = explorer.view(latent_dim=latent_dim, noise=noise).title
    assert f"{model.evaluate(X_test):.4f} on clean digits" in title
    assert f"latent size {latent_dim}, noise {noise:g}" in title


def test_the_live_explorer_offers_the_static_settings(trained):
    explorer, _, _ = trained
    pytest.importorskip("ipywidgets")
    widgets = explorer.widgets()
    assert [label for label, _ in widgets[0].options] == ["2", "8", "32"]
    assert explorer.setting(widgets) == {"latent_dim": 2, "noise": 0.2}
