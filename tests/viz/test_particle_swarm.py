"""Chapter 34's explorer and pictures (scratchlearn.viz.particle_swarm): one slider
step per step of the search and one menu entry per combination of the three weights;
each setting draws the particles, personal bests and global best that a fresh swarm
stopped at that step has (a search of fewer steps, same seed: its own bests, not
recovered from the longer run's positions); live-only settings draw too."""

import itertools

import numpy as np
import pytest

from scratchlearn.evolutionary import ParticleSwarm, experiments
from scratchlearn.evolutionary.swarm import rastrigin
from scratchlearn.viz import particle_swarm as swarm_plots
from scratchlearn.viz.explorer import shown_traces

COMBINATIONS = list(
    itertools.product(swarm_plots.INERTIAS, swarm_plots.COGNITIVES, swarm_plots.SOCIALS)
)


@pytest.fixture(scope="module")
def figure():
    return swarm_plots.explorer().static().figure


def stopped_at(step, inertia, cognitive, social):
    """The same swarm, run for ``step`` steps only."""
    swarm = ParticleSwarm(
        experiments.N_PARTICLES,
        inertia=inertia,
        cognitive=cognitive,
        social=social,
        max_iter=step,
        random_state=experiments.SEED,
    )
    return swarm.minimize(rastrigin, experiments.BOUNDS)


def test_one_slider_step_per_step_and_one_menu_entry_per_combination(figure):
    (slider,) = figure.layout.sliders
    assert [s.label for s in slider.steps] == [str(s) for s in swarm_plots.STEPS]
    assert slider.steps[slider.active].label == "10"
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == [
        f"inertia = {w:g}, cognitive = {c:g}, social = {s:g}"
        for w, c, s in COMBINATIONS
    ]
    assert (
        menu.buttons[menu.active].label
        == "inertia = 0.73, cognitive = 1.5, social = 1.5"
    )


@pytest.mark.parametrize("entry", range(0, len(COMBINATIONS), 4))
def test_each_setting_draws_the_swarm_stopped_at_that_step(figure, entry):
    weights = COMBINATIONS[entry]
    steps = figure.layout.updatemenus[0].buttons[entry].args[1]["sliders"][0]["steps"]
    for index, step in enumerate(swarm_plots.STEPS):
        expected = stopped_at(step, *weights)
        traces = {
            figure.data[i].name: figure.data[i]
            for i in shown_traces(figure, entry, index)
        }
        assert set(traces) == {
            "Rastrigin",
            "particles",
            "personal bests",
            "global best",
        }
        particles = np.column_stack([traces["particles"].x, traces["particles"].y])
        np.testing.assert_allclose(particles, expected.positions_, rtol=1e-12)
        kept = np.column_stack([traces["personal bests"].x, traces["personal bests"].y])
        np.testing.assert_allclose(kept, expected.personal_best_positions_, rtol=1e-12)
        best = traces["global best"]
        np.testing.assert_allclose([best.x[0], best.y[0]], expected.best_position_)
        title = steps[index]["args"][1]["title.text"]
        assert f"best value {expected.best_value_:.3g} at" in title
        assert f"{expected.n_evaluations_:,} evaluations" in title


def test_the_map_is_rastrigins_function(figure):
    (shading,) = [trace for trace in figure.data if trace.name == "Rastrigin"]
    x, y, z = np.asarray(shading.x), np.asarray(shading.y), np.asarray(shading.z)
    assert x[0] == -5.12 and x[-1] == 5.12
    np.testing.assert_allclose(z[7, 11], rastrigin(np.array([x[11], y[7]])))
    row, column = np.unravel_index(np.argmin(z), z.shape)
    assert x[column] == pytest.approx(0, abs=1e-12)
    assert y[row] == pytest.approx(0, abs=1e-12)


def test_a_live_only_setting_draws():
    explorer = swarm_plots.explorer()
    assert (
        0.55 in explorer.controls[0].live_values
        and 37 in explorer.controls[3].live_values
    )
    figure = explorer.figure(inertia=0.55, cognitive=2.2, social=0.3, step=37)
    expected = stopped_at(37, 0.55, 2.2, 0.3)
    (particles,) = [trace for trace in figure.data if trace.name == "particles"]
    np.testing.assert_allclose(particles.x, expected.positions_[:, 0], rtol=1e-12)
