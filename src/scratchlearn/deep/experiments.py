"""The book's experiments of Part III: the runs and measurements its chapters show.

Each chapter's pictures (``scratchlearn.viz.<chapter>``) draw results; the training
runs, probes and projections behind them are here, one section per chapter, so
that the chapter, its explorer and its tests ask one place for the same run:

- building blocks: the one-hidden-layer network that learns the two moons;
- convolutional networks: a short training run of the chapter's digits CNN, and
  one for each optimizer and learning rate of the explorer;
- the multilayer perceptron: the explorer's runs, each setting trained once;
- recurrent networks: the gradient that reaches each time step (vanishing and
  exploding gradients) and what clipping does to it;
- attention: attention tops trained on a trained LSTM's outputs, every setting of
  the explorer once;
- autoencoders: the explorer's dense autoencoder, its codes on a plane and the
  decoder's digits over a grid of codes, each setting trained once;
- restricted Boltzmann machines: training epoch by epoch with a measure after each,
  and the explorer's machines, each setting trained once;
- optimizers: each optimizer's best learning rate on the race's surfaces, the
  learning-rate schedules, the race, one optimizer's path on a surface and a small
  digits network trained with one optimizer;
- generative adversarial networks: the explorer's small GANs, every setting.
"""

import functools

import numpy as np

from scratchlearn import deep
from scratchlearn.book import rounded
from scratchlearn.deep.attention import MultiHeadAttention
from scratchlearn.deep.autoencoder import dense_autoencoder
from scratchlearn.deep.cnn import digits_cnn
from scratchlearn.deep.gan import GAN, dense_discriminator, dense_generator
from scratchlearn.deep.layers import Dense
from scratchlearn.deep.losses import SparseCategoricalCrossentropy
from scratchlearn.deep.mlp import train_mlp
from scratchlearn.deep.model import Sequential
from scratchlearn.deep.optimizers import Adam
from scratchlearn.deep.pooling import GlobalAveragePooling1D
from scratchlearn.deep.rbm import BernoulliRBM
from scratchlearn.deep.recurrent import GRU, LSTM, SimpleRNN
from scratchlearn.deep.surfaces import QUADRATIC, ROSENBROCK, SURFACES, descend

# --- attention ----------------------------------------------------------------

HEADS = (1, 2, 4)
KEY_DIMS = (2, 16)
MASKING = ("on", "off")


def train_attention_top(
    H,
    mask,
    y,
    *,
    num_heads,
    key_dim,
    masking,
    epochs=4,
    batch_size=32,
    learning_rate=0.01,
    random_state=0,
):
    """MultiHeadAttention -> GlobalAveragePooling1D -> Dense(softmax) trained on the
    sequences ``H`` (n_samples, steps, features), e.g. a trained LSTM's outputs,
    with their padding ``mask`` if ``masking`` is ``"on"``, else none.

    A short loop over mini-batches (``fit`` takes no mask): forward with the mask,
    backward, one Adam step.
    """
    n_classes = int(np.max(y)) + 1
    model = Sequential(
        [
            MultiHeadAttention(num_heads, key_dim),
            GlobalAveragePooling1D(),
            Dense(n_classes, activation="softmax"),
        ],
        random_state=random_state,
    )
    model.compile(Adam(learning_rate), SparseCategoricalCrossentropy())
    model.build(H.shape[1:])
    rng = np.random.default_rng(random_state)
    for _ in range(epochs):
        order = rng.permutation(len(H))
        for start in range(0, len(H), batch_size):
            batch = order[start : start + batch_size]
            batch_mask = mask[batch] if masking == "on" else None
            proba = model.forward(H[batch], training=True, mask=batch_mask)
            model.backward(model.loss.gradient(y[batch], proba))
            model.apply_gradients()
    return model


def attention_and_accuracy(model, H, mask, y, masking):
    """The attention weights (n_samples, heads, steps, steps) and the accuracy."""
    proba = model.forward(H, mask=mask if masking == "on" else None)
    return model.layers[0].attention_scores_, float(np.mean(proba.argmax(1) == y))


def train_every_setting(train, val, shown, *, epochs=4):
    """{(heads, key_dim, masking): (attention weights on ``shown``, validation
    accuracy)} for every setting of the explorer, each trained once."""
    runs = {}
    for heads in HEADS:
        for key_dim in KEY_DIMS:
            for masking in MASKING:
                model = train_attention_top(
                    *train,
                    num_heads=heads,
                    key_dim=key_dim,
                    masking=masking,
                    epochs=epochs,
                )
                accuracy = attention_and_accuracy(model, *val, masking)[1]
                model.forward(shown[0], mask=shown[1] if masking == "on" else None)
                runs[heads, key_dim, masking] = (
                    model.layers[0].attention_scores_,
                    accuracy,
                )
    return runs


def sequences_after(model, X, n_layers):
    """The outputs of a Sequential's first ``n_layers`` layers on ``X`` (inference)
    and the padding mask that reaches them (e.g. an Embedding's)."""
    mask = None
    for layer in model.layers[:n_layers]:
        if mask is not None and layer.accepts_mask:
            output = layer.forward(X, training=False, mask=mask)
        else:
            output = layer.forward(X, training=False)
        mask = layer.compute_mask(X, mask)
        X = output
    return X, mask


# --- recurrent ----------------------------------------------------------------

CELLS = {"SimpleRNN": SimpleRNN, "GRU": GRU, "LSTM": LSTM}
UNITS = 16
BATCH = 32


def backpropagate(cell, timesteps, scale, *, units=UNITS, batch=BATCH, seed=0):
    """One backward pass through time of a fresh layer, watched step by step.

    A fresh ``cell`` layer (Keras's initial weights, its recurrent kernel times
    ``scale``) reads random sequences of four features; the loss is a random
    projection of the last state. Returns ``(grad_X, shares, grad_recurrent)``:
    dLoss/dX ``(batch, timesteps, 4)``; the norm of each step's share of the
    recurrent kernel's gradient ``(timesteps,)`` (the gradient is the sum of the
    shares; the first is 0, as the state before it is 0); and that gradient.
    """
    rng = np.random.default_rng(seed)
    layer = CELLS[cell](units)
    layer.build((timesteps, 4), rng)
    layer.params["recurrent_kernel"] *= scale
    X = rng.normal(size=(batch, timesteps, 4))
    layer.forward(X, training=True)
    shares = []
    step_backward = layer._step_backward  # each call adds its step's share

    def watched(*args):
        before = layer.grads["recurrent_kernel"].copy()
        result = step_backward(*args)
        shares.append(np.linalg.norm(layer.grads["recurrent_kernel"] - before))
        return result

    layer._step_backward = watched  # this layer only, thrown away after
    grad_X = layer.backward(rng.normal(size=(batch, units)))  # (batch, timesteps, 4)
    return grad_X, np.array(shares[::-1]), layer.grads["recurrent_kernel"]


def gradient_per_step(cell, timesteps, scale, *, units=UNITS, batch=BATCH, seed=0):
    """How much of a loss at the last step reaches each earlier step: the mean over
    the batch of ``||dLoss/dx_t||`` for every step ``t`` (shape ``(timesteps,)``),
    and the norm of the recurrent kernel's gradient (what ``clipnorm`` looks at);
    see :func:`backpropagate`."""
    grad_X, _, grad_recurrent = backpropagate(
        cell, timesteps, scale, units=units, batch=batch, seed=seed
    )
    norms = np.linalg.norm(grad_X, axis=-1).mean(axis=0)
    return norms, float(np.linalg.norm(grad_recurrent))


def clipped_shares(cell, timesteps, scale, units, clipnorm):
    """Each step's share of the recurrent kernel's update, before and after
    clipping: ``(shares, clipped, norm)``. ``clipnorm`` (None: no clipping)
    rescales the whole gradient, so every share by the same factor
    ``min(1, clipnorm / norm)``."""
    _, shares, grad_recurrent = backpropagate(cell, timesteps, scale, units=units)
    norm = float(np.linalg.norm(grad_recurrent))
    factor = 1.0 if clipnorm is None else min(1.0, clipnorm / norm)
    return shares, shares * factor, norm


# --- cnn ----------------------------------------------------------------------


def train_small(X_train, y_train, X_val, y_val, *, epochs, batch_size=32, **kw):
    """Train the chapter's network (:func:`digits_cnn` with the settings ``kw``:
    ``optimizer``, ``learning_rate``, ``dropout``, ``filters``..., a constant
    learning rate) for a few epochs; returns its ``History.history``."""
    # Few steps: batch normalisation's running statistics must catch up quickly.
    model = digits_cnn(batch_norm_momentum=0.9, **kw)
    fit = {"epochs": epochs, "batch_size": batch_size, "verbose": 0}
    history = model.fit(X_train, y_train, validation_data=(X_val, y_val), **fit)
    return history.history


def train_every_optimizer(data, optimizers, learning_rates, *, epochs):
    """:func:`train_small` on ``data = (X_train, y_train, X_val, y_val)`` for every
    optimizer (``optimizers`` maps the name shown to the name given to
    :func:`digits_cnn`) and learning rate: ``{(shown name, rate): history}``."""
    return {
        (shown, rate): train_small(
            *data, epochs=epochs, optimizer=name, learning_rate=rate
        )
        for shown, name in optimizers.items()
        for rate in learning_rates
    }


# --- the multilayer perceptron ------------------------------------------------


def mlp_runs(X_fit, y_fit, X_val, y_val):
    """``run(config)``: the ``History.history`` of the chapter's network
    (:func:`~scratchlearn.deep.mlp.train_mlp`) trained with the ``MLPConfig``
    ``config`` on ``(X_fit, y_fit)`` and validated on ``(X_val, y_val)``. Each
    config trains once (same seed, so the same initial weights) and is kept."""

    @functools.cache
    def run(config):
        with np.errstate(all="ignore"):  # a learning rate too large diverges
            return train_mlp(config, X_fit, y_fit, (X_val, y_val))[1]

    return run


# --- autoencoders -------------------------------------------------------------


def to_2d(codes):
    """Codes of any length on a plane: as they are for two numbers, otherwise
    projected on their first two principal axes (signs fixed so that the largest
    entry of each axis is positive, for the same picture on every machine)."""
    codes = np.asarray(codes, dtype=float)
    if codes.shape[1] <= 2:
        return codes
    centred = codes - codes.mean(axis=0)  # (n_samples, latent_dim)
    _, _, Vt = np.linalg.svd(centred, full_matrices=False)
    axes = (
        Vt[:2] * np.sign(Vt[:2][np.arange(2), np.abs(Vt[:2]).argmax(axis=1)])[:, None]
    )
    return centred @ axes.T  # (n_samples, 2)


def train_setting(X_train, latent_dim, noise, *, epochs, random_state=0):
    """The explorer's model: a dense autoencoder 64 -> 64 -> latent_dim -> 64 -> 64
    trained on flat digits ``X_train`` with training noise ``noise``."""
    model = dense_autoencoder(
        (64,),
        hidden_units=(64,),
        latent_dim=latent_dim,
        noise=noise,
        random_state=random_state,
    )
    model.fit(X_train, epochs=epochs, batch_size=32)
    return model


def autoencoder_runs(X_train, X_val, noisy, *, n_shown, n_points, epochs):
    """``run(latent_dim, noise)``: the explorer's autoencoder trained with one
    setting (:func:`train_setting`), once and kept. Returns the codes of the first
    ``n_points`` of ``X_val`` on a plane (rounded to 3 decimals), its
    reconstructions of the first ``n_shown`` of ``noisy[noise]`` (``X_val``
    corrupted), and its errors on ``X_val`` and denoising ``noisy[noise]``."""

    @functools.cache
    def run(latent_dim, noise):
        model = train_setting(X_train, latent_dim, noise, epochs=epochs)
        codes = rounded(to_2d(model.encode(X_val[:n_points])), 3)
        reconstructions = model.reconstruct(noisy[noise][:n_shown])
        errors = (model.evaluate(X_val), model.evaluate(noisy[noise], X_val))
        return codes, reconstructions, errors

    return run


def decoded_grid(model, codes, *, n=12):
    """The digits the decoder of ``model`` (latent size 2) makes from an ``n`` x
    ``n`` grid of codes spanning the 2nd to 98th percentile of ``codes``, as one
    image of shape ``(9 n, 9 n)`` (each digit followed by a blank row and column),
    and the grid's extent ``(left, right, bottom, top)``."""
    low, high = np.percentile(codes, [2, 98], axis=0)  # (2,) each
    first = np.linspace(low[0], high[0], n)
    second = np.linspace(high[1], low[1], n)  # top row: the largest code 2
    grid = np.stack(np.meshgrid(first, second), axis=-1).reshape(-1, 2)  # (n*n, 2)
    images = model.decode(grid).reshape(n, n, 8, 8)  # (row, column, 8, 8)
    images = np.pad(images, ((0, 0), (0, 0), (0, 1), (0, 1)))  # (n, n, 9, 9)
    mosaic = images.transpose(0, 2, 1, 3).reshape(9 * n, 9 * n)  # rows of digits
    return mosaic, (low[0], high[0], low[1], high[1])


# --- rbm ----------------------------------------------------------------------


def rbm_runs(X_train, *, n_iter, random_state=0):
    """``trained(n_components, k, learning_rate)``: a CD-k machine (not
    persistent) trained on ``X_train`` for ``n_iter`` epochs; each setting is
    trained when first asked for, and kept."""
    kept = {}

    def trained(n_components, k, learning_rate):
        key = (n_components, k, learning_rate)  # the same, by position or keyword
        if key not in kept:
            settings = {"n_iter": n_iter, "k": k, "persistent": False}
            kept[key] = BernoulliRBM(
                n_components,
                learning_rate=learning_rate,
                random_state=random_state,
                **settings,
            ).fit(X_train)
        return kept[key]

    return trained


def train_by_epoch(rbm, X, n_epochs, measure, *, random_state=0):
    """Train ``rbm`` with :meth:`~BernoulliRBM.partial_fit` on mini-batches of
    ``rbm.batch_size`` samples of ``X`` in a new random order every epoch, and
    return ``measure(rbm)`` after each epoch, shape (n_epochs,)."""
    rng = np.random.default_rng(random_state)
    n_batches = -(-len(X) // rbm.batch_size)  # ceil
    values = []
    for _ in range(n_epochs):
        for batch in np.array_split(rng.permutation(len(X)), n_batches):
            rbm.partial_fit(X[batch])
        values.append(measure(rbm))
    return np.array(values)


# --- building_blocks ----------------------------------------------------------


def moons_network(hidden_units, activation, random_state=0):
    """Two inputs, one hidden layer, two logits (one per moon)."""
    layers = [deep.Dense(hidden_units, activation=activation), deep.Dense(2)]
    return deep.Sequential(layers, random_state=random_state)


def train_network(
    X_train, y_train, X_val, y_val, *, hidden_units, activation, learning_rate, **fit
):
    """A :func:`moons_network` trained by mini-batch SGD on softmax cross-entropy
    (``fit``: the ``epochs`` and ``batch_size`` of :meth:`Sequential.fit`). Returns
    the model and its ``History``, or ``None`` for it if training diverged."""
    model = moons_network(hidden_units, activation)
    loss = deep.SparseCategoricalCrossentropy(from_logits=True)
    fit = {"verbose": 0, **fit}
    model.compile(deep.SGD(learning_rate=learning_rate), loss, metrics=["accuracy"])
    try:
        history = model.fit(X_train, y_train, validation_data=(X_val, y_val), **fit)
    except ValueError:  # NaN or infinite outputs: the steps were too large
        return model, None
    return model, history


# --- optimizers ---------------------------------------------------------------

# Each optimizer's learning rate that does best on each surface in RACE_STEPS steps
# (on a grid from 1e-4 to 1: larger diverge, smaller crawl).
OPTIMIZERS = {
    "SGD": {QUADRATIC.name: 0.06, ROSENBROCK.name: 0.001},
    "momentum": {QUADRATIC.name: 0.01, ROSENBROCK.name: 0.001},
    "Nesterov": {QUADRATIC.name: 0.01, ROSENBROCK.name: 0.001},
    "Adagrad": {QUADRATIC.name: 1.0, ROSENBROCK.name: 1.0},
    "Adadelta": {QUADRATIC.name: 1.0, ROSENBROCK.name: 1.0},
    "RMSprop": {QUADRATIC.name: 0.06, ROSENBROCK.name: 0.01},
    "Adam": {QUADRATIC.name: 0.3, ROSENBROCK.name: 0.3},
}
OPTIMIZER_NAMES = tuple(OPTIMIZERS)
RACE_STEPS = {QUADRATIC.name: 100, ROSENBROCK.name: 500}
RACE_LEARNING_RATES = {
    surface: {name: rates[surface] for name, rates in OPTIMIZERS.items()}
    for surface in SURFACES
}
# Learning-rate schedules over n_steps: constant; halved every quarter of the run;
# down to a hundredth smoothly; down to zero along half a cosine.
SCHEDULES = {
    "constant": lambda rate, n_steps: rate,
    "step": lambda rate, n_steps: deep.StepDecay(rate, max(n_steps // 4, 1), 0.5),
    "exponential": lambda rate, n_steps: deep.ExponentialDecay(rate, n_steps, 0.01),
    "cosine": lambda rate, n_steps: deep.CosineDecay(rate, n_steps),
}
SCHEDULE_NAMES = tuple(SCHEDULES)


def make_optimizer(name, learning_rate, momentum=0.9):
    """A fresh optimizer by its name in :data:`OPTIMIZERS` (``momentum`` is used by
    "momentum" and "Nesterov" only)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {name!r}; use one of {OPTIMIZER_NAMES}.")
    if name in ("SGD", "momentum", "Nesterov"):
        momentum = 0.0 if name == "SGD" else momentum
        return deep.SGD(learning_rate, momentum=momentum, nesterov=name == "Nesterov")
    return getattr(deep, name)(learning_rate)


def race(surface):
    """Every optimizer's path on ``surface`` at its :data:`RACE_LEARNING_RATES`, for
    :data:`RACE_STEPS`: ``{name: path}``, paths of shape (n_taken + 1, 2)."""
    rates, n_steps = RACE_LEARNING_RATES[surface.name], RACE_STEPS[surface.name]
    return {
        name: descend(make_optimizer(name, lr), surface, n_steps)
        for name, lr in rates.items()
    }


def surface_grid(surface, resolution):
    """The loss of ``surface`` over its window: ``xs``, ``ys`` and the values, of
    shape (resolution, resolution)."""
    xs = np.linspace(*surface.x_range, resolution)
    ys = np.linspace(*surface.y_range, resolution)
    return xs, ys, surface.value(np.stack(np.meshgrid(xs, ys), axis=-1))


def descend_with(optimizer, surface, steps, learning_rate, schedule, momentum):
    """One optimizer's path on ``surface`` for ``steps`` steps, its learning rate
    following ``schedule`` from ``learning_rate``: the path (n_taken + 1, 2), the
    loss along it, and the learning rate at the steps ``at`` (a constant rate: at
    the first and the last)."""
    rate = SCHEDULES[schedule](learning_rate, steps)
    path = descend(make_optimizer(optimizer, rate, momentum), surface, steps)
    at = np.arange(steps) if callable(rate) else np.array([0, steps - 1])
    rates = rate(at) if callable(rate) else [rate, rate]
    return path, surface.value(path), at, rates


def train_digits_network(
    data, optimizer, schedule, momentum, batch_size, learning_rate, *, epochs
):
    """A small network (64 -> 32 ReLU -> 10) trained on ``data = (X_train, y_train,
    X_val, y_val)`` for ``epochs``, its learning rate following ``schedule`` from
    ``learning_rate``: its ``History.history``, or ``None`` if training diverged."""
    X_train, y_train, X_val, y_val = data
    steps = epochs * -(-len(X_train) // batch_size)  # ceil: the last batch is short
    rate = SCHEDULES[schedule](learning_rate, steps)
    layers = [deep.Dense(32, activation="relu"), deep.Dense(10)]
    model = deep.Sequential(layers, random_state=0)
    loss = deep.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(make_optimizer(optimizer, rate, momentum), loss, ["accuracy"])
    settings = {"epochs": epochs, "batch_size": batch_size, "verbose": 0}
    try:
        with np.errstate(all="ignore"):  # a learning rate too large diverges
            return model.fit(
                X_train, y_train, validation_data=(X_val, y_val), **settings
            ).history
    except ValueError:  # the loss refuses NaN or infinite outputs
        return None


# --- generative adversarial networks ------------------------------------------


def train_small_gan(X, latent_dim, learning_rate, *, epochs, seed=0):
    """A small GAN (128-unit layers) trained on ``X`` (in [-1, 1]); returns its
    history, with the samples of 8 fixed noise vectors after every epoch."""
    generator = dense_generator(
        latent_dim, units=(128, 128), learning_rate=learning_rate
    )
    discriminator = dense_discriminator(units=(128, 64), learning_rate=learning_rate)
    gan = GAN(generator, discriminator, average_decay=0, random_state=seed)
    latent = np.random.default_rng(seed).normal(size=(8, latent_dim))
    return gan.fit(X, epochs=epochs, batch_size=64, sample_latent=latent)


def train_every_gan(X, latent_dims, learning_rates, *, epochs):
    """:func:`train_small_gan` on ``X`` for every latent dimension and learning
    rate: ``{(latent_dim, learning_rate): history}``."""
    return {
        (dim, rate): train_small_gan(X, dim, rate, epochs=epochs)
        for dim in latent_dims
        for rate in learning_rates
    }
