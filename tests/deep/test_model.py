"""The Sequential model (Chapters 24-25): it learns digits, its training steps equal
Keras's from the same initial weights, its summary counts Keras's parameters, it saves
and loads without pickle, it is reproducible and it rejects bad data clearly."""

import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np
import pytest
from sklearn.datasets import load_digits

from scratchlearn.deep import layers as L
from scratchlearn.deep.callbacks import Callback, EarlyStopping, ReduceLROnPlateau
from scratchlearn.deep.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)
from scratchlearn.deep.model import Sequential
from scratchlearn.deep.optimizers import SGD, Adam, RMSprop
from scratchlearn.deep.schedules import ExponentialDecay

keras = pytest.importorskip("keras")

# Keras's get_weights triggers a NumPy 2 deprecation notice inside Keras; not ours.
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation:DeprecationWarning"
)

# Adam's betas exact in float32 (Keras rounds them there; see test_optimizers.py).
ADAM_BETAS = {"beta_1": 0.875, "beta_2": 1 - 2**-10}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0  # pixels in [0, 1]
    return X[:1400], y[:1400], X[1400:], y[1400:]


@pytest.fixture
def float64_keras():
    """Keras in float64 for one test. Both the float type and the global dtype
    policy are set: once a Keras layer has been built (say, by another test module
    in the same process), the policy no longer follows floatx alone."""
    previous_floatx = keras.config.floatx()
    previous_policy = keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    yield
    keras.config.set_dtype_policy(previous_policy)
    keras.config.set_floatx(previous_floatx)


def one_hot(y, n_classes=10):
    return np.eye(n_classes)[y]


def mlp(random_state=0, dropout=0.1):
    return Sequential(
        [L.Dense(64, activation="relu"), L.Dropout(dropout), L.Dense(10)],
        random_state=random_state,
    )


# --- it learns, reproducibly -------------------------------------------------------


def test_mlp_learns_digits_reproducibly(digits):
    X_train, y_train, X_test, y_test = digits
    histories, weights = [], []
    for _ in range(2):
        model = mlp(random_state=0)
        model.compile(
            Adam(learning_rate=0.01),
            CategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        history = model.fit(
            X_train,
            one_hot(y_train),
            epochs=15,
            validation_data=(X_test, one_hot(y_test)),
            verbose=0,
        )
        histories.append(history.history)
        weights.append(model.get_weights())
    accuracy = np.mean(model.predict(X_test).argmax(axis=1) == y_test)
    assert accuracy > 0.9  # chance is 0.1
    assert model.evaluate(X_test, one_hot(y_test))["accuracy"] == accuracy
    assert histories[0]["loss"][-1] < histories[0]["loss"][0] / 5
    # Same random_state: same initial weights, batches and dropout masks.
    assert histories[0] == histories[1]
    for first, second in zip(*weights, strict=True):
        np.testing.assert_array_equal(first, second)
    other = mlp(random_state=1)
    other.build((64,))
    assert not np.array_equal(
        other.get_weights()[0], mlp(0).build((64,)).get_weights()[0]
    )


def test_sparse_labels_and_sparse_accuracy(digits):
    X_train, y_train, X_test, y_test = digits
    model = mlp(random_state=3)
    model.compile(
        Adam(learning_rate=0.01),
        SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(X_train, y_train, epochs=5, verbose=0)
    scores = model.evaluate(X_test, y_test)
    assert scores["accuracy"] == np.mean(model.predict(X_test).argmax(axis=1) == y_test)
    assert scores["accuracy"] > 0.85


# --- the same steps as Keras ---------------------------------------------------------


def keras_copy(model, keras_layers):
    """A float64 Keras model of the same architecture holding ``model``'s weights."""
    clone = keras.Sequential([keras.Input(model.input_shape_), *keras_layers])
    clone.set_weights(model.get_weights())
    return clone


CASES = {
    "categorical": (
        lambda: CategoricalCrossentropy(from_logits=True),
        lambda: keras.losses.CategoricalCrossentropy(from_logits=True),
        10,
    ),
    "binary": (
        lambda: BinaryCrossentropy(from_logits=True),
        lambda: keras.losses.BinaryCrossentropy(from_logits=True),
        1,
    ),
    "mse": (MeanSquaredError, keras.losses.MeanSquaredError, 3),
}


@pytest.mark.parametrize("case", CASES)
def test_one_full_batch_sgd_step_matches_keras(case, digits, float64_keras):
    """Forward, loss gradient, backward and update wired as in Keras: after one SGD
    step on the whole batch, from the same weights, the losses agree to 1e-6."""
    ours_loss, keras_loss, n_outputs = CASES[case]
    X, y = digits[0][:300], digits[1][:300]
    if case == "categorical":
        targets = one_hot(y)
    elif case == "binary":
        targets = (y % 2).astype(float)  # shape (n,) for one output, as Keras allows
    else:
        targets = np.stack([y / 9, np.sin(y), X[:, 20]], axis=1)
    model = Sequential(
        [
            L.Dense(16, activation="tanh"),
            L.Dense(8, activation="relu"),
            L.Dense(n_outputs),
        ],
        random_state=0,
    )
    model.compile(SGD(learning_rate=0.5), ours_loss())
    model.build((64,))
    theirs = keras_copy(
        model,
        [
            keras.layers.Dense(16, activation="tanh"),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(n_outputs),
        ],
    )
    theirs.compile(keras.optimizers.SGD(learning_rate=0.5), keras_loss())
    before = theirs.evaluate(X, targets, verbose=0)
    assert model.evaluate(X, targets)["loss"] == pytest.approx(before, rel=1e-9)

    model.fit(X, targets, epochs=1, batch_size=len(X), shuffle=False, verbose=0)
    theirs.fit(X, targets, epochs=1, batch_size=len(X), shuffle=False, verbose=0)
    after = theirs.evaluate(X, targets, verbose=0)
    assert after < before
    assert model.evaluate(X, targets)["loss"] == pytest.approx(after, rel=1e-6)
    for ours, reference in zip(model.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(ours, reference, rtol=1e-6, atol=1e-10)


def test_minibatch_training_with_batchnorm_matches_keras(digits, float64_keras):
    """Several epochs of mini-batches through batch normalisation (training mode in
    fit, running statistics in evaluate) with Adam: the logged losses, accuracies and
    final weights agree with Keras's."""
    X_train, y_train, X_test, y_test = digits
    X_train, Y_train = X_train[:500], one_hot(y_train[:500])
    model = Sequential(
        [
            L.Dense(32),
            L.BatchNormalization(),
            L.Activation("relu"),
            L.Dense(10),
        ],
        random_state=1,
    )
    model.build((64,))
    theirs = keras_copy(
        model,
        [
            keras.layers.Dense(32),
            keras.layers.BatchNormalization(),
            keras.layers.Activation("relu"),
            keras.layers.Dense(10),
        ],
    )
    model.compile(
        Adam(learning_rate=0.01, **ADAM_BETAS),
        CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    theirs.compile(
        keras.optimizers.Adam(learning_rate=0.01, **ADAM_BETAS),
        keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    kwargs = {
        "epochs": 3,
        "batch_size": 64,  # 500 = 7 * 64 + 52: the last batch is smaller
        "shuffle": False,
        "validation_data": (X_test, one_hot(y_test)),
        "verbose": 0,
    }
    ours = model.fit(X_train, Y_train, **kwargs).history
    reference = theirs.fit(X_train, Y_train, **kwargs).history
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(ours[key], reference[key], rtol=1e-6, err_msg=key)
    for ours_w, theirs_w in zip(model.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(ours_w, theirs_w, rtol=1e-6, atol=1e-9)


def test_step_does_not_depend_on_the_number_of_samples(digits):
    """Past mistake: gradients must be averaged over the samples, so that the same
    learning rate suits any batch size. The data set twice over gives the same
    mean loss, hence exactly the same full-batch step."""
    X, y = digits[0][:50], one_hot(digits[1][:50])
    weights = []
    for repeat in (1, 2):
        model = mlp(random_state=0, dropout=0.0)
        model.compile(SGD(learning_rate=0.5), CategoricalCrossentropy(from_logits=True))
        X_big, y_big = np.tile(X, (repeat, 1)), np.tile(y, (repeat, 1))
        model.fit(X_big, y_big, epochs=1, batch_size=len(X_big), verbose=0)
        weights.append(model.get_weights())
    for once, twice in zip(*weights, strict=True):
        np.testing.assert_allclose(once, twice, rtol=1e-12, atol=1e-15)


# Architectures as (class name, args, kwargs), built in both libraries by name.
ARCHITECTURES = {
    "dense": (
        (8, 8),
        [
            ("Flatten", (), {}),
            ("Dense", (32,), {}),
            ("BatchNormalization", (), {}),
            ("Activation", ("relu",), {}),
            ("Dropout", (0.2,), {}),
            ("Dense", (16,), {"use_bias": False}),
            ("Reshape", ((4, 4),), {}),
            ("Dense", (3,), {"activation": "tanh"}),
            ("Flatten", (), {}),
            ("Dense", (10,), {}),
        ],
    ),
    "conv": (
        (8, 8, 1),
        [
            ("Conv2D", (8, 3), {"padding": "same", "activation": "relu"}),
            ("BatchNormalization", (), {}),
            ("MaxPooling2D", (2,), {}),
            ("Conv2D", (4, 2), {"use_bias": False}),
            ("Flatten", (), {}),
            ("Dense", (10,), {}),
        ],
    ),
}


def scratch_class(class_name):
    from scratchlearn.deep import conv

    return getattr(L, class_name, None) or getattr(conv, class_name)


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_summary_counts_parameters_as_keras(architecture):
    input_shape, spec = ARCHITECTURES[architecture]
    layers = [scratch_class(name)(*args, **kwargs) for name, args, kwargs in spec]
    model = Sequential(layers).build(input_shape)
    theirs = keras.Sequential(
        [
            keras.Input(input_shape),
            *(
                getattr(keras.layers, name)(*args, **kwargs)
                for name, args, kwargs in spec
            ),
        ]
    )
    printed = []
    text = model.summary(print_fn=printed.append)
    assert printed == [text]
    rows = text.splitlines()
    total = theirs.count_params()
    trainable = sum(int(np.prod(w.shape)) for w in theirs.trainable_weights)
    assert model.count_params() == total
    assert f"Total params: {total:,}" in rows
    assert f"Trainable params: {trainable:,}" in rows
    assert f"Non-trainable params: {total - trainable:,}" in rows
    for name, ours_layer, keras_layer in zip(
        model.layer_names(), layers, theirs.layers, strict=True
    ):
        # Keras numbers names across the whole session (dense_7): compare the stems.
        assert re.sub(r"_\d+$", "", name) == re.sub(r"_\d+$", "", keras_layer.name)
        shape = "(None, " + ", ".join(map(str, keras_layer.output.shape[1:])) + ")"
        row = next(r for r in rows if r.startswith(f"{name} ("))
        assert shape in row
        assert row.split()[-1] == f"{keras_layer.count_params():,}"
        assert ours_layer.output_shape_ == tuple(keras_layer.output.shape[1:])


# --- gradients through the whole model ---------------------------------------------


def test_model_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 5))
    y = np.eye(3)[rng.integers(0, 3, size=12)]
    model = Sequential(
        [
            L.Dense(6, activation="tanh"),
            L.BatchNormalization(),
            L.Dense(4, activation="sigmoid"),
            L.Dense(3),
        ],
        random_state=0,
    )
    model.compile(SGD(), CategoricalCrossentropy(from_logits=True))
    model.build((5,))
    model.compute_gradients(X, y)
    step = 1e-6
    for layer in model.layers:
        for name, param in layer.params.items():
            analytic = layer.grads[name].copy()
            numeric = np.zeros_like(param)
            for index in np.ndindex(param.shape):
                original = param[index]
                param[index] = original + step
                plus = model.loss.loss(y, model._forward(X, training=True))
                param[index] = original - step
                minus = model.loss.loss(y, model._forward(X, training=True))
                param[index] = original
                numeric[index] = (plus - minus) / (2 * step)
            np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


# --- saving without pickle -----------------------------------------------------------


def test_save_and_load_round_trip(tmp_path, digits):
    X_train, y_train, X_test, _ = digits
    Y = one_hot(y_train)
    model = Sequential(
        [
            L.Dense(32, activation="relu", kernel_initializer="he_uniform"),
            L.BatchNormalization(),
            L.Dropout(0.2),
            L.Dense(10),
        ],
        random_state=5,
    )
    model.compile(
        RMSprop(learning_rate=ExponentialDecay(0.01, 20, 0.5), momentum=0.5),
        CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(X_train, Y, epochs=2, verbose=0)
    path = model.save(tmp_path / "digits_mlp")
    assert path.endswith("digits_mlp.npz")

    # Only arrays and a JSON string: loadable with pickling disabled.
    with np.load(path, allow_pickle=False) as archive:
        assert all(archive[key].dtype != object for key in archive.files)
    loaded = Sequential.load(tmp_path / "digits_mlp")  # the suffix may be left out
    assert [type(layer) for layer in loaded.layers] == [
        type(layer) for layer in model.layers
    ]
    np.testing.assert_array_equal(loaded.predict(X_test), model.predict(X_test))
    for ours, theirs in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    # Optimizer state, schedule and random generator come back too: training goes on
    # exactly as it would have (same batches, same dropout masks, same steps).
    assert isinstance(loaded.optimizer.learning_rate, ExponentialDecay)
    model.fit(X_train, Y, epochs=1, verbose=0)
    loaded.fit(X_train, Y, epochs=1, verbose=0)
    np.testing.assert_array_equal(loaded.predict(X_test), model.predict(X_test))


def test_save_refuses_what_json_cannot_hold(tmp_path):
    def my_init(shape, rng):
        return rng.normal(size=shape)

    model = Sequential([L.Dense(2, kernel_initializer=my_init)]).build((3,))
    with pytest.raises(ValueError, match="JSON"):
        model.save(tmp_path / "model.npz")


# --- callbacks act on the model ------------------------------------------------------


class WeightsLog(Callback):
    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_early_stopping_stops_and_restores_the_best_epoch(digits):
    X_train, y_train, X_test, y_test = digits
    model = mlp(random_state=0, dropout=0.0)
    # A large learning rate makes the validation loss bounce, so it stops early.
    model.compile(SGD(learning_rate=2.0), CategoricalCrossentropy(from_logits=True))
    log = WeightsLog()
    history = model.fit(
        X_train[:300],
        one_hot(y_train[:300]),
        epochs=40,
        validation_data=(X_test, one_hot(y_test)),
        callbacks=[log, EarlyStopping(patience=2, restore_best_weights=True)],
        verbose=0,
    )
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert len(val_loss) == best + 3 < 40  # stopped after 2 epochs without progress
    for ours, kept in zip(model.get_weights(), log.weights[best], strict=True):
        np.testing.assert_array_equal(ours, kept)
    # The kept weights were copies, not the live arrays (which moved on since).
    assert not np.array_equal(log.weights[best][0], log.weights[-1][0])


def test_get_weights_returns_copies():
    model = Sequential([L.Dense(2)], random_state=0).build((3,))
    weights = model.get_weights()
    weights[0] += 1.0
    assert not np.array_equal(model.get_weights()[0], weights[0])


def test_reduce_lr_on_plateau_lowers_the_logged_learning_rate(digits):
    X_train, y_train, _, _ = digits
    model = mlp(random_state=0, dropout=0.0)
    model.compile(SGD(learning_rate=2.0), CategoricalCrossentropy(from_logits=True))
    history = model.fit(
        X_train[:200],
        one_hot(y_train[:200]),
        epochs=12,
        callbacks=[ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5)],
        verbose=0,
    )
    rates = history.history["learning_rate"]
    assert rates[0] == 2.0 and min(rates) < 2.0
    assert np.all(np.diff(rates) <= 0)
    assert model.optimizer.learning_rate <= rates[-1]


def test_learning_rate_schedule_is_logged(digits):
    X_train, y_train, _, _ = digits
    model = mlp(random_state=0)
    schedule = ExponentialDecay(0.01, decay_steps=10, decay_rate=0.5)
    model.compile(
        Adam(learning_rate=schedule), CategoricalCrossentropy(from_logits=True)
    )
    history = model.fit(
        X_train[:100], one_hot(y_train[:100]), epochs=3, batch_size=25, verbose=0
    )
    # 4 steps per epoch: the rate at the end of epoch e is schedule(4 * (e + 1)).
    np.testing.assert_allclose(
        history.history["learning_rate"], schedule(np.array([4, 8, 12]))
    )
    assert model.optimizer.iterations == 12


# --- predict, verbose ----------------------------------------------------------------


def test_predict_in_batches_and_without_dropout(digits):
    X = digits[0][:100]
    model = mlp(random_state=0, dropout=0.5).build((64,))
    whole = model.predict(X, batch_size=1000)
    np.testing.assert_allclose(model.predict(X, batch_size=7), whole, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), whole)  # no dropout at inference
    no_dropout = mlp(random_state=0, dropout=0.0).build((64,))
    no_dropout.set_weights(model.get_weights())
    np.testing.assert_allclose(no_dropout.predict(X), whole, rtol=1e-12)


@pytest.mark.parametrize("verbose", [0, 1, 2])
def test_verbose_levels(verbose, capsys):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 1))
    model = Sequential([L.Dense(1)], random_state=0)
    model.compile(SGD(), MeanSquaredError(), metrics=["mae"])
    model.fit(X, y, epochs=3, verbose=verbose)
    output = capsys.readouterr()
    printed = output.out + output.err
    if verbose == 0:
        assert printed == ""
    elif verbose == 1:
        assert "3/3" in printed and "loss" in printed  # tqdm's bar
    else:
        assert printed.count("Epoch") == 3 and "mae" in printed


# --- bad input -----------------------------------------------------------------------


@pytest.fixture
def compiled():
    model = Sequential([L.Dense(8, activation="relu"), L.Dense(3)], random_state=0)
    return model.compile(SGD(), CategoricalCrossentropy(from_logits=True))


def test_empty_data_raises(compiled):
    with pytest.raises(ValueError, match="empty"):
        compiled.fit(np.zeros((0, 4)), np.zeros((0, 3)), verbose=0)


def test_nan_inputs_raise(compiled):
    X = np.ones((5, 4))
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        compiled.fit(X, np.eye(3)[[0, 1, 2, 0, 1]], verbose=0)


def test_labels_of_the_wrong_shape_raise(compiled):
    X = np.ones((5, 4))
    with pytest.raises(ValueError, match="one-hot"):
        compiled.fit(X, np.array([0, 1, 2, 0, 1]), verbose=0)
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        compiled.fit(X, np.ones((5, 4)), verbose=0)
    with pytest.raises(ValueError, match="different numbers of samples"):
        compiled.fit(X, np.eye(3)[[0, 1, 2, 0]], verbose=0)


def test_wrong_input_shape_after_building_raises(compiled):
    compiled.fit(np.ones((5, 4)), np.eye(3)[[0, 1, 2, 0, 1]], verbose=0)
    with pytest.raises(ValueError, match="built for samples of shape"):
        compiled.predict(np.ones((5, 6)))


def test_misuse_raises_clearly():
    model = Sequential([L.Dense(2)])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.ones((3, 2)), np.ones((3, 2)), verbose=0)
    with pytest.raises(RuntimeError, match="not built"):
        model.summary()
    with pytest.raises(TypeError, match="Layer"):
        model.add("dense")
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(np.ones((3, 2)), np.ones((3, 2)), batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="Unknown metric"):
        model.compile("sgd", "mse", metrics=["f1"])
    with pytest.raises(ValueError, match="weight arrays"):
        model.set_weights([np.ones((2, 2))])


def test_the_package_exports_the_whole_library_under_keras_names():
    import scratchlearn.deep as deep

    for name in deep.__all__:
        assert getattr(deep, name) is not None
    for keras_name in (
        "Sequential",
        "Dense",
        "Conv2D",
        "MaxPooling2D",
        "Dropout",
        "BatchNormalization",
        "Adam",
        "EarlyStopping",
    ):
        assert keras_name in deep.__all__
