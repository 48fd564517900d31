"""Chapter 33's explorer and pictures (scratchlearn.viz.neuroevolution): one menu
entry per population size and one slider step per sigma; every setting draws the
validation-accuracy and fitness curves of a fresh evolution-strategy run with those
settings, and says its best accuracy and how many networks it scored; the ES-step
picture's toy function and its gradient agree, and the pictures draw."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.evolutionary import Neuroevolution, experiments
from scratchlearn.evolutionary.neuroevolution import digits_network
from scratchlearn.viz import neuroevolution as ne_plots
from scratchlearn.viz.explorer import shown_traces

GENERATIONS = 10  # the tests' runs are shorter than the chapter's


@pytest.fixture(scope="module")
def data():
    X, y = datasets.digits()
    s = datasets.split(X / 16, y, test_size=0.25, val_size=0.15, random_state=0)
    return s.X_train[:300], s.y_train[:300], s.X_val, s.y_val


@pytest.fixture(scope="module")
def figure(data):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(experiments, "ES_GENERATIONS", GENERATIONS)  # the runs
        patch.setattr(ne_plots, "ES_GENERATIONS", GENERATIONS)  # the axes
        return ne_plots.explorer(*data).static().figure


def fresh_run(data, population_size, sigma):
    """The explorer's run written out without the viz module."""
    X_train, y_train, X_val, y_val = data
    return Neuroevolution(
        population_size,
        sigma=sigma,
        batch_size=experiments.BATCH_SIZE,
        max_generations=GENERATIONS,
        validation_every=experiments.VALIDATION_EVERY,
        random_state=experiments.SEED,
    ).evolve(
        digits_network(random_state=experiments.SEED),
        X_train,
        y_train,
        validation_data=(X_val, y_val),
    )


def test_one_menu_entry_per_population_and_one_slider_step_per_sigma(figure):
    (slider,) = figure.layout.sliders
    assert [s.label for s in slider.steps] == [f"{s:g}" for s in ne_plots.SIGMAS]
    assert slider.steps[slider.active].label == "0.05"
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == [
        f"population = {p}" for p in ne_plots.POPULATION_SIZES
    ]
    assert menu.buttons[menu.active].label == "population = 100"


@pytest.mark.parametrize("entry", range(len(ne_plots.POPULATION_SIZES)))
def test_each_setting_draws_its_own_run(figure, data, entry):
    population_size = ne_plots.POPULATION_SIZES[entry]
    steps = figure.layout.updatemenus[0].buttons[entry].args[1]["sliders"][0]["steps"]
    for step, sigma in enumerate(ne_plots.SIGMAS):
        expected = fresh_run(data, population_size, sigma)
        traces = {
            figure.data[i].name: figure.data[i]
            for i in shown_traces(figure, entry, step)
        }
        assert set(traces) == {"validation accuracy", "training fitness"}
        history = expected.history_
        for name, key in (
            ("validation accuracy", "val_accuracy"),
            ("training fitness", "fitness"),
        ):
            np.testing.assert_array_equal(traces[name].x, history["generation"])
            np.testing.assert_allclose(traces[name].y, history[key], atol=1e-4)
        title = steps[step]["args"][1]["title.text"]
        assert f"generation {expected.best_generation_}," in title
        assert f"validation accuracy {expected.best_val_accuracy_:.3f}" in title
        assert f"{expected.n_evaluations_:,} networks scored" in title
        assert expected.n_evaluations_ == population_size * GENERATIONS


def test_the_pictures_draw():
    _, ax = plt.subplots()
    ne_plots.plot_es_step(ax)
    assert len(ax.collections) >= 2  # the contours and the perturbed points
    _, axes = plt.subplots(2, 16)
    models = [digits_network(random_state=0), digits_network(random_state=1)]
    ne_plots.plot_first_layer(models, ["a", "b"], axes)
    np.testing.assert_allclose(
        axes[1, 3].images[0].get_array(),
        models[1].get_weights()[0][:, 3].reshape(8, 8),
    )
    _, ax = plt.subplots()
    ne_plots.plot_accuracy_curves(ax, {"ES": ([1, 2], [0.5, 0.9])})
    assert [line.get_label() for line in ax.lines] == ["ES"]
    plt.close("all")
