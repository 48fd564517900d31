"""Chapter 32: the genetic algorithm against DEAP's ``eaSimple`` with the same
operators (tournaments of 3, crossover of every pair, per-gene mutation) and the
same number of fitness evaluations.

A search has no test set: ``fit`` runs one seeded search (timed), ``predict``
returns the best genome found (both sides alike: its ratio says nothing), and the
score is the best fitness as a share of the best possible (the knapsack's optimum
by dynamic programming; all 17 characters of the string). DEAP scores one
individual at a time, so its fitness is the same function written for one list.
One difference on the string: DEAP's ``mutUniformInt`` may draw a gene's own symbol
again, where ours always changes it."""

import random

import numpy as np
from harness import Case

from scratchlearn import datasets
from scratchlearn.evolutionary import GeneticAlgorithm
from scratchlearn.evolutionary.genetic import (
    LETTERS,
    encode,
    knapsack_fitness,
    knapsack_optimum,
    string_fitness,
)

TARGET = "Genetic Algorithm"


class Search:
    """A seeded search as the harness times it (see the module docstring):
    ``run()`` returns the best genome found and its fitness."""

    def __init__(self, run, best_possible):
        self.run, self.best_possible = run, best_possible

    def fit(self, X, y=None):
        self.best_, self.best_fitness_ = self.run()
        return self

    def predict(self, X):
        return np.asarray(self.best_)

    def score(self, X, y):
        return self.best_fitness_ / self.best_possible


def ours(fitness, n_genes, n_symbols, population_size, n_generations, **settings):
    def run():
        ga = GeneticAlgorithm(
            population_size, max_generations=n_generations, random_state=0, **settings
        ).evolve(fitness, n_genes, n_symbols)
        return ga.best_, ga.best_fitness_

    return run


def deap(evaluate, n_genes, gene, mutation, crossover, population_size, n_generations):
    """DEAP's eaSimple: every child crossed and mutated, so every child is scored;
    ``n_generations - 1`` generations of ``population_size`` after the start make
    the same number of evaluations as ours with one elite."""
    from deap import algorithms, base, creator, tools

    if not hasattr(creator, "BenchFitness"):
        creator.create("BenchFitness", base.Fitness, weights=(1.0,))
        creator.create("BenchGenome", list, fitness=creator.BenchFitness)

    def run():
        random.seed(0)
        toolbox = base.Toolbox()
        toolbox.register("gene", gene)
        toolbox.register(
            "genome", tools.initRepeat, creator.BenchGenome, toolbox.gene, n_genes
        )
        toolbox.register("evaluate", lambda genome: (evaluate(genome),))
        toolbox.register("mate", crossover[0], **crossover[1])
        toolbox.register("mutate", mutation[0], **mutation[1])
        toolbox.register("select", tools.selTournament, tournsize=3)
        population = tools.initRepeat(list, toolbox.genome, population_size)
        hall = tools.HallOfFame(1)
        algorithms.eaSimple(
            population,
            toolbox,
            cxpb=1.0,
            mutpb=1.0,
            ngen=n_generations - 1,
            halloffame=hall,
            verbose=False,
        )
        return hall[0], hall[0].fitness.values[0]

    return run


def knapsack_case(n_items, population_size, n_generations, repeats):
    from deap import tools

    weights, values, capacity = datasets.knapsack_items(n_items, random_state=0)
    optimum, _ = knapsack_optimum(weights, values, capacity)
    penalty = 2 * np.max(values / weights)
    w, v = weights.tolist(), values.tolist()

    def evaluate(bits):
        weight = sum(x for x, b in zip(w, bits, strict=True) if b)
        value = sum(x for x, b in zip(v, bits, strict=True) if b)
        return max(value - penalty * max(weight - capacity, 0), 0.0)

    rate = 1 / n_items
    items = np.column_stack([weights, values])  # (n_items, 2), the "data"
    evaluations = population_size * (n_generations + 1) - n_generations
    return Case(
        name=f"GA knapsack {n_items} items, {evaluations:,} evaluations",
        chapter="32",
        data=lambda: (items, items, None, None),
        ours=lambda: Search(
            ours(
                knapsack_fitness(weights, values, capacity),
                n_items,
                2,
                population_size,
                n_generations,
                mutation_rate=rate,
                crossover="uniform",
            ),
            optimum,
        ),
        reference=lambda: Search(
            deap(
                evaluate,
                n_items,
                lambda: random.randint(0, 1),
                (tools.mutFlipBit, {"indpb": rate}),
                (tools.cxUniform, {"indpb": 0.5}),
                population_size,
                n_generations,
            ),
            optimum,
        ),
        repeats=repeats,
        notes="reference: DEAP eaSimple; score: best value / DP optimum",
    )


def string_case(n_generations, repeats):
    from deap import tools

    goal = encode(TARGET).tolist()

    def evaluate(genome):
        return sum(a == b for a, b in zip(genome, goal, strict=True))

    data = encode(TARGET)[np.newaxis]  # (1, 17), the "data"
    return Case(
        name=f"GA 'Genetic Algorithm', {99 * n_generations + 100:,} evaluations",
        chapter="32",
        data=lambda: (data, data, None, None),
        ours=lambda: Search(
            ours(
                string_fitness(TARGET),
                17,
                len(LETTERS),
                100,
                n_generations,
                mutation_rate=0.05,
            ),
            len(TARGET),
        ),
        reference=lambda: Search(
            deap(
                evaluate,
                17,
                lambda: random.randrange(len(LETTERS)),
                (tools.mutUniformInt, {"low": 0, "up": 52, "indpb": 0.05}),
                (tools.cxOnePoint, {}),
                100,
                n_generations,
            ),
            len(TARGET),
        ),
        repeats=repeats,
        notes="reference: DEAP eaSimple; score: share of right characters",
    )


CASES = [
    knapsack_case(25, 100, 100, repeats=5),
    knapsack_case(100, 200, 250, repeats=3),
    string_case(100, repeats=5),
]
