"""The genetic algorithm (Chapter 32): its operators' probabilities (chi-square
tests on many draws against probabilities worked out exactly, by enumeration where
there is a formula to check), crossover and mutation that keep the genomes' length
and alphabet, elitism that never loses the best, the chapter's "Genetic Algorithm"
target over seeds 0-9, a 25-item knapsack solved to its dynamic-programming optimum
(itself checked by brute force), DEAP at equal evaluations, and clear errors."""

import itertools
import random

import numpy as np
import pytest
from scipy import stats

from scratchlearn import datasets
from scratchlearn.base import clone
from scratchlearn.evolutionary import GeneticAlgorithm
from scratchlearn.evolutionary.genetic import (
    LETTERS,
    decode,
    encode,
    knapsack_fitness,
    knapsack_optimum,
    mutate,
    roulette_selection,
    single_point_crossover,
    string_fitness,
    tournament_selection,
    uniform_crossover,
)

TARGET = "Genetic Algorithm"
# A chi-square test rejects a correct sampler with probability P_VALUE; the draws
# are seeded, so a test passes or fails the same way every time.
P_VALUE = 1e-3
N_DRAWS = 200_000


def assert_frequencies(drawn, probabilities):
    """Chi-square goodness of fit of the drawn indices to ``probabilities``
    (categories of probability 0 must never be drawn)."""
    probabilities = np.asarray(probabilities, dtype=float)
    counts = np.bincount(drawn, minlength=len(probabilities))
    assert len(counts) == len(probabilities)
    impossible = probabilities == 0
    assert not counts[impossible].any(), "drew a genome that has no chance"
    if np.count_nonzero(~impossible) == 1:
        return  # one possible category: nothing left to test
    expected = probabilities[~impossible] * len(drawn)
    result = stats.chisquare(counts[~impossible], expected)
    assert result.pvalue > P_VALUE, (counts, expected)


# --- selection ------------------------------------------------------------------------


def test_roulette_draws_in_proportion_to_fitness():
    rng = np.random.default_rng(0)
    fitness = np.array([1.0, 2.0, 0.0, 3.0, 10.0, 0.5, 0.0, 4.0])
    drawn = roulette_selection(fitness, N_DRAWS, rng)
    assert drawn.shape == (N_DRAWS,)
    assert_frequencies(drawn, fitness / fitness.sum())


def test_roulette_is_uniform_when_every_fitness_is_zero():
    drawn = roulette_selection(np.zeros(5), N_DRAWS, np.random.default_rng(1))
    assert_frequencies(drawn, np.full(5, 0.2))


def test_roulette_refuses_negative_fitness():
    with pytest.raises(ValueError, match=r"non-negative.*tournament"):
        roulette_selection(np.array([1.0, -0.5]), 3, np.random.default_rng(0))


def tournament_probabilities_by_enumeration(fitness, size):
    """Exact win probabilities: every ordered draw of ``size`` contestants (with
    replacement) is equally likely, and the fittest contestant wins, the first
    drawn among equals."""
    n = len(fitness)
    wins = np.zeros(n)
    for draw in itertools.product(range(n), repeat=size):
        wins[max(draw, key=lambda i: (fitness[i], -draw.index(i)))] += 1
    return wins / n**size


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_tournament_probabilities_follow_the_rank_formula(size):
    # Negative and unsorted fitness: only the order matters.
    fitness = np.array([0.3, -2.0, 5.0, 1.0, -0.1, 2.5])
    exact = tournament_probabilities_by_enumeration(fitness, size)
    n = len(fitness)
    rank = stats.rankdata(fitness)  # 1 = worst
    formula = (rank / n) ** size - ((rank - 1) / n) ** size
    np.testing.assert_allclose(exact, formula, rtol=0, atol=1e-12)
    drawn = tournament_selection(fitness, N_DRAWS, np.random.default_rng(size), size)
    assert_frequencies(drawn, exact)


def test_tournament_ties_go_to_the_contestant_drawn_first():
    fitness = np.array([1.0, 3.0, 3.0, 0.0])
    exact = tournament_probabilities_by_enumeration(fitness, 2)
    # Genomes 1 and 2 are equally fit and so equally likely to win.
    assert exact[1] == pytest.approx(exact[2])
    drawn = tournament_selection(fitness, N_DRAWS, np.random.default_rng(7), 2)
    assert_frequencies(drawn, exact)


# --- crossover and mutation -----------------------------------------------------------


def random_parents(rng, n_pairs=400, n_genes=17, n_symbols=53):
    first = rng.integers(0, n_symbols, size=(n_pairs, n_genes))
    second = rng.integers(0, n_symbols, size=(n_pairs, n_genes))
    return first, second


@pytest.mark.parametrize("crossover", [single_point_crossover, uniform_crossover])
def test_crossover_keeps_length_alphabet_and_every_parent_gene(crossover):
    rng = np.random.default_rng(0)
    first, second = random_parents(rng)
    before = first.copy(), second.copy()
    children = crossover(first, second, rng)
    n_pairs = len(first)
    assert children.shape == (2 * n_pairs, first.shape[1])
    assert children.dtype == first.dtype
    np.testing.assert_array_equal(first, before[0])  # parents untouched
    np.testing.assert_array_equal(second, before[1])
    one, other = children[:n_pairs], children[n_pairs:]
    # At every position, the two children hold the two parents' genes.
    np.testing.assert_array_equal(np.minimum(one, other), np.minimum(first, second))
    np.testing.assert_array_equal(np.maximum(one, other), np.maximum(first, second))
    assert np.all((one == first) | (one == second))


def test_single_point_children_are_a_head_and_a_tail():
    rng = np.random.default_rng(1)
    n_genes = 9
    first = np.zeros((20_000, n_genes), dtype=int)
    second = np.ones((20_000, n_genes), dtype=int)
    one = single_point_crossover(first, second, rng)[:20_000]
    # Zeros then ones: the cut is the number of zeros, 1 .. n_genes - 1, each
    # equally likely.
    cut = np.count_nonzero(one == 0, axis=1)
    np.testing.assert_array_equal(one, np.arange(n_genes) >= cut[:, np.newaxis])
    assert_frequencies(cut - 1, np.full(n_genes - 1, 1 / (n_genes - 1)))


def test_uniform_crossover_takes_each_gene_from_either_parent_evenly():
    rng = np.random.default_rng(2)
    first, second = np.zeros((5000, 20), dtype=int), np.ones((5000, 20), dtype=int)
    one = uniform_crossover(first, second, rng)[:5000]
    # Genes from `second` per child: binomial(20, 1/2).
    ones = one.sum(axis=1)
    assert_frequencies(ones, stats.binom.pmf(np.arange(21), 20, 0.5))


@pytest.mark.parametrize("crossover", [single_point_crossover, uniform_crossover])
def test_crossover_rate_is_the_share_of_pairs_that_cross(crossover):
    rng = np.random.default_rng(3)
    first, second = random_parents(rng, n_pairs=20_000)
    copies = crossover(first, second, rng, crossover_rate=0.0)
    np.testing.assert_array_equal(copies, np.concatenate([first, second]))
    children = crossover(first, second, rng, crossover_rate=0.3)[: len(first)]
    crossed = np.any(children != first, axis=1)
    # A crossing pair may rarely give back a copy of a parent (all genes from one
    # side, or equal genes): the share crossed is at most 0.3, and near it.
    assert 0.28 < crossed.mean() <= 0.31


@pytest.mark.parametrize("n_symbols", [2, 5, 53])
def test_mutation_changes_genes_at_its_rate_to_other_symbols(n_symbols):
    rng = np.random.default_rng(n_symbols)
    population = rng.integers(0, n_symbols, size=(4000, 25))
    before = population.copy()
    mutated = mutate(population, 0.05, n_symbols, rng)
    np.testing.assert_array_equal(population, before)
    assert mutated.shape == population.shape
    assert mutated.min() >= 0 and mutated.max() < n_symbols  # the same alphabet
    changed = mutated != population
    # The number of changed genes is binomial(100 000, 0.05).
    test = stats.binomtest(int(changed.sum()), changed.size, 0.05)
    assert test.pvalue > P_VALUE
    # A changed gene becomes each of the other symbols equally often.
    step = (mutated[changed] - population[changed]) % n_symbols  # 1 .. n_symbols - 1
    assert_frequencies(step - 1, np.full(n_symbols - 1, 1 / (n_symbols - 1)))


def test_mutation_rates_zero_and_one():
    rng = np.random.default_rng(0)
    population = rng.integers(0, 2, size=(50, 10))
    np.testing.assert_array_equal(mutate(population, 0.0, 2, rng), population)
    np.testing.assert_array_equal(mutate(population, 1.0, 2, rng), 1 - population)


# --- the algorithm --------------------------------------------------------------------


@pytest.mark.parametrize("selection", ["tournament", "roulette"])
def test_elitism_never_loses_the_best(selection):
    # A high mutation rate scrambles most children: without an elite the best
    # genome is often lost (checked below, so that this test can fail).
    fitness = string_fitness(TARGET)
    settings = dict(mutation_rate=0.5, selection=selection, max_generations=150)
    lost = 0
    for seed in range(3):
        ga = GeneticAlgorithm(30, n_elites=2, random_state=seed, **settings)
        ga.evolve(fitness, len(TARGET), len(LETTERS))
        assert np.all(np.diff(ga.best_fitness_history_) >= 0)
        np.testing.assert_array_equal(ga.population_[0], ga.best_history_[-1])
        assert ga.best_fitness_ == ga.best_fitness_history_.max()
        without = GeneticAlgorithm(30, n_elites=0, random_state=seed, **settings)
        lost += np.any(
            np.diff(without.evolve(fitness, 17, 53).best_fitness_history_) < 0
        )
    assert lost == 3


def test_the_records_of_a_search():
    fitness = string_fitness("abc")
    ga = GeneticAlgorithm(10, n_elites=3, max_generations=7, random_state=0)
    ga.evolve(fitness, 3, len(LETTERS))
    assert ga.n_generations_ == 7
    assert ga.n_evaluations_ == 10 + 7 * (10 - 3)
    assert ga.best_history_.shape == (8, 3)
    assert ga.best_fitness_history_.shape == ga.mean_fitness_history_.shape == (8,)
    np.testing.assert_array_equal(ga.best_fitness_history_, fitness(ga.best_history_))
    assert ga.population_.shape == (10, 3)
    np.testing.assert_array_equal(ga.fitness_, fitness(ga.population_))
    assert np.all(np.diff(ga.fitness_) <= 0)  # fittest first
    assert ga.mean_fitness_history_[-1] == pytest.approx(ga.fitness_.mean())
    np.testing.assert_array_equal(ga.best_, ga.population_[0])
    # max_generations=0: the random start alone.
    start = GeneticAlgorithm(10, max_generations=0, random_state=0).evolve(
        fitness, 3, 53
    )
    assert start.n_generations_ == 0 and start.n_evaluations_ == 10


def test_a_seed_makes_the_search_reproducible_and_a_clone_forgets_it():
    fitness = string_fitness(TARGET)
    runs = [
        GeneticAlgorithm(random_state=4, max_generations=30).evolve(fitness, 17, 53)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(runs[0].best_history_, runs[1].best_history_)
    copy = clone(runs[0])
    assert copy.get_params() == runs[0].get_params()
    assert not hasattr(copy, "best_")


def evolve_target(seed, **settings):
    ga = GeneticAlgorithm(
        100, mutation_rate=0.05, max_generations=2000, random_state=seed, **settings
    )
    return ga.evolve(
        string_fitness(TARGET), len(TARGET), len(LETTERS), target_fitness=len(TARGET)
    )


def test_genetic_algorithm_is_found_sooner_than_the_earlier_collection():
    """Population 100, mutation rate 0.05 (the earlier collection's settings, which
    found the string at generation 294 in one run): the median over seeds 0-9
    must be at most 294. The chapter prints the median and the worst."""
    runs = [evolve_target(seed) for seed in range(10)]
    assert all(decode(ga.best_) == TARGET for ga in runs)
    generations = [ga.n_generations_ for ga in runs]
    assert np.median(generations) <= 294
    assert max(generations) <= 294
    # Stopped at the first generation holding the target, not later.
    for ga in runs:
        assert ga.best_fitness_history_[-1] == len(TARGET)
        assert ga.best_fitness_history_[-2] < len(TARGET)


def test_encode_and_decode():
    genome = encode(TARGET)
    assert genome.shape == (17,) and decode(genome) == TARGET
    assert decode(encode(LETTERS)) == LETTERS
    np.testing.assert_array_equal(encode(LETTERS), np.arange(53))
    with pytest.raises(ValueError, match="not in the alphabet"):
        encode("Genetic Algorithm!")
    assert string_fitness("ab")(np.array([[1, 2], [1, 0], [0, 0]])).tolist() == [
        2,
        1,
        0,
    ]


# --- the knapsack ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_dynamic_programming_finds_the_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 30, size=12)
    values = rng.integers(1, 30, size=12)
    capacity = int(rng.integers(10, weights.sum()))
    every = np.array(list(itertools.product([0, 1], repeat=12)))  # (4096, 12)
    fits = every @ weights <= capacity
    brute = (every @ values)[fits].max()
    best, packed = knapsack_optimum(weights, values, capacity)
    assert best == brute
    assert packed @ weights <= capacity
    assert packed @ values == brute
    assert set(np.unique(packed)) <= {0, 1}


def test_knapsack_fitness():
    weights, values = np.array([3, 4, 5]), np.array([4, 5, 6])
    fitness = knapsack_fitness(weights, values, 7, penalty=2.0)
    chosen = np.array([[1, 1, 0], [0, 0, 1], [1, 1, 1], [0, 0, 0]])
    # Weights 7, 5, 12 (5 over), 0.
    np.testing.assert_allclose(fitness(chosen), [9, 6, 15 - 2 * 5, 0])
    # The default penalty: twice the best value per unit of weight, 4/3.
    np.testing.assert_allclose(
        knapsack_fitness(weights, values, 7)(chosen), [9, 6, 15 - 8 / 3 * 5, 0]
    )
    with pytest.raises(ValueError, match="integer weights"):
        knapsack_optimum([1.5, 2.0], [1, 2], 3)


KNAPSACK_SETTINGS = dict(mutation_rate=1 / 25, crossover="uniform", max_generations=100)


def ours_on_the_knapsack(seed):
    weights, values, capacity = datasets.knapsack_items(25, random_state=0)
    ga = GeneticAlgorithm(100, random_state=seed, **KNAPSACK_SETTINGS)
    return ga.evolve(knapsack_fitness(weights, values, capacity), 25, 2)


def deap_on_the_knapsack(seed, budget):
    """DEAP's eaSimple with the same operators (tournament of 3, uniform crossover
    of every pair, bit flips at 1/25), Python's random seeded, the same fitness
    written in plain Python (DEAP scores one individual at a time). Returns the
    best fitness found within ``budget`` evaluations."""
    from deap import algorithms, base, creator, tools

    weights, values, capacity = datasets.knapsack_items(25, random_state=0)
    penalty = 2 * np.max(values / weights)
    weights, values = weights.tolist(), values.tolist()

    def evaluate(individual):
        weight = sum(w for w, g in zip(weights, individual, strict=True) if g)
        value = sum(v for v, g in zip(values, individual, strict=True) if g)
        return (max(value - penalty * max(weight - capacity, 0), 0.0),)

    if not hasattr(creator, "KnapsackFitness"):
        creator.create("KnapsackFitness", base.Fitness, weights=(1.0,))
        creator.create("KnapsackGenome", list, fitness=creator.KnapsackFitness)
    random.seed(seed)
    toolbox = base.Toolbox()
    toolbox.register("bit", random.randint, 0, 1)
    toolbox.register(
        "individual", tools.initRepeat, creator.KnapsackGenome, toolbox.bit, 25
    )
    toolbox.register("evaluate", evaluate)
    toolbox.register("mate", tools.cxUniform, indpb=0.5)
    toolbox.register("mutate", tools.mutFlipBit, indpb=1 / 25)
    toolbox.register("select", tools.selTournament, tournsize=3)
    population = tools.initRepeat(list, toolbox.individual, 100)
    statistics = tools.Statistics(lambda individual: individual.fitness.values[0])
    statistics.register("max", max)
    _, log = algorithms.eaSimple(
        population,
        toolbox,
        cxpb=1.0,
        mutpb=1.0,
        ngen=200,
        stats=statistics,
        verbose=False,
    )
    evaluations = np.cumsum(log.select("nevals"))
    best_so_far = np.maximum.accumulate(log.select("max"))
    return best_so_far[evaluations <= budget][-1]


@pytest.mark.slow  # trains to the chapter's target: left out of make test-fast
def test_the_genetic_algorithm_reaches_the_knapsack_optimum_as_deap_does():
    weights, values, capacity = datasets.knapsack_items(25, random_state=0)
    optimum, _ = knapsack_optimum(weights, values, capacity)
    ours, theirs = [], []
    for seed in range(10):
        ga = ours_on_the_knapsack(seed)
        assert ga.best_ @ weights <= capacity
        assert ga.n_evaluations_ == 100 + 100 * 99
        ours.append(ga.best_fitness_)
        theirs.append(deap_on_the_knapsack(seed, ga.n_evaluations_))
    assert ours == [optimum] * 10  # every seed
    assert max(theirs) <= optimum
    assert sum(t == optimum for t in theirs) >= 8  # the reference works too


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"population_size": 1}, ValueError, "population_size"),
        ({"population_size": 0}, ValueError, "population_size"),
        ({"population_size": 10.0}, TypeError, "population_size"),
        ({"mutation_rate": -0.1}, ValueError, "mutation_rate"),
        ({"mutation_rate": 1.5}, ValueError, "mutation_rate"),
        ({"mutation_rate": np.nan}, ValueError, "mutation_rate"),
        ({"mutation_rate": "0.05"}, TypeError, "mutation_rate"),
        ({"crossover_rate": 2.0}, ValueError, "crossover_rate"),
        ({"selection": "rank"}, ValueError, "selection"),
        ({"crossover": "two_point"}, ValueError, "crossover"),
        ({"tournament_size": 0}, ValueError, "tournament_size"),
        ({"tournament_size": 11}, ValueError, "tournament_size"),
        ({"n_elites": -1}, ValueError, "n_elites"),
        ({"n_elites": 10}, ValueError, "n_elites"),
        ({"max_generations": -1}, ValueError, "max_generations"),
        ({"random_state": -3}, ValueError, "random_state"),
        ({"random_state": "seed"}, TypeError, "random_state"),
    ],
)
def test_invalid_hyperparameters_are_named(params, error, match):
    ga = GeneticAlgorithm(**{"population_size": 10, "max_generations": 3, **params})
    with pytest.raises(error, match=match):
        ga.evolve(string_fitness("ab"), 2, 53)
    assert not hasattr(ga, "best_")


def test_bad_problems_are_refused_clearly():
    ga = GeneticAlgorithm(10, max_generations=3, random_state=0)
    with pytest.raises(TypeError, match="fitness must be a function"):
        ga.evolve("abc", 3, 53)
    with pytest.raises(ValueError, match="n_symbols must be at least 2"):
        ga.evolve(string_fitness("ab"), 2, 1)
    with pytest.raises(ValueError, match="n_genes must be at least 1"):
        ga.evolve(string_fitness("ab"), 0, 53)
    with pytest.raises(TypeError, match="n_genes must be an int"):
        ga.evolve(string_fitness("ab"), 2.0, 53)
    with pytest.raises(ValueError, match="one number per genome"):
        ga.evolve(lambda population: population.sum(), 2, 53)
    with pytest.raises(ValueError, match="NaN or infinity"):
        ga.evolve(lambda population: np.full(len(population), np.nan), 2, 53)
    roulette = GeneticAlgorithm(10, selection="roulette", random_state=0)
    with pytest.raises(ValueError, match="non-negative"):
        roulette.evolve(lambda population: -population.sum(axis=1) - 1.0, 2, 53)


def test_constructor_stores_and_params_round_trip():
    odd = {name: ("as-is", name) for name in GeneticAlgorithm._parameter_names()}
    assert GeneticAlgorithm(**odd).get_params() == odd
    ga = GeneticAlgorithm()
    assert set(ga.get_params()) == set(GeneticAlgorithm._parameter_constraints)
    assert ga.set_params(mutation_rate=0.2) is ga and ga.mutation_rate == 0.2
    with pytest.raises(ValueError, match="no parameter"):
        ga.set_params(learning_rate=0.1)
    assert repr(ga) == "GeneticAlgorithm(mutation_rate=0.2)"
