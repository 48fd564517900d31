"""Callbacks: code that watches training and acts on the model (Chapter 24).

:meth:`Sequential.fit <scratchlearn.deep.model.Sequential.fit>` calls, on each
callback, the same hooks as Keras, in the same order::

    set_model(model)
    on_train_begin(logs)
    for epoch in 0, 1, ...:
        on_epoch_begin(epoch, logs)
        ... one epoch of mini-batch steps ...
        on_epoch_end(epoch, logs)      # logs: {"loss": ..., "val_loss": ..., ...}
        if model.stop_training: break
    on_train_end(logs)

A callback acts through the model: ``model.stop_training = True`` ends training
after this epoch, ``model.get_weights()``/``model.set_weights()`` keep and restore
weights, and ``model.optimizer.learning_rate`` is the learning rate.

:class:`EarlyStopping` and :class:`ReduceLROnPlateau` reproduce Keras 3's callbacks
decision for decision (the tests drive both with the same scripted losses), including
two details a textbook would not guess: the first monitored value always counts as an
improvement, and ``min_delta`` is the margin by which a value must beat the best.
"""

import numpy as np

# Whether a bigger or a smaller value is better, for mode="auto" (Keras finds this
# from the metric object; here the metrics are known by name).
METRIC_DIRECTIONS = {
    "loss": "min",
    "accuracy": "max",
    "mse": "min",
    "mae": "min",
    "mean_squared_error": "min",
    "mean_absolute_error": "min",
}


class Callback:
    """Base class: every hook does nothing, so a callback overrides only what it
    needs."""

    def __init__(self):
        self.model = None

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass


class History(Callback):
    """What ``fit`` returns: the logs of every epoch.

    Attributes
    ----------
    history : dict of str to list of float
        One list per logged quantity (``"loss"``, ``"accuracy"``, ``"val_loss"``,
        ``"val_accuracy"``, ``"learning_rate"``), one value per epoch.
    epoch : list of int
        The epochs run (0-based).
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)


class _MonitorCallback(Callback):
    """What both monitoring callbacks share: which quantity, which direction, and
    when a value is an improvement on another."""

    def __init__(self, monitor="val_loss", mode="auto", min_delta=0.0):
        super().__init__()
        self.monitor = monitor
        self.mode = mode
        self.min_delta = min_delta

    def _direction(self):
        if self.mode in ("min", "max"):
            return self.mode
        if self.mode != "auto":
            raise ValueError(f"mode must be 'auto', 'min' or 'max'; got {self.mode!r}.")
        name = self.monitor.removeprefix("val_")
        if name not in METRIC_DIRECTIONS:
            raise ValueError(
                f"{type(self).__name__} cannot tell whether {self.monitor!r} should go "
                "up or down: pass mode='max' or mode='min'."
            )
        return METRIC_DIRECTIONS[name]

    def _is_improvement(self, value, reference):
        """``value`` beats ``reference`` by more than ``min_delta`` (anything beats
        ``None``)."""
        if reference is None:
            return True
        margin = abs(self.min_delta)
        if self._direction() == "min":
            return value + margin < reference
        return value - margin > reference

    def _monitored(self, logs):
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(
                f"{type(self).__name__} monitors {self.monitor!r}, which is not in "
                f"the logs (they have {sorted(logs)}). For 'val_...' pass "
                "validation_data to fit."
            )
        return float(logs[self.monitor])


class EarlyStopping(_MonitorCallback):
    """Stop training when the monitored quantity has stopped improving.

    Parameters
    ----------
    monitor : str, default "val_loss"
        The key of the logs to watch.
    min_delta : float, default 0
        A value improves on the best only if it beats it by more than this.
    patience : int, default 0
        How many epochs without improvement to wait before stopping.
    mode : {"auto", "min", "max"}, default "auto"
        Whether lower or higher is better; "auto" knows losses and accuracy.
    restore_best_weights : bool, default False
        At the end of training, put back the weights of the best epoch.
    baseline : float or None, default None
        A value to beat: until a value beats it, the patience is not reset.
    start_from_epoch : int, default 0
        Ignore the epochs before this one (a warm-up).

    Attributes
    ----------
    stopped_epoch : int
        The epoch after which training was stopped (0 if it was not).
    best : float or None
        The best monitored value seen.
    best_epoch : int
        The epoch where it was seen.
    wait : int
        Epochs since the last improvement.

    Notes
    -----
    At the end of each epoch (after ``start_from_epoch``): ``wait`` goes up by one;
    if the value improves on the best (the first value always does), it becomes the
    best and, if it also beats ``baseline``, ``wait`` returns to 0; otherwise, once
    ``wait >= patience`` (and not at epoch 0), training stops. With
    ``restore_best_weights`` the best weights are restored at the end of training
    whether or not it stopped early, as in Keras 3. Chapter 24 explains this code.
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        mode="auto",
        restore_best_weights=False,
        baseline=None,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta)
        self.patience = patience
        self.restore_best_weights = restore_best_weights
        self.baseline = baseline
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        # Reset everything, so that the callback can serve several fits.
        self._direction()  # an unusable mode or monitor fails now, not at epoch 1
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if epoch < self.start_from_epoch:
            return
        current = self._monitored(logs)
        if self.restore_best_weights and self.best_weights is None:
            # Nothing kept yet: the current weights are the best so far.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Patience restarts only for a value that beats the baseline too.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class ReduceLROnPlateau(_MonitorCallback):
    """Multiply the learning rate by ``factor`` when the monitored quantity has
    stopped improving.

    Parameters
    ----------
    monitor : str, default "val_loss"
    factor : float in (0, 1), default 0.1
        What the learning rate is multiplied by at each reduction.
    patience : int, default 10
        Epochs without improvement before a reduction.
    mode : {"auto", "min", "max"}, default "auto"
    min_delta : float, default 1e-4
        A value improves on the best only if it beats it by more than this.
    cooldown : int, default 0
        After a reduction, ``cooldown - 1`` epochs are not counted as waiting (the
        counter is decremented before it is checked, as in Keras, so a cooldown of 1
        acts like 0).
    min_lr : float, default 0
        The learning rate never goes below this.

    Attributes
    ----------
    best : float or None
    wait : int
        Epochs since the last improvement (outside cooldown).
    cooldown_counter : int
        Epochs of cooldown left.

    Notes
    -----
    At the end of each epoch: in cooldown, one cooldown epoch is used up and ``wait``
    is reset; an improvement becomes the best and resets ``wait``; otherwise, out of
    cooldown, ``wait`` goes up and, once it reaches ``patience``, the learning rate
    becomes ``max(lr * factor, min_lr)`` (if it is still above ``min_lr``), and
    the cooldown starts. The learning rate before the epoch's decision is logged as
    ``"learning_rate"``. Needs a number as the optimizer's learning rate, not a
    schedule. Chapter 24 explains this code.
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
    ):
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau needs a factor < 1 (it reduces); got {factor}."
            )
        super().__init__(monitor, mode, min_delta)
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.min_lr = min_lr

    def on_train_begin(self, logs=None):
        self._direction()
        if callable(self.model.optimizer.learning_rate):
            raise TypeError(
                "ReduceLROnPlateau sets the learning rate, so it needs an optimizer "
                "with a number as learning_rate, not a schedule."
            )
        self.best = None
        self.wait = 0
        self.cooldown_counter = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if logs is not None:
            logs["learning_rate"] = float(optimizer.learning_rate)
        current = self._monitored(logs)
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                if old_lr > self.min_lr:
                    optimizer.learning_rate = max(old_lr * self.factor, self.min_lr)
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of every epoch from the epoch number.

    Parameters
    ----------
    schedule : callable
        ``schedule(epoch, lr) -> new lr``, or ``schedule(epoch) -> lr`` (so a
        schedule of :mod:`scratchlearn.deep.schedules` counts epochs instead of
        steps).

    Notes
    -----
    The same as Keras's ``LearningRateScheduler``: the per-epoch alternative to
    giving the optimizer a per-step schedule. Chapter 24 explains this code.
    """

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        try:
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # a one-argument schedule
            lr = self.schedule(epoch)
        lr = float(lr)
        if not np.isfinite(lr):
            raise ValueError(f"The schedule gave learning rate {lr} at epoch {epoch}.")
        optimizer.learning_rate = lr

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
