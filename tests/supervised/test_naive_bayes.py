"""Gaussian naive Bayes (Chapter 7, book/supervised/naive_bayes.ipynb): hand-computed
toys, log-sum-exp, the same fit and predictions as scikit-learn's GaussianNB on seeded
and bundled data, and the mistakes to avoid: underflow with many features (the work
must stay in log-space), variances divided by n, smoothing by the largest variance of
the whole training set, priors."""

import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import norm
from sklearn import naive_bayes
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine

from scratchlearn.supervised import GaussianNB, log_sum_exp

# One feature, two classes of two samples each:
# class 0: x = 0, 2  -> mean 1, variance ((0-1)^2 + (2-1)^2) / 2 = 1 (divided by n)
# class 1: x = 4, 10 -> mean 7, variance (9 + 9) / 2 = 9
# all of x: mean 4, variance (16 + 4 + 0 + 36) / 4 = 14,
# so var_smoothing = 1/14 adds epsilon = 1 to each variance: 2 and 10.
X_TOY = np.array([[0.0], [2.0], [4.0], [10.0]])
Y_TOY = np.array([0, 0, 1, 1])


def _gaussian_log_density(x, mean, variance):
    return -0.5 * np.log(2 * np.pi * variance) - (x - mean) ** 2 / (2 * variance)


# ---------------------------------------------------------------------------
# (a) By hand
# ---------------------------------------------------------------------------


def test_fit_one_feature_by_hand():
    model = GaussianNB(var_smoothing=1 / 14).fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(model.theta_, [[1.0], [7.0]])
    assert model.epsilon_ == pytest.approx(1.0)
    np.testing.assert_allclose(model.var_, [[2.0], [10.0]])  # 1 + 1 and 9 + 1
    np.testing.assert_allclose(model.class_prior_, [0.5, 0.5])
    np.testing.assert_allclose(model.class_count_, [2.0, 2.0])
    np.testing.assert_array_equal(model.classes_, [0, 1])


def test_predict_one_feature_by_hand():
    model = GaussianNB(var_smoothing=1 / 14).fit(X_TOY, Y_TOY)
    x = 4.0
    # log P(c) + log N(x; mean_c, var_c) for each class.
    joint = np.log(0.5) + np.array(
        [_gaussian_log_density(x, 1.0, 2.0), _gaussian_log_density(x, 7.0, 10.0)]
    )
    np.testing.assert_allclose(model.predict_joint_log_proba([[x]]), [joint])
    # (4 - 1)^2 / 2 = 4.5 is far more than (4 - 7)^2 / 10 = 0.9: class 1 wins,
    # although x is 3 from both means, because class 1 is wider.
    assert model.predict([[x]])[0] == 1
    expected = np.exp(joint) / np.exp(joint).sum()
    np.testing.assert_allclose(model.predict_proba([[x]]), [expected])
    np.testing.assert_allclose(model.predict_log_proba([[x]]), [np.log(expected)])


def test_variances_are_divided_by_n_not_n_minus_1():
    model = GaussianNB(var_smoothing=0.0).fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(model.var_, [[1.0], [9.0]])  # not 2 and 18
    assert model.epsilon_ == 0.0


def test_epsilon_is_a_share_of_the_largest_variance_of_the_whole_training_set():
    X = np.column_stack([X_TOY[:, 0], 100.0 * X_TOY[:, 0]])  # variances 14, 140000
    model = GaussianNB(var_smoothing=1e-3).fit(X, Y_TOY)
    assert model.epsilon_ == pytest.approx(1e-3 * 140_000)
    # The same epsilon for every class and feature, not a per-class or per-feature one.
    raw = np.array([[1.0, 1e4], [9.0, 9e4]])
    np.testing.assert_allclose(model.var_, raw + 140.0)


def test_priors_given_or_estimated():
    X = np.array([[0.0], [1.0], [2.0], [5.0]])
    y = np.array(["b", "a", "b", "b"])  # one "a", three "b"
    estimated = GaussianNB().fit(X, y)
    np.testing.assert_array_equal(estimated.classes_, ["a", "b"])
    np.testing.assert_allclose(estimated.class_prior_, [0.25, 0.75])
    priors = np.array([0.9, 0.1])
    given = GaussianNB(priors=priors).fit(X, y)
    np.testing.assert_allclose(given.class_prior_, [0.9, 0.1])
    assert given.priors is priors  # stored unchanged, but learned from a copy:
    assert not np.shares_memory(given.class_prior_, priors)
    # The priors enter the joint log-likelihood as log P(c), nothing else.
    difference = given.predict_joint_log_proba(X) - estimated.predict_joint_log_proba(X)
    np.testing.assert_allclose(
        difference, np.tile(np.log([0.9 / 0.25, 0.1 / 0.75]), (4, 1))
    )


def test_priors_move_the_decision():
    X, y = load_iris(return_X_y=True)
    counts = [
        np.sum(
            GaussianNB(priors=[0.5 - p / 2, 0.5 - p / 2, p]).fit(X, y).predict(X) == 2
        )
        for p in (0.01, 0.33, 0.9, 0.999)
    ]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    model = GaussianNB(priors=[0.0, 0.5, 0.5]).fit(X, y)  # class 0 impossible
    assert not np.any(model.predict(X) == 0)
    probabilities = model.predict_proba(X)
    assert np.all(probabilities[:, 0] == 0.0)
    assert np.all(np.isfinite(model.predict_log_proba(X)[:, 1:]))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


# ---------------------------------------------------------------------------
# (b) log-sum-exp
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.0, 0.0], np.log(2.0)),
        ([-1000.0, -1000.0], -1000.0 + np.log(2.0)),  # exp underflows to 0 here
        ([1000.0, 1000.0], 1000.0 + np.log(2.0)),  # and overflows to inf here
        ([-np.inf, 3.0], 3.0),  # log 0 = -inf is a probability of 0
        ([-np.inf, -np.inf], -np.inf),
        ([5.0], 5.0),
    ],
)
def test_log_sum_exp_by_hand(values, expected):
    assert log_sum_exp(np.array([values]), axis=1)[0] == pytest.approx(expected)


def test_log_sum_exp_matches_scipy_along_any_axis():
    rng = np.random.default_rng(0)
    a = rng.normal(scale=500.0, size=(20, 7, 3))
    for axis in (0, 1, 2, -1):
        np.testing.assert_allclose(
            log_sum_exp(a, axis=axis), logsumexp(a, axis=axis), rtol=1e-13
        )


def test_naive_normalisation_fails_where_log_sum_exp_works():
    joint = np.array([[-1000.0, -1001.0, -1003.0]])
    with np.errstate(invalid="ignore"):
        naive = np.exp(joint) / np.exp(joint).sum()
    assert np.all(np.isnan(naive))  # 0 / 0
    probabilities = np.exp(joint - log_sum_exp(joint, axis=1)[:, np.newaxis])
    shifted = np.exp([0.0, -1.0, -3.0])
    np.testing.assert_allclose(probabilities, [shifted / shifted.sum()])


# ---------------------------------------------------------------------------
# (c) The same fit and predictions as scikit-learn
# ---------------------------------------------------------------------------


def _seeded(seed=0, n_samples=300, n_features=6, n_classes=4):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, size=n_samples)
    centres = rng.normal(scale=1.5, size=(n_classes, n_features))
    scales = rng.uniform(0.3, 3.0, size=(n_classes, n_features))
    X = centres[y] + scales[y] * rng.normal(size=(n_samples, n_features))
    return X, np.array(["alpha", "beta", "gamma", "delta"])[y]


DATA_SETS = {
    "iris": load_iris(return_X_y=True),
    "wine": load_wine(return_X_y=True),
    "breast_cancer": load_breast_cancer(return_X_y=True),
    "digits": load_digits(return_X_y=True),  # many pixels of variance 0 in a class
    "seeded, string labels": _seeded(),
}


def _split(X, y, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    train, test = order[: len(X) // 2], order[len(X) // 2 :]
    return X[train], X[test], y[train], y[test]


def _assert_same_as_scikit_learn(ours, theirs, X_train, X_test, y_train):
    ours.fit(X_train, y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # its log(0) for a 0 prior
        theirs.fit(X_train, y_train)
        their_predictions = theirs.predict(X_test)
        their_joint = theirs.predict_joint_log_proba(X_test)
        their_log_proba = theirs.predict_log_proba(X_test)
        their_proba = theirs.predict_proba(X_test)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    for name in ("theta_", "var_", "class_prior_", "class_count_", "epsilon_"):
        np.testing.assert_allclose(
            getattr(ours, name), getattr(theirs, name), rtol=1e-12, err_msg=name
        )
    np.testing.assert_array_equal(ours.predict(X_test), their_predictions)
    np.testing.assert_allclose(
        ours.predict_joint_log_proba(X_test), their_joint, rtol=1e-10
    )
    np.testing.assert_allclose(
        ours.predict_log_proba(X_test), their_log_proba, rtol=1e-8, atol=1e-12
    )
    np.testing.assert_allclose(ours.predict_proba(X_test), their_proba, rtol=1e-8)


@pytest.mark.parametrize("var_smoothing", [1e-9, 1e-4, 1e-1, 1.0])
@pytest.mark.parametrize("data", list(DATA_SETS))
def test_matches_scikit_learn(data, var_smoothing):
    X_train, X_test, y_train, _ = _split(*DATA_SETS[data])
    _assert_same_as_scikit_learn(
        GaussianNB(var_smoothing=var_smoothing),
        naive_bayes.GaussianNB(var_smoothing=var_smoothing),
        X_train,
        X_test,
        y_train,
    )


@pytest.mark.parametrize("data", list(DATA_SETS))
def test_matches_scikit_learn_with_given_priors(data):
    X_train, X_test, y_train, _ = _split(*DATA_SETS[data])
    n_classes = len(np.unique(y_train))
    priors = np.random.default_rng(1).dirichlet(np.ones(n_classes))
    priors[0] = 0.0  # a class that can never be predicted
    priors /= priors.sum()
    _assert_same_as_scikit_learn(
        GaussianNB(priors=priors),
        naive_bayes.GaussianNB(priors=priors),
        X_train,
        X_test,
        y_train,
    )


def test_digits_var_smoothing_matters_and_agrees():
    """Digits have pixels that never change within a class (variance 0): smoothing
    decides how much they count, and the accuracy moves by several points."""
    X_train, X_test, y_train, y_test = _split(*load_digits(return_X_y=True))
    raw = GaussianNB(var_smoothing=0.0)
    with pytest.raises(ValueError, match="var_smoothing"):
        raw.fit(X_train, y_train)  # a Gaussian of variance 0 has no density
    scores = {}
    for var_smoothing in (1e-9, 1e-1):
        ours = GaussianNB(var_smoothing=var_smoothing).fit(X_train, y_train)
        theirs = naive_bayes.GaussianNB(var_smoothing=var_smoothing)
        theirs.fit(X_train, y_train)
        scores[var_smoothing] = ours.score(X_test, y_test)
        assert scores[var_smoothing] == theirs.score(X_test, y_test)
    assert scores[1e-1] > scores[1e-9] + 0.05


# ---------------------------------------------------------------------------
# (d) No underflow: 800 features, where the product of densities is 0
# ---------------------------------------------------------------------------


def _many_features(n_features=800, seed=3):
    """Two overlapping classes of 200 samples each (half to fit, half to test),
    their means 0.15 apart in every feature, some features 10 times wider."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], 200)
    scales = np.where(rng.random(n_features) < 0.1, 10.0, 1.0)
    X = rng.normal(size=(400, n_features)) * scales + 0.15 * y[:, np.newaxis]
    order = rng.permutation(400)
    X, y = X[order], y[order]
    return X[:200], X[200:], y[:200], y[200:]


def test_800_features_the_naive_product_underflows_but_log_space_works():
    X_train, X_test, y_train, y_test = _many_features()
    ours = GaussianNB().fit(X_train, y_train)

    # The textbook formula, P(c) * prod_j N(x_j; mean_cj, var_cj), underflows to 0.0
    # for every sample and class; normalising it would divide 0 by 0.
    densities = norm.pdf(
        X_test[:, np.newaxis, :], ours.theta_, np.sqrt(ours.var_)
    )  # (n_test, n_classes, n_features)
    naive = ours.class_prior_ * np.prod(densities, axis=2)  # (n_test, n_classes)
    assert np.all(naive == 0.0)
    with np.errstate(invalid="ignore"):
        assert np.all(np.isnan(naive / naive.sum(axis=1, keepdims=True)))

    # In log-space every number is an ordinary float.
    joint = ours.predict_joint_log_proba(X_test)
    assert np.all(np.isfinite(joint)) and joint.max() < -800
    probabilities = ours.predict_proba(X_test)
    assert np.all(np.isfinite(probabilities))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert ours.score(X_test, y_test) > 0.75  # far better than chance (0.5)

    theirs = naive_bayes.GaussianNB().fit(X_train, y_train)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_allclose(
        probabilities, theirs.predict_proba(X_test), rtol=1e-8, atol=1e-300
    )
    np.testing.assert_allclose(
        ours.predict_log_proba(X_test),
        theirs.predict_log_proba(X_test),
        rtol=1e-8,
        atol=1e-12,
    )


# ---------------------------------------------------------------------------
# (e) Other behaviour
# ---------------------------------------------------------------------------


def test_predict_is_the_most_probable_class():
    X_train, X_test, y_train, _ = _split(*_seeded(seed=4))
    model = GaussianNB().fit(X_train, y_train)
    probabilities = model.predict_proba(X_test)
    np.testing.assert_array_equal(
        model.predict(X_test), model.classes_[np.argmax(probabilities, axis=1)]
    )
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_a_class_with_one_sample_is_smoothed_not_broken():
    X = np.array([[0.0, 1.0], [1.0, 3.0], [2.0, 2.0], [7.0, 7.0]])
    y = np.array([0, 0, 0, 1])
    model = GaussianNB(var_smoothing=1e-2).fit(X, y)
    np.testing.assert_allclose(model.var_[1], model.epsilon_)  # raw variance 0
    theirs = naive_bayes.GaussianNB(var_smoothing=1e-2).fit(X, y)
    query = np.array([[6.9, 7.0], [1.0, 2.0]])
    np.testing.assert_array_equal(model.predict(query), theirs.predict(query))
    np.testing.assert_array_equal(model.predict(query), [1, 0])


def test_zero_variance_without_smoothing_is_a_clear_error():
    X = np.array([[0.0, 5.0], [1.0, 5.0], [2.0, 6.0], [3.0, 7.0]])
    y = np.array([0, 0, 1, 1])  # feature 1 is constant (5) in class 0
    with pytest.raises(ValueError, match=r"Feature 1 has variance 0 in class 0"):
        GaussianNB(var_smoothing=0.0).fit(X, y)
    GaussianNB(var_smoothing=1e-9).fit(X, y)  # the default smoothing repairs it
    with pytest.raises(ValueError, match="var_smoothing > 0"):
        GaussianNB().fit(np.ones((4, 2)), y)  # every feature constant: epsilon 0


@pytest.mark.parametrize(
    ("priors", "message"),
    [
        ([0.5, 0.6], "sum to 1"),
        ([1.5, -0.5], "non-negative"),
        ([0.2, 0.3, 0.5], "one probability per class"),
        ("uniform", "array of 2 probabilities"),
    ],
)
def test_invalid_priors_are_explained(priors, message):
    with pytest.raises(ValueError, match=message):
        GaussianNB(priors=priors).fit(X_TOY, Y_TOY)


def test_refitting_with_other_priors_and_labels():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = GaussianNB().fit(X, names)
    assert set(model.predict(X)) == set(names)
    model.set_params(priors=[0.1, 0.1, 0.8]).fit(X, names)
    np.testing.assert_allclose(model.class_prior_, [0.1, 0.1, 0.8])
    theirs = naive_bayes.GaussianNB(priors=[0.1, 0.1, 0.8]).fit(X, names)
    np.testing.assert_array_equal(model.predict(X), theirs.predict(X))
    model.set_params(priors=None).fit(X[:100], y[:100])  # two classes now
    np.testing.assert_array_equal(model.classes_, [0, 1])
    np.testing.assert_allclose(model.class_prior_, [0.5, 0.5])
