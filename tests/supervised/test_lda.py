"""Linear discriminant analysis (Chapter 8, book/supervised/lda.ipynb): a two-class
toy computed by hand, the scatter matrices and Fisher's direction, the same
projection (up to sign), predictions and probabilities as scikit-learn's
LinearDiscriminantAnalysis with both solvers, and the mistakes to avoid: the
generalised eigenproblem solved as a symmetric one (real eigenvalues, v' S_w v = 1),
at most n_classes - 1 directions, the within-class (not the total) covariance,
priors in the intercept only, a singular covariance reported instead of inverted."""

import numpy as np
import pytest
import scipy.linalg
from sklearn import discriminant_analysis
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine

from scratchlearn.supervised import (
    LinearDiscriminantAnalysis,
    fisher_criterion,
    fisher_direction,
    scatter_matrices,
)

# Two classes of four points in 2-D; class 1 is class 0 moved 2 to the right.
# Class 0: mean (1, 1), deviations (-1, -1), (1, 1), (0, -1), (0, 1): scatter
# [[2, 2], [2, 4]]; class 1 the same. So S_w = [[4, 4], [4, 8]].
# Overall mean (2, 1); the class means are (-1, 0) and (1, 0) from it, four points
# each: S_b = 4 * 1 + 4 * 1 in the first entry, S_b = [[8, 0], [0, 0]].
# S_w^{-1} = [[0.5, -0.25], [-0.25, 0.25]], so S_w^{-1} (m1 - m0) = S_w^{-1} (2, 0)
# = (1, -0.5): Fisher's direction is (2, -1) / sqrt(5), tilted away from the mean
# difference (1, 0) because the classes are stretched along the diagonal.
X_TOY = np.array(
    [[0, 0], [2, 2], [1, 0], [1, 2], [2, 0], [4, 2], [3, 0], [3, 2]], dtype=float
)
Y_TOY = np.array([0, 0, 0, 0, 1, 1, 1, 1])


# ---------------------------------------------------------------------------
# (a) By hand
# ---------------------------------------------------------------------------


def test_scatter_matrices_by_hand():
    within, between = scatter_matrices(X_TOY, Y_TOY)
    np.testing.assert_allclose(within, [[4.0, 4.0], [4.0, 8.0]])
    np.testing.assert_allclose(between, [[8.0, 0.0], [0.0, 0.0]])
    centred = X_TOY - X_TOY.mean(axis=0)
    np.testing.assert_allclose(within + between, centred.T @ centred)  # S_t


def test_fisher_direction_and_criterion_by_hand():
    w = fisher_direction(X_TOY, Y_TOY)
    np.testing.assert_allclose(w, np.array([2.0, -1.0]) / np.sqrt(5.0))
    # J(w) = w' S_b w / w' S_w w: 8 / 4 = 2 along the mean difference (1, 0),
    # and 32 / 8 = 4 along (2, -1): Fisher's direction separates twice as well.
    assert fisher_criterion(X_TOY, Y_TOY, [1.0, 0.0]) == pytest.approx(2.0)
    assert fisher_criterion(X_TOY, Y_TOY, [2.0, -1.0]) == pytest.approx(4.0)
    assert fisher_criterion(X_TOY, Y_TOY, w) == pytest.approx(4.0)  # length is moot
    columns = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 1.0]])  # three directions
    np.testing.assert_allclose(fisher_criterion(X_TOY, Y_TOY, columns), [2, 4, 0])


def test_fit_by_hand():
    """covariance_ = S_w / n = [[0.5, 0.5], [0.5, 1]], whose inverse is
    [[4, -2], [-2, 2]]. coef_ = Sigma^{-1} (m1 - m0) = (8, -4); intercept_ =
    -(m1' Sigma^{-1} m1 - m0' Sigma^{-1} m0) / 2 + log(0.5 / 0.5) = -(26 - 2) / 2."""
    model = LinearDiscriminantAnalysis().fit(X_TOY, Y_TOY)
    np.testing.assert_allclose(model.means_, [[1.0, 1.0], [3.0, 1.0]])
    np.testing.assert_allclose(model.priors_, [0.5, 0.5])
    np.testing.assert_allclose(model.covariance_, [[0.5, 0.5], [0.5, 1.0]])
    np.testing.assert_allclose(model.coef_, [[8.0, -4.0]])
    np.testing.assert_allclose(model.intercept_, [-12.0])
    # The direction (2, -1) has v' Sigma v = 2 - 2 + 1 = 1 already: it is scalings_.
    np.testing.assert_allclose(model.scalings_, [[2.0], [-1.0]])
    np.testing.assert_allclose(model.explained_variance_ratio_, [1.0])
    np.testing.assert_allclose(model.transform([[0.0, 0.0], [3.0, 1.0]]), [[0], [5]])
    # Scores 8 x1 - 4 x2 - 12: zero at the midpoint (2, 1) of the means.
    queries = np.array([[2.0, 1.0], [2.5, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(
        model.decision_function(queries), [0.0, 4.0, -8.0], atol=1e-12
    )
    expected = 1.0 / (1.0 + np.exp(-np.array([0.0, 4.0, -8.0])))
    np.testing.assert_allclose(model.predict_proba(queries)[:, 1], expected)
    np.testing.assert_array_equal(model.predict(queries), [0, 1, 0])  # a tie: 0


# ---------------------------------------------------------------------------
# (b) The same projection and predictions as scikit-learn
# ---------------------------------------------------------------------------


def _seeded(seed=0, n_samples=300, n_features=6, n_classes=4):
    """Classes with different means and one shared, correlated covariance."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, size=n_samples)
    mixing = rng.normal(size=(n_features, n_features))
    centres = rng.normal(scale=2.0, size=(n_classes, n_features))
    X = centres[y] + rng.normal(size=(n_samples, n_features)) @ mixing
    return X, y


def _seeded_strings():
    X, y = _seeded(seed=1, n_classes=3, n_features=4)
    return X, np.array(["setosa", "hop", "grape"])[y]


DATA_SETS = {
    "iris": load_iris(return_X_y=True),
    "wine": load_wine(return_X_y=True),
    "breast_cancer": load_breast_cancer(return_X_y=True),
    "seeded": _seeded(),
    "seeded, string labels": _seeded_strings(),
}


def _split(X, y, seed=0):
    order = np.random.default_rng(seed).permutation(len(X))
    train, test = order[: len(X) // 2], order[len(X) // 2 :]
    return X[train], X[test], y[train], y[test]


def _assert_same_directions(ours, theirs, n_directions):
    """Each of our directions is parallel to scikit-learn's (|cosine| = 1 to 1e-6),
    and of the same length: both have v' S_w v = 1."""
    a, b = ours[:, :n_directions], theirs[:, :n_directions]
    cosine = (
        np.sum(a * b, axis=0) / np.linalg.norm(a, axis=0) / np.linalg.norm(b, axis=0)
    )
    np.testing.assert_allclose(np.abs(cosine), 1.0, atol=1e-6)
    np.testing.assert_allclose(
        np.linalg.norm(a, axis=0), np.linalg.norm(b, axis=0), rtol=1e-6
    )


def _assert_same_up_to_sign(ours, theirs, rtol=1e-6):
    """Per column, ours equals theirs or minus theirs."""
    assert ours.shape == theirs.shape
    signs = np.sign(np.sum(ours * theirs, axis=0))  # (n_components,)
    assert np.all(signs != 0)
    scale = np.abs(theirs).max(axis=0)
    np.testing.assert_allclose(ours * signs / scale, theirs / scale, atol=rtol)


def _assert_same_as_scikit_learn(X_train, X_test, y_train, **params):
    ours = LinearDiscriminantAnalysis(**params).fit(X_train, y_train)
    theirs = discriminant_analysis.LinearDiscriminantAnalysis(
        store_covariance=True, **params
    ).fit(X_train, y_train)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_allclose(ours.priors_, theirs.priors_, rtol=1e-12)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-12)
    scale = np.abs(theirs.covariance_).max()
    np.testing.assert_allclose(ours.covariance_ / scale, theirs.covariance_ / scale)
    # The projection: same directions and outputs, up to the sign of each.
    n_components = theirs.transform(X_test).shape[1]
    assert ours.n_components_ == n_components
    _assert_same_directions(ours.scalings_, theirs.scalings_, n_components)
    _assert_same_up_to_sign(ours.transform(X_test), theirs.transform(X_test))
    np.testing.assert_allclose(
        ours.explained_variance_ratio_,
        theirs.explained_variance_ratio_,
        atol=1e-10,
    )
    # The Gaussian classifier: same scores, predictions and probabilities.
    np.testing.assert_allclose(
        ours.coef_ / np.abs(theirs.coef_).max(),
        theirs.coef_ / np.abs(theirs.coef_).max(),
        atol=1e-9,
    )
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-8)
    np.testing.assert_allclose(
        ours.decision_function(X_test),
        theirs.decision_function(X_test),
        rtol=1e-8,
        atol=1e-8,
    )
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_allclose(
        ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=1e-10
    )
    return ours, theirs


@pytest.mark.parametrize("solver", ["eigen", "svd"])
@pytest.mark.parametrize("data", list(DATA_SETS))
def test_matches_scikit_learn(data, solver):
    _assert_same_as_scikit_learn(*_split(*DATA_SETS[data])[:3], solver=solver)


@pytest.mark.parametrize("solver", ["eigen", "svd"])
@pytest.mark.parametrize("data", ["iris", "wine", "seeded"])
def test_matches_scikit_learn_with_fewer_components(data, solver):
    X_train, X_test, y_train, _ = _split(*DATA_SETS[data])
    ours, _ = _assert_same_as_scikit_learn(
        X_train, X_test, y_train, solver=solver, n_components=1
    )
    assert ours.transform(X_test).shape == (len(X_test), 1)


@pytest.mark.parametrize("solver", ["eigen", "svd"])
@pytest.mark.parametrize("data", ["iris", "wine", "breast_cancer", "seeded"])
def test_matches_scikit_learn_with_given_priors(data, solver):
    X_train, X_test, y_train, _ = _split(*DATA_SETS[data])
    n_classes = len(np.unique(y_train))
    priors = np.random.default_rng(2).dirichlet(np.ones(n_classes))
    _assert_same_as_scikit_learn(X_train, X_test, y_train, solver=solver, priors=priors)


@pytest.mark.parametrize("shrinkage", [0.0, 0.05, 0.5, 1.0])
@pytest.mark.parametrize("data", ["wine", "breast_cancer", "seeded"])
def test_matches_scikit_learn_with_shrinkage(data, shrinkage):
    X_train, X_test, y_train, _ = _split(*DATA_SETS[data])
    _assert_same_as_scikit_learn(
        X_train, X_test, y_train, solver="eigen", shrinkage=shrinkage
    )


def test_both_solvers_give_the_same_model():
    X_train, X_test, y_train, _ = _split(*DATA_SETS["wine"])
    eigen = LinearDiscriminantAnalysis(solver="eigen").fit(X_train, y_train)
    svd = LinearDiscriminantAnalysis(solver="svd").fit(X_train, y_train)
    # The same directions, with the same signs (largest entry positive)...
    np.testing.assert_allclose(svd.scalings_, eigen.scalings_, rtol=1e-8, atol=1e-12)
    # ... so transforms differ by the svd solver's centring only.
    np.testing.assert_allclose(
        svd.transform(X_test),
        eigen.transform(X_test) - eigen.xbar_ @ eigen.scalings_,
        atol=1e-8,
    )
    np.testing.assert_array_equal(svd.predict(X_test), eigen.predict(X_test))
    np.testing.assert_allclose(
        svd.predict_proba(X_test), eigen.predict_proba(X_test), atol=1e-10
    )


def test_digits_singular_covariance_is_explained_and_svd_handles_it():
    """Digits have pixels that are blank in every image: the within-class covariance
    is singular. The eigen solver says so (scikit-learn's raises a LinAlgError);
    the svd solver, and shrinkage, work like scikit-learn's."""
    X_train, X_test, y_train, _ = _split(*load_digits(return_X_y=True))
    with pytest.raises(ValueError, match=r"singular.*solver='svd'"):
        LinearDiscriminantAnalysis(solver="eigen").fit(X_train, y_train)
    with pytest.raises(np.linalg.LinAlgError):
        discriminant_analysis.LinearDiscriminantAnalysis(solver="eigen").fit(
            X_train, y_train
        )
    ours, _ = _assert_same_as_scikit_learn(X_train, X_test, y_train, solver="svd")
    assert ours.scalings_.shape[1] == 9  # ten classes span nine dimensions
    # Shrinkage makes scikit-learn's S_b = S_t - S_w a little more than the class
    # means' spread: its eigenvalues beyond the 9th all equal the 9th's, and that
    # direction is not unique. Compare the first five.
    _assert_same_as_scikit_learn(
        X_train, X_test, y_train, solver="eigen", shrinkage=0.1, n_components=5
    )


# ---------------------------------------------------------------------------
# (c) The mistakes to avoid
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["iris", "wine", "breast_cancer", "seeded"])
def test_directions_solve_the_generalised_eigenproblem(data):
    """S_b v = lambda S_w v, with v' S_w v = 1 and real eigenvalues in decreasing
    order equal to scipy's eigh(S_b, S_w); never inv(S_w) @ S_b, whose eig is not
    symmetric and may return complex numbers."""
    X, y = DATA_SETS[data]
    model = LinearDiscriminantAnalysis().fit(X, y)
    within = model.covariance_
    centred = X - X.mean(axis=0)
    between = centred.T @ centred / len(X) - within
    V = model.scalings_
    assert np.isrealobj(V)
    np.testing.assert_allclose(V.T @ within @ V, np.eye(V.shape[1]), atol=1e-8)
    eigenvalues = np.diag(V.T @ between @ V)  # v' S_b v = lambda v' S_w v = lambda
    np.testing.assert_allclose(
        between @ V, within @ V * eigenvalues, atol=1e-8 * np.abs(between).max()
    )
    reference = scipy.linalg.eigh(between, within, eigvals_only=True)[::-1]
    np.testing.assert_allclose(eigenvalues, reference[: V.shape[1]], rtol=1e-8)
    assert np.all(np.diff(eigenvalues) <= 0)  # best first
    np.testing.assert_allclose(
        model.explained_variance_ratio_, eigenvalues / reference.sum(), rtol=1e-8
    )


def test_badly_scaled_features_still_match_scipy():
    """Features in units a million apart: the Cholesky whitening keeps the
    eigenproblem symmetric and accurate."""
    X, y = _seeded(seed=5, n_features=4, n_classes=3)
    X = X * np.array([1e-3, 1.0, 1e3, 1.0])
    model = LinearDiscriminantAnalysis().fit(X, y)
    theirs = discriminant_analysis.LinearDiscriminantAnalysis(solver="eigen").fit(X, y)
    _assert_same_directions(model.scalings_, theirs.scalings_, 2)
    np.testing.assert_array_equal(model.predict(X), theirs.predict(X))


@pytest.mark.parametrize(
    ("n_classes", "n_features", "expected"),
    [(2, 5, 1), (3, 5, 2), (4, 2, 2), (6, 3, 3)],
)
def test_at_most_n_classes_minus_1_directions(n_classes, n_features, expected):
    X, y = _seeded(seed=3, n_features=n_features, n_classes=n_classes)
    for solver in ("eigen", "svd"):
        model = LinearDiscriminantAnalysis(solver=solver).fit(X, y)
        assert model.scalings_.shape == (n_features, expected)
        assert model.transform(X).shape == (len(X), expected)
        assert model.explained_variance_ratio_.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"n_components=.* min\(n_features, n_class"):
        LinearDiscriminantAnalysis(n_components=expected + 1).fit(X, y)


def test_the_between_class_eigenvalues_beyond_k_minus_1_are_zero():
    """Three class means span a plane: in 6-D, only 2 eigenvalues are non-zero."""
    X, y = _seeded(seed=4, n_features=6, n_classes=3)
    model = LinearDiscriminantAnalysis().fit(X, y)
    within, between = model.covariance_, None
    centred = X - X.mean(axis=0)
    between = centred.T @ centred / len(X) - within
    eigenvalues = scipy.linalg.eigh(between, within, eigvals_only=True)[::-1]
    assert np.all(eigenvalues[:2] > 0.1)
    np.testing.assert_allclose(eigenvalues[2:], 0.0, atol=1e-10)


def test_fisher_direction_beats_every_other_direction():
    """J(w) over 720 directions in the plane is never above Fisher's, which equals
    the largest generalised eigenvalue; the mean difference is far worse."""
    X, y = _seeded(seed=6, n_features=2, n_classes=2)
    angles = np.linspace(0.0, np.pi, 720, endpoint=False)
    candidates = np.vstack([np.cos(angles), np.sin(angles)])  # (2, 720)
    values = fisher_criterion(X, y, candidates)
    w = fisher_direction(X, y)
    best = fisher_criterion(X, y, w)
    assert values.max() <= best * (1 + 1e-12)
    assert values.max() == pytest.approx(best, rel=1e-2)  # the grid comes close
    within, between = scatter_matrices(X, y)
    assert best == pytest.approx(scipy.linalg.eigh(between, within)[0][-1])
    mean_difference = X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0)
    assert fisher_criterion(X, y, mean_difference) < 0.8 * best


def test_fisher_direction_is_the_lda_direction_and_points_to_class_1():
    for data in ("breast_cancer", "seeded"):
        X, y = DATA_SETS[data]
        if data == "seeded":
            X, y = X[y < 2], y[y < 2]
        w = fisher_direction(X, y)
        assert np.linalg.norm(w) == pytest.approx(1.0)
        assert w @ (X[y == 1].mean(axis=0) - X[y == 0].mean(axis=0)) > 0
        theirs = discriminant_analysis.LinearDiscriminantAnalysis(solver="eigen")
        _assert_same_directions(
            w[:, np.newaxis] * np.linalg.norm(theirs.fit(X, y).scalings_[:, 0]),
            theirs.scalings_,
            1,
        )


def test_fisher_direction_needs_two_classes():
    X, y = DATA_SETS["iris"]
    with pytest.raises(ValueError, match="exactly two classes"):
        fisher_direction(X, y)
    with pytest.raises(ValueError, match="singular"):
        fisher_direction(np.column_stack([X_TOY, X_TOY[:, 0]]), Y_TOY)


def test_the_covariance_is_within_classes_not_total():
    """A common mistake is np.cov(X): the classes' spread around the overall mean,
    which includes the distances between the class means."""
    X, y = DATA_SETS["iris"]
    model = LinearDiscriminantAnalysis().fit(X, y)
    within, _ = scatter_matrices(X, y)
    np.testing.assert_allclose(model.covariance_, within / len(X))
    total = np.cov(X, rowvar=False, bias=True)
    assert not np.allclose(model.covariance_, total, rtol=0.1)
    # Σ_c n_c/n * (the class's own covariance, divided by n_c)
    pooled = sum(
        np.mean(y == c) * np.cov(X[y == c], rowvar=False, bias=True) for c in range(3)
    )
    np.testing.assert_allclose(model.covariance_, pooled)


def test_priors_enter_as_log_prior():
    X, y = DATA_SETS["wine"]
    estimated = LinearDiscriminantAnalysis().fit(X, y)
    priors = np.array([0.7, 0.2, 0.1])
    given = LinearDiscriminantAnalysis(priors=priors).fit(X, y)
    assert given.priors is priors
    assert not np.shares_memory(given.priors_, priors)
    theirs = discriminant_analysis.LinearDiscriminantAnalysis(
        solver="eigen", priors=priors
    ).fit(X, y)
    np.testing.assert_array_equal(given.predict(X), theirs.predict(X))
    # The eigen solver also weights the classes' covariances by the priors (as
    # scikit-learn does); the svd solver's covariance does not depend on them, so
    # there the priors move only the log-odds between classes, by log(prior ratio).
    svd = LinearDiscriminantAnalysis(solver="svd")
    before = svd.fit(X, y).predict_log_proba(X)
    after = svd.set_params(priors=priors).fit(X, y).predict_log_proba(X)
    moved = (after - after[:, :1]) - (before - before[:, :1])  # vs class 0
    expected = np.log(priors / estimated.priors_)
    np.testing.assert_allclose(
        moved, np.tile(expected - expected[0], (len(X), 1)), atol=1e-9
    )


def test_a_prior_of_zero_is_never_predicted():
    X, y = DATA_SETS["iris"]
    model = LinearDiscriminantAnalysis(priors=[0.0, 0.5, 0.5]).fit(X, y)
    assert not np.any(model.predict(X) == 0)
    probabilities = model.predict_proba(X)
    assert np.all(probabilities[:, 0] == 0.0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_predictions_do_not_change_when_features_are_rescaled_or_mixed():
    """LDA is invariant to any invertible linear map of the features (unlike a
    nearest-mean rule): the Gaussian model follows the map."""
    X_train, X_test, y_train, _ = _split(*DATA_SETS["wine"])
    mixing = np.random.default_rng(7).normal(size=(13, 13)) + 3 * np.eye(13)
    mixing *= np.logspace(-2, 2, 13)  # and scale the features very differently
    plain = LinearDiscriminantAnalysis().fit(X_train, y_train)
    mixed = LinearDiscriminantAnalysis().fit(X_train @ mixing, y_train)
    np.testing.assert_array_equal(mixed.predict(X_test @ mixing), plain.predict(X_test))
    np.testing.assert_allclose(
        mixed.predict_proba(X_test @ mixing), plain.predict_proba(X_test), atol=1e-6
    )


def test_full_shrinkage_is_nearest_class_mean():
    """shrinkage=1 replaces the covariance by a multiple of the identity: with equal
    priors the model predicts the class whose mean is nearest."""
    X, y = _seeded(seed=8, n_classes=3)
    X, y = X[:150], np.repeat([0, 1, 2], 50)  # balanced, equal priors
    X = X + 3.0 * np.eye(6)[y]
    model = LinearDiscriminantAnalysis(shrinkage=1.0).fit(X, y)
    distances = np.linalg.norm(X[:, np.newaxis, :] - model.means_, axis=2)
    np.testing.assert_array_equal(model.predict(X), np.argmin(distances, axis=1))


def test_probabilities_are_stable_far_from_the_data():
    X, y = DATA_SETS["iris"]
    model = LinearDiscriminantAnalysis().fit(X, y)
    far = X[:5] * 1e4  # scores of size 1e6: a plain softmax would overflow
    probabilities = model.predict_proba(far)
    assert np.all(np.isfinite(probabilities))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_array_equal(
        model.predict(far), model.classes_[np.argmax(probabilities, axis=1)]
    )
    np.testing.assert_allclose(
        np.exp(model.predict_log_proba(X)), model.predict_proba(X), rtol=1e-12
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"priors": [0.5, 0.6]}, "sum to 1"),
        ({"shrinkage": 0.5, "solver": "svd"}, "shrinkage needs solver='eigen'"),
        ({"n_components": 2}, "at most"),
    ],
)
def test_invalid_settings_are_explained(params, message):
    with pytest.raises(ValueError, match=message):
        LinearDiscriminantAnalysis(**params).fit(X_TOY, Y_TOY)


def test_data_that_cannot_be_fitted_are_explained():
    with pytest.raises(ValueError, match="at least two classes"):
        LinearDiscriminantAnalysis().fit(X_TOY, np.zeros(8))
    with pytest.raises(ValueError, match="more samples than classes"):
        LinearDiscriminantAnalysis().fit(X_TOY[:2], Y_TOY[[0, 4]])
    duplicated = np.column_stack([X_TOY, 2 * X_TOY[:, 1]])  # collinear features
    with pytest.raises(ValueError, match="singular"):
        LinearDiscriminantAnalysis().fit(duplicated, Y_TOY)
    svd = LinearDiscriminantAnalysis(solver="svd").fit(duplicated, Y_TOY)
    np.testing.assert_array_equal(svd.predict(duplicated), Y_TOY)
    with pytest.raises(ValueError, match="no spread"):
        LinearDiscriminantAnalysis(solver="svd").fit(
            np.repeat([[0.0, 1.0], [2.0, 3.0]], 3, axis=0), np.repeat([0, 1], 3)
        )


def test_refitting_with_other_classes_and_settings():
    X, y = DATA_SETS["iris"]
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = LinearDiscriminantAnalysis(n_components=1).fit(X, names)
    assert model.transform(X).shape == (150, 1)
    model.set_params(n_components=None, solver="svd").fit(X, names)
    assert model.transform(X).shape == (150, 2)
    theirs = discriminant_analysis.LinearDiscriminantAnalysis().fit(X, names)
    np.testing.assert_array_equal(model.predict(X), theirs.predict(X))
    model.fit(X[:100], y[:100])  # two classes now: one score, one direction
    assert model.coef_.shape == (1, 4) and model.scalings_.shape == (4, 1)
    assert model.decision_function(X[:3]).shape == (3,)
    np.testing.assert_array_equal(model.classes_, [0, 1])
