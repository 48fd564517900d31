"""Chapter 34: the particle swarm against pyswarms' ``GlobalBestPSO`` with the same
weights (Clerc and Kennedy's 0.7298 and 1.49618), the same velocity clamp (half the
range), walls and number of evaluations.

A search has no test set: ``fit`` runs one seeded search (timed), ``predict``
returns the best point (both sides alike: its ratio says nothing). The score is
``1 / (1 + best value)`` on the test functions (1 at their minimum, 0) and, for
the network on iris, the test accuracy of the best weights."""

from unittest import mock

import numpy as np
from harness import Case

from scratchlearn import datasets
from scratchlearn.evolutionary import ParticleSwarm
from scratchlearn.evolutionary.swarm import (
    network_log_proba,
    network_loss,
    rastrigin,
    rosenbrock,
)

WEIGHTS = {"inertia": 0.7298, "cognitive": 1.49618, "social": 1.49618}


class Search:
    """A seeded search as the harness times it (see the module docstring):
    ``run()`` returns the best point and its value; ``score(point, value)`` says
    how good they are."""

    def __init__(self, run, score):
        self.run, self.scorer = run, score

    def fit(self, X, y=None):
        self.best_, self.best_value_ = self.run()
        return self

    def predict(self, X):
        return np.asarray(self.best_)

    def score(self, X, y):
        return self.scorer(self.best_, self.best_value_)


def ours(function, d, limit, n_particles, n_steps):
    def run():
        swarm = ParticleSwarm(n_particles, max_iter=n_steps, random_state=0, **WEIGHTS)
        swarm.minimize(function, [[-limit, limit]] * d)
        return swarm.best_position_, swarm.best_value_

    return run


def pyswarms_search(function, d, limit, n_particles, n_steps):
    def run():
        # pyswarms configures Python's logging, with a file report.log in the
        # working folder, when it is imported and for every optimizer it makes.
        with mock.patch("logging.config.dictConfig"):
            import pyswarms

            np.random.seed(0)  # noqa: NPY002 (pyswarms draws from NumPy's global one)
            optimizer = pyswarms.single.GlobalBestPSO(
                n_particles=n_particles,
                dimensions=d,
                options={
                    "w": WEIGHTS["inertia"],
                    "c1": WEIGHTS["cognitive"],
                    "c2": WEIGHTS["social"],
                },
                bounds=(np.full(d, -limit), np.full(d, limit)),
                velocity_clamp=(-limit, limit),  # half the range
                bh_strategy="nearest",
            )
        cost, position = optimizer.optimize(function, iters=n_steps + 1, verbose=False)
        return position, cost

    return run


def function_case(name, function, d, limit, n_particles, n_steps, repeats):
    point = np.zeros((1, d))  # the "data": one point of the space
    evaluations = n_particles * (n_steps + 1)
    return Case(
        name=f"PSO {name} {d}-D, {evaluations:,} evaluations",
        chapter="34",
        data=lambda: (point, point, None, None),
        ours=lambda: Search(
            ours(function, d, limit, n_particles, n_steps),
            lambda best, value: 1 / (1 + value),
        ),
        reference=lambda: Search(
            pyswarms_search(function, d, limit, n_particles, n_steps),
            lambda best, value: 1 / (1 + value),
        ),
        repeats=repeats,
        notes="reference: pyswarms GlobalBestPSO; score: 1 / (1 + best value)",
    )


def iris_case(repeats):
    iris = datasets.iris()
    split = datasets.split(iris.X, iris.y, test_size=0.3, random_state=0)
    mean, std = split.X_train.mean(axis=0), split.X_train.std(axis=0)
    X_train, X_test = (split.X_train - mean) / std, (split.X_test - mean) / std
    loss = network_loss(X_train, split.y_train, n_hidden=8)

    def accuracy(best, value):
        log_proba = network_log_proba(best[np.newaxis], X_test, loss.shapes)[0]
        return float(np.mean(log_proba.argmax(axis=1) == split.y_test))

    return Case(
        name="PSO 4-8-3 network on iris, 8,040 evaluations",
        chapter="34",
        data=lambda: (X_train, X_test, split.y_train, split.y_test),
        ours=lambda: Search(ours(loss, loss.n_weights, 1.0, 40, 200), accuracy),
        reference=lambda: Search(
            pyswarms_search(loss, loss.n_weights, 1.0, 40, 200), accuracy
        ),
        repeats=repeats,
        notes="reference: pyswarms GlobalBestPSO; score: test accuracy",
    )


CASES = [
    function_case("Rastrigin", rastrigin, 2, 5.12, 30, 200, repeats=7),
    function_case("Rastrigin", rastrigin, 5, 5.12, 100, 500, repeats=5),
    function_case("Rosenbrock", rosenbrock, 5, 2.0, 50, 3000, repeats=3),
    iris_case(repeats=3),
]
