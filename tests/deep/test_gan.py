"""Chapter 30's generative adversarial network (scratchlearn.deep.gan): both losses
and their gradients by hand, the generator's gradient through the discriminator by
finite differences and against tf.GradientTape on a Keras twin with the same
weights, the alternating step, the moving average, exact reproduction from a seed,
clear errors, and the chapter's target on the digits, judged by the CNN of
Chapter 26."""

import math
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import Dense, Sequential, decay_steps_for, digits_cnn
from scratchlearn.deep.gan import (
    GAN,
    dense_discriminator,
    dense_generator,
    discriminator_loss,
    generator_loss,
    judge_samples,
    saturating_generator_loss,
)
from scratchlearn.deep.gradient_check import numerical_gradient
from scratchlearn.deep.optimizers import SGD, Adam


def small_pair(latent_dim=3, n_pixels=4, seed=0):
    """A tiny generator (3 -> 5 -> 4, tanh) and discriminator (4 -> 6 -> 1)."""
    generator = Sequential(
        [Dense(5, activation="leaky_relu"), Dense(n_pixels, activation="tanh")],
        random_state=seed,
    )
    discriminator = Sequential(
        [Dense(6, activation="leaky_relu"), Dense(1)], random_state=seed + 1
    )
    generator.compile(Adam(0.01, beta_1=0.5), "mse").build((latent_dim,))
    discriminator.compile(Adam(0.01, beta_1=0.5), "mse").build((n_pixels,))
    return generator, discriminator


# --- the losses by hand ------------------------------------------------------------


def test_discriminator_loss_by_hand():
    # sigmoid(0) = 1/2 and sigmoid(ln 3) = 3/4.
    real, fake = np.array([[0.0], [math.log(3)]]), np.array([[math.log(3)]])
    loss, grad_real, grad_fake = discriminator_loss(real, fake)
    expected = (math.log(2) + math.log(4 / 3)) / 2 + math.log(4)  # -log(1 - 3/4)
    assert loss == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(grad_real, [[-0.25], [-0.125]], rtol=1e-12)
    np.testing.assert_allclose(grad_fake, [[0.75]], rtol=1e-12)
    # One-sided smoothing: real target 0.9, so -0.9 log(3/4) - 0.1 log(1/4).
    loss, grad_real, _ = discriminator_loss(fake, fake, real_label=0.9)
    by_hand = -0.9 * math.log(0.75) - 0.1 * math.log(0.25) + math.log(4)
    assert loss == pytest.approx(by_hand, rel=1e-12)
    np.testing.assert_allclose(grad_real, [[0.75 - 0.9]], rtol=1e-12)


def test_generator_losses_by_hand():
    fake = np.array([[0.0], [math.log(3)]])
    loss, grad = generator_loss(fake)  # -mean(log 1/2, log 3/4)
    assert loss == pytest.approx((math.log(2) + math.log(4 / 3)) / 2, rel=1e-12)
    np.testing.assert_allclose(grad, [[-0.25], [-0.125]], rtol=1e-12)
    loss, grad = saturating_generator_loss(fake)  # mean(log 1/2, log 1/4)
    assert loss == pytest.approx((math.log(0.5) + math.log(0.25)) / 2, rel=1e-12)
    np.testing.assert_allclose(grad, [[-0.25], [-0.375]], rtol=1e-12)


@pytest.mark.parametrize(
    "function",
    [
        generator_loss,
        saturating_generator_loss,
        lambda x: discriminator_loss(x[:2], x[2:], real_label=0.9)[:2],
    ],
)
def test_loss_gradients_match_finite_differences(function):
    logits = np.random.default_rng(0).normal(scale=3, size=(5, 1))
    if function not in (generator_loss, saturating_generator_loss):
        _, grad_real, grad_fake = discriminator_loss(
            logits[:2], logits[2:], real_label=0.9
        )
        analytic = np.concatenate([grad_real, grad_fake])
    else:
        analytic = function(logits)[1]
    numeric = numerical_gradient(lambda: function(logits)[0], logits)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-10)


def test_non_saturating_loss_keeps_its_gradient_when_the_fakes_are_rejected():
    rejected = np.full((4, 1), -10.0)  # D(G(z)) = 4.5e-5: the start of training
    _, saturating = saturating_generator_loss(rejected)
    _, non_saturating = generator_loss(rejected)
    np.testing.assert_allclose(non_saturating, -1 / 4, rtol=1e-4)  # about -1 / n
    assert np.all(np.abs(saturating) < 2e-5)  # vanishes


def test_losses_are_finite_for_huge_logits():
    huge = np.array([[1000.0], [-1000.0]])
    for loss, grad in (generator_loss(huge), discriminator_loss(huge, huge)[:2]):
        assert np.isfinite(loss) and np.all(np.isfinite(grad))
    assert generator_loss(huge)[0] == pytest.approx(500.0)  # softplus(1000) / 2


# --- the chained gradient ------------------------------------------------------------


def test_generator_gradient_through_the_discriminator_matches_finite_differences():
    generator, discriminator = small_pair()
    gan = GAN(generator, discriminator, random_state=0)
    Z = np.random.default_rng(1).normal(size=(6, 3))
    gan.generator_gradients(Z)

    def loss():
        return generator_loss(discriminator(generator(Z)))[0]

    for layer in generator.layers:
        for name, param in layer.params.items():
            analytic = layer.grads[name].copy()
            numeric = numerical_gradient(loss, param)
            np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-10)


def keras_twin(model, activations):
    """A Keras Sequential in float64 with ``model``'s weights."""
    keras = pytest.importorskip("keras")
    layers = [keras.Input(model.input_shape_, dtype="float64")]
    for layer, activation in zip(model.layers, activations, strict=True):
        layers.append(
            keras.layers.Dense(layer.units, activation=activation, dtype="float64")
        )
    twin = keras.Sequential(layers)
    twin.set_weights(model.get_weights())
    return twin


def test_both_players_gradients_match_tensorflow():
    tf = pytest.importorskip("tensorflow")
    generator, discriminator = small_pair(seed=3)
    keras_generator = keras_twin(generator, ["leaky_relu", "tanh"])
    keras_discriminator = keras_twin(discriminator, ["leaky_relu", None])
    rng = np.random.default_rng(4)
    Z, X_real = rng.normal(size=(5, 3)), rng.uniform(-1, 1, size=(5, 4))
    gan = GAN(generator, discriminator, real_label=0.9, random_state=0)

    # The generator's step: the non-saturating loss through the discriminator.
    gan.generator_gradients(Z)
    with tf.GradientTape() as tape:
        logits = keras_discriminator(keras_generator(Z))
        loss = tf.reduce_mean(tf.nn.softplus(-logits))
    # Keras's leaky ReLU slope is the float32 0.2 (0.20000000298...): agreement to
    # about 1e-9, not to the last bit.
    assert gan.generator_gradients(Z) == pytest.approx(float(loss), rel=1e-8)
    theirs = tape.gradient(loss, keras_generator.trainable_variables)
    ours = [g for layer in generator.layers for g in layer.grads.values()]
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine, reference.numpy(), rtol=1e-7, atol=1e-12)

    # The discriminator's loss (its step would apply these gradients).
    fake = generator(Z)
    with tf.GradientTape() as tape:
        real_logits = keras_discriminator(X_real)
        fake_logits = keras_discriminator(fake)
        loss = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(
                0.9 * tf.ones_like(real_logits), real_logits
            )
        ) + tf.reduce_mean(tf.nn.softplus(fake_logits))
    theirs = tape.gradient(loss, keras_discriminator.trainable_variables)
    logits = discriminator(np.concatenate([X_real, fake]), training=True)
    ours_loss, grad_real, grad_fake = discriminator_loss(
        logits[:5], logits[5:], real_label=0.9
    )
    assert ours_loss == pytest.approx(float(loss), rel=1e-8)
    discriminator.backward(np.concatenate([grad_real, grad_fake]))
    ours = [g for layer in discriminator.layers for g in layer.grads.values()]
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine, reference.numpy(), rtol=1e-7, atol=1e-12)


# --- the alternating step ------------------------------------------------------


def test_each_player_moves_only_its_own_weights():
    generator, discriminator = small_pair()
    gan = GAN(generator, discriminator, average_decay=0, random_state=0)
    X_real = np.random.default_rng(2).uniform(-1, 1, size=(8, 4))
    before_g, before_d = generator.get_weights(), discriminator.get_weights()
    gan.discriminator_step(X_real, gan.noise(8))
    for a, b in zip(before_g, generator.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(before_d, discriminator.get_weights(), strict=True)
    )
    after_d = discriminator.get_weights()
    gan.generator_step(gan.noise(8))
    for a, b in zip(after_d, discriminator.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(before_g, generator.get_weights(), strict=True)
    )


def test_a_generator_step_is_plain_gradient_descent_with_sgd():
    generator, discriminator = small_pair()
    generator.compile(SGD(0.1), "mse")
    gan = GAN(generator, discriminator, average_decay=0, random_state=0)
    Z = np.random.default_rng(5).normal(size=(4, 3))
    gan.generator_gradients(Z)
    expected = [
        layer.params[name] - 0.1 * layer.grads[name]
        for layer in generator.layers
        for name in layer.params
    ]
    gan.generator_step(Z)
    actual = [p for layer in generator.layers for p in layer.params.values()]
    for a, b in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_a_discriminator_step_lowers_its_loss_on_the_same_batch():
    generator, discriminator = small_pair()
    discriminator.compile(SGD(0.05), "mse")
    gan = GAN(generator, discriminator, random_state=0)
    X_real = np.random.default_rng(6).uniform(-1, 1, size=(16, 4))
    Z = gan.noise(16)

    def loss():
        logits = discriminator(np.concatenate([X_real, generator(Z)]))
        return discriminator_loss(logits[:16], logits[16:], real_label=0.9)[0]

    before = loss()
    gan.discriminator_step(X_real, Z)
    assert loss() < before


def test_the_average_generator_is_an_exponential_moving_average():
    generator, discriminator = small_pair()
    gan = GAN(generator, discriminator, average_decay=0.75, random_state=0)
    seen = []
    for _ in range(3):
        gan.train_step(np.full((4, 4), 0.5))
        seen.append(generator.get_weights())
    for i, average in enumerate(gan.average_generator_.get_weights()):
        # starts at the first step's weights, then moves a quarter of the way
        expected = seen[0][i]
        for later in seen[1:]:
            expected = 0.75 * expected + 0.25 * later[i]
        np.testing.assert_allclose(average, expected, rtol=1e-12)
    Z = gan.noise(3)
    np.testing.assert_array_equal(gan.generate(Z), gan.average_generator_.predict(Z))


def test_history_and_samples_per_epoch():
    generator, discriminator = small_pair()
    gan = GAN(generator, discriminator, random_state=0)
    X = np.random.default_rng(7).uniform(-1, 1, size=(20, 4))
    latent = np.zeros((2, 3))
    history = gan.fit(X, epochs=3, batch_size=8, sample_latent=latent)
    assert {k: len(v) for k, v in history.items()} == dict.fromkeys(
        ("d_loss", "g_loss", "d_real", "d_fake", "samples"), 3
    )
    assert history["samples"][0].shape == (2, 4)
    assert all(0 < p < 1 for p in history["d_real"] + history["d_fake"])
    gan.fit(X, epochs=2, batch_size=8, sample_latent=latent)  # continues
    assert len(gan.history["d_loss"]) == 5


def test_a_seeded_run_reproduces_exactly():
    def run(random_state):
        generator = dense_generator(8, units=(16,), n_outputs=6, seed=1)
        discriminator = dense_discriminator(6, units=(12,), seed=2)
        gan = GAN(generator, discriminator, random_state=random_state)
        X = np.random.default_rng(8).uniform(-1, 1, size=(30, 6))
        history = gan.fit(X, epochs=4, batch_size=8)
        return history, gan.sample(5, random_state=1), generator.get_weights()

    first, second, other = run(0), run(0), run(1)
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])
    for a, b in zip(first[2], second[2], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[1], other[1])


def test_judge_samples_by_hand():
    judge = Sequential([Dense(3, use_bias=False)], random_state=0).build((3,))
    judge.set_weights([np.eye(3)])  # logits = images
    images = np.array([[5.0, 0, 0], [0, 0.1, 0], [0, 0, 5.0], [0, 0, 4.0]])
    confident, shares, labels = judge_samples(judge, images)
    # softmax(5, 0, 0) = 0.987; (0, 0.1, 0) = 0.355; (0, 0, 4) = 0.965
    assert confident == 0.75
    np.testing.assert_array_equal(labels, [0, 1, 2, 2])
    np.testing.assert_allclose(shares, [0.25, 0.25, 0.5])


# --- errors ---------------------------------------------------------------------------


def test_bad_models_are_refused_clearly():
    generator, discriminator = small_pair()
    with pytest.raises(TypeError, match="generator must be a Sequential"):
        GAN("generator", discriminator)
    with pytest.raises(ValueError, match="built and compiled"):
        GAN(Sequential([Dense(4)]), discriminator)
    wide = Sequential([Dense(1)]).compile("adam", "mse").build((5,))
    with pytest.raises(ValueError, match=r"shape \(5,\).*shape \(4,\)"):
        GAN(generator, wide)
    two = Sequential([Dense(2)]).compile("adam", "mse").build((4,))
    with pytest.raises(ValueError, match="one logit"):
        GAN(generator, two)
    with pytest.raises(ValueError, match="real_label"):
        GAN(generator, discriminator, real_label=0)
    with pytest.raises(ValueError, match="average_decay"):
        GAN(generator, discriminator, average_decay=1.0)


def test_bad_data_is_refused_clearly():
    gan = GAN(*small_pair(), random_state=0)
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(4,\)"):
        gan.fit(np.zeros((10, 3)))
    with pytest.raises(ValueError, match="NaN"):
        gan.fit(np.full((10, 4), np.nan))
    with pytest.raises(ValueError, match="empty"):
        gan.fit(np.zeros((0, 4)))
    with pytest.raises(ValueError, match="epochs"):
        gan.fit(np.zeros((10, 4)), epochs=0)
    with pytest.raises(ValueError, match=r"Z must have shape \(n_samples, 3\)"):
        gan.generate(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"logits, shape \(batch, 1\)"):
        generator_loss(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="real_label"):
        discriminator_loss(np.zeros((2, 1)), np.zeros((2, 1)), real_label=1.5)


# --- the chapter's target -------------------------------------------------------

# The chapter's settings (book/deep/gan.ipynb), but 300 epochs where the notebook
# trains 250 to stay near a minute: after 250 the targets hold with little to spare
# (0.807 of the samples confident on this project's machine, 0.828 under the
# other-processor emulation), after 300 with more (0.833; seed 1: 0.822).
EPOCHS, BATCH_SIZE, SEED = 300, 64, 0


@pytest.fixture(scope="module")
def digits_split():
    images = datasets.digit_images()
    return datasets.split(images.X, images.y, test_size=0.25, random_state=0)


@pytest.fixture(scope="module")
def judge(digits_split):
    """The CNN of Chapter 26, trained as that chapter trains it (a few seconds)."""
    X_train, y_train = digits_split.X_train, digits_split.y_train
    model = digits_cnn(
        decay_steps=decay_steps_for(len(X_train), 32, 20), random_state=0
    )
    model.fit(X_train, y_train, epochs=20, batch_size=32, verbose=0)
    assert model.evaluate(digits_split.X_test, digits_split.y_test)["accuracy"] > 0.98
    return model


@pytest.mark.slow
def test_generated_digits_fool_the_judge_without_mode_collapse(digits_split, judge):
    """Trained on the digits' training split (pixels scaled to [-1, 1]) for 300
    epochs (see EPOCHS), in under a minute of CPU time, the generator's 1,000
    samples are labelled with probability above 0.9 at least 80% of the time by the
    CNN, and every digit makes at least 4% of them."""
    X = digits_split.X_train.reshape(-1, 64) * 2 - 1  # (n_samples, 64) in [-1, 1]
    gan = GAN(dense_generator(), dense_discriminator(), random_state=SEED)
    start = time.process_time()
    gan.fit(X, epochs=EPOCHS, batch_size=BATCH_SIZE)
    seconds = time.process_time() - start
    images = (gan.sample(1000, random_state=0) + 1) / 2  # back to [0, 1]
    confident, shares, _ = judge_samples(judge, images.reshape(-1, 8, 8, 1))
    assert confident >= 0.80, f"only {confident:.3f} of the samples are confident"
    assert shares.min() >= 0.04, f"class shares {np.round(shares, 3)}"
    assert seconds < 60, f"training took {seconds:.0f} s of CPU time"
