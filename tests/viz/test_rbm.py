"""Chapter 31's pictures and explorer (scratchlearn.viz.rbm): the filter mosaic by
hand; one menu entry per (hidden units, k) and one slider step per learning rate;
each setting draws the strongest filters and the reconstruction errors of a fresh
machine trained with those settings, and trains once however often it is drawn."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import BernoulliRBM
from scratchlearn.viz import rbm as rbm_plots
from scratchlearn.viz.explorer import shown_traces
from scratchlearn.viz.figures import epoch_curves

N_ITER = 2


@pytest.fixture(scope="module")
def data():
    X = datasets.digits().X / 16.0
    return X[:120], X[120:180]


@pytest.fixture(scope="module")
def explored(data):
    """The static figure, the explorer, and the settings fitted while drawing."""
    fitted = []
    original = BernoulliRBM.fit

    def counted(self, X, y=None):
        fitted.append((self.n_components, self.k, self.learning_rate))
        return original(self, X, y)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BernoulliRBM, "fit", counted)
        explorer = rbm_plots.explorer(*data, n_iter=N_ITER)
        figure = explorer.static().figure
        explorer.figure(n_components=16, k=5, learning_rate=0.6)  # kept: no refit
    return figure, explorer, fitted


def fresh(X, n_components, k, learning_rate):
    """The machine the explorer trains, trained here without the viz module."""
    return BernoulliRBM(
        n_components,
        learning_rate=learning_rate,
        n_iter=N_ITER,
        k=k,
        persistent=False,
        random_state=rbm_plots.SEED,
    ).fit(X)


def test_filter_mosaic_by_hand():
    components = np.array([[1.0, -2.0, 0.5, 0.0], [0.0, 3.0, 0.0, -3.0]])
    mosaic = rbm_plots.filter_mosaic(components, n_columns=2, side=2)
    assert mosaic.shape == (2, 5)
    np.testing.assert_array_equal(mosaic[:, :2], [[0.5, -1.0], [0.25, 0.0]])
    assert np.all(np.isnan(mosaic[:, 2]))
    np.testing.assert_array_equal(mosaic[:, 3:], [[0.0, 1.0], [0.0, -1.0]])
    # Three filters in two columns: a second row, its second place empty.
    three = rbm_plots.filter_mosaic(np.vstack([components, components[:1]]), 2, 2)
    assert three.shape == (5, 5)
    assert np.all(np.isnan(three[3:, 3:]))


def test_strongest_filters_come_first():
    components = np.array([[1.0, 0.0], [0.0, 3.0], [2.0, 0.0], [0.0, 0.1]])
    np.testing.assert_array_equal(rbm_plots.strongest(components, 2), [1, 2])


def test_one_menu_entry_per_size_and_k_and_one_step_per_rate(explored):
    figure, _, _ = explored
    (slider,) = figure.layout.sliders
    assert [s.label for s in slider.steps] == ["0.1", "0.3", "0.6"]
    assert slider.steps[slider.active].label == "0.3"
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == [
        f"hidden units = {n}, k = {k}"
        for n in rbm_plots.HIDDEN_UNITS
        for k in rbm_plots.KS
    ]


def test_every_setting_is_trained_once(explored):
    _, _, fitted = explored
    n_settings = (
        len(rbm_plots.HIDDEN_UNITS) * len(rbm_plots.KS) * len(rbm_plots.LEARNING_RATES)
    )
    assert len(fitted) == len(set(fitted)) == n_settings


@pytest.mark.parametrize("entry", [0, 3, 5])
def test_each_setting_draws_its_own_machine(explored, data, entry):
    figure, _, _ = explored
    X_train, X_val = data
    n_components, k = [(n, k) for n in rbm_plots.HIDDEN_UNITS for k in rbm_plots.KS][
        entry
    ]
    default = fresh(X_train, **rbm_plots.DEFAULT)
    steps = figure.layout.updatemenus[0].buttons[entry].args[1]["sliders"][0]["steps"]
    for step, rate in enumerate(rbm_plots.LEARNING_RATES):
        expected = fresh(X_train, n_components, k, rate)
        traces = [figure.data[i] for i in shown_traces(figure, entry, step)]
        (heatmap,) = [t for t in traces if t.type == "heatmap"]
        lines = {t.name: t.y for t in traces if t.type == "scatter"}
        strongest = expected.components_[rbm_plots.strongest(expected.components_, 16)]
        mosaic = np.nan_to_num(100 * rbm_plots.filter_mosaic(strongest, 4))[::-1]
        np.testing.assert_allclose(heatmap.z, np.round(mosaic), atol=1)
        np.testing.assert_allclose(
            lines["this setting"], expected.reconstruction_errors_, rtol=1e-3
        )
        np.testing.assert_allclose(
            lines["default"], default.reconstruction_errors_, rtol=1e-3
        )
        validation = np.mean((X_val - expected.reconstruct(X_val)) ** 2)
        title = steps[step]["args"][1]["title.text"]
        assert title.startswith(f"{n_components} hidden units, CD-{k}, ")
        assert f"{validation:.4f} (validation)" in title


def test_figures_draw_what_they_are_given(data):
    X_train, _ = data
    rbm = fresh(X_train, 20, 1, 0.1)
    figure = rbm_plots.plot_filters(rbm.components_, n_columns=5, title="filters")
    (image,) = figure.axes[0].get_images()
    assert image.get_array().shape == (4 * 9 - 1, 5 * 9 - 1)
    rows = {"after epoch 2": rbm.reconstruct(X_train[:6])}
    figure = rbm_plots.plot_reconstructions(X_train[:6], rows)
    assert len(figure.axes) == 12
    error = np.mean((X_train[:6] - rows["after epoch 2"]) ** 2)
    assert f"MSE {error:.4f}" in figure.axes[6].get_ylabel()
    figure = epoch_curves(
        {"CD-1": rbm.reconstruction_errors_}, ylabel="MSE", reference=(0.01, "floor")
    )
    floor, line = figure.axes[0].get_lines()
    np.testing.assert_array_equal(line.get_ydata(), rbm.reconstruction_errors_)
    np.testing.assert_array_equal(floor.get_ydata(), [0.01, 0.01])
