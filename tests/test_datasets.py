"""scratchlearn.datasets: every data set loads with no network, generators are
seeded, and the split is the one scikit-learn's users would make."""

import socket

import numpy as np
import pytest
from sklearn import datasets as sk_datasets
from sklearn.model_selection import train_test_split

from scratchlearn import datasets

BUNDLED = {
    "digits": (datasets.digits, (1797, 64), 10),
    "iris": (datasets.iris, (150, 4), 3),
    "wine": (datasets.wine, (178, 13), 3),
    "breast_cancer": (datasets.breast_cancer, (569, 30), 2),
    "diabetes": (datasets.diabetes, (442, 10), None),
}


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a data set tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_data_load_offline_with_their_names(name, no_network):
    loader, shape, n_classes = BUNDLED[name]
    data = loader()
    assert data.X.shape == shape and len(data.y) == shape[0]
    assert len(data.feature_names) == shape[1]
    if n_classes:
        assert len(np.unique(data.y)) == n_classes == len(data.target_names)
    X, y = data  # unpacks like scikit-learn's return_X_y
    reference = getattr(sk_datasets, f"load_{name}")(return_X_y=True)
    np.testing.assert_array_equal(X, reference[0])
    np.testing.assert_array_equal(y, reference[1])


def test_sunspots_are_the_yearly_series_statsmodels_bundles(no_network):
    import importlib.resources

    data = datasets.sunspots()
    years, counts = data.X[:, 0], data.y
    assert data.X.shape == (309, 1) and counts.shape == (309,)
    np.testing.assert_array_equal(years, np.arange(1700, 2009))  # every year, in order
    # The CSV file in statsmodels' package, read without its loader.
    csv = importlib.resources.files("statsmodels") / "datasets/sunspots/sunspots.csv"
    table = np.loadtxt(csv.open(), delimiter=",", skiprows=1)
    np.testing.assert_array_equal(years, table[:, 0])
    np.testing.assert_array_equal(counts, table[:, 1])
    # Published values: the first and last years, and the highest peak (1957).
    assert counts[0] == 5.0 and counts[-1] == 2.9
    assert years[np.argmax(counts)] == 1957 and counts.max() == 190.2


def test_image_and_sequence_views_of_the_digits():
    images, rows, flat = (
        datasets.digit_images(),
        datasets.digit_rows(),
        datasets.digits(),
    )
    assert images.X.shape == (1797, 8, 8, 1) and rows.X.shape == (1797, 8, 8)
    np.testing.assert_allclose(images.X.reshape(1797, 64), flat.X / 16)
    np.testing.assert_allclose(rows.X[:, 2, :], flat.X[:, 16:24] / 16)  # third row
    assert images.X.max() == 1.0


GENERATORS = [
    datasets.moons,
    datasets.circles,
    datasets.blobs,
    datasets.gaussian_quantiles,
    datasets.separable,
    datasets.noisy_curve,
    datasets.noisy_line,
    datasets.noisy_wave,
    datasets.sparse_linear,
    datasets.token_sequences,
]


@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.__name__)
def test_generators_are_seeded(generator, no_network):
    first, again, other = (generator(random_state=s) for s in (0, 0, 1))
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)
    assert not np.array_equal(first.X, other.X)


def test_separable_data_has_exactly_its_margin_and_keeps_its_cloud():
    data = datasets.separable(200, margin=0.3, angle=1.0, offset=0.2)
    normal = np.array([np.cos(1.0), np.sin(1.0)])
    np.testing.assert_array_equal(data.coef, normal)
    signed = data.X @ normal + 0.2  # the line coef . x + intercept = 0
    for label in (0, 1):
        assert np.abs(signed[data.y == label]).min() == pytest.approx(0.3)
    np.testing.assert_array_equal(data.y, (signed > 0).astype(int))
    # Another margin moves each class along the normal only: the same cloud.
    other = datasets.separable(200, margin=0.05, angle=1.0, offset=0.2)
    along = np.array([-normal[1], normal[0]])
    np.testing.assert_allclose(other.X @ along, data.X @ along, atol=1e-12)


def test_sparse_linear_uses_only_its_informative_features():
    data = datasets.sparse_linear(100, 30, n_informative=4, random_state=1)
    X, y, true_coef = data.X, data.y, data.coef
    assert X.shape == (100, 30) and y.shape == (100,) and data.intercept == 2.0
    assert np.flatnonzero(true_coef).tolist() == [0, 1, 2, 3]
    assert np.all((np.abs(true_coef[:4]) >= 1) & (np.abs(true_coef[:4]) <= 3))
    residual = y - X @ true_coef - 2.0  # the noise: standard Normal
    assert abs(residual.mean()) < 0.3 and 0.7 < residual.std() < 1.3


def test_noisy_line_and_wave_are_their_formulas():
    line = datasets.noisy_line(50, slope=0.8, intercept=-1.0, noise=0.0, low=0, high=4)
    assert 0 <= line.X.min() and line.X.max() <= 4
    np.testing.assert_allclose(line.y, -1.0 + 0.8 * line.X[:, 0])
    assert line.coef.tolist() == [0.8] and line.intercept == -1.0
    # The first points do not depend on how many are drawn, nor on the noise.
    more = datasets.noisy_line(80, slope=0.8, intercept=-1.0, noise=0.5, low=0, high=4)
    np.testing.assert_array_equal(more.X[:50], line.X)
    wave = datasets.noisy_wave(40, noise=0.0)
    np.testing.assert_allclose(wave.y, np.sin(1.5 * wave.X[:, 0]) + 0.3 * wave.X[:, 0])


def test_token_sequences_follow_their_rule():
    data = datasets.token_sequences(500, max_length=12, random_state=3)
    assert data.X.shape == (500, 12) and data.X.dtype.kind == "i"
    for tokens, label in zip(data.X, data.y, strict=True):
        length = np.count_nonzero(tokens)
        assert np.all(tokens[length:] == 0)  # padding at the end only
        good = np.flatnonzero(tokens == 1)
        negations = np.flatnonzero(tokens == 2)
        assert len(good) == 1
        assert label == int(not np.any(negations < good[0]))
    assert 0.4 < data.y.mean() < 0.6


def test_the_classic_transactions_give_the_published_rules():
    baskets = [set(t) for t in datasets.classic_transactions()]

    def support(items):
        return sum(set(items) <= b for b in baskets) / len(baskets)

    assert support({1, 2}) == pytest.approx(3 / 7) and support({1}) == support({1, 2})
    assert support({2, 4}) / support({4}) == pytest.approx(0.8)
    assert support({1, 2, 4}) / support({1, 4}) == 1.0


def test_baskets_hold_their_planted_associations():
    baskets = [set(b) for b in datasets.baskets(2000)]

    def support(items):
        return np.mean([set(items) <= b for b in baskets])

    assert support({0, 1}) / support({0}) > 0.8  # bread -> butter
    assert support({2, 3, 4}) > 0.1
    assert support({2, 3, 4}) / support({2}) > support({3}) / 2  # more than chance


@pytest.mark.parametrize("val_size", [0.0, 0.25])
def test_the_test_part_is_the_one_scikit_learn_holds_out(val_size):
    X, y = datasets.wine()
    parts = datasets.split(X, y, test_size=0.25, val_size=val_size, random_state=4)
    _, X_test, _, y_test = train_test_split(
        X, y, test_size=0.25, random_state=4, stratify=y
    )
    np.testing.assert_array_equal(parts.X_test, X_test)
    np.testing.assert_array_equal(parts.y_test, y_test)
    sizes = len(parts.y_train), len(parts.y_val), len(parts.y_test)
    assert sum(sizes) == len(y)
    assert sizes[1] == pytest.approx(val_size * len(y), abs=1)
    rows = {tuple(r) for r in np.vstack([parts.X_train, parts.X_val, parts.X_test])}
    assert len(rows) == len({tuple(r) for r in X})  # every sample once


def test_splits_keep_class_proportions_and_regression_targets_are_not_stratified():
    X, y = datasets.breast_cancer()
    parts = datasets.split(X, y, test_size=0.2, val_size=0.2)
    for part in (parts.y_train, parts.y_val, parts.y_test):
        assert abs(part.mean() - y.mean()) < 0.02
    X, y = datasets.diabetes()
    parts = datasets.split(X, y)  # real targets: no stratification, and no error
    assert len(parts.y_test) == 111


@pytest.mark.parametrize(
    "sizes", [{"test_size": 0.0}, {"test_size": 0.5, "val_size": 0.5}]
)
def test_impossible_sizes_are_a_clear_error(sizes):
    X, y = datasets.iris()
    with pytest.raises(ValueError, match="leave samples to train on"):
        datasets.split(X, y, **sizes)


def test_noisy_curve_slope_and_range():
    X, y = datasets.noisy_curve(200, slope=0.2, low=0.0, high=10.0, noise=0.0)
    assert X.shape == (200, 1) and np.all(np.diff(X[:, 0]) >= 0)
    assert 0 <= X.min() and X.max() <= 10
    np.testing.assert_allclose(y, np.sin(X[:, 0]) + X[:, 0] / 5, rtol=0, atol=1e-12)
    default = datasets.noisy_curve(50, noise=0.0)
    np.testing.assert_array_equal(
        default.y, np.sin(default.X[:, 0]) + default.X[:, 0] / 2
    )
