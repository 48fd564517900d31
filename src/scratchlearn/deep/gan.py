"""A generative adversarial network: two Sequential models playing a game
(Chapter 30).

The generator ``G`` turns random noise ``z`` into samples; the discriminator ``D``
turns a sample into one logit, "how real it looks". They are two ordinary
:class:`~scratchlearn.deep.model.Sequential` models, chained through their public
``forward`` and ``backward``: the generator's gradient is the discriminator's
*input* gradient, backpropagated once more through the generator::

    fake = G.forward(z, training=True)            # (batch, *sample_shape)
    logits = D.forward(fake, training=True)       # (batch, 1)
    grad_fake = D.backward(dLoss/dlogits)         # (batch, *sample_shape)
    G.backward(grad_fake)                         # fills G's parameter gradients
    G.apply_gradients()                           # D's gradients are thrown away

Each training step alternates the two players: one step of the discriminator on a
batch of real samples and a batch of fakes, then one step of the generator on fresh
fakes (:meth:`GAN.train_step`). Everything is NumPy; the randomness (batches and
noise) comes from ``random_state``, the initial weights from each model's own.
"""

import copy
import numbers

import numpy as np

from scratchlearn.deep.layers import Dense, Dropout
from scratchlearn.deep.model import Sequential, _check_samples
from scratchlearn.deep.optimizers import Adam
from scratchlearn.numerics import sigmoid, softmax
from scratchlearn.utils.validation import POSITIVE_INT, check_value

__all__ = [
    "GAN",
    "dense_discriminator",
    "dense_generator",
    "discriminator_loss",
    "generator_loss",
    "judge_samples",
    "saturating_generator_loss",
]


# --- the two losses, each with its gradient ----------------------------------------


def _softplus(x):
    """log(1 + exp(x)), without overflow: max(x, 0) + log1p(exp(-|x|))."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _check_logits(logits, name):
    logits = _check_samples(logits, name)
    if logits.ndim != 2 or logits.shape[1] != 1:
        raise ValueError(
            f"{name} must be the discriminator's logits, shape (batch, 1); got "
            f"shape {logits.shape}."
        )
    return logits


def discriminator_loss(real_logits, fake_logits, *, real_label=1.0):
    """The discriminator's loss and its gradients with respect to both logits.

    Parameters
    ----------
    real_logits : ndarray of shape (n_real, 1)
        ``D(x)`` for real samples (before the sigmoid).
    fake_logits : ndarray of shape (n_fake, 1)
        ``D(G(z))`` for generated samples.
    real_label : float in (0, 1], default 1.0
        The target of real samples: below 1 is one-sided label smoothing (0.9 is
        common), which keeps the discriminator from growing overconfident.

    Returns
    -------
    loss : float
        Binary cross-entropy of the real samples against ``real_label`` plus that
        of the fakes against 0, each averaged over its batch.
    grad_real : ndarray of shape (n_real, 1)
        ``(sigmoid(real_logits) - real_label) / n_real``.
    grad_fake : ndarray of shape (n_fake, 1)
        ``sigmoid(fake_logits) / n_fake``.

    Notes
    -----
    With :math:`s = \\sigma(\\ell)` and target :math:`y`, the cross-entropy
    :math:`-y\\log s - (1-y)\\log(1-s)` equals
    :math:`\\operatorname{softplus}(\\ell) - y\\ell` and its derivative with respect
    to the logit :math:`\\ell` is :math:`s - y`: computed from the logits it never
    overflows.
    """
    real_logits = _check_logits(real_logits, "real_logits")
    fake_logits = _check_logits(fake_logits, "fake_logits")
    if not 0 < real_label <= 1:
        raise ValueError(f"real_label must be in (0, 1]; got {real_label!r}.")
    n_real, n_fake = len(real_logits), len(fake_logits)
    loss_real = np.mean(_softplus(real_logits) - real_label * real_logits)
    loss_fake = np.mean(_softplus(fake_logits))  # target 0
    grad_real = (sigmoid(real_logits) - real_label) / n_real  # (n_real, 1)
    grad_fake = sigmoid(fake_logits) / n_fake  # (n_fake, 1)
    return float(loss_real + loss_fake), grad_real, grad_fake


def generator_loss(fake_logits):
    """The non-saturating generator loss ``-mean(log D(G(z)))`` and its gradient
    with respect to the logits.

    Parameters
    ----------
    fake_logits : ndarray of shape (batch, 1)

    Returns
    -------
    loss : float
        ``mean(softplus(-fake_logits))``, which is ``-mean(log sigmoid(logits))``.
    grad : ndarray of shape (batch, 1)
        ``(sigmoid(fake_logits) - 1) / batch``.

    Notes
    -----
    The minimax game has the generator *minimise* :math:`\\log(1 - D(G(z)))`
    (:func:`saturating_generator_loss`), whose gradient
    :math:`-\\sigma(\\ell)/n` vanishes exactly when the discriminator rejects the
    fakes (:math:`\\ell \\ll 0`), which is the start of training. Maximising
    :math:`\\log D(G(z))` instead has the same fixed point and the gradient
    :math:`(\\sigma(\\ell) - 1)/n`, close to :math:`-1/n` there: strongest when the
    generator is worst (Goodfellow et al., 2014, section 3).
    """
    fake_logits = _check_logits(fake_logits, "fake_logits")
    loss = np.mean(_softplus(-fake_logits))
    return float(loss), (sigmoid(fake_logits) - 1.0) / len(fake_logits)


def saturating_generator_loss(fake_logits):
    """The minimax game's generator loss ``mean(log(1 - D(G(z))))``, to minimise,
    and its gradient ``-sigmoid(fake_logits) / batch``: shown for comparison
    (:func:`generator_loss` is the one to train with)."""
    fake_logits = _check_logits(fake_logits, "fake_logits")
    loss = -np.mean(_softplus(fake_logits))  # log(1 - sigmoid(l)) = -softplus(l)
    return float(loss), -sigmoid(fake_logits) / len(fake_logits)


# --- the chapter's two players ------------------------------------------------------


def dense_generator(
    latent_dim=32, *, units=(256, 256), n_outputs=64, learning_rate=1e-3, seed=1
):
    """The chapter's generator: ``latent_dim`` noise -> Dense(leaky ReLU) layers ->
    ``n_outputs`` pixels in [-1, 1] (tanh), compiled with Adam(beta_1=0.5)."""
    layers = [Dense(n, activation="leaky_relu") for n in units]
    model = Sequential(
        [*layers, Dense(n_outputs, activation="tanh")], random_state=seed
    )
    model.compile(Adam(learning_rate, beta_1=0.5), "mse")  # the loss is never used
    return model.build((latent_dim,))


def dense_discriminator(
    n_inputs=64, *, units=(256, 128), dropout=0.2, learning_rate=1e-3, seed=2
):
    """The chapter's discriminator: ``n_inputs`` pixels -> Dense(leaky ReLU) layers,
    each followed by Dropout(``dropout``) -> one logit, compiled with
    Adam(beta_1=0.5).

    Dropout keeps the discriminator from memorising the 1,347 training digits: a
    discriminator that does punishes whatever the generator draws most, and the
    generator drops the digits it draws least (without it, one digit of ten falls
    below 4% of the samples after 250 epochs for most seeds).
    """
    layers = []
    for n in units:
        layers.append(Dense(n, activation="leaky_relu"))
        if dropout:
            layers.append(Dropout(dropout))
    model = Sequential([*layers, Dense(1)], random_state=seed)
    model.compile(Adam(learning_rate, beta_1=0.5), "mse")  # the loss is never used
    return model.build((n_inputs,))


# --- the game -----------------------------------------------------------------------


class GAN:
    """Train a generator against a discriminator, by alternating gradient steps.

    Parameters
    ----------
    generator : Sequential
        Built (its input shape is ``(latent_dim,)``) and compiled (its optimizer is
        used; its loss is not).
    discriminator : Sequential
        Built for the generator's output shape, compiled, one output: a logit.
    real_label : float in (0, 1], default 0.9
        Target of the real samples in the discriminator's loss (one-sided label
        smoothing; 1.0 turns it off). Fakes always have target 0.
    average_decay : float in [0, 1), default 0.999
        Decay of an exponential moving average of the generator's weights, kept
        next to it and used by :meth:`generate` (0 turns it off: the generator's own
        weights are used).
    random_state : int, Generator or None
        Seed of the batches' order and of the noise.

    Attributes
    ----------
    latent_dim : int
    average_generator_ : Sequential or None
        The generator with the moving-average weights (after :meth:`fit`).
    history : dict of str to list
        Per epoch: ``d_loss``, ``g_loss`` (batch means), ``d_real`` and ``d_fake``
        (mean probability the discriminator gave real and generated samples), and
        ``samples`` (the images of ``sample_latent`` at each epoch's end, if given).

    Notes
    -----
    The game (Goodfellow et al., 2014) is

    .. math::

        \\min_G \\max_D \\; \\mathbb{E}_x \\log D(x) +
        \\mathbb{E}_z \\log(1 - D(G(z))).

    Each step: the discriminator descends :func:`discriminator_loss` on a real batch
    and a batch of fakes; then the generator descends the non-saturating
    :func:`generator_loss` on fresh fakes, the gradient flowing through the
    discriminator's input into the generator. Averaging the generator's weights over
    the last steps (Yazici et al., 2019) smooths out the oscillation of the game.

    References
    ----------
    Goodfellow, I. et al. (2014). Generative adversarial nets. NeurIPS.
    arXiv:1406.2661.
    Radford, A., Metz, L. and Chintala, S. (2016). Unsupervised representation
    learning with deep convolutional GANs (Adam with beta_1 = 0.5, leaky ReLU).
    arXiv:1511.06434.
    Salimans, T. et al. (2016). Improved techniques for training GANs (one-sided
    label smoothing). arXiv:1606.03498.
    Yazici, Y. et al. (2019). The unusual effectiveness of averaging in GAN
    training. ICLR. arXiv:1806.04498.
    """

    def __init__(
        self,
        generator,
        discriminator,
        *,
        real_label=0.9,
        average_decay=0.999,
        random_state=None,
    ):
        for name, model in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(model, Sequential):
                raise TypeError(f"{name} must be a Sequential model.")
            if not model.built or model.optimizer is None:
                raise ValueError(
                    f"The {name} must be built and compiled first "
                    "(model.build(input_shape); model.compile(optimizer, loss))."
                )
        if discriminator.input_shape_ != generator.output_shape_:
            raise ValueError(
                f"The discriminator takes samples of shape "
                f"{discriminator.input_shape_}, but the generator makes samples of "
                f"shape {generator.output_shape_}."
            )
        if discriminator.output_shape_ != (1,):
            raise ValueError(
                "The discriminator must output one logit per sample; its output "
                f"shape is {discriminator.output_shape_}."
            )
        if not (isinstance(real_label, numbers.Real) and 0 < real_label <= 1):
            raise ValueError(f"real_label must be in (0, 1]; got {real_label!r}.")
        if not (isinstance(average_decay, numbers.Real) and 0 <= average_decay < 1):
            raise ValueError(f"average_decay must be in [0, 1); got {average_decay!r}.")
        self.generator = generator
        self.discriminator = discriminator
        self.real_label = float(real_label)
        self.average_decay = float(average_decay)
        self.random_state = random_state
        self.latent_dim = generator.input_shape_[0]
        self.average_generator_ = None
        self.history = {}
        self._rng = np.random.default_rng(random_state)

    # --- one step of each player --------------------------------------------------

    def discriminator_step(self, X_real, Z):
        """One gradient step of the discriminator on real samples ``X_real`` and the
        fakes ``G(Z)``; returns its loss and the mean probabilities ``D`` gave
        both."""
        fake = self.generator.forward(Z)  # (n_fake, *sample_shape), G not trained
        both = np.concatenate([X_real, fake])  # one pass for both batches
        logits = self.discriminator.forward(both, training=True)  # (n_real+n_fake, 1)
        real_logits, fake_logits = logits[: len(X_real)], logits[len(X_real) :]
        loss, grad_real, grad_fake = discriminator_loss(
            real_logits, fake_logits, real_label=self.real_label
        )
        self.discriminator.backward(np.concatenate([grad_real, grad_fake]))
        self.discriminator.apply_gradients()
        return (
            loss,
            float(np.mean(sigmoid(real_logits))),
            float(np.mean(sigmoid(fake_logits))),
        )

    def generator_gradients(self, Z):
        """Fill the generator's parameter gradients with those of the non-saturating
        loss at the noise ``Z``, through the discriminator; returns the loss.

        The discriminator runs forward and backward too (its input gradient is what
        the generator needs), but its own parameter gradients are not used.
        """
        fake = self.generator.forward(Z, training=True)  # (batch, *sample_shape)
        logits = self.discriminator.forward(fake, training=True)  # (batch, 1)
        loss, grad_logits = generator_loss(logits)
        grad_fake = self.discriminator.backward(grad_logits)  # dLoss/dfake
        self.generator.backward(grad_fake)  # fills the generator's grads
        return loss

    def generator_step(self, Z):
        """One gradient step of the generator at the noise ``Z``; returns its loss."""
        loss = self.generator_gradients(Z)
        self.generator.apply_gradients()
        self._update_average()
        return loss

    def train_step(self, X_real):
        """The discriminator's step on ``X_real`` and as many fakes, then the
        generator's on as many fresh fakes; returns both losses and ``D``'s mean
        probabilities."""
        n = len(X_real)
        d_loss, d_real, d_fake = self.discriminator_step(X_real, self.noise(n))
        g_loss = self.generator_step(self.noise(n))
        return {"d_loss": d_loss, "g_loss": g_loss, "d_real": d_real, "d_fake": d_fake}

    def _update_average(self):
        if self.average_decay == 0:
            return
        if self.average_generator_ is None:
            self.average_generator_ = copy.deepcopy(self.generator)
            return
        decay = self.average_decay
        for average, current in zip(
            self.average_generator_._weight_arrays(),
            self.generator._weight_arrays(),
            strict=True,
        ):
            average += (1 - decay) * (current - average)  # in place

    # --- training -------------------------------------------------------------------

    def noise(self, n_samples):
        """``n_samples`` latent vectors drawn from the standard normal."""
        return self._rng.normal(size=(n_samples, self.latent_dim))

    def fit(self, X, *, epochs=1, batch_size=64, sample_latent=None):
        """Train on the real samples ``X`` for ``epochs`` passes in shuffled batches.

        Parameters
        ----------
        X : ndarray of shape (n_samples, *sample_shape)
            Real samples, scaled as the generator's outputs are (here [-1, 1]).
        epochs : int, default 1
        batch_size : int, default 64
        sample_latent : ndarray of shape (n, latent_dim), optional
            Fixed noise whose images are kept after every epoch in
            ``history["samples"]``, to watch the generator learn.

        Returns
        -------
        dict of str to list
            :attr:`history`, continued if ``fit`` is called again.
        """
        X = _check_samples(X, "X")
        if X.shape[1:] != self.discriminator.input_shape_:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, but the discriminator takes "
                f"samples of shape {self.discriminator.input_shape_}."
            )
        epochs = check_value(epochs, "epochs", [POSITIVE_INT])
        batch_size = check_value(batch_size, "batch_size", [POSITIVE_INT])
        if sample_latent is not None:
            sample_latent = self._check_latent(sample_latent)
        for key in ("d_loss", "g_loss", "d_real", "d_fake"):
            self.history.setdefault(key, [])
        if sample_latent is not None:
            self.history.setdefault("samples", [])
        n_samples = len(X)
        for _ in range(epochs):
            order = self._rng.permutation(n_samples)
            totals = dict.fromkeys(("d_loss", "g_loss", "d_real", "d_fake"), 0.0)
            for start in range(0, n_samples, batch_size):
                batch = order[start : start + batch_size]
                for key, value in self.train_step(X[batch]).items():
                    totals[key] += value * len(batch)
            for key, total in totals.items():
                self.history[key].append(total / n_samples)
            if sample_latent is not None:
                self.history["samples"].append(self.generate(sample_latent))
        return self.history

    # --- using the generator --------------------------------------------------------

    def _check_latent(self, Z):
        Z = _check_samples(Z, "Z")
        if Z.shape[1:] != (self.latent_dim,):
            raise ValueError(
                f"Z must have shape (n_samples, {self.latent_dim}); got {Z.shape}."
            )
        return Z

    def generate(self, Z):
        """The generator's samples for the noise ``Z`` (the moving-average weights if
        they are kept), shape (n_samples, *sample_shape)."""
        Z = self._check_latent(Z)
        model = self.average_generator_ or self.generator
        return model.predict(Z, batch_size=max(len(Z), 1))

    def sample(self, n_samples, *, random_state=None):
        """``n_samples`` new samples, from noise drawn with ``random_state`` (its own
        generator: it does not disturb training's)."""
        n_samples = check_value(n_samples, "n_samples", [POSITIVE_INT])
        rng = np.random.default_rng(random_state)
        return self.generate(rng.normal(size=(n_samples, self.latent_dim)))


def judge_samples(judge, images, *, threshold=0.9):
    """What a trained classifier makes of generated images.

    Parameters
    ----------
    judge : Sequential
        A classifier that outputs logits (the CNN of Chapter 26).
    images : ndarray of shape (n_samples, *judge.input_shape_)
    threshold : float, default 0.9

    Returns
    -------
    confident : float
        Share of images whose most probable class has probability above
        ``threshold``.
    class_shares : ndarray of shape (n_classes,)
        Share of images labelled with each class (argmax), summing to 1.
    labels : ndarray of shape (n_samples,)
        The label of each image.
    """
    proba = softmax(judge.predict(images, batch_size=256))  # (n_samples, n_classes)
    labels = proba.argmax(axis=1)
    shares = np.bincount(labels, minlength=proba.shape[1]) / len(labels)
    return float(np.mean(proba.max(axis=1) > threshold)), shares, labels
