"""The book's experiments of Part IV's evolutionary chapters: the seeded runs they
show.

Each chapter's pictures (``scratchlearn.viz.<chapter>``) draw runs; the runs are
here, one section per chapter and cached where the chapter, its explorer and its
tests ask for the same one again:

- genetic algorithm: evolving a target string, its records and its outcome;
- particle swarm: a swarm searching Rastrigin's function, step by step;
- neuroevolution: the toy bowl of the first picture and the explorer's short
  evolution-strategy runs on digits.
"""

import functools

import numpy as np

from scratchlearn.evolutionary import GeneticAlgorithm, Neuroevolution, ParticleSwarm
from scratchlearn.evolutionary.genetic import LETTERS, decode, string_fitness
from scratchlearn.evolutionary.neuroevolution import digits_network
from scratchlearn.evolutionary.swarm import rastrigin

# --- genetic_algorithm --------------------------------------------------------

TARGET = "Genetic Algorithm"
MAX_GENERATIONS = 300
SEED = 0


@functools.cache  # the explorers and the chapter ask for the same runs again
def evolve_string(population_size, mutation_rate, target=TARGET, seed=SEED):
    """A seeded run of the chapter's genetic algorithm on ``target`` (tournament
    selection, single-point crossover, one elite), stopped when the string is
    found or after :data:`MAX_GENERATIONS` generations."""
    ga = GeneticAlgorithm(
        population_size,
        mutation_rate=mutation_rate,
        max_generations=MAX_GENERATIONS,
        random_state=seed,
    )
    return ga.evolve(
        string_fitness(target), len(target), len(LETTERS), target_fitness=len(target)
    )


def records(ga):
    """The generations in which the best fitness first reached a new high (the
    first generation included), shape (n_records,)."""
    best = ga.best_fitness_history_
    new_high = np.concatenate([[True], best[1:] > np.maximum.accumulate(best)[:-1]])
    return np.flatnonzero(new_high)


def outcome(ga, target=TARGET):
    """How the run ended: ``"found at generation 68"``, or
    ``"not found in 300 generations: best 15/17"``."""
    if decode(ga.best_) == target:
        return f"found at generation {ga.n_generations_}"
    return (
        f"not found in {ga.n_generations_} generations: best "
        f"{ga.best_fitness_:.0f}/{len(target)}"
    )


# --- particle_swarm -----------------------------------------------------------

LIMIT = 5.12  # Rastrigin's usual square, [-5.12, 5.12]^2
BOUNDS = [[-LIMIT, LIMIT], [-LIMIT, LIMIT]]
N_PARTICLES = 20
MAX_ITER = 40


@functools.cache  # the explorers and the chapter ask for the same runs again
def search(inertia, cognitive, social, seed=SEED):
    """A seeded run of :data:`MAX_ITER` steps on Rastrigin's function that keeps
    every step's positions."""
    swarm = ParticleSwarm(
        N_PARTICLES,
        inertia=inertia,
        cognitive=cognitive,
        social=social,
        max_iter=MAX_ITER,
        random_state=seed,
    )
    return swarm.minimize(rastrigin, BOUNDS, keep_positions=True)


def personal_bests(swarm, step):
    """Each particle's best point up to ``step``, recovered from the positions it
    visited (the first visit of its best value): shape (n_particles, 2)."""
    visited = swarm.position_history_[: step + 1]  # (step + 1, n_particles, 2)
    values = rastrigin(visited)  # (step + 1, n_particles)
    when = np.argmin(values, axis=0)  # (n_particles,), the first of equals
    return visited[when, np.arange(visited.shape[1])]


# --- neuroevolution -----------------------------------------------------------

ES_GENERATIONS = 50
VALIDATION_EVERY = 5
BATCH_SIZE = 128


def bowl(points):
    """The 2-D toy fitness of the chapter's first picture, larger is better: a
    tilted, stretched bowl with its top at (1, 0.5). ``points`` (n, 2) -> (n,)."""
    x, y = points[..., 0] - 1.0, points[..., 1] - 0.5
    return -(x**2 + 4 * y**2 + 1.5 * x * y)


def bowl_gradient(point):
    """The gradient of :func:`bowl` at ``point`` (2,)."""
    x, y = point[0] - 1.0, point[1] - 0.5
    return -np.array([2 * x + 1.5 * y, 8 * y + 1.5 * x])


@functools.cache  # the explorer's settings, computed once per session
def explorer_run(population_size, sigma, data):
    """A short seeded run of the evolution strategy: :data:`ES_GENERATIONS`
    generations, fitness on batches of :data:`BATCH_SIZE`, a check every
    :data:`VALIDATION_EVERY`. ``data`` is ``(X_train, y_train, X_val, y_val)``
    wrapped in :class:`Frozen` so that the run can be cached."""
    X_train, y_train, X_val, y_val = data.arrays
    return Neuroevolution(
        population_size,
        sigma=sigma,
        batch_size=BATCH_SIZE,
        max_generations=ES_GENERATIONS,
        validation_every=VALIDATION_EVERY,
        random_state=SEED,
    ).evolve(
        digits_network(random_state=SEED),
        X_train,
        y_train,
        validation_data=(X_val, y_val),
    )


class Frozen:
    """Arrays compared by identity, to key :func:`explorer_run`'s cache."""

    def __init__(self, *arrays):
        self.arrays = arrays
