"""Two-parameter loss surfaces, and an optimizer driven across one (Chapter 24).

A network's loss has millions of parameters; the same optimizers can be watched at
work on a loss of two, where the whole path fits in a contour plot. A
:class:`Surface` is a function of ``w = (w_1, w_2)`` with its gradient written by
hand; :func:`descend` hands that gradient to any optimizer of
:mod:`scratchlearn.deep.optimizers`, exactly as :meth:`Sequential.train_step
<scratchlearn.deep.model.Sequential.train_step>` hands it the gradients of a network,
and records where the parameters go.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Surface:
    """A loss of two parameters, with its gradient and where to start.

    Attributes
    ----------
    name : str
    value : callable
        ``value(w)`` for ``w`` of shape ``(..., 2)`` gives the loss, of shape ``(...)``
        (a whole grid at once, for a contour plot).
    gradient : callable
        ``gradient(w)`` for ``w`` of shape ``(2,)`` gives the gradient, shape ``(2,)``.
    minimum : tuple of float
        Where the loss is smallest.
    start : tuple of float
        A starting point that makes the race interesting.
    x_range, y_range : tuple of float
        The window to draw.
    """

    name: str
    value: Callable
    gradient: Callable
    minimum: tuple
    start: tuple
    x_range: tuple
    y_range: tuple


def _rosenbrock(w):
    w = np.asarray(w, dtype=np.float64)
    x, y = w[..., 0], w[..., 1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_gradient(w):
    x, y = w
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


ROSENBROCK = Surface(
    name="Rosenbrock",
    value=_rosenbrock,
    gradient=_rosenbrock_gradient,
    minimum=(1.0, 1.0),
    start=(-1.2, 1.0),
    x_range=(-2.0, 2.0),
    y_range=(-1.0, 3.0),
)
"""Rosenbrock's banana: :math:`(1 - x)^2 + 100 (y - x^2)^2`. Finding the curved
valley is easy; following it to the minimum at (1, 1) is slow."""

# An ellipse 30 times longer than wide, turned by 30 degrees: the axes of the
# problem are not the axes of the parameters, so per-coordinate scaling cannot fix it.
_ANGLE = np.pi / 6
_ROTATION = np.array(
    [[np.cos(_ANGLE), -np.sin(_ANGLE)], [np.sin(_ANGLE), np.cos(_ANGLE)]]
)
_CURVATURE = _ROTATION @ np.diag([1.0, 30.0]) @ _ROTATION.T  # (2, 2), symmetric


def _quadratic(w):
    w = np.asarray(w, dtype=np.float64)
    # 0.5 w^T A w for every point of a grid: (..., 2) @ (2, 2) -> (..., 2) -> (...)
    return 0.5 * np.sum((w @ _CURVATURE) * w, axis=-1)


def _quadratic_gradient(w):
    return _CURVATURE @ w


QUADRATIC = Surface(
    name="ill-conditioned quadratic",
    value=_quadratic,
    gradient=_quadratic_gradient,
    minimum=(0.0, 0.0),
    start=(-3.0, -1.0),
    x_range=(-3.5, 3.5),
    y_range=(-2.5, 2.5),
)
"""The bowl :math:`\\tfrac12 w^\\top A w` whose curvatures are 1 and 30 (condition
number 30), turned by 30 degrees. Plain gradient descent zigzags across it."""

SURFACES = {surface.name: surface for surface in (QUADRATIC, ROSENBROCK)}


def descend(optimizer, surface, n_steps=100, start=None, max_norm=1e6):
    """Let ``optimizer`` take ``n_steps`` steps on ``surface``; return the path.

    Parameters
    ----------
    optimizer : Optimizer
        A fresh optimizer of :mod:`scratchlearn.deep.optimizers` (it keeps its
        slots and step count, so reuse would continue its previous run).
    surface : Surface
    n_steps : int, default 100
    start : array-like of shape (2,), optional
        Where to start; ``surface.start`` by default. Not modified.
    max_norm : float, default 1e6
        Stop early when the parameters get farther than this from the origin
        (or stop being finite): the optimizer has diverged.

    Returns
    -------
    path : ndarray of shape (n_taken + 1, 2)
        The starting point, then the parameters after each step taken
        (``n_taken = n_steps`` unless the optimizer diverged).

    Notes
    -----
    One step is what :meth:`Sequential.train_step
    <scratchlearn.deep.model.Sequential.train_step>` does, with a hand-written
    gradient in place of backpropagation: the optimizer updates ``w`` in place.
    Chapter 24 explains this code.
    """
    w = np.array(surface.start if start is None else start, dtype=np.float64)
    path = [w.copy()]
    for _ in range(n_steps):
        optimizer.apply([w], [surface.gradient(w)])  # updates w in place
        if not np.all(np.isfinite(w)) or np.linalg.norm(w) > max_norm:
            break
        path.append(w.copy())
    return np.array(path)  # (n_taken + 1, 2)
