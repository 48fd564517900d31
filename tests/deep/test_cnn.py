"""Chapter 26's convolutional network (scratchlearn.deep.cnn): its architecture,
its feature maps, and that it reaches the chapter's target on the digits."""

import time

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from scratchlearn.deep import (
    BatchNormalization,
    Conv2D,
    Dropout,
    MaxPooling2D,
    decay_steps_for,
    digits_cnn,
    feature_maps,
)
from scratchlearn.deep.optimizers import SGD, Adam, RMSprop
from scratchlearn.deep.schedules import CosineDecay


@pytest.fixture(scope="module")
def digit_images():
    """The chapter's split: 8x8x1 images scaled to [0, 1], a stratified quarter
    held out."""
    X, y = load_digits(return_X_y=True)
    X = X.reshape(-1, 8, 8, 1) / 16.0  # (n_samples, height, width, channels)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def test_architecture_shapes_and_parameter_count():
    """Counted by hand: conv 3*3*1*16 + 16 = 160, batch norm 4 * 16 = 64 (gamma,
    beta, moving mean and variance), conv 3*3*16*32 + 32 = 4640, batch norm 128,
    dense (2*2*32)*64 + 64 = 8256, dense 64*10 + 10 = 650: 13,898 in all, of which
    the 96 moving statistics are not trained (Keras's summary says the same)."""
    model = digits_cnn().build((8, 8, 1))
    shapes = [layer.output_shape_ for layer in model.layers]
    assert shapes == [
        (8, 8, 16),
        (8, 8, 16),
        (8, 8, 16),
        (4, 4, 16),
        (4, 4, 32),
        (4, 4, 32),
        (4, 4, 32),
        (2, 2, 32),
        (128,),
        (64,),
        (64,),
        (10,),
    ]
    assert model.count_params() == 13_898
    assert sum(layer.n_params for layer in model.layers) == 13_802
    convs = [layer for layer in model.layers if isinstance(layer, Conv2D)]
    assert [c.padding for c in convs] == ["same", "same"]
    assert all(isinstance(model.layers[i + 1], BatchNormalization) for i in (0, 4))
    assert isinstance(model.layers[3], MaxPooling2D)


@pytest.mark.parametrize(
    ("name", "cls", "extra"),
    [("adam", Adam, {}), ("rmsprop", RMSprop, {}), ("sgd", SGD, {"momentum": 0.9})],
)
def test_optimizer_and_schedule(name, cls, extra):
    model = digits_cnn(optimizer=name, learning_rate=0.01)
    assert isinstance(model.optimizer, cls)
    assert model.optimizer.learning_rate == 0.01
    for key, value in extra.items():
        assert getattr(model.optimizer, key) == value
    decayed = digits_cnn(optimizer=name, learning_rate=0.01, decay_steps=100)
    assert isinstance(decayed.optimizer.learning_rate, CosineDecay)
    assert decayed.optimizer.learning_rate(100) == pytest.approx(0.0)


def test_options_reach_the_layers():
    model = digits_cnn(filters=(4, 8), dense_units=12, dropout=0.5).build((8, 8, 1))
    assert model.layers[0].filters == 4 and model.layers[4].filters == 8
    assert model.layers[8].output_shape_ == (2 * 2 * 8,)
    assert model.layers[9].output_shape_ == (12,)
    assert [layer.rate for layer in model.layers if isinstance(layer, Dropout)] == [0.5]


def test_unknown_optimizer_is_refused():
    with pytest.raises(ValueError, match="optimizer"):
        digits_cnn(optimizer="adamw")


def test_decay_steps_counts_the_last_short_batch():
    assert decay_steps_for(1347, 32, 20) == 20 * 43  # 42 full batches and one of 3
    assert decay_steps_for(64, 32, 3) == 6


def test_feature_maps_are_the_first_layers_in_inference_mode(digit_images):
    X_train, X_test, y_train, _ = digit_images
    model = digits_cnn(random_state=1)
    model.fit(X_train[:64], y_train[:64], epochs=1, verbose=0)
    # After the first block's pooling: (n, 4, 4, 16), non-negative (ReLU then max).
    maps = feature_maps(model, X_test[:5], 4)
    assert maps.shape == (5, 4, 4, 16)
    assert maps.min() >= 0
    # All the layers: the logits predict() gives (dropout off, running statistics).
    np.testing.assert_allclose(
        feature_maps(model, X_test[:5], len(model.layers)),
        model.predict(X_test[:5]),
        rtol=1e-12,
        atol=1e-12,
    )
    # By hand through the first convolution: the kernel's 3x3 window at pixel
    # (3, 4) of image 0, plus the bias.
    conv = model.layers[0]
    window = X_test[0, 2:5, 3:6, 0]  # rows 2..4, columns 3..5 ("same": no shift)
    expected = np.sum(window[:, :, None] * conv.params["kernel"][:, :, 0, :], (0, 1))
    expected += conv.params["bias"]
    np.testing.assert_allclose(
        feature_maps(model, X_test[:1], 1)[0, 3, 4], expected, rtol=1e-12
    )


@pytest.mark.slow  # trains to the chapter's target: left out of make test-fast
@pytest.mark.parametrize("random_state", [0, 1, 2])
def test_reaches_the_chapter_target_on_digits(digit_images, random_state):
    """The chapter's training (20 epochs, batch 32, Adam 0.003 with cosine decay)
    reaches at least 98.5% test accuracy from three different initialisations,
    within the notebook's time budget."""
    X_train, X_test, y_train, y_test = digit_images
    epochs, batch_size = 20, 32
    model = digits_cnn(
        decay_steps=decay_steps_for(len(X_train), batch_size, epochs),
        random_state=random_state,
    )
    start = time.process_time()
    model.fit(X_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    seconds = time.process_time() - start
    accuracy = model.evaluate(X_test, y_test)["accuracy"]
    assert accuracy >= 0.985, f"test accuracy {accuracy:.4f} < 0.985"
    assert seconds < 60, f"training took {seconds:.0f} s of CPU time"
