"""Neuroevolution (Chapter 33): the batched population forward pass equals a loop
over the networks with deep.Sequential (to 1e-12), genome <-> weights round trips,
the ES's operators (antithetic pairs, centred ranks, the gradient estimate) and the
GA's (truncation selection, Gaussian mutation, elitism) against hand computations,
the ES's estimate against the true gradient of a quadratic, a seeded run reproduced
exactly, the accuracy bar on digits (a small budget, one seed; the full target is
measured in benchmarks/bench_neuroevolution.py and the chapter), and clear errors."""

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import (
    Activation,
    Adam,
    BatchNormalization,
    Dense,
    Dropout,
    Sequential,
)
from scratchlearn.evolutionary import Neuroevolution
from scratchlearn.evolutionary.neuroevolution import (
    antithetic_noise,
    centered_ranks,
    digits_network,
    es_gradient,
    gaussian_mutation,
    genome_from_weights,
    genome_shapes,
    log_likelihood,
    population_accuracy,
    population_forward,
    truncation_selection,
    weights_from_genome,
)


@pytest.fixture(scope="module")
def digits_split():
    X, y = datasets.digits()
    return datasets.split(X / 16, y, test_size=0.25, val_size=0.15, random_state=0)


def mixed_network(seed=0):
    """Every kind of layer population_forward knows, biases on and off."""
    model = Sequential(
        [
            Dense(7, activation="tanh"),
            Dropout(0.3),
            Dense(5, use_bias=False),
            Activation("relu"),
            Dense(3, activation="softmax"),
        ],
        random_state=seed,
    )
    return model.build((4,))


# --- genomes and the batched forward pass -------------------------------------------


def test_genome_and_weights_round_trip():
    model = mixed_network()
    weights = model.get_weights()
    shapes = genome_shapes(model)
    assert shapes == [(4, 7), (7,), (7, 5), (5, 3), (3,)]
    genome = genome_from_weights(weights)
    assert genome.shape == (4 * 7 + 7 + 7 * 5 + 5 * 3 + 3,)
    # Kernel then bias, layer by layer, each in C order.
    np.testing.assert_array_equal(genome[:28], weights[0].ravel())
    np.testing.assert_array_equal(genome[28:35], weights[1])
    for back, original in zip(
        weights_from_genome(genome, shapes), weights, strict=True
    ):
        np.testing.assert_array_equal(back, original)
    # A population: every row decodes to its own network.
    rng = np.random.default_rng(1)
    genomes = rng.normal(size=(6, len(genome)))
    batched = weights_from_genome(genomes, shapes)
    for p in range(6):
        single = weights_from_genome(genomes[p], shapes)
        for a, b in zip(batched, single, strict=True):
            assert a.shape == (6, *b.shape)
            np.testing.assert_array_equal(a[p], b)
        np.testing.assert_array_equal(genome_from_weights(single), genomes[p])


@pytest.mark.parametrize("make", [mixed_network, digits_network])
def test_the_batched_forward_pass_is_a_loop_over_sequential_models(make):
    model = make()
    n_features = model.input_shape_[0]
    rng = np.random.default_rng(2)
    genomes = rng.normal(scale=0.7, size=(9, model.count_params()))
    X = rng.normal(size=(13, n_features))
    batched = population_forward(model, genomes, X)
    assert batched.shape == (9, 13, model.output_shape_[0])
    network = make(seed=5) if make is mixed_network else make(random_state=5)
    for p, genome in enumerate(genomes):
        network.set_weights(weights_from_genome(genome, genome_shapes(network)))
        np.testing.assert_allclose(batched[p], network.predict(X), rtol=0, atol=1e-12)


def test_fitness_and_accuracy_of_each_network_by_hand():
    proba = np.array(
        [
            [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]],
            [[0.2, 0.5, 0.3], [0.0, 1.0, 0.0]],
        ]
    )  # (2 networks, 2 samples, 3 classes)
    y = np.array([0, 2])
    np.testing.assert_allclose(
        log_likelihood(proba, y),
        [(np.log(0.7) + np.log(0.8)) / 2, (np.log(0.2) + np.log(1e-7)) / 2],
    )
    np.testing.assert_array_equal(population_accuracy(proba, y), [1.0, 0.0])


# --- the evolution strategy's operators ---------------------------------------------


def test_centered_ranks_by_hand():
    np.testing.assert_allclose(
        centered_ranks([3.0, -10.0, 7.5, 0.0, 100.0]), [0.0, -0.5, 0.25, -0.25, 0.5]
    )
    # Only the order counts: any increasing transform gives the same ranks.
    fitness = np.random.default_rng(0).normal(size=11)
    np.testing.assert_array_equal(
        centered_ranks(fitness), centered_ranks(np.exp(3 * fitness))
    )
    # Ties share their mean rank, whatever their order in the population.
    np.testing.assert_allclose(centered_ranks([1.0, 5.0, 1.0]), [-0.25, 0.5, -0.25])
    assert centered_ranks(fitness).sum() == pytest.approx(0.0, abs=1e-12)


def test_antithetic_noise_comes_in_mirrored_pairs():
    noise = antithetic_noise(4, 6, np.random.default_rng(0))
    assert noise.shape == (8, 6)
    np.testing.assert_array_equal(noise[4:], -noise[:4])
    np.testing.assert_array_equal(
        noise[:4], np.random.default_rng(0).normal(size=(4, 6))
    )


def test_the_es_gradient_by_hand():
    noise = np.array([[1.0, 2.0], [0.5, -1.0], [-1.0, -2.0], [-0.5, 1.0]])
    shaped = np.array([0.5, -0.5, -1 / 6, 1 / 6])
    sigma = 0.1
    expected = sum(f * e for f, e in zip(shaped, noise, strict=True)) / (4 * sigma)
    np.testing.assert_allclose(es_gradient(noise, shaped, sigma), expected)


def test_the_es_gradient_estimates_the_true_gradient_of_a_quadratic():
    # F(x) = -|x - c|^2 has gradient -2 (x - c); Gaussian smoothing adds a
    # constant, so with the raw fitness the estimate is unbiased.
    rng = np.random.default_rng(0)
    theta, target, sigma = np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, 2.0]), 0.1
    noise = antithetic_noise(20000, 3, rng)
    fitness = -np.sum((theta + sigma * noise - target) ** 2, axis=1)
    estimate = es_gradient(noise, fitness, sigma)
    np.testing.assert_allclose(estimate, -2 * (theta - target), rtol=0.03)
    # Centred ranks keep the direction (not the length).
    shaped = es_gradient(noise, centered_ranks(fitness), sigma)
    cosine = shaped @ estimate / np.linalg.norm(shaped) / np.linalg.norm(estimate)
    assert cosine > 0.99


# --- the genetic algorithm's operators -----------------------------------------------


def test_truncation_selection_draws_only_the_fittest_uniformly():
    fitness = np.array([0.3, 0.9, -1.0, 0.5, 0.1, 0.9])
    parents = truncation_selection(fitness, 3, 60000, np.random.default_rng(0))
    # The three fittest: 0.9 (index 1), 0.9 (index 5; a stable order), 0.5 (index 3).
    counts = np.bincount(parents, minlength=6)
    assert set(np.flatnonzero(counts)) == {1, 3, 5}
    np.testing.assert_allclose(counts[[1, 3, 5]] / 60000, 1 / 3, atol=0.01)
    # Exactly the draws it says: uniform indices into the fittest, in order.
    expected = np.array([1, 5, 3])[np.random.default_rng(4).integers(0, 3, 7)]
    np.testing.assert_array_equal(
        truncation_selection(fitness, 3, 7, np.random.default_rng(4)), expected
    )


def test_gaussian_mutation_adds_noise_of_scale_sigma_to_a_copy():
    genomes = np.arange(12.0).reshape(3, 4)
    before = genomes.copy()
    children = gaussian_mutation(genomes, 0.3, np.random.default_rng(0))
    np.testing.assert_array_equal(genomes, before)  # the parents are untouched
    np.testing.assert_allclose(
        children - genomes, 0.3 * np.random.default_rng(0).standard_normal((3, 4))
    )
    big = gaussian_mutation(np.zeros((200, 500)), 0.3, np.random.default_rng(1))
    assert big.std() == pytest.approx(0.3, rel=0.01)


def test_the_ga_keeps_its_elite_and_never_loses_the_best(digits_split):
    s = digits_split
    model = digits_network(random_state=0)
    search = Neuroevolution(
        20,
        strategy="ga",
        sigma=0.05,
        batch_size=None,
        max_generations=12,
        validation_every=1,
        random_state=0,
    ).evolve(model, s.X_train[:300], s.y_train[:300])
    # With the full batch the fitness is deterministic: elitism makes the best
    # network's fitness non-decreasing from generation to generation.
    assert np.all(np.diff(search.history_["fitness"]) >= 0)
    assert search.history_["fitness"][-1] > search.history_["fitness"][0]
    # Without validation data, the network kept is the fittest one.
    assert search.best_generation_ == np.argmax(search.history_["fitness"]) + 1
    np.testing.assert_array_equal(
        genome_from_weights(model.get_weights()), search.best_genome_
    )


def test_one_es_generation_by_hand(digits_split):
    """The first generation of the ES, recomputed step by step: the same noise,
    fitness, ranks, gradient and Adam step give the same mean genome."""
    s = digits_split
    X, y = s.X_train[:200], s.y_train[:200]
    model = digits_network(random_state=0)
    theta = genome_from_weights(model.get_weights())
    search = Neuroevolution(
        10,
        sigma=0.1,
        learning_rate=0.01,
        batch_size=None,
        max_generations=1,
        random_state=3,
    ).evolve(model, X, y)
    rng = np.random.default_rng(3)
    noise = antithetic_noise(5, len(theta), rng)
    fitness = log_likelihood(population_forward(model, theta + 0.1 * noise, X), y)
    gradient = es_gradient(noise, centered_ranks(fitness), 0.1)
    expected = theta.copy()
    Adam(0.01).apply([expected], [-gradient])  # Adam descends: ascend the fitness
    # Adam's first step moves every weight by at most the learning rate, uphill.
    assert np.all(np.abs(expected - theta) <= 0.01 * (1 + 1e-12))
    np.testing.assert_array_equal(np.sign(expected - theta), np.sign(gradient))
    np.testing.assert_allclose(search.best_genome_, expected, rtol=0, atol=1e-12)
    assert search.n_evaluations_ == 10


# --- whole runs ----------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["es", "ga"])
def test_a_seed_reproduces_a_run_exactly(digits_split, strategy):
    s = digits_split

    def run():
        model = digits_network(random_state=1)
        search = Neuroevolution(
            20,
            strategy=strategy,
            max_generations=15,
            validation_every=5,
            random_state=7,
        ).evolve(model, s.X_train, s.y_train, validation_data=(s.X_val, s.y_val))
        return search, model

    (first, first_model), (second, second_model) = run(), run()
    np.testing.assert_array_equal(first.best_genome_, second.best_genome_)
    for name in ("generation", "fitness", "val_fitness", "val_accuracy"):
        np.testing.assert_array_equal(first.history_[name], second.history_[name])
    for a, b in zip(first_model.get_weights(), second_model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    other = Neuroevolution(20, strategy=strategy, max_generations=15, random_state=8)
    other.evolve(digits_network(random_state=1), s.X_train, s.y_train)
    assert not np.array_equal(other.best_genome_, first.best_genome_)


def test_the_network_kept_is_the_best_on_validation(digits_split):
    s = digits_split
    model = digits_network(random_state=0)
    search = Neuroevolution(
        20, max_generations=30, validation_every=5, random_state=0
    ).evolve(model, s.X_train, s.y_train, validation_data=(s.X_val, s.y_val))
    history = search.history_
    np.testing.assert_array_equal(history["generation"], [5, 10, 15, 20, 25, 30])
    # Kept: the best validation fitness (mean log-probability of the right
    # class), whose accuracy is reported beside it.
    best = np.argmax(history["val_fitness"])  # the first of equals
    assert search.best_generation_ == history["generation"][best]
    assert search.best_val_fitness_ == history["val_fitness"][best]
    assert search.best_val_accuracy_ == history["val_accuracy"][best]
    proba = model.predict(s.X_val)  # (n_val, 10)
    val_accuracy = (proba.argmax(axis=1) == s.y_val).mean()
    assert val_accuracy == search.best_val_accuracy_
    np.testing.assert_allclose(
        log_likelihood(proba[np.newaxis], s.y_val)[0],
        search.best_val_fitness_,
        rtol=1e-12,
    )


def test_patience_and_target_stop_the_run(digits_split):
    s = digits_split
    data = {"validation_data": (s.X_val, s.y_val)}
    search = Neuroevolution(20, max_generations=500, validation_every=2, random_state=0)
    search.evolve(digits_network(), s.X_train, s.y_train, target_accuracy=0.5, **data)
    assert search.history_["val_accuracy"][-1] >= 0.5
    assert np.all(search.history_["val_accuracy"][:-1] < 0.5)
    assert search.n_generations_ == search.history_["generation"][-1] < 500
    # Steps of 1e-30 leave every weight as it was (the fitness measures any
    # change, however small): no gain, so the run stops at the second check.
    search.set_params(patience=1, learning_rate=1e-30)
    search.evolve(digits_network(), s.X_train, s.y_train, **data)
    assert search.n_generations_ == 4
    assert search.history_["val_fitness"][0] == search.history_["val_fitness"][1]
    assert search.n_evaluations_ == 20 * search.n_generations_


def test_the_es_reaches_a_high_accuracy_on_digits_quickly(digits_split):
    """A small budget, one seed (the full 96.7% target, over seeds 0-9, is
    measured in benchmarks/bench_neuroevolution.py and the chapter): 100
    generations of 50 networks, 5,000 networks scored, where the earlier collection
    scored 300,000; a chance-level network is right 10% of the time."""
    s = digits_split
    model = digits_network(random_state=0)
    search = Neuroevolution(
        50, learning_rate=0.05, batch_size=128, max_generations=100, random_state=0
    ).evolve(model, s.X_train, s.y_train, validation_data=(s.X_val, s.y_val))
    test_accuracy = (model.predict(s.X_test).argmax(axis=1) == s.y_test).mean()
    assert search.best_val_accuracy_ >= 0.85
    assert test_accuracy >= 0.85


# --- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"population_size": 1}, ValueError, "population_size"),
        ({"population_size": 2.5}, TypeError, "population_size"),
        ({"population_size": 7}, ValueError, "even"),
        ({"strategy": "cma"}, ValueError, "strategy"),
        ({"sigma": 0.0}, ValueError, "sigma"),
        ({"sigma": np.nan}, ValueError, "sigma"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate"),
        ({"weight_decay": -1.0}, ValueError, "weight_decay"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"max_generations": 0}, ValueError, "max_generations"),
        ({"patience": 0}, ValueError, "patience"),
        ({"strategy": "ga", "n_elites": 8}, ValueError, "n_elites"),
        ({"strategy": "ga", "n_parents": 9}, ValueError, "n_parents"),
        ({"random_state": 1.5}, TypeError, "random_state"),
    ],
)
def test_invalid_hyperparameters_are_named(digits_split, params, error, match):
    s = digits_split
    search = Neuroevolution(**{"population_size": 8, "max_generations": 2, **params})
    with pytest.raises(error, match=match):
        search.evolve(digits_network(), s.X_train, s.y_train)
    assert not hasattr(search, "best_genome_")


def test_bad_data_and_models_are_refused_clearly(digits_split):
    s = digits_split
    search = Neuroevolution(4, max_generations=1)
    X, y = s.X_train[:20], s.y_train[:20]
    with pytest.raises(ValueError, match=r"shape \(n_samples, 64\)"):
        search.evolve(digits_network(), X[:, :10], y)
    with pytest.raises(ValueError, match="at least one sample"):
        search.evolve(digits_network(), X[:0], y[:0])
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        search.evolve(digits_network(), bad, y)
    with pytest.raises(ValueError, match="one class index per sample"):
        search.evolve(digits_network(), X, y[:5])
    with pytest.raises(ValueError, match="one class index per sample"):
        search.evolve(digits_network(), X, y + 0.5)
    with pytest.raises(ValueError, match=r"class indices 0 \.\. 9"):
        search.evolve(digits_network(), X, y + 10)
    with pytest.raises(ValueError, match="X_val"):
        search.evolve(digits_network(), X, y, validation_data=(X[:, :3], y))
    with pytest.raises(TypeError, match="Sequential"):
        search.evolve("a network", X, y)
    with pytest.raises(RuntimeError, match="not built"):
        search.evolve(Sequential([Dense(10, activation="softmax")]), X, y)
    normed = Sequential([Dense(4), BatchNormalization(), Dense(10)]).build((64,))
    with pytest.raises(ValueError, match="BatchNormalization"):
        search.evolve(normed, X, y)
    with pytest.raises(ValueError, match="genomes must have shape"):
        population_forward(digits_network(), np.zeros((3, 5)), X)
    with pytest.raises(ValueError, match="2-D"):
        population_forward(digits_network(), np.zeros(1210), X)


def test_constructor_stores_and_params_round_trip():
    odd = {name: ("as-is", name) for name in Neuroevolution._parameter_names()}
    assert Neuroevolution(**odd).get_params() == odd
    search = Neuroevolution()
    assert set(search.get_params()) == set(Neuroevolution._parameter_constraints)
    assert search.set_params(sigma=0.1) is search
    assert repr(search) == "Neuroevolution(sigma=0.1)"
