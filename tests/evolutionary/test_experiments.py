"""scratchlearn.evolutionary.experiments: the runs and computations behind the book's
pictures."""

import numpy as np

from scratchlearn.evolutionary import experiments
from scratchlearn.evolutionary.genetic import LETTERS

# --- the pictures of tests/viz/test_genetic_algorithm.py


def test_records_and_outcome_by_hand():
    class Run:
        best_fitness_history_ = np.array([2.0, 2.0, 5.0, 5.0, 6.0, 17.0])
        best_ = np.array([LETTERS.index(c) for c in experiments.TARGET])
        n_generations_ = 5
        best_fitness_ = 17.0

    np.testing.assert_array_equal(experiments.records(Run), [0, 2, 4, 5])
    assert experiments.outcome(Run) == "found at generation 5"
    Run.best_ = Run.best_[::-1]
    Run.best_fitness_ = 3.0
    assert experiments.outcome(Run) == "not found in 5 generations: best 3/17"


# --- the pictures of tests/viz/test_neuroevolution.py


def test_the_toy_gradient_is_the_toy_function_s():
    rng = np.random.default_rng(0)
    for point in rng.normal(size=(5, 2)):
        numeric = [
            (experiments.bowl(point + h) - experiments.bowl(point - h)) / 2e-6
            for h in np.eye(2) * 1e-6
        ]
        np.testing.assert_allclose(experiments.bowl_gradient(point), numeric, rtol=1e-6)
    assert experiments.bowl(np.array([1.0, 0.5])) == 0.0  # the top
