"""Learning-rate schedules: the learning rate as a function of the step (Chapter 24).

A schedule is a callable ``step -> learning rate``. Given to an optimizer as its
``learning_rate``, it is called before every update with the number of updates taken
so far (``optimizer.iterations``: 0 at the first), as Keras does. ``step`` may also be
an array of steps, which gives the whole curve at once for a plot.

:class:`ExponentialDecay` and :class:`CosineDecay` compute exactly what
``keras.optimizers.schedules`` of the same names compute. :class:`StepDecay` (drop
by a factor every ``k`` steps) has no Keras class of its own; it equals Keras's
``ExponentialDecay(..., staircase=True)``.
"""

import numpy as np


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config``."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self):
        raise NotImplementedError

    def __repr__(self):
        config = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({config})"


def _as_step(step):
    """A step count, or an array of them, as floats (no negative steps)."""
    step = np.asarray(step, dtype=np.float64)
    if np.any(step < 0):
        raise ValueError(f"A schedule's step must be >= 0; got {step}.")
    return step


def _result(value):
    """A Python float for one step, an array for an array of steps."""
    return float(value) if np.ndim(value) == 0 else value


class StepDecay(LearningRateSchedule):
    """Multiply the learning rate by ``factor`` every ``drop_every`` steps.

    Parameters
    ----------
    initial_learning_rate : float
        The learning rate of steps ``0, ..., drop_every - 1``.
    drop_every : int >= 1
        How many steps between two drops. To drop every ``k`` epochs, use
        ``k * steps_per_epoch`` (``steps_per_epoch = ceil(n_samples / batch_size)``).
    factor : float in (0, 1], default 0.5
        What the learning rate is multiplied by at each drop.

    Notes
    -----
    :math:`\\eta(t) = \\eta_0 \\cdot \\text{factor}^{\\lfloor t / k \\rfloor}`, a
    staircase: constant for ``k`` steps, then ``factor`` times smaller.
    Chapter 24 explains this code.
    """

    def __init__(self, initial_learning_rate, drop_every, factor=0.5):
        if drop_every < 1:
            raise ValueError(f"drop_every must be >= 1; got {drop_every}.")
        if not 0 < factor <= 1:
            raise ValueError(f"factor must be in (0, 1]; got {factor}.")
        self.initial_learning_rate = initial_learning_rate
        self.drop_every = drop_every
        self.factor = factor

    def __call__(self, step):
        n_drops = np.floor(_as_step(step) / self.drop_every)
        return _result(self.initial_learning_rate * self.factor**n_drops)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "drop_every": self.drop_every,
            "factor": self.factor,
        }


class ExponentialDecay(LearningRateSchedule):
    """Multiply the learning rate by ``decay_rate`` every ``decay_steps`` steps,
    smoothly (or in a staircase).

    Parameters
    ----------
    initial_learning_rate : float
    decay_steps : int >= 1
        Steps over which the learning rate is multiplied by ``decay_rate`` once.
    decay_rate : float
    staircase : bool, default False
        Round ``step / decay_steps`` down, so the rate changes only every
        ``decay_steps`` steps (then it is :class:`StepDecay`).

    Notes
    -----
    :math:`\\eta(t) = \\eta_0 \\cdot r^{t / T}`, with :math:`\\lfloor t / T \\rfloor`
    in place of :math:`t / T` for the staircase. Same as
    ``keras.optimizers.schedules.ExponentialDecay``. Chapter 24 explains this code.
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        if decay_steps <= 0:
            raise ValueError(f"decay_steps must be > 0; got {decay_steps}.")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase

    def __call__(self, step):
        progress = _as_step(step) / self.decay_steps
        if self.staircase:
            progress = np.floor(progress)
        return _result(self.initial_learning_rate * self.decay_rate**progress)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine annealing: from the initial learning rate down to ``alpha`` times it
    along half a cosine wave, then constant; optionally after a linear warm-up.

    Parameters
    ----------
    initial_learning_rate : float
    decay_steps : int >= 1
        Length of the descent (after the warm-up).
    alpha : float, default 0.0
        The final learning rate, as a fraction of the rate the descent starts from.
    warmup_target : float or None, default None
        If given, first rise linearly from ``initial_learning_rate`` to this rate
        over ``warmup_steps`` steps, then decay from it.
    warmup_steps : int, default 0

    Notes
    -----
    Without warm-up, with :math:`\\tau = \\min(t, T) / T`:

    .. math::

        \\eta(t) = \\eta_0 \\left((1 - \\alpha)\\, \\tfrac12 (1 + \\cos \\pi\\tau)
        + \\alpha\\right)

    Same as ``keras.optimizers.schedules.CosineDecay``: this is SGDR's annealing
    without its restarts. Chapter 24 explains this code.

    References
    ----------
    Loshchilov, I. and Hutter, F. (2017). SGDR: stochastic gradient descent with warm
    restarts. ICLR. arXiv:1608.03983.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        warmup_target=None,
        warmup_steps=0,
    ):
        if decay_steps <= 0:
            raise ValueError(f"decay_steps must be > 0; got {decay_steps}.")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step, start_rate):
        fraction_done = np.minimum(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + np.cos(np.pi * fraction_done))  # from 1 down to 0
        return start_rate * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = _as_step(step)
        if self.warmup_target is None:
            return _result(self._decay(step, self.initial_learning_rate))
        warming_up = step < self.warmup_steps
        rise = self.warmup_target - self.initial_learning_rate
        # max(..., 1) avoids 0 / 0 when warmup_steps is 0 (then no step warms up).
        warmup = self.initial_learning_rate + rise * step / max(self.warmup_steps, 1)
        decay = self._decay(np.maximum(step - self.warmup_steps, 0), self.warmup_target)
        return _result(np.where(warming_up, warmup, decay))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


SCHEDULES = {cls.__name__: cls for cls in (StepDecay, ExponentialDecay, CosineDecay)}
