"""Every data set the book uses, one call each, and the split every chapter makes.

Nothing is downloaded: the real data sets are the copies that scikit-learn bundles in
its package (and statsmodels, for the sunspots; the book's dependencies include both,
the algorithms themselves need only NumPy), and the others are generated from a seed.
Each function's docstring names the data's source and licence.

Every loader returns a :class:`Dataset` (``X``, ``y`` and names); :func:`split`
divides one into training, validation and test parts the same way in every chapter::

    from scratchlearn import datasets

    data = datasets.digits()
    parts = datasets.split(data.X, data.y, test_size=0.25, val_size=0.25)
    model.fit(parts.X_train, parts.y_train)
    model.score(parts.X_val, parts.y_val)   # choose settings on this
    model.score(parts.X_test, parts.y_test)  # once, at the end
"""

import dataclasses
import numbers

import numpy as np


@dataclasses.dataclass(frozen=True)
class Dataset:
    """Samples ``X`` (n_samples, n_features), targets ``y`` (n_samples,), and what
    their columns and classes are called."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple = ()
    target_names: tuple = ()
    description: str = ""
    # A generated problem's true parameters, when it has them: the weights and
    # intercept of its line (or hyperplane), for the chapters to compare against.
    coef: np.ndarray | None = None
    intercept: float | None = None

    def __post_init__(self):
        # Arrays, as scikit-learn's, so that names[labels] picks one per sample.
        for field in ("feature_names", "target_names"):
            object.__setattr__(self, field, np.asarray(getattr(self, field), dtype=str))

    def __iter__(self):  # X, y = datasets.iris()
        return iter((self.X, self.y))


@dataclasses.dataclass(frozen=True)
class Split:
    """A data set divided once: fit on train, choose on validation, report on test.

    ``X_val`` and ``y_val`` are empty arrays when no validation part was asked for.
    """

    X_train: np.ndarray
    X_val: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_val: np.ndarray
    y_test: np.ndarray


def split(X, y, *, test_size=0.25, val_size=0.0, stratify="auto", random_state=0):
    """Divide ``X`` and ``y`` into training, validation and test parts.

    Parameters
    ----------
    X : ndarray of shape (n_samples, ...)
    y : ndarray of shape (n_samples,)
    test_size, val_size : float
        Fractions of all samples in the test and the validation part.
    stratify : "auto", bool
        Keep the class proportions in every part. ``"auto"`` stratifies when ``y``
        holds class labels (integers or strings), not real targets.
    random_state : int

    Returns
    -------
    Split

    Notes
    -----
    The test part is drawn first, exactly as scikit-learn's ``train_test_split``
    with the same arguments draws it, so a chapter's test set is the one the
    reference library's users would hold out; the validation part is then drawn
    from the rest.
    """
    from sklearn.model_selection import train_test_split

    X, y = np.asarray(X), np.asarray(y)
    if not 0 < test_size < 1 or not 0 <= val_size < 1 or test_size + val_size >= 1:
        raise ValueError(
            f"test_size={test_size} and val_size={val_size} must be fractions that "
            "leave samples to train on."
        )
    if stratify == "auto":
        stratify = y.dtype.kind in "iubUSO"
    X_rest, X_test, y_rest, y_test = train_test_split(
        X,
        y,
        test_size=test_size,
        random_state=random_state,
        stratify=y if stratify else None,
    )
    if val_size == 0:
        return Split(X_rest, X_rest[:0], X_test, y_rest, y_rest[:0], y_test)
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest,
        y_rest,
        test_size=val_size / (1 - test_size),
        random_state=random_state,
        stratify=y_rest if stratify else None,
    )
    return Split(X_train, X_val, X_test, y_train, y_val, y_test)


# --- real data, bundled with scikit-learn ---------------------------------------


def _bundled(loader, description):
    bunch = loader()
    return Dataset(
        X=bunch.data,
        y=bunch.target,
        feature_names=tuple(getattr(bunch, "feature_names", ())),
        target_names=tuple(getattr(bunch, "target_names", ())),
        description=description,
    )


def digits():
    """1,797 handwritten digits, 8 x 8 pixels of intensity 0-16 (64 features).

    Source: E. Alpaydin and C. Kaynak, *Optical Recognition of Handwritten Digits*,
    UCI Machine Learning Repository (1998), the test part, as bundled with
    scikit-learn. Licence: CC BY 4.0. ``digit_images`` gives the same samples as
    images.
    """
    from sklearn.datasets import load_digits

    return _bundled(load_digits, "handwritten digits, 8x8 pixels, 10 classes")


def digit_images():
    """The :func:`digits` as images: ``X`` of shape (1797, 8, 8, 1), intensities
    scaled to [0, 1] (the input of the convolutional chapters)."""
    data = digits()
    images = (data.X / 16.0).reshape(-1, 8, 8, 1)
    return dataclasses.replace(data, X=images, feature_names=())


def iris():
    """150 irises of three species, four measurements in cm.

    Source: R. A. Fisher (1936), *The use of multiple measurements in taxonomic
    problems*; UCI Machine Learning Repository, as bundled with scikit-learn.
    Licence: CC BY 4.0.
    """
    from sklearn.datasets import load_iris

    return _bundled(load_iris, "iris flowers, 4 measurements, 3 species")


def wine():
    """178 wines from three cultivars, 13 chemical measurements.

    Source: M. Forina et al., *Wine*, UCI Machine Learning Repository (1991), as
    bundled with scikit-learn. Licence: CC BY 4.0.
    """
    from sklearn.datasets import load_wine

    return _bundled(load_wine, "wines, 13 chemical measurements, 3 cultivars")


def breast_cancer():
    """569 breast tumours, 30 features of cell nuclei; 0 malignant, 1 benign.

    Source: W. Wolberg, O. Mangasarian, N. Street and W. Street, *Breast Cancer
    Wisconsin (Diagnostic)*, UCI Machine Learning Repository (1995), as bundled with
    scikit-learn. Licence: CC BY 4.0.
    """
    from sklearn.datasets import load_breast_cancer

    return _bundled(load_breast_cancer, "breast tumours, 30 features, 2 classes")


def diabetes():
    """442 diabetes patients, 10 standardised baseline measurements; the target is
    disease progression one year later.

    Source: B. Efron, T. Hastie, I. Johnstone and R. Tibshirani (2004), *Least Angle
    Regression*, Annals of Statistics 32(2), as bundled with scikit-learn (BSD-3-
    Clause).
    """
    from sklearn.datasets import load_diabetes

    return _bundled(load_diabetes, "diabetes progression, 10 features")


# --- generated two-feature classification problems --------------------------------


def moons(n_samples=200, *, noise=0.2, random_state=0):
    """Two interleaving half circles (scikit-learn's ``make_moons``), classes 0 and 1:
    the standard problem no straight line separates."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples, noise=noise, random_state=random_state)
    return Dataset(X, y, ("x1", "x2"), ("upper moon", "lower moon"), "two moons")


def circles(n_samples=200, *, noise=0.1, factor=0.5, random_state=0):
    """A circle inside a ring (scikit-learn's ``make_circles``), classes 0 (outer)
    and 1 (inner)."""
    from sklearn.datasets import make_circles

    X, y = make_circles(
        n_samples, noise=noise, factor=factor, random_state=random_state
    )
    return Dataset(X, y, ("x1", "x2"), ("ring", "disc"), "circles")


def blobs(n_samples=200, *, centers=3, cluster_std=1.0, n_features=2, random_state=0):
    """Gaussian blobs around ``centers`` (scikit-learn's ``make_blobs``): the
    clustering chapters' first example."""
    from sklearn.datasets import make_blobs

    X, y = make_blobs(
        n_samples,
        n_features=n_features,
        centers=centers,
        cluster_std=cluster_std,
        random_state=random_state,
    )
    names = tuple(f"x{j + 1}" for j in range(n_features))
    return Dataset(X, y, names, (), "Gaussian blobs")


def add_uniform_noise(X, n_noise, *, margin=0.25, random_state=0):
    """``X`` with ``n_noise`` points drawn uniformly over its bounding box (widened
    by ``margin`` on each side) appended: background noise that a density-based
    clustering should leave out (the DBSCAN chapter's). Shape
    (n_samples + n_noise, n_features). Generated from a seed."""
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(random_state)
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    return np.vstack([X, rng.uniform(low, high, size=(n_noise, X.shape[1]))])


def gaussian_quantiles(n_samples=400, *, n_classes=3, random_state=0):
    """Classes as concentric shells of one Gaussian (scikit-learn's
    ``make_gaussian_quantiles``): no single axis-aligned split separates them."""
    from sklearn.datasets import make_gaussian_quantiles

    X, y = make_gaussian_quantiles(
        n_samples=n_samples, n_classes=n_classes, random_state=random_state
    )
    return Dataset(X, y, ("x1", "x2"), (), "Gaussian quantiles")


def separable(n_samples=60, *, margin=0.3, angle=2.2, offset=0.4, random_state=0):
    """Two classes (0 and 1) on either side of a known line, the nearest point of
    each exactly ``margin`` from it: the perceptron's convergence theorem applies.

    The line is ``coef . x + intercept = 0`` with ``coef = (cos angle, sin angle)``
    (a unit vector) and ``intercept = offset``; a point's class is 1 on the side
    ``coef`` points to. The points are drawn uniformly in [-2, 2]^2, then each class
    is moved away from the line along ``coef`` until its nearest point is ``margin``
    from it: the same seed with another ``margin`` gives the same cloud, opened or
    closed (the perceptron chapter's explorer turns the margin).
    """
    rng = np.random.default_rng(random_state)
    coef = np.array([np.cos(angle), np.sin(angle)])
    X = rng.uniform(-2.0, 2.0, size=(n_samples, 2))
    distances = X @ coef + offset  # (n_samples,) signed distances to the line
    y = (distances > 0).astype(int)
    for label, side in ((1, 1.0), (0, -1.0)):
        members = y == label
        shift = margin - np.min(np.abs(distances[members]))
        X[members] += side * shift * coef  # (n_members, 2)
    return Dataset(X, y, ("x1", "x2"), ("0", "1"), "linearly separable", coef, offset)


def sparse_linear(n_samples=200, n_features=200, *, n_informative=8, random_state=0):
    """A linear problem with as many features as samples, of which only the first
    ``n_informative`` matter (true weights of size 1 to 3, random signs), plus an
    intercept of 2 and unit Gaussian noise: where the lasso finds the few that
    count (the regularised regression chapter)."""
    rng = np.random.default_rng(random_state)
    X = rng.normal(size=(n_samples, n_features))
    coef = np.zeros(n_features)
    signs = rng.choice([-1, 1], n_informative)
    coef[:n_informative] = signs * rng.uniform(1, 3, n_informative)
    y = X @ coef + 2.0 + rng.normal(size=n_samples)
    names = tuple(f"x{i}" for i in range(n_features))
    return Dataset(X, y, names, (), "sparse linear problem", coef, 2.0)


# --- generated regression problems -----------------------------------------------


def noisy_curve(
    n_samples=30, *, slope=0.5, noise=0.3, low=-3.0, high=3.0, random_state=0
):
    """``y = sin(x) + slope * x`` plus Gaussian noise of standard deviation ``noise``,
    at ``n_samples`` points drawn uniformly in [low, high] (sorted): the curve the
    polynomial regression chapters fit (``X`` has one column); with ``slope=0.2`` on
    [0, 10], the wave the boosting chapters fit."""
    rng = np.random.default_rng(random_state)
    x = np.sort(rng.uniform(low, high, size=n_samples))
    y = np.sin(x) + slope * x + noise * rng.normal(size=n_samples)
    return Dataset(x[:, np.newaxis], y, ("x",), (), "noisy curve")


def noisy_line(
    n_samples=20,
    *,
    slope=0.5,
    intercept=-0.3,
    noise=0.2,
    low=-1.0,
    high=1.0,
    random_state=0,
):
    """``y = intercept + slope * x`` plus Gaussian noise of standard deviation
    ``noise``, at ``n_samples`` points uniform in [low, high], in the order drawn:
    the first ``n`` points are the same for every ``n_samples >= n`` and every noise
    level (the Bayesian regression chapter adds them one by one). Its true
    parameters are known (``coef``, ``intercept``)."""
    rng = np.random.default_rng(random_state)
    x = rng.uniform(low, high, size=n_samples)
    y = intercept + slope * x + noise * rng.normal(size=n_samples)
    return Dataset(
        x[:, np.newaxis], y, ("x",), (), "noisy line", np.array([slope]), intercept
    )


def noisy_wave(n_samples=48, *, noise=0.3, low=-3.0, high=3.0, random_state=1):
    """``y = sin(1.5 x) + 0.3 x`` plus Gaussian noise of standard deviation
    ``noise``, at ``n_samples`` points uniform in [low, high], in the order drawn
    (any slice is a random sample): the curve the linear regression chapter fits
    polynomials to."""
    rng = np.random.default_rng(random_state)
    x = rng.uniform(low, high, size=n_samples)
    y = np.sin(1.5 * x) + 0.3 * x + rng.normal(scale=noise, size=n_samples)
    return Dataset(x[:, np.newaxis], y, ("x",), (), "noisy wave")


# --- sequences (Part III) ---------------------------------------------------------


def digit_rows():
    """The :func:`digits` read as sequences: ``X`` of shape (1797, 8, 8), eight time
    steps (the image's rows, top to bottom) of eight features, scaled to [0, 1]."""
    data = digits()
    return dataclasses.replace(
        data, X=(data.X / 16.0).reshape(-1, 8, 8), feature_names=()
    )


def sunspots():
    """The yearly mean number of sunspots, 1700 to 2008: a real time series with
    a cycle of about eleven years whose peaks vary in height.

    ``X`` holds the years, shape (309, 1), and ``y`` the counts (309,), in time
    order (``years, counts = datasets.sunspots()`` gives both; ``X[:, 0]`` the years
    alone). The recurrent networks chapter forecasts each year from the years
    before it.

    Source: National Geophysical Data Center (NOAA), yearly sunspot numbers, as
    bundled with statsmodels (``statsmodels.datasets.sunspots``; BSD-3-Clause
    package). Licence: public domain.
    """
    from statsmodels.datasets import sunspots as bundled

    frame = bundled.load_pandas().data
    years = frame["YEAR"].to_numpy(dtype=np.int64)
    counts = frame["SUNACTIVITY"].to_numpy(dtype=np.float64)
    return Dataset(
        years[:, np.newaxis], counts, ("year",), (), "yearly sunspot numbers"
    )


def token_sequences(
    n_samples=2000, *, vocab_size=30, min_length=5, max_length=20, random_state=0
):
    """A text-like classification task on integer token sequences, zero-padded.

    Each sequence draws ``min_length``..``max_length`` tokens from 3..vocab_size-1
    (0 is padding, as with ``Embedding(mask_zero=True)``), then pads to
    ``max_length``. Token 1 means "good" and token 2 "not": a sequence holds one of
    them, or "not" before "good". The label is 1 when "good" appears without a
    preceding "not", so a model must read order, not just count words, which is
    what recurrent layers and attention are for. ``y`` is 0 or 1 (balanced).
    """
    rng = np.random.default_rng(random_state)
    X = np.zeros((n_samples, max_length), dtype=np.int64)
    y = rng.integers(0, 2, size=n_samples)
    for row in range(n_samples):
        length = int(rng.integers(min_length, max_length + 1))
        tokens = rng.integers(3, vocab_size, size=length)
        good = int(rng.integers(1, length))
        tokens[good] = 1
        if y[row] == 0:  # a "not" before "good"
            tokens[int(rng.integers(0, good))] = 2
        X[row, :length] = tokens
    return Dataset(X, y, (), ("negated", "positive"), "token sequences")


def marker_sequences(
    n_samples=1000,
    *,
    n_classes=4,
    vocab_size=20,
    min_length=6,
    max_length=16,
    random_state=None,
):
    """Variable-length token sequences whose label is the token right after a marker
    (the attention chapter's task). Generated from a seed.

    Token 0 is padding, token 1 the marker, tokens ``2..2 + n_classes - 1`` the
    answers and the rest fillers. Every sequence has one marker, followed by an
    answer token whose index is the label; the other positions are drawn from all
    non-marker tokens, answers included, so counting tokens does not tell the class:
    a model must find *which* token follows the marker. Sequences are padded with 0
    at the end to ``max_length``.

    Returns
    -------
    X : int array of shape (n_samples, max_length)
    y : int array of shape (n_samples,), in ``0..n_classes - 1``
    lengths : int array of shape (n_samples,)
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    if vocab_size < n_classes + 3 or not 2 <= min_length <= max_length:
        raise ValueError(
            "Need vocab_size >= n_classes + 3 and 2 <= min_length <= max_length."
        )
    rng = np.random.default_rng(random_state)
    lengths = rng.integers(min_length, max_length + 1, size=n_samples)
    X = rng.integers(2, vocab_size, size=(n_samples, max_length))
    y = rng.integers(0, n_classes, size=n_samples)
    marker_at = (rng.random(n_samples) * (lengths - 1)).astype(int)  # 0..length-2
    rows = np.arange(n_samples)
    X[rows, marker_at] = 1
    X[rows, marker_at + 1] = 2 + y
    X[np.arange(max_length)[None, :] >= lengths[:, None]] = 0  # padding
    return X, y, lengths


# --- binary images (Part III, restricted Boltzmann machines) ------------------------


def bars_and_stripes(side=3, *, n_samples=140, random_state=0):
    """The classic toy distribution of RBMs: ``side x side`` binary images whose
    rows are all equal (stripes) or whose columns are (bars), each of the
    ``2 ** (side + 1) - 2`` distinct patterns equally likely. Returns the
    ``n_samples`` drawn images (n_samples, side * side) and the patterns.
    Generated from a seed (MacKay, *Information Theory, Inference, and Learning
    Algorithms*, 2003, uses it for Boltzmann machines)."""
    codes = (np.arange(2**side)[:, None] >> np.arange(side)) & 1  # (2**side, side)
    stripes = np.repeat(codes[:, :, None], side, axis=2)  # rows constant
    bars = np.repeat(codes[:, None, :], side, axis=1)  # columns constant
    images = np.concatenate([stripes, bars]).reshape(-1, side * side)
    patterns = np.unique(images, axis=0).astype(np.float64)  # all 0s, all 1s once
    rng = np.random.default_rng(random_state)
    return patterns[rng.integers(0, len(patterns), n_samples)], patterns


# --- transactions (Part II, association rules) -------------------------------------


def classic_transactions():
    """Seven shopping baskets over items 1-4, the classic small example of
    association rules: 1 -> 2 has support 3/7 and confidence 1, 4 -> 2 support 4/7
    and confidence 0.8, {1, 4} -> 2 support 2/7 and confidence 1."""
    return [[1, 2, 3, 4], [1, 2, 4], [1, 2], [2, 3, 4], [2, 3], [3, 4], [2, 4]]


# Names for the items of :func:`baskets`: 0 and 1 go together, 2, 3 and 4 make a meal.
BASKET_ITEMS = (
    "bread", "butter", "pasta", "tomatoes", "cheese", "milk", "eggs", "apples",
    "coffee", "tea", "rice", "beans", "yoghurt", "jam", "honey", "oats", "salt",
    "pepper", "olive oil", "soap",
)  # fmt: skip


def baskets(n_transactions=1000, *, n_items=20, random_state=0):
    """Shopping baskets with planted associations, as lists of item numbers.

    Items ``0..n_items-1`` are bought independently with popularity falling as
    1/(item + 2); on top of that, ``0`` and ``1`` go together (bread and butter)
    and ``2, 3, 4`` make a meal bought together in one basket in ten. Returns a
    list of sorted lists, some of which are empty.
    """
    rng = np.random.default_rng(random_state)
    popularity = 1.0 / (np.arange(n_items) + 2)
    bought = rng.random((n_transactions, n_items)) < popularity
    bread = bought[:, 0]
    bought[bread, 1] |= rng.random(int(bread.sum())) < 0.8
    meal = rng.random(n_transactions) < 0.1
    bought[meal, 2:5] = True
    return [sorted(np.flatnonzero(row).tolist()) for row in bought]


def named_baskets(n_transactions=1000, random_state=0):
    """:func:`baskets` with the items named (``BASKET_ITEMS``): lists of strings."""
    transactions = baskets(n_transactions, random_state=random_state)
    return [[BASKET_ITEMS[item] for item in basket] for basket in transactions]


# --- combinatorial problems (Part IV) --------------------------------------------


def knapsack_items(n_items=25, random_state=0):
    """A random 0/1 knapsack: integer weights and values drawn uniformly from
    10 .. 59, independently, and a capacity of half the total weight (the genetic
    algorithm chapter's problem). Generated from a seed.

    Returns
    -------
    weights, values : ndarrays of int, shape (n_items,)
    capacity : int
    """
    rng = np.random.default_rng(random_state)
    weights = rng.integers(10, 60, size=n_items)
    values = rng.integers(10, 60, size=n_items)
    return weights, values, int(weights.sum() // 2)
