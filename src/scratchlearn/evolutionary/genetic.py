"""A genetic algorithm over strings of symbols (Chapter 32).

A *genome* is a string of ``n_genes`` symbols, each one of ``n_symbols`` (stored as
the integers ``0 .. n_symbols - 1``: the letters of a word, or 0/1 for "leave the
item out / take it"). The *population* is one integer array of shape
``(population_size, n_genes)``, one genome per row, and every step below works on
the whole array at once:

1. :func:`roulette_selection` or :func:`tournament_selection`: draw the parents,
   fitter genomes more often;
2. :func:`single_point_crossover` or :func:`uniform_crossover`: each pair of
   parents makes two children that mix their genes;
3. :func:`mutate`: each gene of each child changes to another symbol with
   probability ``mutation_rate``;
4. elitism: the ``n_elites`` fittest genomes pass to the next generation unchanged,
   so the best genome found is never lost.

The fitness function is the caller's, and vectorised too: ``fitness(population)``
gets the whole ``(n, n_genes)`` array and returns ``n`` numbers, larger is better.
:func:`string_fitness` and :func:`knapsack_fitness` make the chapter's two.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.evolutionary.optimiser import Optimiser
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    Options,
    check_random_state,
)

SELECTIONS = ("roulette", "tournament")
CROSSOVERS = ("single_point", "uniform")
#: The earlier collection's alphabet: a space and the 52 Latin letters.
LETTERS = " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --- the operators -------------------------------------------------------------------


def roulette_selection(fitness, n_parents, rng):
    """Indices of ``n_parents`` parents, each drawn with probability proportional
    to its fitness (fitness-proportionate, "roulette wheel" selection).

    Parameters
    ----------
    fitness : ndarray of shape (population_size,)
        Non-negative. If all are 0, every genome is equally likely.
    n_parents : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (n_parents,)
        Drawn independently, with replacement: :math:`P(i) = f_i / \\sum_j f_j`.
    """
    if np.any(fitness < 0):
        raise ValueError(
            "Roulette selection needs non-negative fitness values (they are "
            f"probabilities once divided by their sum); the lowest is "
            f"{fitness.min():g}. Shift the fitness, or use selection='tournament'."
        )
    total = fitness.sum()
    if total == 0:
        return rng.integers(0, len(fitness), size=n_parents)
    # The wheel: slot i spans [cumulative[i-1], cumulative[i]), of width f_i.
    cumulative = np.cumsum(fitness)  # (population_size,)
    spins = rng.random(n_parents) * cumulative[-1]  # (n_parents,)
    # side="right": a spin landing exactly on a boundary goes to the next slot,
    # never to a slot of width 0.
    chosen = np.searchsorted(cumulative, spins, side="right")
    return np.minimum(chosen, len(fitness) - 1)  # rounding at the very end


def tournament_selection(fitness, n_parents, rng, tournament_size=3):
    """Indices of ``n_parents`` parents, each the fittest of ``tournament_size``
    genomes drawn at random (with replacement).

    Returns
    -------
    ndarray of shape (n_parents,)

    Notes
    -----
    With distinct fitness values, the genome of rank :math:`r` (1 the worst,
    :math:`N` the best) wins a tournament of size :math:`k` when the best of
    :math:`k` draws has rank exactly :math:`r`:
    :math:`P(r) = (r/N)^k - ((r - 1)/N)^k`. Only the order of the fitness values
    matters, so it works with negative ones too; a larger :math:`k` presses harder
    towards the best. Ties go to the contestant drawn first.
    """
    contestants = rng.integers(0, len(fitness), size=(n_parents, tournament_size))
    winner = np.argmax(fitness[contestants], axis=1)  # (n_parents,), first on ties
    return contestants[np.arange(n_parents), winner]


def single_point_crossover(first, second, rng, crossover_rate=1.0):
    """Two children per pair of parents: the genes before a random cut point from
    one parent, the rest from the other.

    Parameters
    ----------
    first, second : ndarrays of shape (n_pairs, n_genes)
        The two parents of each pair.
    rng : numpy.random.Generator
    crossover_rate : float in [0, 1]
        The probability that a pair crosses over; the other pairs' children are
        copies of their parents.

    Returns
    -------
    ndarray of shape (2 * n_pairs, n_genes)
        The first children of every pair, then the second ones.
    """
    n_pairs, n_genes = first.shape
    # The cut falls between two genes: 1 .. n_genes - 1 genes come from `first`.
    cut = rng.integers(1, max(n_genes, 2), size=n_pairs)  # (n_pairs,)
    crosses = rng.random(n_pairs) < crossover_rate
    cut = np.where(crosses, cut, n_genes)  # no crossover: all genes from `first`
    from_first = np.arange(n_genes) < cut[:, np.newaxis]  # (n_pairs, n_genes)
    return _children(first, second, from_first)


def uniform_crossover(first, second, rng, crossover_rate=1.0):
    """Like :func:`single_point_crossover`, but each gene comes from either parent
    with probability 1/2, independently of its neighbours.

    Returns
    -------
    ndarray of shape (2 * n_pairs, n_genes)
    """
    from_first = rng.random(first.shape) < 0.5  # (n_pairs, n_genes)
    crosses = rng.random(len(first)) < crossover_rate
    from_first |= ~crosses[:, np.newaxis]
    return _children(first, second, from_first)


def _children(first, second, from_first):
    """The two complementary children of each pair: one takes the genes marked
    ``from_first`` from ``first`` and the rest from ``second``, the other the
    opposite. Every gene of both parents ends up in exactly one child."""
    return np.concatenate(
        [np.where(from_first, first, second), np.where(from_first, second, first)]
    )


def mutate(population, mutation_rate, n_symbols, rng):
    """Each gene changes, with probability ``mutation_rate``, to one of the *other*
    ``n_symbols - 1`` symbols, each equally likely (with two symbols: a bit flip).

    Parameters
    ----------
    population : ndarray of shape (n, n_genes)
        Integers in ``0 .. n_symbols - 1``; not modified.
    mutation_rate : float in [0, 1]
    n_symbols : int >= 2
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (n, n_genes)
        The same symbols' alphabet: a shift by ``1 .. n_symbols - 1`` modulo
        ``n_symbols`` never leaves it, and never lands on the symbol it left.
    """
    changes = rng.random(population.shape) < mutation_rate
    shift = rng.integers(1, n_symbols, size=population.shape)
    return np.where(changes, (population + shift) % n_symbols, population)


# --- the algorithm -------------------------------------------------------------------


class GeneticAlgorithm(Optimiser):
    """Maximise a fitness function over strings of symbols by evolution.

    Parameters
    ----------
    population_size : int >= 2, default 100
    mutation_rate : float in [0, 1], default 0.05
        The probability that each gene of a child changes (to another symbol).
    crossover_rate : float in [0, 1], default 1.0
        The probability that a pair of parents crosses over.
    selection : {"tournament", "roulette"}, default "tournament"
    tournament_size : int >= 1, default 3
        Used by tournament selection; at most ``population_size``.
    crossover : {"single_point", "uniform"}, default "single_point"
    n_elites : int >= 0, default 1
        How many of the fittest genomes pass unchanged to the next generation;
        less than ``population_size``.
    max_generations : int >= 0, default 1000
        The search stops after this many generations (or as soon as a genome
        reaches ``target_fitness``).
    random_state : None, int or numpy.random.Generator, default None

    Attributes
    ----------
    best_ : ndarray of shape (n_genes,)
        The fittest genome found (the first of the fittest, on ties).
    best_fitness_ : float
    population_ : ndarray of shape (population_size, n_genes)
        The last generation, fittest first.
    fitness_ : ndarray of shape (population_size,)
        Its fitness values.
    n_generations_ : int
        How many generations were bred after the first, random one: the
        generation in which the search stopped (0 is the random start).
    n_evaluations_ : int
        How many genomes the fitness function scored: ``population_size`` for
        the start, then ``population_size - n_elites`` per generation (the elites'
        fitness is kept, not computed again).
    best_history_ : ndarray of shape (n_generations_ + 1, n_genes)
        The fittest genome of each generation.
    best_fitness_history_, mean_fitness_history_ : ndarrays of shape
        (n_generations_ + 1,)
        The best and the mean fitness of each generation.

    Notes
    -----
    Generation :math:`t + 1` is made from generation :math:`t` by keeping its
    ``n_elites`` best genomes and adding ``population_size - n_elites`` children:
    pairs of parents drawn by ``selection``, crossed over, then mutated. With
    ``n_elites >= 1`` and a deterministic fitness, the best fitness never
    decreases from one generation to the next.

    Ties are broken deterministically: the fittest genomes are ranked by a stable
    sort, so of equally fit genomes the one first in the population comes first.

    References
    ----------
    Holland, J. H. (1975). Adaptation in Natural and Artificial Systems. University
    of Michigan Press.

    Goldberg, D. E. (1989). Genetic Algorithms in Search, Optimization and Machine
    Learning. Addison-Wesley.
    """

    _parameter_constraints: ClassVar[dict] = {
        "population_size": [Interval(int, 2, None, closed="left")],
        "mutation_rate": [Interval(float, 0, 1, closed="both")],
        "crossover_rate": [Interval(float, 0, 1, closed="both")],
        "selection": [Options(*SELECTIONS)],
        "tournament_size": [Interval(int, 1, None, closed="left")],
        "crossover": [Options(*CROSSOVERS)],
        "n_elites": [Interval(int, 0, None, closed="left")],
        "max_generations": [Interval(int, 0, None, closed="left")],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        population_size=100,
        *,
        mutation_rate=0.05,
        crossover_rate=1.0,
        selection="tournament",
        tournament_size=3,
        crossover="single_point",
        n_elites=1,
        max_generations=1000,
        random_state=None,
    ):
        self.population_size = population_size
        self.mutation_rate = mutation_rate
        self.crossover_rate = crossover_rate
        self.selection = selection
        self.tournament_size = tournament_size
        self.crossover = crossover
        self.n_elites = n_elites
        self.max_generations = max_generations
        self.random_state = random_state

    def evolve(self, fitness, n_genes, n_symbols=2, *, target_fitness=None):
        """Evolve a population and keep the fittest genome found.

        Parameters
        ----------
        fitness : callable
            ``fitness(population)`` for an integer array of shape ``(n, n_genes)``
            returns ``n`` finite numbers, larger is better (non-negative for
            roulette selection).
        n_genes : int >= 1
        n_symbols : int >= 2, default 2
        target_fitness : float, optional
            Stop as soon as a genome is at least this fit.

        Returns
        -------
        self
        """
        self._validate_params()
        self._check_run(fitness, n_genes, n_symbols)
        rng = check_random_state(self.random_state)
        size, n_elites = self.population_size, self.n_elites

        population = rng.integers(0, n_symbols, size=(size, n_genes))
        scores = self._score(fitness, population)
        self.n_evaluations_ = size
        history = {"best": [], "best_fitness": [], "mean_fitness": []}
        for generation in range(self.max_generations + 1):
            # Fittest first; a stable sort keeps the first of equals first.
            order = np.argsort(-scores, kind="stable")
            population, scores = population[order], scores[order]
            history["best"].append(population[0])
            history["best_fitness"].append(scores[0])
            history["mean_fitness"].append(scores.mean())
            done = target_fitness is not None and scores[0] >= target_fitness
            if done or generation == self.max_generations:
                break
            children = self._breed(population, scores, size - n_elites, n_symbols, rng)
            population = np.concatenate([population[:n_elites], children])
            scores = np.concatenate([scores[:n_elites], self._score(fitness, children)])
            self.n_evaluations_ += len(children)

        self.population_, self.fitness_ = population, scores
        self.best_, self.best_fitness_ = population[0], float(scores[0])
        self.n_generations_ = generation
        self.best_history_ = np.array(history["best"])
        self.best_fitness_history_ = np.array(history["best_fitness"])
        self.mean_fitness_history_ = np.array(history["mean_fitness"])
        return self

    def _breed(self, population, scores, n_children, n_symbols, rng):
        """``n_children`` new genomes: selection, crossover, mutation."""
        n_pairs = (n_children + 1) // 2
        if self.selection == "roulette":
            parents = roulette_selection(scores, 2 * n_pairs, rng)
        else:
            parents = tournament_selection(
                scores, 2 * n_pairs, rng, self.tournament_size
            )
        first, second = population[parents[:n_pairs]], population[parents[n_pairs:]]
        cross = (
            single_point_crossover
            if self.crossover == "single_point"
            else uniform_crossover
        )
        children = cross(first, second, rng, self.crossover_rate)[:n_children]
        return mutate(children, self.mutation_rate, n_symbols, rng)

    def _check_run(self, fitness, n_genes, n_symbols):
        """The checks that need the problem as well as the hyperparameters."""
        if not callable(fitness):
            raise TypeError(f"fitness must be a function; got {fitness!r}.")
        for name, value, low in (("n_genes", n_genes, 1), ("n_symbols", n_symbols, 2)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int; got {value!r}.")
            if value < low:
                raise ValueError(f"{name} must be at least {low}; got {value}.")
        if self.n_elites >= self.population_size:
            raise ValueError(
                f"n_elites ({self.n_elites}) must be less than population_size "
                f"({self.population_size}): some room must be left for children."
            )
        if self.selection == "tournament" and self.tournament_size > (
            self.population_size
        ):
            raise ValueError(
                f"tournament_size ({self.tournament_size}) must be at most "
                f"population_size ({self.population_size})."
            )

    @staticmethod
    def _score(fitness, population):
        """``fitness(population)`` as a checked float array of shape (n,)."""
        scores = np.asarray(fitness(population), dtype=np.float64)
        if scores.shape != (len(population),):
            raise ValueError(
                f"fitness(population) must return one number per genome, shape "
                f"({len(population)},); it returned shape {scores.shape}."
            )
        if not np.all(np.isfinite(scores)):
            raise ValueError("fitness(population) returned NaN or infinity.")
        return scores


# --- the chapter's problems ----------------------------------------------------------


def encode(text, alphabet=LETTERS):
    """The genome of ``text``: each character's position in ``alphabet``."""
    missing = sorted(set(text) - set(alphabet))
    if missing:
        raise ValueError(f"{missing} are not in the alphabet {alphabet!r}.")
    return np.array([alphabet.index(character) for character in text])


def decode(genome, alphabet=LETTERS):
    """The text a genome spells: ``decode(encode(text)) == text``."""
    return "".join(alphabet[gene] for gene in genome)


def string_fitness(target, alphabet=LETTERS):
    """The fitness of a genome spelling ``target``: how many of its characters are
    right (0 .. ``len(target)``). Returns a vectorised function."""
    goal = encode(target, alphabet)  # (n_genes,)

    def fitness(population):  # (n, n_genes) -> (n,)
        return np.count_nonzero(population == goal, axis=1)

    return fitness


def knapsack_fitness(weights, values, capacity, penalty=None):
    """The fitness of a 0/1 knapsack's choices (gene ``i`` is 1 if item ``i`` is
    packed). Returns a vectorised function.

    A knapsack within ``capacity`` scores the total value of its items. An
    overweight one scores its value minus ``penalty`` per unit of excess weight,
    floored at 0: a little over the limit is nearly as good, far over is worthless,
    so the search can cross the overweight region instead of being walled off from
    it. The default penalty is twice the best value per unit of weight: a unit of
    weight over the limit costs more than a unit of any item is worth. A search's
    best must still be checked to fit.
    """
    weights, values = np.asarray(weights), np.asarray(values)
    if penalty is None:
        penalty = 2 * np.max(values / weights)

    def fitness(population):  # (n, n_items) of 0/1 -> (n,)
        excess = np.maximum(population @ weights - capacity, 0)  # (n,)
        return np.maximum(population @ values - penalty * excess, 0)

    return fitness


def knapsack_optimum(weights, values, capacity):
    """The best 0/1 knapsack, by dynamic programming over the capacities.

    Parameters
    ----------
    weights : array of int, shape (n_items,)
        Non-negative integers (the table is indexed by weight).
    values : array of shape (n_items,)
    capacity : int

    Returns
    -------
    best_value : float
    packed : ndarray of shape (n_items,)
        0/1, an optimal choice of items.

    Notes
    -----
    :math:`V_i(c)`, the best value of the first :math:`i` items within capacity
    :math:`c`, is :math:`V_i(c) = \\max(V_{i-1}(c), V_{i-1}(c - w_i) + v_i)`
    (the second only if :math:`w_i \\le c`). One row per item, each row computed
    for every capacity at once: O(n_items x capacity) time and memory. Walking
    back through the rows recovers the items.
    """
    weights = np.asarray(weights)
    values = np.asarray(values, dtype=np.float64)
    if not np.issubdtype(weights.dtype, np.integer) or np.any(weights < 0):
        raise ValueError("knapsack_optimum needs non-negative integer weights.")
    table = np.zeros((len(weights) + 1, capacity + 1))  # (n_items + 1, capacity + 1)
    for i, (weight, value) in enumerate(zip(weights, values, strict=True), start=1):
        table[i] = table[i - 1]
        if weight <= capacity:
            with_item = table[i - 1, : capacity + 1 - weight] + value
            table[i, weight:] = np.maximum(table[i - 1, weight:], with_item)
    packed = np.zeros(len(weights), dtype=int)
    room = capacity
    for i in range(len(weights), 0, -1):
        if table[i, room] != table[i - 1, room]:  # item i - 1 was needed
            packed[i - 1] = 1
            room -= weights[i - 1]
    return float(table[-1, capacity]), packed
