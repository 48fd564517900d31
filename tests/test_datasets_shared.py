"""The generated data sets several chapters share (scratchlearn.datasets): the
marker sequences of the attention chapter, bars and stripes of the RBM chapter, the
named baskets of association rules, the knapsack of the genetic algorithm and the
background noise of DBSCAN. Each is seeded: the same call gives the same data."""

import numpy as np
import pytest

from scratchlearn import datasets


def test_marker_sequences():
    X, y, lengths = datasets.marker_sequences(300, n_classes=4, random_state=0)
    assert X.shape == (300, 16) and y.shape == (300,)
    assert set(np.unique(y)) == {0, 1, 2, 3}
    for row, label, length in zip(X, y, lengths, strict=True):
        assert np.all(row[length:] == 0) and np.all(row[:length] > 0)
        (marker,) = np.flatnonzero(row == 1)  # exactly one marker
        assert marker < length - 1 and row[marker + 1] == 2 + label
    again = datasets.marker_sequences(300, n_classes=4, random_state=0)
    np.testing.assert_array_equal(again[0], X)
    # Counting tokens does not give the class: the answers are also distractors.
    counts = np.stack([(X == 2 + c).sum(axis=1) for c in range(4)], axis=1)
    assert np.mean(np.argmax(counts, axis=1) == y) < 0.75
    with pytest.raises(ValueError, match="vocab_size"):
        datasets.marker_sequences(10, n_classes=4, vocab_size=6)


def test_bars_and_stripes():
    X, patterns = datasets.bars_and_stripes(3, n_samples=500)
    assert patterns.shape == (14, 9)  # 8 stripes + 8 bars, all-0 and all-1 shared
    images = patterns.reshape(-1, 3, 3)
    rows_equal = np.all(images == images[:, :1, :], axis=(1, 2))
    columns_equal = np.all(images == images[:, :, :1], axis=(1, 2))
    assert np.all(rows_equal | columns_equal)
    assert X.shape == (500, 9)
    counts = [np.all(X == p, axis=1).sum() for p in patterns]
    assert sum(counts) == 500 and min(counts) > 15  # each pattern drawn


def test_named_baskets_name_the_items_of_baskets():
    numbers, named = datasets.baskets(200), datasets.named_baskets(200)
    assert len(datasets.BASKET_ITEMS) == 20 == len(set(datasets.BASKET_ITEMS))
    assert named == [[datasets.BASKET_ITEMS[i] for i in basket] for basket in numbers]
    # The planted pair: bread comes with butter far more often than not.
    with_bread = [basket for basket in named if "bread" in basket]
    assert np.mean(["butter" in basket for basket in with_bread]) > 0.7


def test_knapsack_items():
    weights, values, capacity = datasets.knapsack_items(25, random_state=0)
    assert weights.shape == values.shape == (25,)
    assert weights.min() >= 10 and weights.max() <= 59
    assert values.min() >= 10 and values.max() <= 59
    assert capacity == weights.sum() // 2 and isinstance(capacity, int)
    again = datasets.knapsack_items(25, random_state=0)
    np.testing.assert_array_equal(again[0], weights)
    np.testing.assert_array_equal(again[1], values)


def test_uniform_noise_is_appended_within_the_widened_box():
    X = datasets.moons(100, noise=0.05, random_state=0).X
    noisy = datasets.add_uniform_noise(X, 30, margin=0.5, random_state=1)
    assert noisy.shape == (130, 2)
    np.testing.assert_array_equal(noisy[:100], X)
    assert np.all(noisy[100:] >= X.min(axis=0) - 0.5)
    assert np.all(noisy[100:] <= X.max(axis=0) + 0.5)
    np.testing.assert_array_equal(
        datasets.add_uniform_noise(X, 30, margin=0.5, random_state=1), noisy
    )
