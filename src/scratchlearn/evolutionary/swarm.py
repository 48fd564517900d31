"""Particle swarm optimisation (Chapter 34).

A *particle* is a point in the search space with a velocity. Each remembers the
best point it has visited (its *personal best*); the swarm remembers the best
point any particle has visited (the *global best*). At every step each particle's
velocity is the sum of three terms:

* **inertia**: a share of its current velocity (it keeps going);
* **cognitive**: a random pull towards its personal best;
* **social**: a random pull towards the global best;

then the velocity is clamped to a maximum speed and the particle moves. The whole
swarm is one array of shape ``(n_particles, n_dimensions)`` and every step is a
handful of array operations.

The bests are **copies**. A best is the point where a particle *was*; the particle
then moves on. Storing a reference to the particle's (changing) position instead of
a copy of it, as the earlier from-scratch collection did, makes the "best" move with
the particle. Here the personal bests are their own array, written by index
assignment (which copies), and the global best is copied out of it.

The function to minimise is the caller's, and vectorised: ``function(positions)``
gets the whole swarm, shape ``(n_particles, n_dimensions)``, and returns
``n_particles`` numbers. :func:`rastrigin`, :func:`rosenbrock` and
:func:`network_loss` make the chapter's.
"""

from typing import ClassVar

import numpy as np

from scratchlearn.evolutionary.optimiser import Optimiser
from scratchlearn.numerics import log_softmax
from scratchlearn.utils.validation import (
    RANDOM_STATE,
    Interval,
    check_random_state,
)


def update_velocities(
    velocities,
    positions,
    personal_best,
    global_best,
    rng,
    *,
    inertia,
    cognitive,
    social,
    max_speed,
):
    """The swarm's next velocities.

    Parameters
    ----------
    velocities, positions, personal_best : ndarrays of shape (n_particles, n_dimensions)
    global_best : ndarray of shape (n_dimensions,)
    rng : numpy.random.Generator
    inertia, cognitive, social : float
        :math:`w`, :math:`c_1` and :math:`c_2`.
    max_speed : ndarray of shape (n_dimensions,) or None
        Each velocity component is clamped to ``[-max_speed, max_speed]``.

    Returns
    -------
    ndarray of shape (n_particles, n_dimensions)

    Notes
    -----
    :math:`v \\leftarrow w v + c_1 r_1 \\odot (p - x) + c_2 r_2 \\odot (g - x)`, with
    :math:`r_1, r_2` uniform on [0, 1), drawn afresh for every particle and every
    dimension.
    """
    r1 = rng.random(positions.shape)  # (n_particles, n_dimensions)
    r2 = rng.random(positions.shape)
    velocities = (
        inertia * velocities
        + cognitive * r1 * (personal_best - positions)
        + social * r2 * (global_best - positions)  # global_best broadcasts
    )
    if max_speed is not None:
        velocities = np.clip(velocities, -max_speed, max_speed)
    return velocities


def update_bests(positions, values, personal_best, personal_best_values):
    """Record the particles that found a point better than their personal best.

    ``personal_best`` (n_particles, n_dimensions) and ``personal_best_values``
    (n_particles,) are updated in place, by index assignment, which *copies* the
    improved rows of ``positions``: moving the particles afterwards leaves the
    bests where they were. Returns the mask of the particles that improved.
    """
    improved = values < personal_best_values  # (n_particles,)
    personal_best[improved] = positions[improved]
    personal_best_values[improved] = values[improved]
    return improved


class ParticleSwarm(Optimiser):
    """Minimise a function of real numbers with a swarm of particles.

    Parameters
    ----------
    n_particles : int >= 2, default 30
    inertia : float in [0, 1], default 0.7298
        :math:`w`, the share of its velocity a particle keeps.
    cognitive : float >= 0, default 1.49618
        :math:`c_1`, the pull towards the particle's own best.
    social : float >= 0, default 1.49618
        :math:`c_2`, the pull towards the swarm's best.
    max_speed : float in (0, 1] or None, default 0.5
        Velocity clamping: each velocity component is at most this share of the
        search range's width in its dimension (``None``: no clamping).
    max_iter : int >= 0, default 200
        Steps of the swarm after the first evaluation.
    random_state : None, int or numpy.random.Generator, default None

    Attributes
    ----------
    best_position_ : ndarray of shape (n_dimensions,)
        The best point found (a copy: never the array of a particle).
    best_value_ : float
    positions_, velocities_ : ndarrays of shape (n_particles, n_dimensions)
        The swarm at the end.
    personal_best_positions_ : ndarray of shape (n_particles, n_dimensions)
    personal_best_values_ : ndarray of shape (n_particles,)
    n_iter_ : int
        Steps taken.
    n_evaluations_ : int
        Points scored: ``n_particles * (n_iter_ + 1)``.
    best_value_history_ : ndarray of shape (n_iter_ + 1,)
    best_position_history_ : ndarray of shape (n_iter_ + 1, n_dimensions)
        The global best after each evaluation of the swarm.
    position_history_ : ndarray of shape (n_iter_ + 1, n_particles, n_dimensions)
        Where the particles were, when ``minimize`` is asked to keep it.

    Notes
    -----
    The particles start uniformly inside the bounds, at rest. Each step updates the
    velocities (:func:`update_velocities`), moves the particles, stops them at the
    bounds (a particle that would leave is put on the boundary, and its velocity
    in that dimension set to 0), scores them, and records the new bests
    (:func:`update_bests`). The defaults are Clerc and Kennedy's constriction
    coefficients (:math:`\\chi = 0.7298`, :math:`\\chi \\cdot 2.05 = 1.49618`),
    under which the swarm converges without clamping; clamping keeps the first
    steps of a wide search in hand.

    The global best is the first of the best personal bests (``argmin``): ties go to
    the particle of lowest index.

    References
    ----------
    Kennedy, J. and Eberhart, R. (1995). Particle swarm optimization. Proceedings
    of ICNN'95, 1942-1948.

    Shi, Y. and Eberhart, R. (1998). A modified particle swarm optimizer. IEEE
    World Congress on Computational Intelligence, 69-73.

    Clerc, M. and Kennedy, J. (2002). The particle swarm: explosion, stability, and
    convergence in a multidimensional complex space. IEEE Transactions on
    Evolutionary Computation 6(1), 58-73.
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_particles": [Interval(int, 2, None, closed="left")],
        "inertia": [Interval(float, 0, 1, closed="both")],
        "cognitive": [Interval(float, 0, None, closed="left")],
        "social": [Interval(float, 0, None, closed="left")],
        "max_speed": [None, Interval(float, 0, 1, closed="right")],
        "max_iter": [Interval(int, 0, None, closed="left")],
        "random_state": RANDOM_STATE,
    }

    def __init__(
        self,
        n_particles=30,
        *,
        inertia=0.7298,
        cognitive=1.49618,
        social=1.49618,
        max_speed=0.5,
        max_iter=200,
        random_state=None,
    ):
        self.n_particles = n_particles
        self.inertia = inertia
        self.cognitive = cognitive
        self.social = social
        self.max_speed = max_speed
        self.max_iter = max_iter
        self.random_state = random_state

    def minimize(self, function, bounds, *, target_value=None, keep_positions=False):
        """Search for the smallest value of ``function`` within ``bounds``.

        Parameters
        ----------
        function : callable
            ``function(positions)`` for an array of shape ``(n, n_dimensions)``
            returns ``n`` finite numbers.
        bounds : array-like of shape (n_dimensions, 2)
            The lowest and the highest value of each coordinate, as SciPy's
            optimisers take them.
        target_value : float, optional
            Stop as soon as the best value is at most this.
        keep_positions : bool, default False
            Keep every step's positions in ``position_history_`` (for pictures).

        Returns
        -------
        self
        """
        self._validate_params()
        low, high = self._check_bounds(bounds)
        if not callable(function):
            raise TypeError(f"function must be callable; got {function!r}.")
        rng = check_random_state(self.random_state)
        size = (self.n_particles, len(low))
        max_speed = None if self.max_speed is None else self.max_speed * (high - low)

        positions = rng.uniform(low, high, size=size)  # (n_particles, n_dimensions)
        velocities = np.zeros(size)
        values = self._score(function, positions)
        personal_best = positions.copy()  # a copy, not the particles themselves
        personal_best_values = values.copy()
        history = {"value": [], "position": [], "positions": []}
        for step in range(self.max_iter + 1):
            leader = np.argmin(personal_best_values)  # the first of equals
            global_best = personal_best[leader].copy()
            history["value"].append(personal_best_values[leader])
            history["position"].append(global_best)
            if keep_positions:
                history["positions"].append(positions.copy())
            reached = target_value is not None and history["value"][-1] <= target_value
            if reached or step == self.max_iter:
                break
            velocities = update_velocities(
                velocities,
                positions,
                personal_best,
                global_best,
                rng,
                inertia=self.inertia,
                cognitive=self.cognitive,
                social=self.social,
                max_speed=max_speed,
            )
            positions = positions + velocities
            # Stop at the walls: on the boundary, at rest in that direction.
            outside = (positions < low) | (positions > high)
            positions = np.clip(positions, low, high)
            velocities[outside] = 0.0
            values = self._score(function, positions)
            update_bests(positions, values, personal_best, personal_best_values)

        self.positions_, self.velocities_ = positions, velocities
        self.personal_best_positions_ = personal_best
        self.personal_best_values_ = personal_best_values
        self.best_position_ = global_best
        self.best_value_ = float(history["value"][-1])
        self.n_iter_ = step
        self.n_evaluations_ = self.n_particles * (step + 1)
        self.best_value_history_ = np.array(history["value"])
        self.best_position_history_ = np.array(history["position"])
        if keep_positions:
            self.position_history_ = np.array(history["positions"])
        elif hasattr(self, "position_history_"):
            del self.position_history_  # an earlier search's, not this one's
        return self

    @staticmethod
    def _check_bounds(bounds):
        try:
            bounds = np.asarray(bounds, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "bounds must be numbers: one (low, high) pair per dimension."
            ) from None
        if bounds.ndim != 2 or bounds.shape[1] != 2 or len(bounds) == 0:
            raise ValueError(
                "bounds must hold one (low, high) pair per dimension, shape "
                f"(n_dimensions, 2); got shape {bounds.shape}."
            )
        low, high = bounds[:, 0], bounds[:, 1]
        if not (np.all(np.isfinite(bounds)) and np.all(low < high)):
            raise ValueError(
                "bounds must be finite, each low below its high; got "
                f"{bounds.tolist()}."
            )
        return low, high

    @staticmethod
    def _score(function, positions):
        values = np.asarray(function(positions), dtype=np.float64)
        if values.shape != (len(positions),):
            raise ValueError(
                f"function(positions) must return one number per particle, shape "
                f"({len(positions)},); it returned shape {values.shape}."
            )
        if np.any(np.isnan(values)):
            raise ValueError("function(positions) returned NaN.")
        return values


# --- the chapter's functions ----------------------------------------------------------


def rastrigin(positions):
    """Rastrigin's function, :math:`10 d + \\sum_i (x_i^2 - 10 \\cos 2 \\pi x_i)`,
    of each row of ``positions`` (n, d). Its minimum is 0 at the origin, among a
    regular grid of local minima (one near every point of integer coordinates)."""
    positions = np.asarray(positions, dtype=np.float64)
    d = positions.shape[-1]
    return 10 * d + np.sum(positions**2 - 10 * np.cos(2 * np.pi * positions), axis=-1)


def rosenbrock(positions):
    """Rosenbrock's function,
    :math:`\\sum_{i=1}^{d-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2`, of each row of
    ``positions`` (n, d). Its minimum is 0 at (1, ..., 1), at the end of a long,
    curved, nearly flat valley."""
    positions = np.asarray(positions, dtype=np.float64)
    x, following = positions[..., :-1], positions[..., 1:]
    return np.sum(100 * (following - x**2) ** 2 + (1 - x) ** 2, axis=-1)


def network_shapes(n_inputs, n_hidden, n_classes):
    """The shapes of a one-hidden-layer network's weights, in Keras's order
    (``Sequential.get_weights``): kernel, bias, kernel, bias."""
    return [(n_inputs, n_hidden), (n_hidden,), (n_hidden, n_classes), (n_classes,)]


def unflatten(flat, shapes):
    """Split the rows of ``flat`` (n, n_weights) into arrays of ``shapes``, each with
    the leading ``n``: one network per row."""
    flat = np.asarray(flat, dtype=np.float64)
    pieces, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        pieces.append(flat[..., start : start + size].reshape(*flat.shape[:-1], *shape))
        start += size
    return pieces


def network_log_proba(flat, X, shapes):
    """Log class probabilities of every network of the swarm on every sample.

    ``flat`` (n_networks, n_weights), ``X`` (n_samples, n_inputs); a tanh hidden
    layer and a softmax output. Returns shape (n_networks, n_samples, n_classes).
    The swarm's networks are one batched matrix product each layer.
    """
    kernel, bias, out_kernel, out_bias = unflatten(flat, shapes)
    hidden = np.tanh(X @ kernel + bias[:, np.newaxis, :])  # (n_networks, n, n_hidden)
    logits = hidden @ out_kernel + out_bias[:, np.newaxis, :]  # (n_networks, n, K)
    return log_softmax(logits, axis=-1)


def network_loss(X, y, n_hidden):
    """The mean cross-entropy of a one-hidden-layer network on ``(X, y)`` as a
    function of its weights, for a particle swarm: the returned function takes
    ``(n_particles, n_weights)`` flat weights and returns ``(n_particles,)`` losses.
    ``y`` holds class indices ``0 .. n_classes - 1``."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    shapes = network_shapes(X.shape[1], n_hidden, int(y.max()) + 1)
    rows = np.arange(len(y))

    def loss(flat):  # (n_particles, n_weights) -> (n_particles,)
        log_proba = network_log_proba(flat, X, shapes)
        return -log_proba[:, rows, y].mean(axis=1)

    loss.shapes = shapes
    loss.n_weights = sum(int(np.prod(shape)) for shape in shapes)
    return loss
