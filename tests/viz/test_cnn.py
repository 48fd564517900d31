"""Chapter 26's explorer (scratchlearn.viz.cnn): every setting is trained once, in
advance, and both explorers draw those runs and nothing else."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import experiments
from scratchlearn.viz import cnn as cnn_plots
from scratchlearn.viz.explorer import show

EPOCHS = 2


@pytest.fixture(scope="module")
def data():
    X, y = datasets.digit_images()
    return X[:120], y[:120], X[120:180], y[120:180]


@pytest.fixture(scope="module")
def trained(data):
    """The explorer, and the settings it trained."""
    calls = []
    original = experiments.train_small

    def counted(*args, **kwargs):
        calls.append((kwargs["optimizer"], kwargs["learning_rate"]))
        return original(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(experiments, "train_small", counted)
        explorer = cnn_plots.explorer(*data, epochs=EPOCHS)
        # Drawing, live or static, trains nothing more.
        explorer.static()
        explorer.figure(optimizer="RMSprop", learning_rate=0.03)
    return explorer, calls


def curves(figure):
    """{(panel, curve name): y values} of a figure's visible traces."""
    return {
        (trace.xaxis or "x", trace.name): np.asarray(trace.y)
        for trace in figure.data
        if trace.visible is not False
    }


def test_every_setting_is_trained_once_in_advance(trained):
    _, calls = trained
    names = cnn_plots.OPTIMIZERS.values()
    expected = {(name, rate) for name in names for rate in cnn_plots.LEARNING_RATES}
    assert len(calls) == len(set(calls)) == 12
    assert set(calls) == expected


def test_the_live_explorer_offers_exactly_the_static_settings(trained):
    explorer, _ = trained
    pytest.importorskip("ipywidgets")
    widgets = explorer.widgets()
    for control, widget in zip(explorer.controls, widgets, strict=True):
        assert control.live_values is None
        assert [label for label, _ in widget.options] == [
            show(value) for value in control.values
        ]
    for index, _ in enumerate(explorer.controls[-1].values):  # every position maps
        widgets[-1].value = index  # back to a precomputed run
        explorer.figure(**explorer.setting(widgets))


def test_the_static_explorer_draws_every_setting(trained):
    explorer, _ = trained
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == ["0.001", "0.003", "0.01", "0.03"]
    (menu,) = figure.layout.updatemenus
    assert [button.label for button in menu.buttons] == [
        "optimizer = Adam",
        "optimizer = RMSprop",
        "optimizer = SGD + momentum",
    ]
    for button in menu.buttons:
        assert len(button.args[1]["sliders"][0]["steps"]) == 4
    assert {axis for axis, _ in curves(figure)} == {"x", "x2"}


def test_a_setting_draws_its_run_next_to_the_default(trained, data):
    explorer, _ = trained
    figure = explorer.figure(optimizer="SGD + momentum", learning_rate=0.01)
    ours = experiments.train_small(
        *data, epochs=EPOCHS, optimizer="sgd", learning_rate=0.01
    )
    default = experiments.train_small(
        *data, epochs=EPOCHS, optimizer="adam", learning_rate=0.003
    )
    drawn = curves(figure)
    for axis, key in (("x", "loss"), ("x2", "val_accuracy")):
        np.testing.assert_allclose(drawn[axis, "this setting"], ours[key])
        np.testing.assert_allclose(drawn[axis, "default (Adam, 0.003)"], default[key])
    assert f"validation accuracy {ours['val_accuracy'][-1]:.3f}" in (
        figure.layout.title.text
    )
