"""Chapter 32's explorer and pictures (scratchlearn.viz.genetic_algorithm): one
slider step per mutation rate and one menu entry per population size; each setting
draws the fitness curves of a fresh run with those settings, and record strings
whose colours say which characters are right; live-only settings draw too."""

import numpy as np
import pytest

from scratchlearn.evolutionary import GeneticAlgorithm, experiments
from scratchlearn.evolutionary.genetic import LETTERS, string_fitness
from scratchlearn.viz import genetic_algorithm as ga_plots
from scratchlearn.viz.explorer import shown_traces

TARGET = experiments.TARGET


@pytest.fixture(scope="module")
def figure():
    return ga_plots.explorer().static().figure


def fresh_run(population_size, mutation_rate):
    """The same run as the explorer's, written out without the viz module."""
    ga = GeneticAlgorithm(
        population_size,
        mutation_rate=mutation_rate,
        max_generations=experiments.MAX_GENERATIONS,
        random_state=experiments.SEED,
    )
    return ga.evolve(string_fitness(TARGET), 17, len(LETTERS), target_fitness=17)


def test_one_slider_step_per_rate_and_one_menu_entry_per_population(figure):
    (slider,) = figure.layout.sliders
    assert [s.label for s in slider.steps] == [
        f"{r:g}" for r in ga_plots.MUTATION_RATES
    ]
    assert slider.steps[slider.active].label == "0.05"
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == [
        f"population = {p}" for p in ga_plots.POPULATION_SIZES
    ]
    assert menu.buttons[menu.active].label == "population = 100"


@pytest.mark.parametrize("entry", range(len(ga_plots.POPULATION_SIZES)))
def test_each_setting_draws_its_own_run(figure, entry):
    population_size = ga_plots.POPULATION_SIZES[entry]
    steps = figure.layout.updatemenus[0].buttons[entry].args[1]["sliders"][0]["steps"]
    for step, rate in enumerate(ga_plots.MUTATION_RATES):
        expected = fresh_run(population_size, rate)
        traces = [figure.data[i] for i in shown_traces(figure, entry, step)]
        lines = {t.name: t for t in traces if t.type == "scatter"}
        (heatmap,) = [t for t in traces if t.type == "heatmap"]
        np.testing.assert_array_equal(lines["best"].y, expected.best_fitness_history_)
        np.testing.assert_allclose(
            lines["mean"].y, expected.mean_fitness_history_, rtol=1e-4
        )
        # The record strings: each row is right where its characters are the
        # target's, and spells a string of the same fitness as its generation's best.
        text = ["".join(row).replace("\u2423", " ") for row in heatmap.text]
        right = np.array([list(t) for t in text]) == np.array(list(TARGET))
        np.testing.assert_array_equal(heatmap.z, right)
        labels = steps[step]["args"][1]["yaxis2.ticktext"]
        generations = [int(g) for g in labels]
        np.testing.assert_array_equal(
            right.sum(axis=1), expected.best_fitness_history_[generations]
        )
        # A new record in each row, the first row the random start.
        assert generations[0] == 0
        assert np.all(np.diff(right.sum(axis=1)) > 0)
        title = steps[step]["args"][1]["title.text"]
        found = text[-1] == TARGET
        assert ("found at generation" in title and "not" not in title) == found
        assert f"{expected.n_evaluations_:,} strings scored" in title


def test_a_live_only_setting_draws():
    explorer = ga_plots.explorer()
    assert 0.035 in explorer.controls[1].live_values
    figure = explorer.figure(population_size=30, mutation_rate=0.035)
    expected = fresh_run(30, 0.035)
    np.testing.assert_array_equal(figure.data[0].y, expected.best_fitness_history_)
    assert experiments.outcome(expected) in figure.layout.title.text
