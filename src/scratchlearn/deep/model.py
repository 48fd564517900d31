"""The Sequential model: layers in a row, trained by mini-batch gradient descent
(Chapters 24-25).

One training step is the whole of deep learning in four lines (:meth:`train_step`)::

    y_pred = forward(X_batch)                   # every layer, in order
    grad = loss.gradient(y_batch, y_pred)       # dLoss/dOutput
    for layer in reversed(layers):              # every layer, in reverse:
        grad = layer.backward(grad)             #   fills layer.grads
    optimizer.apply(params, grads)              # every parameter, in place

Everything else here is bookkeeping: building the layers once the input shape is
known, cutting the data into shuffled mini-batches, averaging the loss and metrics
over an epoch, calling the callbacks, and saving the model without pickle.

Randomness (initial weights, shuffling, dropout masks) comes from one NumPy
``Generator`` made from ``random_state`` and handed to every layer in ``build``: two
models with the same ``random_state`` trained on the same data end with the same
weights.
"""

import importlib
import json
import os
import re
import sys
import warnings

import numpy as np

from scratchlearn.deep import losses as losses_module
from scratchlearn.deep import optimizers as optimizers_module
from scratchlearn.deep import schedules as schedules_module
from scratchlearn.deep.base import Layer
from scratchlearn.deep.callbacks import Callback, History
from scratchlearn.utils.validation import POSITIVE_INT, check_value

FORMAT = "scratchlearn.deep.Sequential"
FORMAT_VERSION = 1


# --- metrics ---------------------------------------------------------------------


def accuracy(y_true, y_pred, loss=None):
    """Share of correct predictions, read the way the loss reads the outputs.

    * one class index per sample (sparse labels): ``argmax(y_pred) == y_true``;
    * several outputs per sample (one-hot labels): ``argmax(y_pred) == argmax(y_true)``;
    * one output per sample (binary): ``y_pred > threshold`` against ``y_true``,
      with threshold 0 for logits (``from_logits=True``), 0.5 for probabilities.
    """
    if isinstance(loss, losses_module.SparseCategoricalCrossentropy):
        predicted = np.argmax(y_pred, axis=-1)  # (batch,)
        return float(np.mean(predicted == y_true.reshape(predicted.shape)))
    if y_pred.shape[-1] > 1:
        return float(np.mean(np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)))
    threshold = 0.0 if getattr(loss, "from_logits", False) else 0.5
    return float(np.mean((y_pred > threshold) == (y_true.reshape(y_pred.shape) > 0.5)))


def mean_squared_error(y_true, y_pred, loss=None):
    return float(np.mean((y_pred - y_true.reshape(y_pred.shape)) ** 2))


def mean_absolute_error(y_true, y_pred, loss=None):
    return float(np.mean(np.abs(y_pred - y_true.reshape(y_pred.shape))))


METRICS = {
    "accuracy": accuracy,
    "mse": mean_squared_error,
    "mae": mean_absolute_error,
}
METRIC_ALIASES = {
    "acc": "accuracy",
    "mean_squared_error": "mse",
    "mean_absolute_error": "mae",
}


# --- checks ----------------------------------------------------------------------


def _check_samples(X, name):
    """``X`` as a non-empty, finite float64 array with a batch axis."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} could not be converted to numbers: {error}") from None
    if X.ndim < 1:
        raise ValueError(f"{name} must have a batch axis first; got a scalar.")
    if X.shape[0] == 0 or X.size == 0:
        raise ValueError(f"{name} is empty (shape {X.shape}): there is nothing to use.")
    if not np.all(np.isfinite(X)):
        n_bad = int(np.count_nonzero(~np.isfinite(X)))
        raise ValueError(
            f"{name} contains NaN or infinity ({n_bad} value(s)). Remove or impute "
            "them first."
        )
    return X


def _check_mask(mask, X):
    """``mask`` as a boolean array ``(batch, timesteps)`` matching ``X``, or None."""
    if mask is None:
        return None
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be a boolean array; got dtype {mask.dtype}.")
    if mask.ndim != 2 or X.ndim < 2 or mask.shape != X.shape[:2]:
        raise ValueError(
            f"mask must have shape (batch, timesteps) = {X.shape[:2]}, one value per "
            f"step of each sequence of X (shape {X.shape}); got {mask.shape}."
        )
    return mask


def _warn_mask_dropped(layer):
    warnings.warn(
        f"{type(layer).__name__} neither accepts nor supports masking: the mask of "
        "its input is dropped here, and the layers above it see no mask (as in "
        "Keras 3).",
        UserWarning,
        stacklevel=4,
    )


def _shape_text(sample_shape):
    """``(n_samples, 8, 8)`` for samples of shape ``(8, 8)``."""
    return "(" + ", ".join(["n_samples", *map(str, sample_shape)]) + ")"


def _snake_case(name):
    """Keras's layer names: ``BatchNormalization`` -> ``batch_normalization``,
    ``MaxPooling2D`` -> ``max_pooling2d``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _batches(n_samples, batch_size, order):
    """Index arrays of consecutive mini-batches of ``order`` (the last may be
    smaller)."""
    return [
        order[start : start + batch_size] for start in range(0, n_samples, batch_size)
    ]


class Sequential:
    """A stack of layers, each feeding the next, trained by mini-batch descent.

    Parameters
    ----------
    layers : list of Layer, optional
        The layers, first to last (more can be added with :meth:`add`).
    random_state : int, numpy Generator or None, default None
        Seed of the generator that initialises the weights, shuffles the batches and
        draws the dropout masks.

    Attributes
    ----------
    layers : list of Layer
    built : bool
        Whether the layers have been built for an input shape.
    input_shape_, output_shape_ : tuple of int
        Shapes of one sample in and out (after building).
    optimizer : Optimizer, loss : Loss, metrics : tuple of str
        Set by :meth:`compile`.
    stop_training : bool
        Set by a callback to end :meth:`fit` after the current epoch.
    history : History
        What the last :meth:`fit` returned.

    Notes
    -----
    The API is Keras's: ``add``, ``compile``, ``fit``, ``evaluate``, ``predict``,
    ``summary``, ``get_weights``/``set_weights``, ``save``/``load``. Unlike a
    scikit-learn estimator, ``fit`` continues from the current weights, as in Keras.
    Chapter 25 explains this code.
    """

    def __init__(self, layers=None, *, random_state=None):
        self.layers = []
        self.random_state = random_state
        self.built = False
        self.optimizer = None
        self.loss = None
        self.metrics = ()
        self.stop_training = False
        self.history = None
        self._last_forward = None
        for layer in layers or []:
            self.add(layer)

    # --- building ----------------------------------------------------------------

    def add(self, layer):
        """Append ``layer`` on top of the stack."""
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add expects a Layer; got {type(layer).__name__}."
            )
        if self.built:
            raise RuntimeError("Add every layer before the model is built (or fitted).")
        self.layers.append(layer)
        return self

    def build(self, input_shape):
        """Create every layer's parameters for samples of ``input_shape``.

        ``input_shape`` is one sample's shape, e.g. ``(64,)``; Keras's form with the
        batch first, ``(None, 64)``, is accepted too. Called by ``fit`` and
        ``predict`` when needed.
        """
        input_shape = tuple(input_shape)
        if input_shape and input_shape[0] is None:
            input_shape = input_shape[1:]
        if not self.layers:
            raise ValueError("The model has no layers: add some first.")
        self._rng = np.random.default_rng(self.random_state)
        shape = input_shape
        for layer in self.layers:
            layer.build(shape, self._rng)  # every layer draws from the model's rng
            shape = layer.output_shape_
        self.input_shape_ = input_shape
        self.output_shape_ = shape
        self.built = True
        return self

    def compile(self, optimizer="rmsprop", loss=None, metrics=()):
        """Choose how to train: the optimizer, the loss and the metrics to report.

        Parameters
        ----------
        optimizer : Optimizer or str, default "rmsprop"
            An optimizer, or a name (``"sgd"``, ``"adam"``...) for one with default
            hyperparameters (Keras's default is RMSprop too).
        loss : Loss or str
            A loss of :mod:`scratchlearn.deep.losses`, or its name (``"mse"``,
            ``"categorical_crossentropy"``... with ``from_logits=False``).
        metrics : sequence of str, default ()
            Any of ``"accuracy"``, ``"mse"``, ``"mae"``.
        """
        if loss is None:
            raise ValueError("compile needs a loss, e.g. losses.MeanSquaredError().")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = losses_module.get(loss)
        if isinstance(metrics, str):
            metrics = (metrics,)
        names = []
        for metric in metrics:
            name = METRIC_ALIASES.get(metric, metric)
            if name not in METRICS:
                raise ValueError(
                    f"Unknown metric {metric!r}; use one of {sorted(METRICS)}."
                )
            names.append(name)
        self.metrics = tuple(names)
        return self

    # --- forward and backward ----------------------------------------------------
    #
    # A model is one step of a bigger computation as much as a whole: a GAN feeds the
    # generator's output to the discriminator and the discriminator's input gradient
    # back to the generator; an autoencoder is two models end to end; a DQN's target
    # network only runs forward. forward and backward are what those need.

    def forward(self, X, *, training=False, mask=None):
        """Outputs for the batch ``X``, shape (batch, *output_shape_).

        ``training=True`` uses dropout and batch statistics, and keeps what
        :meth:`backward` needs. Builds the model on first use. ``mask`` (boolean,
        ``(batch, timesteps)``, optional) marks the real steps of padded sequences
        for the first layer, as ``model(X, mask=...)`` in Keras; a layer such as
        ``Embedding(mask_zero=True)`` can also make one (see :meth:`_forward`).
        """
        X = self._check_X(X)
        return self._forward(X, training, mask=_check_mask(mask, X))

    def __call__(self, X, *, training=False, mask=None):
        return self.forward(X, training=training, mask=mask)  # as model(X) in Keras

    def backward(self, grad_output):
        """Backpropagate ``grad_output``, the gradient of some loss with respect to
        the outputs of the last :meth:`forward` (shape (batch, *output_shape_)).

        Leaves in every layer's ``grads`` the gradient of that loss with respect to
        its parameters, and returns the gradient with respect to the model's input,
        shape (batch, *input_shape_): the ``grad_output`` of whatever produced it.
        """
        grad = np.asarray(grad_output, dtype=np.float64)
        if self._last_forward is None:
            raise RuntimeError(
                "backward needs the outputs of forward(X, training=True) first: "
                "it backpropagates through what that pass computed."
            )
        expected = (self._last_forward, *self.output_shape_)
        if grad.shape != expected:
            raise ValueError(
                f"grad_output has shape {grad.shape}, but the last forward pass "
                f"gave outputs of shape {expected}."
            )
        for layer in reversed(self.layers):
            grad = layer.backward(grad)  # dLoss/dInput of this layer
        return grad

    def apply_gradients(self):
        """One step of the compiled optimizer with the gradients that the last
        :meth:`backward` left in the layers."""
        if self.optimizer is None:
            raise RuntimeError("Call compile(optimizer=..., loss=...) first.")
        self.optimizer.apply(
            [layer.params for layer in self.layers],
            [layer.grads for layer in self.layers],
        )

    def _forward(self, X, training, mask=None):
        """Every layer in order, with the mask carried along (Keras's protocol).

        Each layer gets the mask of its input if it ``accepts_mask`` and hands on
        ``layer.compute_mask(input, mask)`` to the next. A mask reaching a layer that
        neither accepts nor supports masking is dropped, with a warning (as Keras 3
        does): the layers above it see none. The loss never sees a mask: end a
        masked sequence with a layer that consumes it (a recurrent layer without
        ``return_sequences``, a mask-aware pooling).
        """
        # What backward may backpropagate through: a training pass of this batch.
        self._last_forward = len(X) if training else None
        for layer in self.layers:
            if mask is not None and layer.accepts_mask:
                output = layer.forward(X, training=training, mask=mask)
            else:
                if mask is not None and not layer.supports_masking:
                    _warn_mask_dropped(layer)
                output = layer.forward(X, training=training)
            mask = layer.compute_mask(X, mask)  # from the layer's input, as Keras
            X = output
        return X

    def compute_gradients(self, X, y):
        """Forward pass in training mode, then backward: leave in every layer's
        ``grads`` the gradient of the batch's loss. Returns the loss and the
        outputs (before any update)."""
        self._check_compiled()
        y_pred = self._forward(X, training=True)  # (batch, *output_shape_)
        loss = self.loss.loss(y, y_pred)
        self.backward(self.loss.gradient(y, y_pred))  # dLoss/dOutput, with 1 / batch
        return loss, y_pred

    def train_step(self, X, y):
        """One step of gradient descent on the batch ``(X, y)``; returns the loss and
        the outputs computed before the step."""
        loss, y_pred = self.compute_gradients(X, y)
        self.apply_gradients()
        return loss, y_pred

    # --- data checks -------------------------------------------------------------

    def _check_X(self, X, name="X"):
        X = _check_samples(X, name)
        if not self.built:
            self.build(X.shape[1:])
        if X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"{name} has samples of shape {X.shape[1:]}, but the model was built "
                f"for samples of shape {self.input_shape_} ({name} of shape "
                f"{_shape_text(self.input_shape_)})."
            )
        return X

    def _check_X_y(self, X, y, name="X", label_name="y"):
        X = self._check_X(X, name)
        y = _check_samples(y, label_name)
        if y.shape[0] != X.shape[0]:
            raise ValueError(
                f"{name} and {label_name} have different numbers of samples: "
                f"{X.shape[0]} and {y.shape[0]}."
            )
        if isinstance(self.loss, losses_module.SparseCategoricalCrossentropy):
            expected = [(*self.output_shape_[:-1],), (*self.output_shape_[:-1], 1)]
            what = "one class index per sample"
        else:
            expected = [self.output_shape_]
            if self.output_shape_ == (1,):
                expected.append(())  # targets (n,) for one output, as Keras
            what = "the shape of the model's output"
            if len(self.output_shape_) == 1 and y.shape[1:] == ():
                what += (
                    " (class labels must be one-hot encoded: np.eye(n_classes)[y], or "
                    "use SparseCategoricalCrossentropy)"
                )
        if y.shape[1:] not in expected:
            raise ValueError(
                f"{label_name} has samples of shape {y.shape[1:]}, but the model "
                f"outputs samples of shape {self.output_shape_}: {label_name} needs "
                f"{what}, i.e. shape {_shape_text(expected[0])}."
            )
        return X, y

    def _check_compiled(self):
        if self.loss is None or self.optimizer is None:
            raise RuntimeError(
                "The model is not compiled: call compile(optimizer, loss) first."
            )

    # --- training ----------------------------------------------------------------

    def fit(
        self,
        X,
        y,
        *,
        epochs=1,
        batch_size=32,
        validation_data=None,
        callbacks=(),
        shuffle=True,
        verbose=1,
    ):
        """Train for ``epochs`` passes over the data, in mini-batches.

        Parameters
        ----------
        X : array of shape (n_samples, *input_shape)
        y : array of shape (n_samples, *output_shape)
            Targets; one-hot rows for CategoricalCrossentropy, class indices for
            SparseCategoricalCrossentropy.
        epochs : int
        batch_size : int, default 32
            Samples per gradient step (the last batch of an epoch may be smaller).
        validation_data : tuple (X_val, y_val), optional
            Evaluated after every epoch: logged as ``val_loss``, ``val_<metric>``.
        callbacks : sequence of Callback
        shuffle : bool, default True
            Draw a new order of the samples at each epoch (from the model's rng).
        verbose : {0, 1, 2}, default 1
            0: silent; 1: a progress bar over the epochs (with tqdm installed, else as
            2); 2: one line per epoch.

        Returns
        -------
        History
            ``history.history``: per epoch, ``loss`` and the metrics (means over the
            epoch's batches), ``val_loss`` and ``val_<metric>``, and
            ``learning_rate`` (the optimizer's learning rate at the end of the epoch).
        """
        self._check_compiled()
        X, y = self._check_X_y(X, y)
        if validation_data is not None:
            if (
                not isinstance(validation_data, tuple | list)
                or len(validation_data) != 2
            ):
                raise ValueError("validation_data must be a tuple (X_val, y_val).")
            X_val, y_val = self._check_X_y(*validation_data, "X_val", "y_val")
        epochs = check_value(epochs, "epochs", [POSITIVE_INT])
        if verbose not in (0, 1, 2):
            raise ValueError(f"verbose must be 0, 1 or 2; got {verbose!r}.")
        batch_size = check_value(batch_size, "batch_size", [POSITIVE_INT])
        for callback in callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(f"{callback!r} is not a Callback.")

        history = History()
        callbacks = [*callbacks, history]  # History last: it sees the final logs
        for callback in callbacks:
            callback.set_model(self)
        self.stop_training = False
        for callback in callbacks:
            callback.on_train_begin({})

        progress = None
        if verbose == 1:
            try:  # tqdm is optional (the book's extra): the library needs NumPy only
                from tqdm import tqdm
            except ImportError:
                verbose = 2  # without it, one line per epoch
            else:
                progress = tqdm(total=epochs, unit="epoch", file=sys.stdout)
        try:
            for epoch in range(epochs):
                for callback in callbacks:
                    callback.on_epoch_begin(epoch, {})
                logs = self._train_epoch(X, y, batch_size, shuffle)
                if validation_data is not None:
                    scores = self.evaluate(X_val, y_val, batch_size=batch_size)
                    logs.update({f"val_{k}": value for k, value in scores.items()})
                logs["learning_rate"] = self.optimizer.current_learning_rate
                for callback in callbacks:
                    callback.on_epoch_end(epoch, logs)
                report = {k: f"{v:.4g}" for k, v in logs.items()}
                if progress is not None:
                    progress.set_postfix(report, refresh=False)
                    progress.update()
                elif verbose == 2:
                    items = " - ".join(f"{k}: {v}" for k, v in report.items())
                    print(f"Epoch {epoch + 1}/{epochs} - {items}")
                if self.stop_training:
                    break
        finally:
            if progress is not None:
                progress.close()  # even if training fails, leave a clean bar
        for callback in callbacks:
            callback.on_train_end({})
        self.history = history
        return history

    def _train_epoch(self, X, y, batch_size, shuffle):
        """One pass over the data; the loss and metrics averaged over its batches,
        each batch weighted by its size (as Keras reports them)."""
        n_samples = X.shape[0]
        order = self._rng.permutation(n_samples) if shuffle else np.arange(n_samples)
        totals = dict.fromkeys(("loss", *self.metrics), 0.0)
        for batch in _batches(n_samples, batch_size, order):
            loss, y_pred = self.train_step(X[batch], y[batch])
            totals["loss"] += loss * len(batch)
            for name in self.metrics:
                score = METRICS[name](y[batch], y_pred, self.loss)
                totals[name] += score * len(batch)
        return {name: total / n_samples for name, total in totals.items()}

    # --- using the model ---------------------------------------------------------

    def predict(self, X, batch_size=32, verbose=0):
        """The model's outputs for ``X``, computed in batches of ``batch_size``
        (inference mode: no dropout, batch normalisation's running statistics).
        ``verbose`` is accepted for Keras compatibility; nothing is printed."""
        X = self._check_X(X)
        batch_size = check_value(batch_size, "batch_size", [POSITIVE_INT])
        outputs = [
            self._forward(X[start : start + batch_size], training=False)
            for start in range(0, X.shape[0], batch_size)
        ]
        return np.concatenate(outputs, axis=0)  # (n_samples, *output_shape_)

    def evaluate(self, X, y, batch_size=32, verbose=0):
        """The loss and the metrics on ``(X, y)``, as a dict ``{"loss": ...,
        "accuracy": ...}`` (Keras returns a list; a dict says what is what).
        ``verbose`` is accepted for Keras compatibility; nothing is printed."""
        self._check_compiled()
        X, y = self._check_X_y(X, y)
        y_pred = self.predict(X, batch_size=batch_size)
        scores = {"loss": self.loss.loss(y, y_pred)}
        for name in self.metrics:
            scores[name] = METRICS[name](y, y_pred, self.loss)
        return scores

    # --- weights -----------------------------------------------------------------

    def _weight_arrays(self):
        """Every layer's parameters then state, in Keras's order of weights."""
        return [
            array
            for layer in self.layers
            for array in (*layer.params.values(), *layer.state.values())
        ]

    def get_weights(self):
        """Copies of every weight (trainable and not), layer by layer, in Keras's
        order, so that ``keras_model.set_weights(model.get_weights())`` works."""
        self._check_built()
        return [array.copy() for array in self._weight_arrays()]

    def set_weights(self, weights):
        """Overwrite every weight, in place, from a list like :meth:`get_weights`'s."""
        self._check_built()
        arrays = self._weight_arrays()
        weights = list(weights)
        if len(weights) != len(arrays):
            raise ValueError(
                f"The model has {len(arrays)} weight arrays; got {len(weights)}."
            )
        for i, (array, new) in enumerate(zip(arrays, weights, strict=True)):
            new = np.asarray(new, dtype=np.float64)
            if new.shape != array.shape:
                raise ValueError(
                    f"Weight {i} has shape {array.shape}; got {new.shape}."
                )
            array[...] = new  # in place: the optimizer's slots stay matched

    def _check_built(self):
        if not self.built:
            raise RuntimeError(
                "The model is not built yet: call build(input_shape) or fit first."
            )

    # --- summary -----------------------------------------------------------------

    def layer_names(self):
        """Keras-style names: the class in snake case, numbered from the second."""
        counts, names = {}, []
        for layer in self.layers:
            base = _snake_case(type(layer).__name__)
            n = counts.get(base, 0)
            names.append(base if n == 0 else f"{base}_{n}")
            counts[base] = n + 1
        return names

    def count_params(self):
        """Number of weights, trainable and not (Keras's "Total params")."""
        self._check_built()
        return int(sum(array.size for array in self._weight_arrays()))

    def summary(self, print_fn=print):
        """A table of the layers, their output shapes and parameter counts, with the
        totals, like Keras's ``model.summary()``; printed and returned."""
        self._check_built()
        rows = [("Layer (type)", "Output Shape", "Param #")]
        for name, layer in zip(self.layer_names(), self.layers, strict=True):
            n_weights = sum(
                a.size for a in (*layer.params.values(), *layer.state.values())
            )
            shape = "(None, " + ", ".join(map(str, layer.output_shape_)) + ")"
            rows.append((f"{name} ({type(layer).__name__})", shape, f"{n_weights:,}"))
        widths = [max(len(row[i]) for row in rows) + 4 for i in range(3)]
        width = sum(widths)

        def line(row):
            return f"{row[0]:<{widths[0]}}{row[1]:<{widths[1]}}{row[2]:>{widths[2]}}"

        trainable = sum(layer.n_params for layer in self.layers)
        total = self.count_params()
        text = "\n".join(
            [
                'Model: "sequential"',
                "_" * width,
                line(rows[0]),
                "=" * width,
                *(line(row) for row in rows[1:]),
                "=" * width,
                f"Total params: {total:,}",
                f"Trainable params: {trainable:,}",
                f"Non-trainable params: {total - trainable:,}",
                "_" * width,
            ]
        )
        if print_fn is not None:
            print_fn(text)
        return text

    # --- saving without pickle ---------------------------------------------------

    def get_config(self):
        """The architecture (and compile settings) as JSON-serialisable data."""
        self._check_built()
        config = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "random_state": (
                self.random_state if isinstance(self.random_state, int) else None
            ),
            "input_shape": list(self.input_shape_),
            "layers": [
                {
                    "module": type(layer).__module__,
                    "class_name": type(layer).__name__,
                    "config": layer.get_config(),
                }
                for layer in self.layers
            ],
            "rng_state": self._rng.bit_generator.state,
        }
        if self.optimizer is not None:
            config["compile"] = {
                "optimizer": {
                    "class_name": type(self.optimizer).__name__,
                    "config": self.optimizer.get_config(),
                },
                "loss": {
                    "class_name": type(self.loss).__name__,
                    "config": self.loss.get_config(),
                },
                "metrics": list(self.metrics),
            }
        return config

    def save(self, path):
        """Save architecture, weights, state and optimizer to ``path``; returns the
        path written (``.npz`` appended if missing).

        One ``np.savez`` archive, written with ``allow_pickle=False``: the arrays
        under names like ``layers/0/params/kernel``, and the architecture as a JSON
        string (every layer's class and ``get_config()``). Nothing in it can run code
        when loaded, unlike a pickle.
        """
        try:
            architecture = json.dumps(self.get_config())
        except TypeError as error:
            raise ValueError(
                f"The model's configuration cannot be saved as JSON ({error}); a "
                "layer was probably given a Python function (e.g. an initializer) "
                "instead of a name."
            ) from None
        arrays = {"architecture": np.array(architecture)}
        for i, layer in enumerate(self.layers):
            for kind in ("params", "state"):
                for name, array in getattr(layer, kind).items():
                    arrays[f"layers/{i}/{kind}/{name}"] = array
        if self.optimizer is not None:
            for key, array in self.optimizer.get_state().items():
                arrays[f"optimizer/{key}"] = array
        path = os.fspath(path)
        if not path.endswith(".npz"):
            path += ".npz"  # what np.savez would do anyway; now the caller knows
        np.savez(path, allow_pickle=False, **arrays)
        return path

    @classmethod
    def load(cls, path):
        """Rebuild a model saved by :meth:`save`: same layers, weights, state,
        optimizer and random generator state, so it predicts identically and
        training continues as it would have."""
        path = os.fspath(path)
        if not os.path.exists(path) and os.path.exists(path + ".npz"):
            path += ".npz"
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
        config = json.loads(str(arrays.pop("architecture")))
        if config.get("format") != FORMAT:
            raise ValueError(f"{path} is not a saved scratchlearn Sequential model.")
        model = cls(
            [_layer_from_config(entry) for entry in config["layers"]],
            random_state=config["random_state"],
        )
        model.build(tuple(config["input_shape"]))
        for i, layer in enumerate(model.layers):
            for kind in ("params", "state"):
                for name, array in getattr(layer, kind).items():
                    saved = arrays[f"layers/{i}/{kind}/{name}"]
                    if saved.shape != array.shape:
                        raise ValueError(
                            f"Saved {kind} {name!r} of layer {i} has shape "
                            f"{saved.shape}; the rebuilt layer has {array.shape}."
                        )
                    array[...] = saved
        model._rng.bit_generator.state = config["rng_state"]
        if "compile" in config:
            settings = config["compile"]
            model.compile(
                _optimizer_from_config(settings["optimizer"]),
                _from_registry(losses_module, settings["loss"], losses_module.Loss),
                settings["metrics"],
            )
            prefix = "optimizer/"
            state = {
                k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)
            }
            if state:
                model.optimizer.set_state(state)
        return model


def _from_registry(module, entry, base):
    """An instance of the class ``entry["class_name"]`` of ``module``, built from
    ``entry["config"]``, after checking that it is a subclass of ``base``."""
    cls = getattr(module, entry["class_name"], None)
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise ValueError(
            f"Unknown {base.__name__} {entry['class_name']!r} in {module.__name__}."
        )
    return cls(**entry["config"])


def _layer_from_config(entry):
    # Only scratchlearn's own modules are imported: a saved file names a class, it
    # cannot make the loader import arbitrary code.
    module_name = entry["module"]
    if not module_name.startswith("scratchlearn.deep."):
        raise ValueError(f"Layer module {module_name!r} is not part of scratchlearn.")
    return _from_registry(importlib.import_module(module_name), entry, Layer)


def _optimizer_from_config(entry):
    config = dict(entry["config"])
    learning_rate = config["learning_rate"]
    if isinstance(learning_rate, dict):
        config["learning_rate"] = _from_registry(
            schedules_module, learning_rate, schedules_module.LearningRateSchedule
        )
    return _from_registry(
        optimizers_module, {**entry, "config": config}, optimizers_module.Optimizer
    )


def load_model(path):
    """Same as :meth:`Sequential.load`."""
    return Sequential.load(path)
