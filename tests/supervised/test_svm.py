"""SVC (Chapter 9): kernels, the two-variable SMO update and the intercept by hand,
maximum-margin toys whose separator is known, the KKT conditions at the solution, and
the same support vectors, dual coefficients, decision function and accuracy as
scikit-learn's SVC (LIBSVM) on seeded and bundled data."""

import numpy as np
import pytest
from sklearn import svm
from sklearn.datasets import load_breast_cancer, make_blobs, make_moons
from sklearn.preprocessing import StandardScaler

from scratchlearn.exceptions import ConvergenceWarning
from scratchlearn.supervised import SVC, kernel_matrix
from scratchlearn.supervised.svm import (
    intercept_from_kkt,
    select_working_set,
    smo_pair_update,
)

# Every fit here is expected to converge, except where a test says otherwise.
pytestmark = pytest.mark.filterwarnings(
    "error::scratchlearn.exceptions.ConvergenceWarning"
)

# Both solvers stop when the KKT gap is at most tol. At tol=1e-8 both are within
# about 1e-8 of the same optimum in the dual variables, so the decision function
# (a sum of n_SV terms alpha_i K) agrees to ~1e-6 relative; 1e-4 leaves room.
TIGHT = 1e-8


# --- hand-computed cases -------------------------------------------------------------


def test_kernels_by_hand():
    X = np.array([[1.0, 0.0], [1.0, 2.0]])
    Z = np.array([[0.0, 1.0], [1.0, 1.0]])
    # inner products: [[0, 1], [2, 3]]; squared distances: [[2, 1], [2, 1]]
    np.testing.assert_allclose(kernel_matrix(X, Z, "linear"), [[0, 1], [2, 3]])
    np.testing.assert_allclose(
        kernel_matrix(X, Z, "poly", gamma=0.5, degree=2, coef0=1.0),
        [[1.0, 1.5**2], [2.0**2, 2.5**2]],
    )
    np.testing.assert_allclose(
        kernel_matrix(X, Z, "rbf", gamma=0.5),
        np.exp(-0.5 * np.array([[2.0, 1.0], [2.0, 1.0]])),
    )
    with pytest.raises(ValueError, match="kernel"):
        kernel_matrix(X, Z, "sigmoid")


def test_pair_update_without_clipping():
    # y_i = y_j = +1, curvature 2, gradients -1 and 0: t* = (1 + 0) / 2 = 0.5, so
    # alpha_i rises by 0.5 and alpha_j falls by 0.5 (sum kept).
    assert smo_pair_update(0.0, 1.0, 1.0, 1.0, -1.0, 0.0, 2.0, 10.0) == (0.5, 0.5)


def test_pair_update_is_clipped_to_the_box():
    # Same move with C = 0.7 and alpha_j = 0.2: alpha_j can fall by 0.2 only, so the
    # step stops at alpha_j = 0, alpha_i = 0.2.
    new_i, new_j = smo_pair_update(0.0, 0.2, 1.0, 1.0, -1.0, 0.0, 2.0, 0.7)
    assert (new_i, new_j) == pytest.approx((0.2, 0.0))
    # Opposite labels keep alpha_i - alpha_j: t* = (1 + 1) / 1 = 2 would take both
    # up by 2, but C = 0.5 stops alpha_j (from 0.3) first: both rise by 0.2.
    new_i, new_j = smo_pair_update(0.1, 0.3, 1.0, -1.0, -1.0, -1.0, 1.0, 0.5)
    assert (new_i, new_j) == pytest.approx((0.3, 0.5))
    # A zero curvature makes a long step that the box stops.
    new_i, new_j = smo_pair_update(0.0, 0.0, 1.0, -1.0, -1.0, -1.0, 0.0, 3.0)
    assert (new_i, new_j) == pytest.approx((3.0, 3.0))


def test_intercept_from_free_coefficients_and_from_bounds():
    y = np.array([1.0, -1.0, 1.0])
    gradient = np.array([-0.2, 0.4, 0.0])
    # Coefficients 0 and 1 are free: b = -mean(y G) = -mean(-0.2, -0.4) = 0.3.
    alpha = np.array([0.5, 0.5, 0.0])
    assert intercept_from_kkt(y, alpha, gradient, C=1.0) == pytest.approx(0.3)
    # None free: rho lies between the bounds; b is minus their midpoint.
    # y G = [-0.2, -0.4, 0.0]. Index 0 (y=+1, at C) and 1 (y=-1, at C)...
    alpha = np.array([1.0, 1.0, 0.0])
    # upper group: at C with y=-1 -> {1}: -0.4; at 0 with y=+1 -> {2}: 0.0; min -0.4
    # lower group: {0}: -0.2. rho = (-0.4 - 0.2) / 2 = -0.3, b = 0.3.
    assert intercept_from_kkt(y, alpha, gradient, C=1.0) == pytest.approx(0.3)


def test_two_points_give_the_perpendicular_bisector():
    # The widest margin between (-1, 0) and (1, 0) is x_1 = 0 with w = (1, 0), b = 0:
    # both points lie on the margin, y f(x) = 1. From w = sum y_i alpha_i x_i,
    # alpha_1 = alpha_2 = 1/2.
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    y = np.array([0, 1])
    model = SVC(kernel="linear", C=100.0, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, [[1.0, 0.0]], atol=1e-10)
    np.testing.assert_allclose(model.intercept_, [0.0], atol=1e-10)
    np.testing.assert_allclose(model.dual_coef_, [[-0.5, 0.5]], atol=1e-10)
    np.testing.assert_allclose(model.decision_function([[0.3, 5.0]]), [0.3])
    np.testing.assert_array_equal(model.n_support_, [1, 1])


def test_four_points_have_the_two_inner_ones_as_support_vectors():
    # The outer points are beyond the margin of the inner ones: alpha = 0 for them.
    X = np.array([[-2.0, 1.0], [-1.0, 0.0], [1.0, 0.0], [2.0, -1.0]])
    y = np.array(["neg", "neg", "pos", "pos"])
    model = SVC(kernel="linear", C=100.0, tol=1e-10).fit(X, y)
    np.testing.assert_array_equal(model.support_, [1, 2])
    np.testing.assert_allclose(model.coef_, [[1.0, 0.0]], atol=1e-10)
    np.testing.assert_allclose(model.intercept_, [0.0], atol=1e-10)
    assert list(model.predict([[-0.1, 9.0], [0.1, -9.0]])) == ["neg", "pos"]


def test_small_C_caps_the_coefficients():
    # With C = 0.1 < 1/2 both coefficients stop at C: w = 0.2 (1, 0) and, by symmetry,
    # b = 0. The margin (|f| < 1) now spans |x_1| < 5 and holds both points.
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    model = SVC(kernel="linear", C=0.1, tol=1e-10).fit(X, [0, 1])
    np.testing.assert_allclose(model.dual_coef_, [[-0.1, 0.1]], atol=1e-12)
    np.testing.assert_allclose(model.coef_, [[0.2, 0.0]], atol=1e-12)
    np.testing.assert_allclose(model.intercept_, [0.0], atol=1e-12)


def test_working_set_is_none_at_the_optimum():
    # At the two-point optimum above, v = -y G is 0 for both: no violation.
    y = np.array([-1.0, 1.0])
    K = np.array([[1.0, -1.0], [-1.0, 1.0]])
    alpha = np.array([0.5, 0.5])
    gradient = (np.outer(y, y) * K) @ alpha - 1.0
    diagonal = np.diag(K)
    assert (
        select_working_set(y, alpha, gradient, diagonal, K.__getitem__, 1.0, 1e-9)
        is None
    )
    # At alpha = 0 the first pair is the two points: i is in I_up (y=+1), j in I_low.
    pair = select_working_set(
        y, np.zeros(2), -np.ones(2), np.diag(K), K.__getitem__, 1.0, 1e-9
    )
    assert pair == (1, 0)


def test_near_ties_in_the_working_set_go_to_the_lowest_index():
    # Four points with labels +1, +1, -1, -1 at alpha = 0: v = -y G = y, so indices
    # 0 and 1 tie for i. A few ulps more on index 1 must not win: the lowest index
    # does, on every machine. The same holds for j among equal decreases.
    y = np.array([1.0, 1.0, -1.0, -1.0])
    K = np.eye(4)
    for nudge in (0.0, 4e-16, -4e-16):
        gradient = -np.ones(4)
        gradient[1] -= nudge  # v_1 = 1 + nudge
        i, j = select_working_set(
            y, np.zeros(4), gradient, np.diag(K), K.__getitem__, 1.0, 1e-9
        )
        assert (i, j) == (0, 2), nudge


def test_smo_takes_the_same_path_when_the_data_move_by_a_few_ulps():
    # Stored notebook outputs print SMO's iteration count; it must not depend on
    # the last bits of the kernel matrix (they differ between processors and BLAS
    # builds). Without the tie rule, 2 of 5 perturbations changed the count.
    X, labels = make_moons(200, noise=0.25, random_state=0)
    rng = np.random.default_rng(5)
    counts = set()
    for _ in range(8):
        steps = rng.integers(-4, 5, size=X.shape)
        moved = X * (1 + steps * np.finfo(float).eps)
        counts.add(SVC(C=1.0, gamma=1.0, tol=1e-6).fit(moved, labels).n_iter_)
    assert len(counts) == 1, counts


# --- against scikit-learn ------------------------------------------------------------


def _data(name):
    if name == "moons":
        return make_moons(200, noise=0.25, random_state=0)
    if name == "blobs":
        # Standardised: LIBSVM caches kernel values in float32, so with raw
        # coordinates of about 10 the cubic kernel's values (about 1e5) carry
        # errors of about 1e-2 on scikit-learn's side, far above tol.
        X, y = make_blobs(150, centers=2, cluster_std=2.0, random_state=3)
        return StandardScaler().fit_transform(X), y
    if name == "breast_cancer":
        X, y = load_breast_cancer(return_X_y=True)
        return StandardScaler().fit_transform(X), y
    raise ValueError(name)


SETTINGS = [
    {"kernel": "rbf", "C": 1.0},
    {"kernel": "rbf", "C": 10.0, "gamma": 0.5},
    {"kernel": "linear", "C": 0.5},
    {"kernel": "poly", "C": 1.0, "degree": 3, "gamma": 0.5, "coef0": 1.0},
    {"kernel": "poly", "C": 0.3, "degree": 2, "gamma": "auto", "coef0": 0.5},
]


@pytest.mark.parametrize("name", ["moons", "blobs", "breast_cancer"])
@pytest.mark.parametrize("settings", SETTINGS, ids=repr)
def test_same_solution_as_scikit_learn(name, settings):
    X, y = _data(name)
    ours = SVC(tol=TIGHT, **settings).fit(X, y)
    reference = svm.SVC(tol=TIGHT, **settings).fit(X, y)
    # The same support vectors, in the same order (grouped by class).
    np.testing.assert_array_equal(ours.support_, reference.support_)
    np.testing.assert_array_equal(ours.n_support_, reference.n_support_)
    np.testing.assert_array_equal(ours.support_vectors_, reference.support_vectors_)
    # Coefficients at the bound C are exactly C in both; free ones agree to tol.
    np.testing.assert_allclose(
        ours.dual_coef_, reference.dual_coef_, rtol=1e-4, atol=1e-6 * settings["C"]
    )
    scores = reference.decision_function(X)
    np.testing.assert_allclose(
        ours.decision_function(X), scores, rtol=1e-4, atol=1e-5 * np.abs(scores).max()
    )
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, atol=1e-4)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    assert ours.score(X, y) == reference.score(X, y)


@pytest.mark.parametrize("settings", SETTINGS, ids=repr)
def test_default_tolerance_gives_the_same_support_vectors_and_accuracy(settings):
    X, y = _data("breast_cancer")
    ours = SVC(**settings).fit(X, y)
    reference = svm.SVC(**settings).fit(X, y)
    np.testing.assert_array_equal(np.sort(ours.support_), np.sort(reference.support_))
    assert ours.score(X, y) == reference.score(X, y)
    # At tol=1e-3 each solver stops within ~1e-3 of the optimum (LIBSVM also
    # shrinks, so their paths differ): the scores agree to that order.
    np.testing.assert_allclose(
        ours.decision_function(X), reference.decision_function(X), atol=2e-2
    )


def test_linear_weights_match_scikit_learn():
    X, y = _data("breast_cancer")
    ours = SVC(kernel="linear", C=0.1, tol=TIGHT).fit(X, y)
    reference = svm.SVC(kernel="linear", C=0.1, tol=TIGHT).fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("gamma", ["scale", "auto"])
def test_gamma_strings_mean_what_they_mean_in_scikit_learn(gamma):
    X, y = _data("blobs")
    X = X * 3.0 + 1.0  # a variance far from 1, so that "scale" and "auto" differ
    ours = SVC(gamma=gamma).fit(X, y)
    reference = svm.SVC(gamma=gamma).fit(X, y)
    assert ours._gamma == pytest.approx(reference._gamma, rel=1e-12)


def test_the_solution_satisfies_the_kkt_conditions():
    # alpha = 0: y f >= 1; 0 < alpha < C: y f = 1; alpha = C: y f <= 1 (to tol).
    X, y = _data("moons")
    C = 2.0
    model = SVC(C=C, tol=TIGHT).fit(X, y)
    signs = np.where(y == model.classes_[1], 1.0, -1.0)
    margins = signs * model.decision_function(X)
    alpha = np.zeros(len(X))
    alpha[model.support_] = np.abs(model.dual_coef_[0])
    assert np.all(alpha <= C)
    np.testing.assert_allclose(signs @ alpha, 0.0, atol=1e-10)  # y^T alpha = 0
    free = (alpha > 0) & (alpha < C)
    assert free.sum() > 2
    np.testing.assert_allclose(margins[free], 1.0, atol=1e-6)
    assert np.all(margins[alpha == 0] >= 1 - 1e-6)
    assert np.all(margins[alpha == C] <= 1 + 1e-6)


# --- behaviour -----------------------------------------------------------------------


def test_max_iter_stops_early_with_a_warning():
    X, y = _data("moons")
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        model = SVC(max_iter=3).fit(X, y)
    assert model.n_iter_ == 3
    assert model.fit_status_ == 1
    assert SVC().fit(X, y).fit_status_ == 0


def test_one_class_or_a_continuous_target_is_a_clear_error():
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match="at least two classes"):
        SVC().fit(X, [1] * 6)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        SVC().fit(X, [0.1, 0.5, 1.3, 2.2, 0.7, 0.9])


def test_string_labels_and_a_failed_fit_keeps_the_old_model():
    X, y = _data("blobs")
    labels = np.array(["cat", "dog"])[y]
    model = SVC(kernel="linear").fit(X, labels)
    assert set(model.predict(X)) <= {"cat", "dog"}
    support = model.support_.copy()
    with pytest.raises(ValueError):
        model.set_params(C=-1.0).fit(X, labels)
    np.testing.assert_array_equal(model.support_, support)


def test_coef_is_only_defined_for_the_linear_kernel():
    X, y = _data("blobs")
    assert SVC(kernel="rbf").fit(X, y).coef_ is None
    assert SVC(kernel="linear").fit(X, y).coef_.shape == (1, 2)
