"""Neuroevolution: the weights of a network found by evolution (Chapter 33).

No gradient is computed. A network's weights, laid end to end, are one vector, its
*genome*; a *population* is many genomes, one array of shape
``(population_size, n_weights)``; a genome's *fitness* is how well its network
fits the training data (the mean log-probability it gives the right class, the
negative cross-entropy). Two ways to breed the next population:

* ``strategy="es"``, an **evolution strategy** (OpenAI-ES): the population is a
  cloud of Gaussian perturbations :math:`\\theta \\pm \\sigma \\varepsilon_i`
  around one mean genome :math:`\\theta`, in antithetic pairs; their fitness,
  replaced by centred ranks (:func:`centered_ranks`), weighs the perturbations
  into an estimate of the gradient of the expected fitness
  (:func:`es_gradient`), and :math:`\\theta` takes an Adam step along it.
* ``strategy="ga"``, a **genetic algorithm** with truncation selection and
  Gaussian mutation (as Such et al.'s "deep neuroevolution"): the ``n_parents``
  fittest genomes are the parents, each child is a parent plus Gaussian noise of
  scale :math:`\\sigma` (:func:`gaussian_mutation`), and the ``n_elites`` fittest
  pass unchanged (:func:`truncation_selection`).

The whole population is evaluated at once: :func:`population_forward` runs every
network of the population on every sample as one batched tensor product per layer,
``einsum("pni,piu->pnu")``, never a Python loop over the networks.

The networks are :class:`scratchlearn.deep.Sequential` models of ``Dense``,
``Activation`` and ``Dropout`` layers; :func:`genome_from_weights` and
:func:`weights_from_genome` translate between a model's weights and a genome.
"""

import numbers
from typing import ClassVar

import numpy as np

from scratchlearn.deep.activations import get as get_activation
from scratchlearn.deep.layers import Activation, Dense, Dropout
from scratchlearn.deep.model import Sequential
from scratchlearn.deep.optimizers import Adam
from scratchlearn.evolutionary.optimiser import Optimiser
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    Options,
    check_random_state,
)

STRATEGIES = ("es", "ga")
#: Probabilities are clipped to [EPSILON, 1] before their log, as Keras's
#: cross-entropy does, so a network sure of a wrong class scores -log(1e7), not -inf.
EPSILON = 1e-7


# --- genomes and networks ------------------------------------------------------------


def genome_shapes(model):
    """The shapes of ``model``'s weight arrays, in the genome's order (Keras's
    ``get_weights`` order: each Dense layer's kernel, then its bias)."""
    return [array.shape for array in model.get_weights()]


def genome_from_weights(weights):
    """One flat vector of all the arrays of ``weights`` (a list like
    ``Sequential.get_weights()``), each flattened in C order, end to end."""
    return np.concatenate([np.ravel(np.asarray(array, float)) for array in weights])


def weights_from_genome(genomes, shapes):
    """The weight arrays coded by ``genomes``: the inverse of
    :func:`genome_from_weights`.

    Parameters
    ----------
    genomes : ndarray of shape (n_weights,) or (population_size, n_weights)
    shapes : list of tuple
        From :func:`genome_shapes`.

    Returns
    -------
    list of ndarray
        One array per shape, with the genomes' leading axes in front: shape
        ``(*shape)`` for one genome, ``(population_size, *shape)`` for many.
        They are views of ``genomes``, not copies.
    """
    genomes = np.asarray(genomes, dtype=np.float64)
    sizes = [int(np.prod(shape)) for shape in shapes]
    if genomes.ndim not in (1, 2) or genomes.shape[-1] != sum(sizes):
        raise ValueError(
            f"A genome of these weights has {sum(sizes)} numbers: genomes must "
            f"have shape ({sum(sizes)},) or (population_size, {sum(sizes)}); got "
            f"shape {genomes.shape}."
        )
    ends = np.cumsum(sizes)
    pieces = np.split(genomes, ends[:-1], axis=-1)
    leading = genomes.shape[:-1]
    return [
        piece.reshape(*leading, *shape)
        for piece, shape in zip(pieces, shapes, strict=True)
    ]


def check_network(model):
    """``model`` if it is a built :class:`Sequential` of layers that
    :func:`population_forward` knows (``Dense``, ``Activation``, ``Dropout``);
    else a clear error."""
    if not isinstance(model, Sequential):
        raise TypeError(
            f"model must be a scratchlearn.deep.Sequential; got {type(model).__name__}."
        )
    if not model.built:
        raise RuntimeError(
            "The model is not built yet: call model.build((n_features,)) first, so "
            "that its weights, and so the genome's length, are known."
        )
    for layer in model.layers:
        if not isinstance(layer, Dense | Activation | Dropout):
            raise ValueError(
                f"Neuroevolution evolves networks of Dense, Activation and Dropout "
                f"layers; this model has a {type(layer).__name__} layer."
            )
    return model


def population_forward(model, genomes, X):
    """The outputs of the networks of every genome on every sample, at once.

    Parameters
    ----------
    model : Sequential
        Built, of ``Dense``, ``Activation`` and ``Dropout`` layers: the
        architecture (its own weights are not used).
    genomes : ndarray of shape (population_size, n_weights)
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    ndarray of shape (population_size, n_samples, n_outputs)
        ``out[p]`` is ``model.predict(X)`` with the weights of ``genomes[p]``
        (inference mode: dropout does nothing).

    Notes
    -----
    A Dense layer of network :math:`p` computes
    :math:`A^{(p)} W^{(p)} + b^{(p)}`; for the whole population that is one
    tensor product, :math:`Z_{pnu} = \\sum_i A_{pni} W_{piu} + b_{pu}`
    (``einsum("pni,piu->pnu")``). The first layer's input is the same for every
    network, :math:`Z_{pnu} = \\sum_i X_{ni} W_{piu} + b_{pu}`, so it is never
    copied ``population_size`` times.
    """
    check_network(model)
    genomes = np.asarray(genomes, dtype=np.float64)
    if genomes.ndim != 2:
        raise ValueError(
            "genomes must be a 2-D array (population_size, n_weights); got shape "
            f"{genomes.shape}."
        )
    weights = iter(weights_from_genome(genomes, genome_shapes(model)))
    A = np.asarray(X, dtype=np.float64)  # (n_samples, n_features), then (P, n, .)
    for layer in model.layers:
        if isinstance(layer, Dense):
            kernel = next(weights)  # (P, n_in, units)
            # matmul broadcasts over the population: (n, n_in) or (P, n, n_in)
            # times (P, n_in, units) is einsum("[p]ni,piu->pnu"), one BLAS call
            # per network.
            Z = A @ kernel  # (P, n_samples, units)
            if layer.use_bias:
                Z = Z + next(weights)[:, np.newaxis, :]  # bias (P, 1, units)
            A = get_activation(layer.activation).forward(Z)
        elif isinstance(layer, Activation):
            A = get_activation(layer.activation).forward(A)
        # Dropout: the identity outside training.
    return A


def log_likelihood(proba, y):
    """The fitness of each network: the mean log-probability it gives the true
    class, the negative of its cross-entropy.

    Parameters
    ----------
    proba : ndarray of shape (population_size, n_samples, n_classes)
    y : ndarray of int, shape (n_samples,)

    Returns
    -------
    ndarray of shape (population_size,)
        At most 0 (every sample certain and right); larger is better.
    """
    right = proba[:, np.arange(len(y)), y]  # (P, n_samples)
    return np.log(np.clip(right, EPSILON, 1.0)).mean(axis=1)


def population_accuracy(proba, y):
    """The accuracy of each network, shape (population_size,), from its class
    probabilities ``proba`` (population_size, n_samples, n_classes)."""
    return (np.argmax(proba, axis=-1) == y).mean(axis=1)


# --- the operators -------------------------------------------------------------------


def centered_ranks(fitness):
    """Fitness shaping: each fitness replaced by its rank, scaled to [-0.5, 0.5].

    Parameters
    ----------
    fitness : ndarray of shape (n,)

    Returns
    -------
    ndarray of shape (n,)
        The worst gets -0.5, the best 0.5, evenly spaced between; they sum to 0.
        Equal fitness values get the mean of their ranks, so the result does not
        depend on the order of the population.

    Notes
    -----
    Only the order of the fitness values is kept: an outlier cannot dominate the
    update, and the update is the same for any increasing transform of the
    fitness (Wierstra et al., 2014; Salimans et al., 2017).
    """
    fitness = np.asarray(fitness, dtype=np.float64)
    n = len(fitness)
    if n < 2:
        raise ValueError("Ranks need at least two fitness values.")
    order = np.argsort(fitness, kind="stable")
    ranks = np.empty(n)
    ranks[order] = np.arange(n)  # 0 for the worst .. n - 1 for the best
    # Ties share their mean rank.
    values, inverse = np.unique(fitness, return_inverse=True)
    if len(values) < n:
        ranks = (np.bincount(inverse, ranks) / np.bincount(inverse))[inverse]
    return ranks / (n - 1) - 0.5


def antithetic_noise(n_pairs, n_weights, rng):
    """``2 * n_pairs`` standard normal perturbations in mirrored pairs: rows
    ``0 .. n_pairs - 1`` are :math:`\\varepsilon_i`, the next ``n_pairs`` rows
    :math:`-\\varepsilon_i`. Shape (2 * n_pairs, n_weights); the rows sum to 0."""
    half = rng.standard_normal((n_pairs, n_weights))
    return np.concatenate([half, -half])


def es_gradient(noise, shaped_fitness, sigma):
    """The evolution strategy's estimate of the gradient of the expected fitness.

    Parameters
    ----------
    noise : ndarray of shape (population_size, n_weights)
        The perturbations :math:`\\varepsilon_i` (the population was
        :math:`\\theta + \\sigma \\varepsilon_i`).
    shaped_fitness : ndarray of shape (population_size,)
        :math:`F_i`, e.g. :func:`centered_ranks` of the fitness.
    sigma : float

    Returns
    -------
    ndarray of shape (n_weights,)
        :math:`\\hat g = \\frac{1}{n \\sigma} \\sum_i F_i \\varepsilon_i`.

    Notes
    -----
    For the Gaussian-smoothed fitness
    :math:`J(\\theta) = \\mathbb{E}_{\\varepsilon \\sim N(0, I)}
    [F(\\theta + \\sigma \\varepsilon)]`,
    :math:`\\nabla J = \\frac{1}{\\sigma} \\mathbb{E}[F(\\theta + \\sigma
    \\varepsilon)\\, \\varepsilon]`, of which :math:`\\hat g` is the Monte Carlo
    estimate. With antithetic pairs, :math:`\\hat g = \\frac{1}{n \\sigma}
    \\sum_{\\text{pairs}} (F_i^+ - F_i^-) \\varepsilon_i`: a finite difference
    along each random direction.
    """
    return shaped_fitness @ noise / (len(noise) * sigma)  # (n_weights,)


def truncation_selection(fitness, n_parents, n_children, rng):
    """The parents of ``n_children`` children: each drawn uniformly, with
    replacement, from the ``n_parents`` fittest genomes.

    Parameters
    ----------
    fitness : ndarray of shape (population_size,)
    n_parents : int
        How many of the fittest may breed (the truncation); at most
        ``population_size``.
    n_children : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of int, shape (n_children,)
        Indices into the population.
    """
    fittest = np.argsort(-np.asarray(fitness), kind="stable")[:n_parents]
    return fittest[rng.integers(0, len(fittest), size=n_children)]


def gaussian_mutation(genomes, sigma, rng):
    """Copies of ``genomes`` (n, n_weights) with independent Gaussian noise of
    standard deviation ``sigma`` added to every weight (``genomes`` itself is not
    modified)."""
    return genomes + sigma * rng.standard_normal(genomes.shape)


# --- the algorithm -------------------------------------------------------------------


class Neuroevolution(Optimiser):
    """Train a network's weights by evolution instead of by gradient descent.

    Parameters
    ----------
    population_size : int >= 2, default 100
        Genomes per generation (even for ``strategy="es"``: antithetic pairs).
    strategy : {"es", "ga"}, default "es"
        An evolution strategy (OpenAI-ES) or a genetic algorithm (truncation
        selection, Gaussian mutation, elitism); see the module docstring.
    sigma : float > 0, default 0.05
        The scale of the Gaussian perturbations: the ES's smoothing, the GA's
        mutation.
    learning_rate : float > 0 or callable, default 0.03
        The ES's Adam step size on the mean genome (unused by the GA); a
        schedule of :mod:`scratchlearn.deep.schedules` (a function of the step,
        e.g. ``CosineDecay(0.05, decay_steps=max_generations)``) makes it vary.
    weight_decay : float >= 0, default 0.0
        The ES pulls the mean genome towards 0 by ``weight_decay * theta`` per
        step (an L2 penalty; unused by the GA).
    n_parents : int >= 1, default 20
        The GA's truncation: how many of the fittest breed (at most
        ``population_size``).
    n_elites : int >= 0, default 1
        The GA's genomes kept unchanged (less than ``population_size``).
    batch_size : int >= 1 or None, default 256
        The fitness of each generation is measured on this many training samples
        drawn at random (the same for the whole generation); ``None``: on all.
    max_generations : int >= 1, default 1000
    validation_every : int >= 1, default 10
        How often (in generations) the current best network is scored on the
        validation data.
    patience : int >= 1 or None, default None
        Stop after this many checks without a better validation fitness
        (``None``: run all ``max_generations``).
    random_state : None, int or numpy.random.Generator, default None

    Attributes
    ----------
    best_genome_ : ndarray of shape (n_weights,)
        The genome of best validation fitness (of best training fitness without
        validation data), found at a check; ``evolve`` also puts it in the model.
    best_val_fitness_ : float or None
        Its validation fitness (mean log-probability of the right class).
    best_val_accuracy_ : float or None
        Its validation accuracy.
    best_generation_ : int
    n_generations_ : int
        Generations bred.
    n_evaluations_ : int
        Networks scored on a training batch: ``population_size`` per generation.
    history_ : dict of str to ndarray
        Per check: ``generation``, ``fitness`` (of the current best network on its
        generation's training batch), ``val_fitness`` and ``val_accuracy`` (NaN
        without validation data).

    Notes
    -----
    *Evolution strategy* (Salimans et al., 2017). With mean genome
    :math:`\\theta_t`, the generation is :math:`\\theta_t \\pm \\sigma
    \\varepsilon_i`, :math:`i = 1 .. n/2`; the fitness values :math:`f_i` become
    centred ranks :math:`F_i`; :math:`\\hat g = \\frac{1}{n\\sigma} \\sum_i F_i
    \\varepsilon_i`; :math:`\\theta_{t+1} = \\theta_t + \\text{Adam}(\\hat g) -
    \\lambda \\theta_t`. The network reported at a check is :math:`\\theta_t`
    itself.

    *The network kept* is the check's network of best validation *fitness*, not
    accuracy: on a few hundred validation samples the accuracy moves in steps of
    one sample, and its maximum over many checks is mostly luck (an early check
    that happened to get two more digits right), while the mean log-probability
    measures every sample's margin and still improves when no prediction flips.

    *Genetic algorithm* (Such et al., 2017). The next generation is the
    ``n_elites`` fittest, then children :math:`x_{\\text{parent}} + \\sigma
    \\varepsilon` of parents drawn from the ``n_parents`` fittest. The network
    reported at a check is the generation's fittest.

    Every generation scores its whole population with one batched forward pass
    (:func:`population_forward`).

    References
    ----------
    Salimans, T., Ho, J., Chen, X., Sidor, S. and Sutskever, I. (2017). Evolution
    strategies as a scalable alternative to reinforcement learning.
    arXiv:1703.03864.

    Wierstra, D., Schaul, T., Glasmachers, T., Sun, Y., Peters, J. and
    Schmidhuber, J. (2014). Natural evolution strategies. JMLR 15, 949-980.

    Such, F. P., Madhavan, V., Conti, E., Lehman, J., Stanley, K. O. and Clune, J.
    (2017). Deep neuroevolution: genetic algorithms are a competitive alternative
    for training deep neural networks for reinforcement learning.
    arXiv:1712.06567.
    """

    _parameter_constraints: ClassVar[dict] = {
        "population_size": [Interval(int, 2, None, closed="left")],
        "strategy": [Options(*STRATEGIES)],
        "sigma": [Interval(float, 0, None, closed="neither")],
        "learning_rate": [Interval(float, 0, None, closed="neither"), callable],
        "weight_decay": [Interval(float, 0, None, closed="left")],
        "n_parents": [Interval(int, 1, None, closed="left")],
        "n_elites": [Interval(int, 0, None, closed="left")],
        "batch_size": [None, Interval(int, 1, None, closed="left")],
        "max_generations": [Interval(int, 1, None, closed="left")],
        "validation_every": [Interval(int, 1, None, closed="left")],
        "patience": [None, Interval(int, 1, None, closed="left")],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        population_size=100,
        *,
        strategy="es",
        sigma=0.05,
        learning_rate=0.03,
        weight_decay=0.0,
        n_parents=20,
        n_elites=1,
        batch_size=256,
        max_generations=1000,
        validation_every=10,
        patience=None,
        random_state=None,
    ):
        self.population_size = population_size
        self.strategy = strategy
        self.sigma = sigma
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.n_parents = n_parents
        self.n_elites = n_elites
        self.batch_size = batch_size
        self.max_generations = max_generations
        self.validation_every = validation_every
        self.patience = patience
        self.random_state = random_state

    def evolve(self, model, X, y, *, validation_data=None, target_accuracy=None):
        """Evolve the weights of ``model`` to classify ``X`` as ``y``.

        Parameters
        ----------
        model : Sequential
            Built, of Dense, Activation and Dropout layers, ending in a softmax
            over the classes. Its weights are the starting genome (the ES's mean;
            the GA's first generation is it and ``population_size - 1`` mutated
            copies of it); at the end they are set to :attr:`best_genome_`.
        X : array-like of shape (n_samples, n_features)
        y : array-like of int, shape (n_samples,)
            Class indices ``0 .. n_classes - 1``.
        validation_data : tuple (X_val, y_val), optional
            Chooses the network kept (best validation fitness) and, with
            ``patience``, when to stop (checks without a better one).
        target_accuracy : float, optional
            Stop at the first check whose validation accuracy is at least this.

        Returns
        -------
        self
        """
        self._validate_params()
        check_network(model)
        X, y = self._check_data(model, X, y, "X", "y")
        if validation_data is not None:
            X_val, y_val = self._check_data(model, *validation_data, "X_val", "y_val")
        self._check_sizes()
        rng = check_random_state(self.random_state)

        theta = genome_from_weights(model.get_weights())  # (n_weights,)
        if self.strategy == "es":
            adam, n_pairs = Adam(self.learning_rate), self.population_size // 2
        else:
            population = np.concatenate(
                [
                    theta[np.newaxis],
                    gaussian_mutation(
                        np.repeat(theta[np.newaxis], self.population_size - 1, 0),
                        self.sigma,
                        rng,
                    ),
                ]
            )  # (P, n_weights)
        history = {
            "generation": [],
            "fitness": [],
            "val_fitness": [],
            "val_accuracy": [],
        }
        # (val fitness, val accuracy, fitness, genome, generation) of the kept one
        best = (-np.inf, np.nan, -np.inf, theta.copy(), 0)
        checks_without_gain = 0
        for generation in range(1, self.max_generations + 1):
            batch = self._draw_batch(len(X), rng)
            if self.strategy == "es":
                noise = antithetic_noise(n_pairs, len(theta), rng)  # (P, n_weights)
                population = theta + self.sigma * noise
                fitness = self._fitness(model, population, X[batch], y[batch])
                step = es_gradient(noise, centered_ranks(fitness), self.sigma)
                decay = self.weight_decay * theta
                # Adam minimises: give it the negative of the ascent direction.
                adam.apply([theta], [-step])
                theta -= decay
                current = theta
            else:
                fitness = self._fitness(model, population, X[batch], y[batch])
                order = np.argsort(-fitness, kind="stable")
                current = population[order[0]]
                parents = truncation_selection(
                    fitness,
                    self.n_parents,
                    self.population_size - self.n_elites,
                    rng,
                )
                population = np.concatenate(
                    [
                        population[order[: self.n_elites]],
                        gaussian_mutation(population[parents], self.sigma, rng),
                    ]
                )
            if generation % self.validation_every and generation < self.max_generations:
                continue
            # A check: the current network on this batch and on the validation data.
            current = current.copy()
            current_fitness = self._fitness(
                model, current[np.newaxis], X[batch], y[batch]
            )[0]
            val_fitness = val_accuracy = np.nan
            if validation_data is not None:
                proba = population_forward(model, current[np.newaxis], X_val)
                val_fitness = log_likelihood(proba, y_val)[0]
                val_accuracy = population_accuracy(proba, y_val)[0]
                better = val_fitness > best[0]
            else:
                better = current_fitness > best[2]
            history["generation"].append(generation)
            history["fitness"].append(current_fitness)
            history["val_fitness"].append(val_fitness)
            history["val_accuracy"].append(val_accuracy)
            if better:
                best = (val_fitness, val_accuracy, current_fitness, current, generation)
                checks_without_gain = 0
            else:
                checks_without_gain += 1
            reached = target_accuracy is not None and val_accuracy >= target_accuracy
            tired = self.patience is not None and checks_without_gain >= self.patience
            if reached or tired:
                break

        validated = validation_data is not None
        self.best_genome_ = best[3]
        self.best_val_fitness_ = float(best[0]) if validated else None
        self.best_val_accuracy_ = float(best[1]) if validated else None
        self.best_generation_ = best[4]
        self.n_generations_ = generation
        self.n_evaluations_ = generation * self.population_size
        self.history_ = {name: np.array(values) for name, values in history.items()}
        model.set_weights(weights_from_genome(self.best_genome_, genome_shapes(model)))
        return self

    def _draw_batch(self, n_samples, rng):
        if self.batch_size is None or self.batch_size >= n_samples:
            return np.arange(n_samples)
        return rng.choice(n_samples, size=self.batch_size, replace=False)

    @staticmethod
    def _fitness(model, population, X, y):
        return log_likelihood(population_forward(model, population, X), y)

    def _check_sizes(self):
        """The checks that tie hyperparameters together."""
        size = self.population_size
        if self.strategy == "es" and size % 2:
            raise ValueError(
                f"population_size must be even for strategy='es' (antithetic "
                f"pairs theta +- sigma * eps); got {size}."
            )
        if self.strategy == "ga":
            if self.n_elites >= size:
                raise ValueError(
                    f"n_elites ({self.n_elites}) must be less than population_size "
                    f"({size}): some room must be left for children."
                )
            if self.n_parents > size:
                raise ValueError(
                    f"n_parents ({self.n_parents}) must be at most population_size "
                    f"({size})."
                )

    @staticmethod
    def _check_data(model, X, y, X_name, y_name):
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        n_features = model.input_shape_[-1]
        if X.ndim != 2 or X.shape[1] != n_features or len(X) == 0:
            raise ValueError(
                f"{X_name} must have shape (n_samples, {n_features}) with at least "
                f"one sample, for this model; got shape {X.shape}."
            )
        if not np.all(np.isfinite(X)):
            raise ValueError(f"{X_name} contains NaN or infinity.")
        n_classes = model.output_shape_[-1]
        integral = y.dtype.kind in "iu" or (
            y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y))
        )
        if y.shape != (len(X),) or not integral:
            raise ValueError(
                f"{y_name} must hold one class index per sample of {X_name}, shape "
                f"({len(X)},); got shape {y.shape}, dtype {y.dtype}."
            )
        y = y.astype(int)
        if y.min() < 0 or y.max() >= n_classes:
            raise ValueError(
                f"{y_name} must be class indices 0 .. {n_classes - 1} (the model has "
                f"{n_classes} outputs); got values from {y.min()} to {y.max()}."
            )
        return X, y


# --- the chapter's network -----------------------------------------------------------


def digits_network(n_hidden=64, n_features=64, n_classes=10, random_state=0):
    """The chapter's network, ``Dense(n_hidden, relu) -> Dense(n_classes,
    softmax)``, built (Glorot-uniform kernels, zero biases). The earlier
    collection's had 16 hidden units; the chapter's has 64 (4,810 weights for
    digits' 64 pixels and 10 classes)."""
    if not isinstance(n_hidden, numbers.Integral) or n_hidden < 1:
        raise ValueError(f"n_hidden must be a positive integer; got {n_hidden!r}.")
    model = Sequential(
        [
            Dense(n_hidden, activation="relu"),
            Dense(n_classes, activation="softmax"),
        ],
        random_state=random_state,
    )
    return model.build((n_features,))
