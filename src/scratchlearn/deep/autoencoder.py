"""Autoencoders (Chapter 29): an encoder and a decoder, two Sequential models chained
through ``forward`` and ``backward``.

An autoencoder learns to copy its input through a bottleneck. The encoder squeezes
each sample into a short **code** (the latent vector); the decoder rebuilds the
sample from it; both are trained together to make the reconstruction close to the
input. One training step chains the two models exactly as backpropagation chains
two layers (:meth:`Autoencoder.train_step`)::

    code = encoder.forward(X, training=True)          # (batch, latent_dim)
    X_rec = decoder.forward(code, training=True)      # (batch, *sample_shape)
    grad_code = decoder.backward(dLoss/dX_rec)        # the decoder's input gradient
    encoder.backward(grad_code)                       # ... is the encoder's output's
    optimizer.apply(every parameter, every gradient)  # one step for both

Keeping the two halves apart costs nothing (the gradients are those of one
Sequential of both, the tests check it) and lets each be used alone: the encoder
maps digits to a 2-D map, the decoder turns any point of the map into an image.

A **denoising** autoencoder corrupts its input in training, with a
:class:`GaussianNoise` layer at the front of the encoder (Keras's layer of the same
name), and is still asked to rebuild the *clean* sample.

:func:`dense_autoencoder` and :func:`conv_autoencoder` build the chapter's two
architectures for scikit-learn's digits; the notebook builds their Keras twins.
"""

import math
import numbers

import numpy as np

from scratchlearn.deep import losses as losses_module
from scratchlearn.deep import optimizers as optimizers_module
from scratchlearn.deep.base import Layer
from scratchlearn.deep.conv import Conv2D, Conv2DTranspose, MaxPooling2D, UpSampling2D
from scratchlearn.deep.layers import (
    Dense,
    Flatten,
    Reshape,
    _as_generator,
    _cache_of,
    _check_forward_input,
    _check_input_shape,
)
from scratchlearn.deep.model import Sequential, _check_samples
from scratchlearn.deep.optimizers import Adam
from scratchlearn.utils.validation import POSITIVE_INT, check_value

__all__ = [
    "Autoencoder",
    "GaussianNoise",
    "conv_autoencoder",
    "corrupt",
    "dense_autoencoder",
    "stack",
]


# --- corruption ---------------------------------------------------------------------


def corrupt(X, noise, rng):
    """``X`` plus Gaussian noise of standard deviation ``noise``: the corruption of a
    denoising autoencoder (and of Keras's ``GaussianNoise`` layer).

    Parameters
    ----------
    X : ndarray of shape (n_samples, ...)
    noise : float >= 0
        Standard deviation of the noise, in the units of ``X`` (pixels in [0, 1]).
    rng : numpy Generator
        Where the noise comes from.

    Returns
    -------
    ndarray of the shape of ``X``
        ``X + noise * N(0, 1)``, every value drawn independently. Not clipped: a
        pixel may leave [0, 1], as in Keras.
    """
    X = np.asarray(X, dtype=np.float64)
    return X + rng.normal(0.0, noise, size=X.shape)  # (n_samples, ...)


class GaussianNoise(Layer):
    """Add ``N(0, stddev^2)`` noise to every value in training; the identity at
    inference (Keras's ``GaussianNoise``).

    Parameters
    ----------
    stddev : float >= 0
        Standard deviation of the noise.

    Notes
    -----
    ``y = x + e`` with ``e`` drawn afresh at every training pass. The noise does not
    depend on ``x``, so ``dy/dx = 1``: the backward pass returns the gradient
    unchanged. The noise comes from the generator passed to ``build`` (the model's),
    so a seeded model corrupts the same way on every run.

    Chapter 29 explains this code.
    """

    def __init__(self, stddev):
        super().__init__()
        self.stddev = stddev

    def build(self, input_shape, rng):
        if (
            isinstance(self.stddev, bool)
            or not isinstance(self.stddev, numbers.Real)
            or not math.isfinite(self.stddev)
            or self.stddev < 0
        ):
            raise ValueError(
                f"stddev must be a finite number >= 0, got {self.stddev!r}."
            )
        self._rng = _as_generator(rng)
        super().build(_check_input_shape(self, input_shape, min_ndim=0), rng)

    def forward(self, X, training=False):
        X = _check_forward_input(self, X)
        self._cache = True  # backward may follow
        if training and self.stddev > 0:
            return corrupt(X, self.stddev, self._rng)
        return X

    def backward(self, grad_output):
        _cache_of(self)
        return np.asarray(grad_output, dtype=np.float64)  # dy/dx = 1

    def get_config(self):
        return {"stddev": self.stddev}


# --- two models as one --------------------------------------------------------------


def stack(*models):
    """One Sequential of the layers of ``models`` in order, with copies of their
    weights (new layers: training one does not move the others).

    Used to check that chaining models through ``backward`` is backpropagation
    through one model of all their layers, and to copy weights into a Keras twin
    (``keras_model.set_weights(stack(encoder, decoder).get_weights())``).
    """
    layers = [
        type(layer)(**layer.get_config()) for model in models for layer in model.layers
    ]
    joined = Sequential(layers, random_state=models[0].random_state)
    joined.build(models[0].input_shape_)
    joined.set_weights([w for model in models for w in model.get_weights()])
    return joined


class Autoencoder:
    """An encoder and a decoder trained together to reconstruct their input.

    Parameters
    ----------
    encoder : Sequential
        Maps a sample of shape ``sample_shape`` to a code of shape ``(latent_dim,)``;
        a :class:`GaussianNoise` layer first makes it a denoising autoencoder.
    decoder : Sequential
        Maps a code back to a sample of shape ``sample_shape``.
    random_state : int or None, default None
        Seed of the batches' order (the models have their own seeds for their
        weights and noise).

    Attributes
    ----------
    optimizer : Optimizer, loss : Loss
        Set by :meth:`compile`; one optimizer updates the parameters of both models.
    history : dict of str to list of float
        ``loss`` per epoch (and ``val_loss``), after :meth:`fit`.

    Notes
    -----
    With encoder :math:`f_\\theta`, decoder :math:`g_\\phi` and corruption
    :math:`\\tilde x = x + \\varepsilon` (:math:`\\varepsilon = 0` for a plain
    autoencoder), training minimises the mean squared reconstruction error over a
    batch of :math:`n` samples of :math:`d` values each,

    .. math::

        L = \\frac{1}{n d} \\sum_{i=1}^{n} \\lVert g_\\phi(f_\\theta(\\tilde x_i))
        - x_i \\rVert^2, \\qquad
        \\frac{\\partial L}{\\partial \\hat x_i} = \\frac{2}{n d}
        (\\hat x_i - x_i).

    By the chain rule, the encoder's output gradient is the decoder's *input*
    gradient, :math:`\\partial L / \\partial z_i = J_{g}(z_i)^\\top \\,
    \\partial L / \\partial \\hat x_i`, which is what ``decoder.backward`` returns.

    Chapter 29 explains this code.

    References
    ----------
    G. E. Hinton and R. R. Salakhutdinov, "Reducing the dimensionality of data with
    neural networks", Science 313 (2006). P. Vincent, H. Larochelle, Y. Bengio and
    P.-A. Manzagol, "Extracting and composing robust features with denoising
    autoencoders", ICML (2008).
    """

    def __init__(self, encoder, decoder, *, random_state=None):
        for name, model in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(model, Sequential):
                raise TypeError(
                    f"{name} must be a Sequential model; got {type(model).__name__}."
                )
        self.encoder = encoder
        self.decoder = decoder
        self.random_state = random_state
        self.optimizer = None
        self.loss = None
        self.history = None
        self._rng = np.random.default_rng(random_state)

    def compile(self, optimizer="adam", loss="mse"):
        """Choose the optimizer (one, for the parameters of both models) and the
        reconstruction loss (a name or a Loss: ``"mse"``, ``"binary_crossentropy"``)."""
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = losses_module.get(loss)
        return self

    @property
    def latent_dim(self):
        """Length of the code (the encoder's output)."""
        self._check_built()
        return int(np.prod(self.encoder.output_shape_))

    # --- one step: the two models chained --------------------------------------------

    def compute_gradients(self, X):
        """Forward through encoder then decoder, backward through decoder then
        encoder: leave in every layer's ``grads`` the gradient of the batch's
        reconstruction loss. Returns the loss and the reconstructions."""
        self._check_compiled()
        code = self.encoder.forward(X, training=True)  # (batch, latent_dim)
        X_rec = self.decoder.forward(code, training=True)  # (batch, *sample_shape)
        self._check_shapes(X, X_rec)
        loss = self.loss.loss(X, X_rec)  # the clean X: denoising rebuilds it
        grad_code = self.decoder.backward(self.loss.gradient(X, X_rec))  # dL/dcode
        self.encoder.backward(grad_code)  # dL/dX, not needed: the data is fixed
        return loss, X_rec

    def apply_gradients(self):
        """One optimizer step on the parameters of both models."""
        self._check_compiled()
        layers = [*self.encoder.layers, *self.decoder.layers]
        self.optimizer.apply(
            [layer.params for layer in layers], [layer.grads for layer in layers]
        )

    def train_step(self, X):
        """One step of gradient descent on the batch ``X``; returns the batch's loss
        (before the step)."""
        loss, _ = self.compute_gradients(X)
        self.apply_gradients()
        return loss

    # --- training --------------------------------------------------------------------

    def fit(self, X, *, epochs=1, batch_size=32, shuffle=True, validation_data=None):
        """Train on ``X`` (the targets are ``X`` itself) for ``epochs`` passes of
        mini-batches of ``batch_size``; returns the history, ``{"loss": [...],
        "val_loss": [...]}``, the mean training loss per epoch and the
        reconstruction loss of ``validation_data`` (samples, no targets) after it.

        Continues from the current weights, as Keras's ``fit``."""
        self._check_compiled()
        X = self._check_X(X)
        epochs = check_value(epochs, "epochs", [POSITIVE_INT])
        batch_size = check_value(batch_size, "batch_size", [POSITIVE_INT])
        if validation_data is not None:
            validation_data = self._check_X(validation_data, "validation_data")
        history = {"loss": []} | (
            {"val_loss": []} if validation_data is not None else {}
        )
        n_samples = len(X)
        for _ in range(epochs):
            order = (
                self._rng.permutation(n_samples) if shuffle else np.arange(n_samples)
            )
            total = 0.0
            for start in range(0, n_samples, batch_size):
                batch = order[start : start + batch_size]
                total += self.train_step(X[batch]) * len(batch)
            history["loss"].append(total / n_samples)
            if validation_data is not None:
                history["val_loss"].append(self.evaluate(validation_data))
        self.history = history
        return history

    # --- using it --------------------------------------------------------------------

    def encode(self, X, batch_size=256):
        """The codes of ``X``, shape (n_samples, latent_dim); no corruption."""
        return self.encoder.predict(self._check_X(X), batch_size=batch_size)

    def decode(self, codes, batch_size=256):
        """The samples the decoder makes of ``codes`` (n_samples, latent_dim)."""
        codes = _check_samples(codes, "codes")
        return self.decoder.predict(codes, batch_size=batch_size)

    def reconstruct(self, X, batch_size=256):
        """``decode(encode(X))``: what the autoencoder makes of ``X``."""
        return self.decode(self.encode(X, batch_size), batch_size)

    def evaluate(self, X, X_target=None, batch_size=256):
        """The reconstruction loss of ``X`` against ``X_target`` (default ``X``):
        give noisy ``X`` and clean ``X_target`` to measure denoising."""
        self._check_compiled()
        X_target = X if X_target is None else X_target
        X_target = _check_samples(X_target, "X_target")
        return self.loss.loss(X_target, self.reconstruct(X, batch_size))

    # --- checks ----------------------------------------------------------------------

    def _check_X(self, X, name="X"):
        X = _check_samples(X, name)
        if not self.encoder.built:
            self.encoder.build(X.shape[1:])
        if not self.decoder.built:
            self.decoder.build(self.encoder.output_shape_)
        if X.shape[1:] != self.encoder.input_shape_:
            raise ValueError(
                f"{name} has samples of shape {X.shape[1:]}, but the autoencoder "
                f"was built for samples of shape {self.encoder.input_shape_}."
            )
        return X

    def _check_shapes(self, X, X_rec):
        if X_rec.shape != X.shape:
            raise ValueError(
                f"The decoder outputs samples of shape {X_rec.shape[1:]}, but the "
                f"encoder reads samples of shape {X.shape[1:]}: an autoencoder's "
                "decoder must rebuild the encoder's input."
            )

    def _check_compiled(self):
        if self.optimizer is None or self.loss is None:
            raise RuntimeError(
                "The autoencoder is not compiled: call compile(optimizer, loss) first."
            )

    def _check_built(self):
        if not self.encoder.built:
            raise RuntimeError("The autoencoder is not built yet: call fit first.")


# --- the chapter's two architectures ------------------------------------------------


def _seeds(random_state):
    """Three seeds (encoder, decoder, batches) from one, as plain ints."""
    return [int(s) for s in np.random.SeedSequence(random_state).generate_state(3)]


def dense_autoencoder(
    sample_shape=(64,),
    *,
    hidden_units=(32,),
    latent_dim=2,
    activation="relu",
    noise=0.0,
    learning_rate=0.01,
    random_state=0,
):
    """A dense autoencoder, built and compiled (Adam, mean squared error).

    Encoder: ``[GaussianNoise(noise)] -> [Flatten] -> Dense(units, activation)...
    -> Dense(latent_dim)`` (a linear code). Decoder: the hidden layers in reverse,
    then ``Dense(prod(sample_shape), sigmoid) -> [Reshape(sample_shape)]``: pixels
    in [0, 1].

    Parameters
    ----------
    sample_shape : tuple of int, default (64,)
        One sample's shape, e.g. ``(64,)`` for flat digits or ``(8, 8, 1)``.
    hidden_units : tuple of int, default (32,)
        Widths of the encoder's hidden layers (the decoder's, reversed).
    latent_dim : int, default 2
    activation : str, default "relu"
    noise : float >= 0, default 0
        Standard deviation of the training corruption; 0 is a plain autoencoder.
    learning_rate : float, default 0.01
    random_state : int or None, default 0

    Returns
    -------
    Autoencoder
    """
    latent_dim = check_value(latent_dim, "latent_dim", [POSITIVE_INT])
    sample_shape = tuple(sample_shape)
    encoder_layers = [GaussianNoise(noise)] if noise else []
    if len(sample_shape) > 1:
        encoder_layers.append(Flatten())  # (batch, prod(sample_shape))
    encoder_layers += [Dense(units, activation=activation) for units in hidden_units]
    encoder_layers.append(Dense(latent_dim))  # (batch, latent_dim), linear
    decoder_layers = [
        Dense(units, activation=activation) for units in reversed(hidden_units)
    ]
    decoder_layers.append(Dense(math.prod(sample_shape), activation="sigmoid"))
    if len(sample_shape) > 1:
        decoder_layers.append(Reshape(sample_shape))  # (batch, *sample_shape)
    return _assemble(
        encoder_layers,
        decoder_layers,
        sample_shape,
        latent_dim,
        learning_rate,
        random_state,
    )


def conv_autoencoder(
    sample_shape=(8, 8, 1),
    *,
    filters=(16, 8),
    latent_dim=2,
    upsampling="nearest",
    noise=0.0,
    learning_rate=0.01,
    random_state=0,
):
    """A convolutional autoencoder for small images, built and compiled (Adam,
    mean squared error).

    Encoder: ``[GaussianNoise] -> (Conv2D(f, 3, same, relu) -> MaxPooling2D(2))``
    for each ``f`` in ``filters`` -> ``Flatten -> Dense(latent_dim)``: an 8x8 image
    becomes 4x4x16, then 2x2x8 maps, then the code. Decoder, the mirror image:
    ``Dense(2*2*8, relu) -> Reshape((2, 2, 8)) -> (UpSampling2D(2) -> Conv2D(f, 3,
    same, relu))`` for ``filters`` reversed ``-> Conv2D(channels, 3, same,
    sigmoid)``. With ``upsampling="transpose"`` each up-sampling block is one
    ``Conv2DTranspose(f, 3, strides=2, same, relu)`` instead.

    Parameters
    ----------
    sample_shape : tuple (height, width, channels), default (8, 8, 1)
        Height and width must be divisible by ``2 ** len(filters)``.
    filters : tuple of int, default (16, 8)
    latent_dim : int, default 2
    upsampling : {"nearest", "transpose"}, default "nearest"
        How the decoder doubles its maps: nearest-neighbour copies then a
        convolution, or a transposed convolution with strides 2.
    noise : float >= 0, default 0
    learning_rate : float, default 0.01
    random_state : int or None, default 0

    Returns
    -------
    Autoencoder

    Notes
    -----
    Up-sampling then a convolution plays the role of a transposed convolution (it
    is one, with a kernel tied to the nearest-neighbour copies), without its
    checkerboard artefacts (Odena, Dumoulin and Olah, "Deconvolution and
    checkerboard artifacts", Distill, 2016).
    """
    latent_dim = check_value(latent_dim, "latent_dim", [POSITIVE_INT])
    height, width, channels = sample_shape
    factor = 2 ** len(filters)
    if height % factor or width % factor:
        raise ValueError(
            f"The images' height and width ({height}, {width}) must be divisible by "
            f"2 ** len(filters) = {factor}: each block halves them."
        )
    if upsampling not in ("nearest", "transpose"):
        raise ValueError(
            f"upsampling must be 'nearest' or 'transpose', got {upsampling!r}."
        )
    inner = (height // factor, width // factor, filters[-1])  # the last maps' shape
    encoder_layers = [GaussianNoise(noise)] if noise else []
    for n_filters in filters:
        encoder_layers += [
            Conv2D(n_filters, 3, padding="same", activation="relu"),
            MaxPooling2D(2),  # (batch, h / 2, w / 2, n_filters)
        ]
    encoder_layers += [Flatten(), Dense(latent_dim)]  # (batch, latent_dim)
    decoder_layers = [Dense(math.prod(inner), activation="relu"), Reshape(inner)]
    for n_filters in reversed(filters):
        if upsampling == "transpose":  # (batch, 2 h, 2 w, n_filters)
            decoder_layers.append(
                Conv2DTranspose(
                    n_filters, 3, strides=2, padding="same", activation="relu"
                )
            )
        else:
            decoder_layers += [
                UpSampling2D(2),  # (batch, 2 h, 2 w, channels of the layer below)
                Conv2D(n_filters, 3, padding="same", activation="relu"),
            ]
    decoder_layers.append(Conv2D(channels, 3, padding="same", activation="sigmoid"))
    return _assemble(
        encoder_layers,
        decoder_layers,
        tuple(sample_shape),
        latent_dim,
        learning_rate,
        random_state,
    )


def _assemble(
    encoder_layers,
    decoder_layers,
    sample_shape,
    latent_dim,
    learning_rate,
    random_state,
):
    encoder_seed, decoder_seed, batch_seed = _seeds(random_state)
    encoder = Sequential(encoder_layers, random_state=encoder_seed).build(sample_shape)
    decoder = Sequential(decoder_layers, random_state=decoder_seed).build((latent_dim,))
    model = Autoencoder(encoder, decoder, random_state=batch_seed)
    return model.compile(Adam(learning_rate), losses_module.MeanSquaredError())
