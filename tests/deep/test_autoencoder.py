"""Autoencoders (Chapter 29): the dense, convolutional and denoising autoencoders
against their Keras twins with the same weights (forward and gradients in float64,
a short training step by step), trained the Keras way to within 10% of the twin's
reconstruction error, the encoder and decoder chained through ``backward`` giving
the gradients of one Sequential of both (and of finite differences), the
GaussianNoise layer against Keras's, and clear errors for bad input.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest
import tensorflow as tf

from scratchlearn import datasets
from scratchlearn.deep import layers as L
from scratchlearn.deep.autoencoder import (
    Autoencoder,
    GaussianNoise,
    conv_autoencoder,
    corrupt,
    dense_autoencoder,
    stack,
)
from scratchlearn.deep.conv import Conv2DTranspose
from scratchlearn.deep.gradient_check import (
    check_layer_gradients,
    numerical_gradient,
    relative_error,
)
from scratchlearn.deep.losses import MeanSquaredError
from scratchlearn.deep.model import Sequential
from scratchlearn.deep.optimizers import SGD, Adam


@pytest.fixture(scope="module")
def digits():
    """The chapter's split of the digit images (pixels in [0, 1])."""
    images = datasets.digit_images()
    return datasets.split(images.X, images.y, test_size=0.25, random_state=0)


def keras_twin(model, dtype="float64"):
    """The Keras Sequential of the autoencoder's layers (encoder then decoder),
    holding a copy of its weights."""
    layers = [
        getattr(keras.layers, type(layer).__name__)(**layer.get_config(), dtype=dtype)
        for layer in [*model.encoder.layers, *model.decoder.layers]
    ]
    twin = keras.Sequential([keras.Input(model.encoder.input_shape_), *layers])
    twin.set_weights(stack(model.encoder, model.decoder).get_weights())
    return twin


def small_models():
    """One of each kind, small enough for step-by-step comparisons, with random
    biases (zero biases on the digits' blank background would put ReLUs exactly
    at their kink, where finite differences are meaningless)."""
    models = {
        "dense": dense_autoencoder((64,), hidden_units=(12, 6), latent_dim=3),
        "dense-images": dense_autoencoder((8, 8, 1), hidden_units=(10,)),
        "conv": conv_autoencoder((8, 8, 1), filters=(4, 3), latent_dim=3),
        "conv-transpose": conv_autoencoder(
            (8, 8, 1), filters=(4, 3), latent_dim=3, upsampling="transpose"
        ),
    }
    rng = np.random.default_rng(42)
    for model in models.values():
        for layer in [*model.encoder.layers, *model.decoder.layers]:
            if "bias" in layer.params:
                layer.params["bias"][...] = rng.normal(
                    0, 0.1, layer.params["bias"].shape
                )
    return models


KINDS = list(small_models())


def sample_batch(kind, digits, n=16):
    X = digits.X_train[:n]
    return X.reshape(n, 64) if kind == "dense" else X


# ---------------------------------------------------------------------------
# The same function as the Keras twin
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_forward_equals_the_keras_twin_with_the_same_weights(kind, digits):
    model = small_models()[kind]
    X = sample_batch(kind, digits, n=40)
    twin = keras_twin(model)
    np.testing.assert_allclose(
        model.reconstruct(X), twin(X, training=False).numpy(), rtol=1e-5, atol=1e-10
    )
    # The encoder alone: the first layers of the twin.
    n_encoder = len(model.encoder.layers)
    codes = keras.Sequential(twin.layers[:n_encoder])(X).numpy()
    np.testing.assert_allclose(model.encode(X), codes, rtol=1e-5, atol=1e-10)
    assert model.encode(X).shape == (40, model.latent_dim)


@pytest.mark.parametrize("kind", KINDS)
def test_gradients_equal_tensorflows(kind, digits):
    model = small_models()[kind]
    X = sample_batch(kind, digits)
    twin = keras_twin(model)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((twin(X, training=True) - X) ** 2)
    expected = tape.gradient(loss, twin.trainable_variables)
    ours_loss, _ = model.compute_gradients(X)
    ours = [
        layer.grads[name]
        for layer in [*model.encoder.layers, *model.decoder.layers]
        for name in layer.params
    ]
    np.testing.assert_allclose(ours_loss, float(loss), rtol=1e-10)
    assert len(ours) == len(expected)
    for mine, theirs in zip(ours, expected, strict=True):
        np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-5, atol=1e-12)


OPTIMIZERS = {
    # name: (ours, Keras's, tolerance on the weights after six steps). Keras keeps
    # its learning rate in float32 (0.1 is off by 1.5e-8 relative), and Adam's
    # beta powers too: its bias correction 1 - 0.999 ** t is off by ~1e-4
    # relative, hence the looser tolerance for Adam.
    "sgd-momentum": (
        lambda: SGD(0.1, momentum=0.9),
        lambda: keras.optimizers.SGD(0.1, momentum=0.9),
        1e-7,
    ),
    "adam": (lambda: Adam(0.01), lambda: keras.optimizers.Adam(0.01), 1e-5),
}


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("kind", KINDS)
def test_training_step_by_step_follows_the_keras_twin(kind, optimizer, digits):
    # Same weights, same optimizer, same batches: the same trajectory.
    model = small_models()[kind]
    ours_optimizer, keras_optimizer, tolerance = OPTIMIZERS[optimizer]
    model.compile(ours_optimizer(), "mse")
    twin = keras_twin(model)
    keras_optimizer = keras_optimizer()
    X = sample_batch(kind, digits, n=96)
    for start in range(0, 96, 16):
        batch = X[start : start + 16]
        model.train_step(batch)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((twin(batch, training=True) - batch) ** 2)
        grads = tape.gradient(loss, twin.trainable_variables)
        pairs = zip(grads, twin.trainable_variables, strict=True)
        keras_optimizer.apply_gradients(pairs)
    ours = stack(model.encoder, model.decoder).get_weights()
    moved = 0.0
    for mine, theirs, start in zip(
        ours,
        twin.get_weights(),
        keras_twin(small_models()[kind]).get_weights(),
        strict=True,
    ):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=tolerance)
        moved = max(moved, np.abs(theirs - start).max())
    assert moved > 100 * tolerance  # the weights did move


# ---------------------------------------------------------------------------
# Trained as Keras trains it: reconstruction error within 10% of the twin's
# ---------------------------------------------------------------------------


def keras_fit(model, X_train, epochs, batch_size, learning_rate, seed=0):
    """The twin in float32 with the same initial weights, trained by Keras's own
    ``fit`` on the same batches as ``model.fit`` will use (and, for a denoising
    model, with Keras's own noise).

    ``model.fit`` shuffles with a generator seeded by ``model.random_state``; Keras
    gets the samples in those orders, all epochs end to end, unshuffled. With a
    number of samples divisible by ``batch_size`` its batches are ours."""
    assert len(X_train) % batch_size == 0
    rng = np.random.default_rng(model.random_state)
    order = np.concatenate([rng.permutation(len(X_train)) for _ in range(epochs)])
    keras.utils.set_random_seed(seed)
    twin = keras_twin(model, dtype="float32")
    twin.compile(keras.optimizers.Adam(learning_rate), "mse")
    X32 = X_train[order].astype(np.float32)
    twin.fit(X32, X32, epochs=1, batch_size=batch_size, shuffle=False, verbose=0)
    return twin


CASES = {
    # kind: (builder, settings, n_train, epochs)
    "dense": (dense_autoencoder, {"sample_shape": (64,), "latent_dim": 8}, 640, 10),
    "conv": (conv_autoencoder, {"latent_dim": 8, "filters": (8, 8)}, 480, 8),
    "denoising": (
        dense_autoencoder,
        {"sample_shape": (64,), "latent_dim": 8, "noise": 0.3},
        1344,  # the other noise draws spread the results: more data, less spread
        10,
    ),
}


@pytest.mark.slow  # trains to the chapter's target: left out of make test-fast
@pytest.mark.parametrize("kind", list(CASES))
def test_reconstruction_error_within_ten_percent_of_keras(kind, digits):
    builder, settings, n_train, epochs = CASES[kind]
    shape = settings.get("sample_shape", (8, 8, 1))
    X_train = digits.X_train[:n_train].reshape(-1, *shape)
    X_test = digits.X_test.reshape(-1, *shape)
    model = builder(**settings, learning_rate=0.01, random_state=0)
    twin = keras_fit(model, X_train, epochs, 32, 0.01)
    model.fit(X_train, epochs=epochs, batch_size=32)
    if kind == "denoising":  # rebuild clean test digits from noisy ones
        noisy = corrupt(X_test, 0.3, np.random.default_rng(1))
        ours = model.evaluate(noisy, X_test)
        theirs = np.mean(
            (twin.predict(noisy.astype(np.float32), verbose=0) - X_test) ** 2
        )
        assert ours < 0.5 * np.mean((noisy - X_test) ** 2)  # it does denoise
    else:
        ours = model.evaluate(X_test)
        theirs = np.mean(
            (twin.predict(X_test.astype(np.float32), verbose=0) - X_test) ** 2
        )
    print(f"{kind}: ours {ours:.5f}, Keras {theirs:.5f}")
    assert abs(ours - theirs) <= 0.1 * theirs, (ours, theirs)


# ---------------------------------------------------------------------------
# Two models chained through backward = one Sequential of both
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_chaining_through_backward_equals_one_sequential(kind, digits):
    model = small_models()[kind]
    X = sample_batch(kind, digits)
    joined = stack(model.encoder, model.decoder)
    # By hand, as compute_gradients does, keeping the input gradient.
    code = model.encoder(X, training=True)
    X_rec = model.decoder(code, training=True)
    grad_code = model.decoder.backward(MeanSquaredError().gradient(X, X_rec))
    grad_X = model.encoder.backward(grad_code)
    assert grad_code.shape == code.shape
    joined.compile(SGD(), MeanSquaredError())
    y_pred = joined(X, training=True)
    np.testing.assert_allclose(X_rec, y_pred, rtol=1e-12)
    grad_X_joined = joined.backward(MeanSquaredError().gradient(X, y_pred))
    np.testing.assert_allclose(grad_X, grad_X_joined, rtol=1e-12, atol=1e-18)
    chained = [*model.encoder.layers, *model.decoder.layers]
    for ours, theirs in zip(chained, joined.layers, strict=True):
        assert list(ours.grads) == list(theirs.grads)
        for name in ours.grads:
            np.testing.assert_allclose(
                ours.grads[name], theirs.grads[name], rtol=1e-12, atol=1e-18
            )


@pytest.mark.parametrize("kind", KINDS)
def test_chained_gradients_match_finite_differences(kind, digits):
    model = small_models()[kind]
    X = sample_batch(kind, digits, n=3)
    model.compute_gradients(X)
    analytic = [
        (layer, name, layer.grads[name].copy())
        for layer in [*model.encoder.layers, *model.decoder.layers]
        for name in layer.params
    ]

    def loss():
        return MeanSquaredError().loss(X, model.decoder(model.encoder(X)))

    for layer, name, grad in analytic:
        numeric = numerical_gradient(loss, layer.params[name])
        assert relative_error(grad, numeric) < 1e-6, (type(layer).__name__, name)


def test_fit_is_a_loop_of_train_steps_over_shuffled_batches(digits):
    X = digits.X_train[:50].reshape(50, 64)
    by_fit = dense_autoencoder(hidden_units=(6,), random_state=3)
    by_hand = dense_autoencoder(hidden_units=(6,), random_state=3)
    history = by_fit.fit(X, epochs=2, batch_size=16, validation_data=X[:10])
    rng = np.random.default_rng(by_hand.random_state)
    for _ in range(2):
        order = rng.permutation(50)
        for start in range(0, 50, 16):
            by_hand.train_step(X[order[start : start + 16]])
    for mine, theirs in zip(
        by_fit.encoder.get_weights() + by_fit.decoder.get_weights(),
        by_hand.encoder.get_weights() + by_hand.decoder.get_weights(),
        strict=True,
    ):
        np.testing.assert_array_equal(mine, theirs)
    assert len(history["loss"]) == len(history["val_loss"]) == 2
    assert history["val_loss"][-1] == pytest.approx(by_fit.evaluate(X[:10]))


def test_training_lowers_the_reconstruction_error(digits):
    X = digits.X_train[:300].reshape(300, 64)
    model = dense_autoencoder(latent_dim=4, random_state=0)
    before = model.evaluate(X)
    history = model.fit(X, epochs=5)
    assert history["loss"][-1] < history["loss"][0]
    assert model.evaluate(X) < 0.5 * before


def test_one_optimizer_updates_both_models_by_hand():
    # Plain SGD: every parameter moves by -lr * its gradient, in both models.
    rng = np.random.default_rng(0)
    X = rng.random((5, 4))
    encoder = Sequential([L.Dense(2)], random_state=0).build((4,))
    decoder = Sequential([L.Dense(4, activation="sigmoid")], random_state=1).build((2,))
    model = Autoencoder(encoder, decoder).compile(SGD(0.5), "mse")
    before = encoder.get_weights() + decoder.get_weights()
    model.compute_gradients(X)
    grads = [
        layer.grads[name]
        for layer in [*encoder.layers, *decoder.layers]
        for name in layer.params
    ]
    model.apply_gradients()
    after = encoder.get_weights() + decoder.get_weights()
    for old, new, grad in zip(before, after, grads, strict=True):
        np.testing.assert_allclose(new, old - 0.5 * grad, rtol=1e-12)


def test_reconstruction_loss_and_gradient_by_hand():
    # Identity "networks" (a Dense layer with kernel I and bias 0, linear): the
    # reconstruction is the input plus the decoder's bias, so the loss is the mean of
    # the squared bias and its gradient 2 * bias / d for every sample, summed.
    encoder = Sequential([L.Dense(2)], random_state=0).build((2,))
    decoder = Sequential([L.Dense(2)], random_state=0).build((2,))
    encoder.set_weights([np.eye(2), np.zeros(2)])
    decoder.set_weights([np.eye(2), np.array([0.3, -0.1])])
    model = Autoencoder(encoder, decoder).compile(SGD(), "mse")
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    loss, X_rec = model.compute_gradients(X)
    np.testing.assert_allclose(X_rec, X + np.array([0.3, -0.1]))
    assert loss == pytest.approx((0.09 + 0.01) / 2)
    np.testing.assert_allclose(decoder.layers[0].grads["bias"], [0.3, -0.1])


# ---------------------------------------------------------------------------
# GaussianNoise: the corruption of a denoising autoencoder
# ---------------------------------------------------------------------------


def test_gaussian_noise_is_the_identity_at_inference_and_matches_keras():
    X = np.random.default_rng(0).normal(size=(4, 3, 2))
    layer = GaussianNoise(0.5)
    layer.build((3, 2), np.random.default_rng(0))
    theirs = keras.layers.GaussianNoise(0.5, dtype="float64")
    np.testing.assert_array_equal(layer.forward(X), X)
    np.testing.assert_array_equal(theirs(X, training=False).numpy(), X)


def test_gaussian_noise_in_training_has_the_right_spread():
    X = np.zeros((2000, 50))
    layer = GaussianNoise(0.3)
    layer.build((50,), np.random.default_rng(1))
    noise = layer.forward(X, training=True)
    # 100,000 draws: mean within 5 standard errors, std within 2%.
    assert abs(noise.mean()) < 5 * 0.3 / np.sqrt(noise.size)
    assert noise.std() == pytest.approx(0.3, rel=0.02)
    assert not np.array_equal(noise, layer.forward(X, training=True))  # fresh draws
    theirs = keras.layers.GaussianNoise(0.3, dtype="float64")(X, training=True)
    assert np.std(theirs.numpy()) == pytest.approx(0.3, rel=0.02)


def test_gaussian_noise_gradients_match_tensorflow_and_finite_differences():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3, 4))
    upstream = rng.normal(size=(3, 4))
    layer = GaussianNoise(0.7)
    layer.build((4,), np.random.default_rng(0))
    layer.forward(X, training=True)
    grad = layer.backward(upstream)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = keras.layers.GaussianNoise(0.7, dtype="float64")(x, training=True)
    expected = tape.gradient(y, x, output_gradients=tf.constant(upstream)).numpy()
    np.testing.assert_allclose(grad, expected, rtol=1e-12)
    errors = check_layer_gradients(layer, X)  # inference: deterministic
    assert max(errors.values()) < 1e-8


def test_corrupt_adds_seeded_noise_and_does_not_clip():
    X = np.full((3, 64), 0.5)
    noisy = corrupt(X, 0.4, np.random.default_rng(7))
    np.testing.assert_array_equal(
        noisy, 0.5 + np.random.default_rng(7).normal(0, 0.4, size=(3, 64))
    )
    assert corrupt(np.ones((100, 64)), 1.0, np.random.default_rng(0)).max() > 1
    np.testing.assert_array_equal(corrupt(X, 0.0, np.random.default_rng(0)), X)


def test_denoising_encoder_corrupts_only_in_training():
    model = dense_autoencoder(noise=0.5, random_state=0)
    assert isinstance(model.encoder.layers[0], GaussianNoise)
    X = np.random.default_rng(0).random((4, 64))
    np.testing.assert_array_equal(model.encode(X), model.encode(X))
    plain = dense_autoencoder(noise=0.0, random_state=0)
    assert not any(isinstance(x, GaussianNoise) for x in plain.encoder.layers)


# ---------------------------------------------------------------------------
# Conv2DTranspose: the decoder's other way up
# ---------------------------------------------------------------------------

TRANSPOSE_CASES = [
    # (sample shape, filters, kernel_size, strides, padding, activation)
    ((4, 3, 2), 5, 3, 2, "same", None),  # odd crop: the extra row at the end
    ((4, 3, 2), 5, 2, 2, "same", "relu"),
    ((4, 3, 2), 5, 3, 1, "same", None),
    ((4, 3, 2), 5, 3, 2, "valid", None),
    ((4, 3, 2), 3, 1, 3, "same", None),  # kernel smaller than the stride
    ((4, 3, 2), 3, 2, 3, "valid", "tanh"),
    ((3, 5, 1), 2, (2, 3), (1, 2), "same", None),  # non-square
    ((2, 2, 3), 4, 4, 2, "same", "sigmoid"),
]


@pytest.mark.parametrize(
    "shape, filters, kernel_size, strides, padding, activation", TRANSPOSE_CASES
)
def test_conv2d_transpose_matches_keras_and_finite_differences(
    shape, filters, kernel_size, strides, padding, activation
):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, *shape))
    options = dict(strides=strides, padding=padding, activation=activation)
    ours = Conv2DTranspose(filters, kernel_size, **options)
    ours.build(shape, np.random.default_rng(1))
    ours.params["bias"][...] = rng.normal(size=filters)
    theirs = keras.layers.Conv2DTranspose(
        filters, kernel_size, dtype="float64", **options
    )
    theirs.build((None, *shape))
    theirs.set_weights(list(ours.params.values()))  # same layout, (kh, kw, out, in)
    assert ours.output_shape_ == tuple(theirs.compute_output_shape((None, *shape)))[1:]
    assert ours.n_params == theirs.count_params()
    Y = ours.forward(X, training=True)
    upstream = rng.normal(size=Y.shape)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = theirs(x)
    expected = tape.gradient(
        y, [x, *theirs.trainable_variables], output_gradients=tf.constant(upstream)
    )
    np.testing.assert_allclose(Y, y.numpy(), rtol=1e-5, atol=1e-12)
    np.testing.assert_allclose(
        ours.backward(upstream), expected[0].numpy(), rtol=1e-5, atol=1e-12
    )
    for name, theirs_grad in zip(ours.params, expected[1:], strict=True):
        np.testing.assert_allclose(
            ours.grads[name], theirs_grad.numpy(), rtol=1e-5, atol=1e-12
        )
    assert max(check_layer_gradients(ours, X).values()) < 1e-7


def test_conv2d_transpose_by_hand_paints_overlapping_patches():
    # Two pixels 1 and 2, a 1x3 kernel [1, 10, 100], stride 2, "valid": each pixel
    # paints its patch two columns after the other's, the overlap adds up.
    layer = Conv2DTranspose(1, (1, 3), strides=(1, 2), use_bias=False)
    layer.build((1, 2, 1), np.random.default_rng(0))
    layer.params["kernel"][...] = np.array([1.0, 10.0, 100.0]).reshape(1, 3, 1, 1)
    Y = layer.forward(np.array([1.0, 2.0]).reshape(1, 1, 2, 1))
    np.testing.assert_allclose(Y[0, 0, :, 0], [1, 10, 100 + 2, 20, 200])
    grad = layer.backward(np.ones_like(Y))
    np.testing.assert_allclose(grad[0, 0, :, 0], [111, 111])  # each saw all 3 weights
    np.testing.assert_allclose(layer.grads["kernel"].ravel(), [3, 3, 3])


def test_conv2d_transpose_errors_and_config():
    with pytest.raises(ValueError, match="images"):
        Conv2DTranspose(2, 3).build((8, 8), np.random.default_rng(0))
    with pytest.raises(ValueError, match="padding"):
        Conv2DTranspose(2, 3, padding="full").build((4, 4, 1), np.random.default_rng(0))
    layer = Conv2DTranspose(2, 3, strides=2, padding="same")
    layer.build((4, 4, 1), np.random.default_rng(0))
    with pytest.raises(ValueError, match="expects inputs"):
        layer.forward(np.zeros((1, 5, 4, 1)))
    fresh = Conv2DTranspose(2, 3)
    fresh.build((4, 4, 1), np.random.default_rng(0))
    with pytest.raises(RuntimeError, match="forward pass first"):
        fresh.backward(np.zeros((1, 6, 6, 2)))
    assert Conv2DTranspose(**layer.get_config()).get_config() == layer.get_config()
    with pytest.raises(ValueError, match="upsampling"):
        conv_autoencoder(upsampling="bilinear")


# ---------------------------------------------------------------------------
# Architectures, saving and errors
# ---------------------------------------------------------------------------


def test_architectures_shapes():
    conv = conv_autoencoder(latent_dim=5)
    assert conv.encoder.input_shape_ == (8, 8, 1)
    assert conv.encoder.output_shape_ == (5,)
    assert conv.decoder.output_shape_ == (8, 8, 1)
    names = [type(x).__name__ for x in conv.decoder.layers]
    assert names.count("UpSampling2D") == 2 and names[-1] == "Conv2D"
    dense = dense_autoencoder((64,), hidden_units=(32, 16), latent_dim=2)
    assert [x.output_shape_ for x in dense.encoder.layers] == [(32,), (16,), (2,)]
    assert [x.output_shape_ for x in dense.decoder.layers] == [(16,), (32,), (64,)]
    assert isinstance(dense.optimizer, Adam)


def test_same_seed_same_model_other_seed_other_weights():
    one, two = dense_autoencoder(random_state=4), dense_autoencoder(random_state=4)
    three = dense_autoencoder(random_state=5)
    for a, b in zip(one.encoder.get_weights(), two.encoder.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(
        one.encoder.get_weights()[0], three.encoder.get_weights()[0]
    )


def test_halves_save_and_load_without_pickle(tmp_path):
    model = conv_autoencoder(latent_dim=3, filters=(4, 2), noise=0.1)
    X = np.random.default_rng(0).random((5, 8, 8, 1))
    encoder = Sequential.load(model.encoder.save(tmp_path / "encoder"))
    decoder = Sequential.load(model.decoder.save(tmp_path / "decoder"))
    np.testing.assert_array_equal(
        decoder.predict(encoder.predict(X)), model.reconstruct(X)
    )


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros((0, 64)), "empty"),
        (np.full((2, 64), np.nan), "NaN"),
        (np.zeros((2, 63)), r"shape \(63,\).*\(64,\)"),
    ],
)
def test_bad_input_is_a_clear_error(X, message):
    model = dense_autoencoder()
    with pytest.raises(ValueError, match=message):
        model.fit(X)
    with pytest.raises(ValueError, match=message):
        model.reconstruct(X)


def test_errors_before_compiling_and_for_mismatched_halves():
    encoder = Sequential([L.Dense(2)], random_state=0)
    decoder = Sequential([L.Dense(3)], random_state=0)
    model = Autoencoder(encoder, decoder)
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="must rebuild the encoder's input"):
        model.compile().fit(np.zeros((4, 4)))
    with pytest.raises(TypeError, match="Sequential"):
        Autoencoder(L.Dense(2), decoder)
    with pytest.raises(ValueError, match="divisible"):
        conv_autoencoder((6, 6, 1))
    with pytest.raises(ValueError, match="stddev"):
        dense_autoencoder(noise=-0.1)
    with pytest.raises(ValueError, match="latent_dim"):
        dense_autoencoder(latent_dim=0)
    with pytest.raises(ValueError, match="epochs"):
        dense_autoencoder().fit(np.zeros((4, 64)), epochs=0)
