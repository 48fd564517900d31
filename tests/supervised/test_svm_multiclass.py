"""SVC with more than two classes (one-vs-one) and with probabilities (Platt), against
scikit-learn's SVC (LIBSVM) and against LIBSVM's own algorithms transcribed."""

import math
import warnings

import numpy as np
import pytest
from sklearn import svm

from scratchlearn import datasets
from scratchlearn.supervised import SVC
from scratchlearn.supervised.svm import ovr_from_ovo, pairwise_coupling, platt_sigmoid


def _standardised(name, n_samples=None):
    """A bundled data set, standardised, without duplicated rows (iris has one: with
    two equal samples the dual optimum is not unique, and which of the two becomes a
    support vector is the solver's arbitrary choice), shuffled and split in halves."""
    X, y = getattr(datasets, name)()
    X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
    _, keep = np.unique(X, axis=0, return_index=True)
    keep = np.sort(keep)[:n_samples]
    order = np.random.default_rng(0).permutation(len(keep))
    X, y = X[keep][order], y[keep][order]
    half = len(y) // 2
    return X[:half], y[:half], X[half:], y[half:]


def _reference(X, y, **params):
    """scikit-learn's SVC fitted with probabilities."""
    with warnings.catch_warnings():
        # scikit-learn 1.9 deprecates probability=True (for CalibratedClassifierCV);
        # LIBSVM's Platt scaling behind it is what we compare with.
        warnings.simplefilter("ignore", FutureWarning)
        return svm.SVC(probability=True, random_state=0, **params).fit(X, y)


@pytest.mark.parametrize(
    ("name", "n_samples", "kernel"),
    [
        ("iris", None, "rbf"),
        ("iris", None, "linear"),
        ("wine", None, "rbf"),
        ("digits", 400, "rbf"),
        ("digits", 400, "poly"),
    ],
)
def test_one_vs_one_matches_scikit_learn(name, n_samples, kernel):
    X, y, X_test, _ = _standardised(name, n_samples)
    ours = SVC(kernel=kernel, tol=1e-6).fit(X, y)
    reference = svm.SVC(kernel=kernel, tol=1e-6).fit(X, y)
    # The same support vectors, in the same order, and LIBSVM's layout of the dual
    # coefficients (n_classes - 1 rows), equal up to the solvers' tolerance.
    np.testing.assert_array_equal(ours.classes_, reference.classes_)
    np.testing.assert_array_equal(ours.support_, reference.support_)
    np.testing.assert_array_equal(ours.n_support_, reference.n_support_)
    assert ours.dual_coef_.shape == reference.dual_coef_.shape
    np.testing.assert_allclose(ours.dual_coef_, reference.dual_coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, atol=1e-5)
    if kernel == "linear":
        np.testing.assert_allclose(ours.coef_, reference.coef_, atol=1e-4)
    for shape in ("ovr", "ovo"):
        ours.set_params(decision_function_shape=shape)
        reference.set_params(decision_function_shape=shape)
        np.testing.assert_allclose(
            ours.decision_function(X_test),
            reference.decision_function(X_test),
            atol=1e-4,
        )
    np.testing.assert_array_equal(ours.predict(X_test), reference.predict(X_test))


def test_the_votes_and_the_ovr_shape_as_scikit_learn_computes_them():
    from sklearn.utils.multiclass import _ovr_decision_function

    rng = np.random.default_rng(0)
    ovo = rng.normal(size=(50, 6))  # 4 classes, 6 pairs
    ovo[:5, 0] = 0.0  # exact zeros: a vote for the pair's first class
    np.testing.assert_allclose(
        ovr_from_ovo(ovo, 4), _ovr_decision_function(ovo < 0, -ovo, 4), atol=1e-15
    )


def test_string_labels_of_three_classes():
    X, y, X_test, _ = _standardised("iris")
    names = np.array(["setosa", "versicolor", "virginica"])
    ours = SVC().fit(X, names[y])
    np.testing.assert_array_equal(
        ours.predict(X_test), names[SVC().fit(X, y).predict(X_test)]
    )
    assert ours.decision_function(X_test).shape == (len(X_test), 3)


# --- Platt scaling ------------------------------------------------------------


def _libsvm_sigmoid_train(dec_values, labels):
    """LIBSVM 3.x's sigmoid_train (svm.cpp), transcribed line by line, in scalars."""
    prior1 = sum(1.0 for label in labels if label > 0)
    prior0 = len(labels) - prior1
    max_iter, min_step, sigma, eps = 100, 1e-10, 1e-12, 1e-5
    hi_target = (prior1 + 1.0) / (prior1 + 2.0)
    lo_target = 1 / (prior0 + 2.0)
    t = [hi_target if label > 0 else lo_target for label in labels]
    A, B = 0.0, math.log((prior0 + 1.0) / (prior1 + 1.0))

    def value(A, B):
        total = 0.0
        for f, ti in zip(dec_values, t, strict=True):
            fApB = f * A + B
            if fApB >= 0:
                total += ti * fApB + math.log(1 + math.exp(-fApB))
            else:
                total += (ti - 1) * fApB + math.log(1 + math.exp(fApB))
        return total

    fval = value(A, B)
    for _ in range(max_iter):
        h11, h22, h21, g1, g2 = sigma, sigma, 0.0, 0.0, 0.0
        for f, ti in zip(dec_values, t, strict=True):
            fApB = f * A + B
            if fApB >= 0:
                p = math.exp(-fApB) / (1.0 + math.exp(-fApB))
                q = 1.0 / (1.0 + math.exp(-fApB))
            else:
                p = 1.0 / (1.0 + math.exp(fApB))
                q = math.exp(fApB) / (1.0 + math.exp(fApB))
            d2 = p * q
            h11 += f * f * d2
            h22 += d2
            h21 += f * d2
            d1 = ti - p
            g1 += f * d1
            g2 += d1
        if abs(g1) < eps and abs(g2) < eps:
            break
        det = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / det
        dB = -(-h21 * g1 + h11 * g2) / det
        gd = g1 * dA + g2 * dB
        stepsize = 1.0
        while stepsize >= min_step:
            newA, newB = A + stepsize * dA, B + stepsize * dB
            newf = value(newA, newB)
            if newf < fval + 0.0001 * stepsize * gd:
                A, B, fval = newA, newB, newf
                break
            stepsize /= 2.0
        if stepsize < min_step:
            break
    return A, B


def _libsvm_multiclass_probability(r):
    """LIBSVM 3.x's multiclass_probability (svm.cpp), transcribed, one sample."""
    k = len(r)
    max_iter, eps = max(100, k), 0.005 / k
    p = [1.0 / k] * k
    Q = [[0.0] * k for _ in range(k)]
    for t in range(k):
        for j in range(t):
            Q[t][t] += r[j][t] * r[j][t]
            Q[t][j] = Q[j][t]
        for j in range(t + 1, k):
            Q[t][t] += r[j][t] * r[j][t]
            Q[t][j] = -r[j][t] * r[t][j]
    for _ in range(max_iter):
        Qp = [sum(Q[t][j] * p[j] for j in range(k)) for t in range(k)]
        pQp = sum(p[t] * Qp[t] for t in range(k))
        if max(abs(Qp[t] - pQp) for t in range(k)) < eps:
            break
        for t in range(k):
            diff = (-Qp[t] + pQp) / Q[t][t]
            p[t] += diff
            pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff)
            for j in range(k):
                Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff)
                p[j] /= 1 + diff
    return p


@pytest.mark.parametrize("seed", range(6))
def test_platt_sigmoid_is_libsvms_on_fixed_decision_values(seed):
    rng = np.random.default_rng(seed)
    n = [40, 200, 7, 120, 60, 300][seed]
    labels = rng.random(n) < [0.5, 0.3, 0.5, 0.9, 0.5, 0.5][seed]
    labels[:2] = [True, False]
    # Decision values that overlap (a finite A) or separate the classes (seed 4).
    spread = 0.1 if seed == 4 else 1.0
    decisions = np.where(labels, 1.0, -1.0) * [1.0, 0.5, 2.0, 1.0, 3.0, 0.3][seed]
    decisions = decisions + spread * rng.normal(size=n)
    A, B = platt_sigmoid(decisions, labels)
    A_ref, B_ref = _libsvm_sigmoid_train(list(decisions), list(np.where(labels, 1, -1)))
    # The same iterations, vectorised: equal to rounding.
    np.testing.assert_allclose([A, B], [A_ref, B_ref], rtol=1e-9, atol=1e-12)


def test_platt_sigmoid_minimises_platts_objective_as_scikit_learn_finds_it():
    # scikit-learn's CalibratedClassifierCV minimises the same objective (Platt's
    # softened targets) with another solver (L-BFGS): the same optimum, to the
    # solvers' tolerances.
    from sklearn.calibration import _sigmoid_calibration

    rng = np.random.default_rng(1)
    labels = rng.random(300) < 0.4
    decisions = np.where(labels, 1.0, -1.0) + rng.normal(size=300)
    A, B = platt_sigmoid(decisions, labels)
    A_ref, B_ref = _sigmoid_calibration(decisions, labels.astype(int))
    np.testing.assert_allclose([A, B], [A_ref, B_ref], rtol=1e-3, atol=1e-4)


def test_pairwise_coupling_is_libsvms():
    rng = np.random.default_rng(0)
    for k in (3, 5, 10):
        upper = np.clip(rng.random((20, k, k)), 1e-7, 1 - 1e-7)
        r = np.triu(upper, 1) + np.tril(1.0 - upper.transpose(0, 2, 1), -1)
        ours = pairwise_coupling(r)
        reference = [_libsvm_multiclass_probability(sample.tolist()) for sample in r]
        np.testing.assert_allclose(ours, reference, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(ours.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("name", "n_samples"), [("iris", None), ("wine", None), ("digits", 300)]
)
def test_probabilities_are_close_to_scikit_learns(name, n_samples):
    """LIBSVM shuffles its internal folds with its own generator, so the sigmoids
    cannot be equal; they are close, and the probabilities too."""
    X, y, X_test, _ = _standardised(name, n_samples)
    ours = SVC(probability=True, random_state=0).fit(X, y)
    reference = _reference(X, y)
    ours_p, reference_p = ours.predict_proba(X_test), reference.predict_proba(X_test)
    np.testing.assert_allclose(ours_p.sum(axis=1), 1.0)
    assert np.abs(ours_p - reference_p).max() < 0.15
    assert np.abs(ours_p - reference_p).mean() < 0.02
    assert np.mean(ours_p.argmax(axis=1) == reference_p.argmax(axis=1)) >= 0.97
    # A < 0: the larger the pair's decision, the likelier its first class.
    assert np.all(ours.probA_ < 0)
    # Each pair's sigmoid comes from its own few folds: close, typically to 5%.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # deprecated with probability
        reference_A = reference.probA_
    relative = np.abs(ours.probA_ / reference_A - 1.0)
    assert relative.max() < 0.4 and np.median(relative) < 0.1
    np.testing.assert_allclose(np.log(ours_p), ours.predict_log_proba(X_test))


def test_two_class_probabilities_follow_the_decision_function():
    X, y, X_test, _ = _standardised("breast_cancer")
    ours = SVC(probability=True, random_state=0).fit(X, y)
    reference = _reference(X, y)
    proba = ours.predict_proba(X_test)
    scores = ours.decision_function(X_test)
    # P(classes_[1]) grows with the decision function, 1/2 near f = 0.
    order = np.argsort(scores)
    assert np.all(np.diff(proba[order, 1]) >= -1e-12)
    assert np.abs(proba - reference.predict_proba(X_test)).mean() < 0.02


def test_probabilities_only_with_probability_true_and_reproducible():
    X, y, X_test, _ = _standardised("iris")
    plain = SVC().fit(X, y)
    assert not hasattr(plain, "predict_proba")
    assert not hasattr(plain, "predict_log_proba")
    assert plain.probA_.shape == (0,)
    first = SVC(probability=True, random_state=3).fit(X, y).predict_proba(X_test)
    again = SVC(probability=True, random_state=3).fit(X, y).predict_proba(X_test)
    np.testing.assert_array_equal(first, again)
    # Platt scaling changes no decision: predict is still the vote.
    np.testing.assert_array_equal(
        SVC(probability=True, random_state=3).fit(X, y).predict(X_test),
        plain.predict(X_test),
    )
