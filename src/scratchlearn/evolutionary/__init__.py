"""Evolutionary optimisation (Part IV): a genetic algorithm and a particle swarm.

    from scratchlearn.evolutionary import GeneticAlgorithm, ParticleSwarm

They search for the best point of a function rather than learn from data, so they
are optimisers, not estimators (see :mod:`scratchlearn.evolutionary.optimiser`).
"""

from scratchlearn.evolutionary.genetic import GeneticAlgorithm
from scratchlearn.evolutionary.neuroevolution import Neuroevolution
from scratchlearn.evolutionary.swarm import ParticleSwarm

__all__ = [
    "GeneticAlgorithm",
    "Neuroevolution",
    "ParticleSwarm",
]
