"""Optimizers: how a gradient becomes a step (Chapter 24).

An optimizer owns no parameters. Each call of :meth:`Optimizer.apply` receives the
model's parameter arrays and their gradients, in the same structure (a dict, a list
of arrays, or a list of dicts, one per layer), and changes every parameter IN PLACE.
What it remembers between calls (a velocity, a running mean of squared gradients)
lives in the optimizer, one set of "slots" per parameter, matched by position: the
model passes its parameters in the same order at every step, as Keras does.

The update formulas and defaults are Keras 3's (``keras.optimizers``), so that the
same gradients give the same trajectory to float64 precision. Where Keras differs from
the textbook, the docstring says so; the differences are small but real:

* Adagrad starts its accumulator at 0.1, not 0, and puts epsilon inside the root;
* Adadelta multiplies its step by a learning rate (default 0.001; the paper has none,
  which is a learning rate of 1.0);
* Adam adds epsilon to ``sqrt(v)`` before the bias correction of ``v`` ("epsilon hat"
  of the paper), folding both corrections into the step size.

``learning_rate`` is a number or a schedule: any callable ``step -> learning rate``
such as those of :mod:`scratchlearn.deep.schedules`, called with ``iterations``, the
number of steps taken so far (0 at the first step, as in Keras).
"""

import numbers

import numpy as np


def _pairs(params, grads):
    """Flatten matching structures of parameters and gradients into (p, g) pairs.

    Accepts a dict ``{name: array}``, a list/tuple of arrays, or a list/tuple of
    dicts (one per layer, as :class:`~scratchlearn.deep.model.Sequential` passes
    them). Dicts are walked in the parameters' key order; the gradients must have the
    same keys.
    """
    if isinstance(params, dict):
        if not isinstance(grads, dict) or set(params) != set(grads):
            raise ValueError(
                "params and grads must be dicts with the same keys; got "
                f"{sorted(params)} and "
                f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}."
            )
        return [pair for name in params for pair in _pairs(params[name], grads[name])]
    if isinstance(params, list | tuple):
        if not isinstance(grads, list | tuple) or len(params) != len(grads):
            raise ValueError(
                "params and grads must be lists of the same length; got "
                f"{len(params)} parameters and "
                f"{len(grads) if isinstance(grads, list | tuple) else grads!r}."
            )
        return [
            pair for p, g in zip(params, grads, strict=True) for pair in _pairs(p, g)
        ]
    if not isinstance(params, np.ndarray) or not np.issubdtype(
        params.dtype, np.floating
    ):
        raise TypeError(
            "Every parameter must be a floating-point NumPy array (it is updated in "
            f"place); got {type(params).__name__}."
        )
    grads = np.asarray(grads, dtype=params.dtype)
    if grads.shape != params.shape:
        raise ValueError(
            f"A gradient of shape {grads.shape} does not match its parameter of "
            f"shape {params.shape}."
        )
    return [(params, grads)]


class Optimizer:
    """Base class: the bookkeeping shared by every optimizer.

    Subclasses name their slots in ``slot_names`` (each starts at
    :meth:`initial_slot_value`, 0 unless overridden) and implement :meth:`update`,
    the rule for one parameter array.

    Parameters
    ----------
    learning_rate : float or callable
        A number, or a schedule ``step -> learning rate`` called with
        ``iterations``.
    clipnorm : float or None, default None
        If set, each gradient array whose L2 norm exceeds ``clipnorm`` is scaled
        down to that norm before the update, ``g * clipnorm / max(||g||, clipnorm)``,
        each parameter array separately, as Keras's ``clipnorm`` (Chapter 27: it
        tames the exploding gradients of recurrent networks).

    Attributes
    ----------
    iterations : int
        Steps taken so far (0 before the first).
    slots : list of dict of str to ndarray, or None
        Per parameter, in the order the parameters are passed, the arrays the rule
        remembers. ``None`` until the first step.
    """

    slot_names = ()

    def __init__(self, learning_rate=0.001, clipnorm=None):
        self.learning_rate = learning_rate
        self.clipnorm = clipnorm
        self.iterations = 0
        self.slots = None

    def _clip(self, grad):
        """Keras's ``clip_by_norm``: ``grad`` scaled to norm ``clipnorm`` if longer."""
        if self.clipnorm is None:
            return grad
        norm = np.sqrt(np.sum(grad**2))
        return grad * self.clipnorm / max(norm, self.clipnorm)

    @property
    def current_learning_rate(self):
        """The learning rate of the next step: the number, or the schedule's value at
        ``iterations``."""
        if callable(self.learning_rate):
            return float(self.learning_rate(self.iterations))
        if not isinstance(self.learning_rate, numbers.Real) or isinstance(
            self.learning_rate, bool
        ):
            raise TypeError(
                "learning_rate must be a number or a schedule (a callable step -> "
                f"learning rate); got {self.learning_rate!r}."
            )
        return float(self.learning_rate)

    def initial_slot_value(self, name):
        """Where the slot ``name`` starts (0 for every slot but Adagrad's)."""
        return 0.0

    def _build(self, pairs):
        """Create the slots: for each parameter, one array per slot name."""
        self.slots = [
            {
                name: np.full_like(p, self.initial_slot_value(name))
                for name in self.slot_names
            }
            for p, _ in pairs
        ]

    def apply(self, params, grads):
        """Take one step: update every array of ``params`` in place.

        Parameters
        ----------
        params : dict, list of arrays, or list of dicts of ndarray
            The parameters; the same structure, in the same order, at every step.
        grads : same structure as ``params``
            The gradient of the loss with respect to each parameter.

        Returns
        -------
        self
        """
        pairs = _pairs(params, grads)
        if self.slots is None:
            self._build(pairs)
        elif len(self.slots) != len(pairs) or any(
            slots[name].shape != p.shape
            for slots, (p, _) in zip(self.slots, pairs, strict=True)
            for name in slots
        ):
            raise ValueError(
                f"This optimizer was built for {len(self.slots)} parameter arrays "
                f"and is now given {len(pairs)} of other shapes: use a new optimizer "
                "for another model."
            )
        if self.clipnorm is not None and (
            isinstance(self.clipnorm, bool)
            or not isinstance(self.clipnorm, numbers.Real)
            or not self.clipnorm > 0
        ):
            raise ValueError(
                f"clipnorm must be a positive number or None; got {self.clipnorm!r}."
            )
        lr = self.current_learning_rate  # one learning rate for the whole step
        for (p, g), slots in zip(pairs, self.slots, strict=True):
            self.update(p, self._clip(g), lr, slots)
        self.iterations += 1
        return self

    step = apply

    def update(self, param, grad, lr, slots):
        """Update one parameter array in place (the rule of each optimizer)."""
        raise NotImplementedError

    def get_config(self):
        """Hyperparameters as a JSON-serialisable dict (schedules as nested
        ``{"class_name", "config"}``)."""
        config = {"learning_rate": _serialise_learning_rate(self.learning_rate)}
        if self.clipnorm is not None:
            config["clipnorm"] = self.clipnorm
        return config

    def get_state(self):
        """Everything the optimizer remembers, as a flat dict of arrays (for saving):
        ``"iterations"`` and ``"<parameter index>/<slot name>"``."""
        state = {"iterations": np.asarray(self.iterations)}
        for i, slots in enumerate(self.slots or []):
            for name, array in slots.items():
                state[f"{i}/{name}"] = array
        return state

    def set_state(self, state):
        """Restore what :meth:`get_state` returned."""
        self.iterations = int(state["iterations"])
        indices = sorted({int(key.split("/")[0]) for key in state if "/" in key})
        self.slots = [
            {
                name: np.array(state[f"{i}/{name}"], dtype=np.float64)
                for name in self.slot_names
            }
            for i in indices
        ] or None
        return self

    def __repr__(self):
        config = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({config})"


def _serialise_learning_rate(learning_rate):
    if hasattr(learning_rate, "get_config"):
        return {
            "class_name": type(learning_rate).__name__,
            "config": learning_rate.get_config(),
        }
    return learning_rate


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    Parameters
    ----------
    learning_rate : float or callable, default 0.01
    momentum : float in [0, 1], default 0.0
        How much of the previous step the velocity keeps.
    nesterov : bool, default False
        Step from where the momentum is about to take the parameter.

    Notes
    -----
    Without momentum :math:`w \\leftarrow w - \\eta g`. With momentum :math:`\\mu`,
    a velocity :math:`v` (starting at 0) accumulates the steps:

    .. math::

        v \\leftarrow \\mu v - \\eta g, \\qquad w \\leftarrow w + v

    and with Nesterov momentum :math:`w \\leftarrow w + \\mu v - \\eta g` (the
    velocity just updated), Sutskever et al.'s reformulation that needs no gradient
    at a look-ahead point. Chapter 24 explains this code.
    """

    def __init__(
        self, learning_rate=0.01, momentum=0.0, nesterov=False, *, clipnorm=None
    ):
        super().__init__(learning_rate, clipnorm)
        self.momentum = momentum
        self.nesterov = nesterov

    @property
    def slot_names(self):
        return ("momentum",) if self.momentum != 0 else ()

    def update(self, param, grad, lr, slots):
        if self.momentum == 0:
            param -= lr * grad
            return
        velocity = slots["momentum"]
        velocity *= self.momentum
        velocity -= lr * grad
        if self.nesterov:
            param += self.momentum * velocity - lr * grad
        else:
            param += velocity

    def get_config(self):
        return {
            **super().get_config(),
            "momentum": self.momentum,
            "nesterov": self.nesterov,
        }


class Adagrad(Optimizer):
    """Adagrad: a learning rate per coordinate, shrinking with the squared gradients
    seen so far.

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    initial_accumulator_value : float, default 0.1
        Where the sum of squared gradients starts (Keras's default; the paper's is 0).
    epsilon : float, default 1e-7

    Notes
    -----
    .. math::

        a \\leftarrow a + g^2, \\qquad
        w \\leftarrow w - \\frac{\\eta\\, g}{\\sqrt{a + \\epsilon}}

    Keras puts :math:`\\epsilon` inside the square root and starts :math:`a` at 0.1;
    Duchi et al. write :math:`\\eta g / (\\epsilon + \\sqrt{a})` with :math:`a_0 = 0`.
    We follow Keras. Chapter 24 explains this code.

    References
    ----------
    Duchi, J., Hazan, E. and Singer, Y. (2011). Adaptive subgradient methods for
    online learning and stochastic optimization. JMLR 12, 2121-2159.
    """

    slot_names = ("accumulator",)

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
        *,
        clipnorm=None,
    ):
        super().__init__(learning_rate, clipnorm)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def initial_slot_value(self, name):
        return self.initial_accumulator_value

    def update(self, param, grad, lr, slots):
        accumulator = slots["accumulator"]
        accumulator += grad**2
        param -= lr * grad / np.sqrt(accumulator + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


class Adadelta(Optimizer):
    """Adadelta: Adagrad with running averages, and steps in the units of ``w``.

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
        Keras's default. The paper's method has no learning rate (use 1.0 for it).
    rho : float, default 0.95
        Decay of both running averages.
    epsilon : float, default 1e-7

    Notes
    -----
    With running averages :math:`E[g^2]` and :math:`E[\\Delta^2]` (both starting
    at 0) and :math:`\\mathrm{rms}(x) = \\sqrt{x + \\epsilon}`:

    .. math::

        E[g^2] &\\leftarrow \\rho E[g^2] + (1 - \\rho) g^2 \\\\
        \\Delta &= -\\frac{\\mathrm{rms}(E[\\Delta^2])}{\\mathrm{rms}(E[g^2])}\\, g \\\\
        E[\\Delta^2] &\\leftarrow \\rho E[\\Delta^2] + (1 - \\rho) \\Delta^2 \\\\
        w &\\leftarrow w + \\eta \\Delta

    Chapter 24 explains this code.

    References
    ----------
    Zeiler, M. D. (2012). ADADELTA: an adaptive learning rate method.
    arXiv:1212.5701.
    """

    slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, *, clipnorm=None):
        super().__init__(learning_rate, clipnorm)
        self.rho = rho
        self.epsilon = epsilon

    def update(self, param, grad, lr, slots):
        rho, epsilon = self.rho, self.epsilon
        mean_square_grad = slots["accumulated_grad"]
        mean_square_delta = slots["accumulated_delta_var"]
        mean_square_grad *= rho
        mean_square_grad += (1 - rho) * grad**2
        delta = (
            -np.sqrt(mean_square_delta + epsilon)
            / np.sqrt(mean_square_grad + epsilon)
            * grad
        )
        mean_square_delta *= rho
        mean_square_delta += (1 - rho) * delta**2
        param += lr * delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root mean square of recent gradients.

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    rho : float, default 0.9
        Decay of the running average of squared gradients.
    momentum : float, default 0.0
        If positive, the scaled steps are accumulated in a velocity.
    epsilon : float, default 1e-7
    centered : bool, default False
        Divide by an estimate of the gradient's standard deviation (subtract the
        square of a running mean of the gradients) rather than its root mean square.

    Notes
    -----
    With :math:`s` and :math:`\\bar g` starting at 0:

    .. math::

        s &\\leftarrow \\rho s + (1 - \\rho) g^2, \\qquad
        \\bar g \\leftarrow \\rho \\bar g + (1 - \\rho) g \\quad (\\text{centered}) \\\\
        \\delta &= \\frac{\\eta g}{\\sqrt{s - \\bar g^2 + \\epsilon}}
        \\quad (\\bar g = 0 \\text{ unless centered}) \\\\
        w &\\leftarrow w - \\delta, \\quad\\text{or with momentum:}\\quad
        m \\leftarrow \\mu m + \\delta, \\; w \\leftarrow w - m

    Epsilon sits inside the square root, as in Keras. Chapter 24 explains this code.

    References
    ----------
    Hinton, G. (2012). Neural networks for machine learning, lecture 6e.
    Graves, A. (2013). Generating sequences with recurrent neural networks (the
    centered variant). arXiv:1308.0850.
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
        *,
        clipnorm=None,
    ):
        super().__init__(learning_rate, clipnorm)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    @property
    def slot_names(self):
        names = ["velocity"]
        if self.momentum > 0:
            names.append("momentum")
        if self.centered:
            names.append("average_gradient")
        return tuple(names)

    def update(self, param, grad, lr, slots):
        rho = self.rho
        mean_square = slots["velocity"]
        mean_square *= rho
        mean_square += (1 - rho) * grad**2
        if self.centered:
            mean_grad = slots["average_gradient"]
            mean_grad *= rho
            mean_grad += (1 - rho) * grad
            denominator = mean_square - mean_grad**2 + self.epsilon
        else:
            denominator = mean_square + self.epsilon
        increment = lr * grad / np.sqrt(denominator)
        if self.momentum > 0:
            velocity = slots["momentum"]
            velocity *= self.momentum
            velocity += increment
            param -= velocity
        else:
            param -= increment

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


class Adam(Optimizer):
    """Adam: momentum on the gradient, RMSprop's scaling, both bias-corrected.

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    beta_1 : float, default 0.9
        Decay of the running mean of the gradients (first moment).
    beta_2 : float, default 0.999
        Decay of the running mean of the squared gradients (second moment).
    epsilon : float, default 1e-7
    amsgrad : bool, default False
        Divide by the largest second moment seen so far (Reddi et al., 2018).

    Notes
    -----
    With :math:`m` and :math:`v` starting at 0 and :math:`t` the number of this step
    (``iterations + 1``, so 1 at the first step):

    .. math::

        m &\\leftarrow \\beta_1 m + (1 - \\beta_1) g, \\qquad
        v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2 \\\\
        w &\\leftarrow w - \\eta\\, \\frac{\\sqrt{1 - \\beta_2^t}}{1 - \\beta_1^t}\\,
        \\frac{m}{\\sqrt{v} + \\epsilon}

    The factors :math:`1 - \\beta^t` undo the pull of the zero start towards 0: with a
    constant gradient, :math:`m = (1 - \\beta_1^t) g` exactly. Dividing by
    :math:`1 - \\beta` instead (a mistake of an earlier version of this course) is
    right at the first step only: with the default betas it makes steps 2 to 105 too
    long (up to 2.1 times, at step 12) and every later step too short (by a factor
    that tends to :math:`\\sqrt{1 - \\beta_2} / (1 - \\beta_1) \\approx 0.32`).
    This is the form of Keras and of the last
    line of Section 2 of the paper ("epsilon hat"); Algorithm 1 adds
    :math:`\\epsilon` to :math:`\\sqrt{\\hat v}` instead, which differs only when
    :math:`\\sqrt{v}` is comparable to :math:`\\epsilon`. Chapter 24 explains this code.

    References
    ----------
    Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic optimization.
    ICLR. arXiv:1412.6980.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        *,
        clipnorm=None,
    ):
        super().__init__(learning_rate, clipnorm)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    @property
    def slot_names(self):
        names = ("momentum", "velocity")
        return (*names, "velocity_hat") if self.amsgrad else names

    def update(self, param, grad, lr, slots):
        t = self.iterations + 1  # this step's number: 1 at the first step
        step_size = lr * np.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        mean_grad, mean_square = slots["momentum"], slots["velocity"]
        mean_grad += (1 - self.beta_1) * (grad - mean_grad)
        mean_square += (1 - self.beta_2) * (grad**2 - mean_square)
        if self.amsgrad:
            largest = slots["velocity_hat"]
            np.maximum(largest, mean_square, out=largest)
            mean_square = largest
        param -= step_size * mean_grad / (np.sqrt(mean_square) + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


OPTIMIZERS = {cls.__name__: cls for cls in (SGD, Adagrad, Adadelta, RMSprop, Adam)}


def get(identifier):
    """An optimizer from a name (``"sgd"``, ``"adam"``, ... with default
    hyperparameters) or an optimizer instance (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    by_lowercase = {name.lower(): cls for name, cls in OPTIMIZERS.items()}
    if isinstance(identifier, str) and identifier.lower() in by_lowercase:
        return by_lowercase[identifier.lower()]()
    raise ValueError(
        f"Unknown optimizer {identifier!r}: pass an Optimizer or one of "
        f"{sorted(by_lowercase)}."
    )
