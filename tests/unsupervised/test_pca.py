"""PCA by the SVD (Chapter 21): hand-computed cases, and against scikit-learn's PCA on
bundled and seeded data: the same components (with the same signs, by the same sign
rule; "up to sign" is what the issue asks) to 1e-8, explained variance ratios to 1e-10,
the same number of components for a share of variance; whitening and
inverse_transform round trips; the silhouette of a clustering of the projected digits
equal to scikit-learn's to 1e-10."""

import numpy as np
import pytest
from sklearn import decomposition
from sklearn import metrics as sk_metrics
from sklearn.datasets import load_digits, load_iris, load_wine

from scratchlearn.exceptions import NotFittedError
from scratchlearn.metrics import silhouette_score
from scratchlearn.unsupervised import PCA, GaussianMixture
from scratchlearn.unsupervised.pca import (
    components_for_share,
    flip_signs,
    right_singular_vectors,
)

DIGITS = load_digits().data
DATA = {
    "digits": DIGITS,
    "iris": load_iris().data,
    "wine": load_wine().data,
    # Wider than tall: the SVD runs on the data directly, not on R of a QR.
    "wide": np.random.default_rng(0).normal(size=(30, 80)),
    "correlated": np.random.default_rng(1).normal(size=(500, 6))
    @ np.random.default_rng(2).normal(size=(6, 6)),
}


def distinct(explained_variance, gap=1e-7):
    """How many leading components have a variance apart from both neighbours' by
    more than ``gap`` of the largest variance. Only those directions are defined
    well: rounding moves a direction by about eps * largest / gap, and a direction
    shared by equal variances (the always-0 pixels of digits) is any vector of
    their plane."""
    values = np.concatenate([explained_variance, [0.0]])
    apart = np.abs(np.diff(values)) > gap * values[0]  # (n,): from the next one
    count = 0
    while count < len(apart) and apart[count]:
        count += 1
    return count


# --- hand-computed cases -------------------------------------------------------------


def test_points_on_a_line_have_one_component_along_it():
    t = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    X = np.column_stack([3 * t + 1, -4 * t + 2])  # the direction (3, -4) / 5
    model = PCA().fit(X)
    np.testing.assert_allclose(model.mean_, [1.0, 2.0])
    # (3, -4) / 5 turned so that its largest entry, -0.8, is positive.
    np.testing.assert_allclose(model.components_[0], [-0.6, 0.8])
    np.testing.assert_allclose(model.explained_variance_ratio_, [1.0, 0.0], atol=1e-15)
    # Variance along the line: 25 * var(t) with var(t) = 10 / 4.
    np.testing.assert_allclose(model.explained_variance_[0], 62.5)
    np.testing.assert_allclose(model.transform(X)[:, 0], -5 * t)
    np.testing.assert_allclose(model.singular_values_[0], np.sqrt(62.5 * 4))


def test_the_sign_rule_makes_the_largest_entry_positive():
    Vt = np.array([[0.6, -0.8], [-0.8, -0.6], [0.5, -0.5]])
    flipped = flip_signs(Vt)
    np.testing.assert_allclose(flipped, [[-0.6, 0.8], [0.8, 0.6], [0.5, -0.5]])
    # So the data and their mirror image have the same components.
    X = DATA["correlated"]
    np.testing.assert_allclose(
        PCA().fit(-X).components_, PCA().fit(X).components_, atol=1e-12
    )


def test_share_of_variance_counts_as_scikit_learn_does():
    ratios = np.array([0.5, 0.3, 0.1, 0.1])
    assert components_for_share(ratios, 0.4) == 1
    assert components_for_share(ratios, 0.5) == 2  # more than the share, strictly
    assert components_for_share(ratios, 0.85) == 3
    assert components_for_share(ratios, 0.999999) == 4


def test_the_svd_of_r_is_the_svd_of_the_data():
    X = DATA["correlated"] - DATA["correlated"].mean(axis=0)
    singular_values, Vt = right_singular_vectors(X)
    _, expected_values, expected_Vt = np.linalg.svd(X, full_matrices=False)
    np.testing.assert_allclose(singular_values, expected_values, rtol=1e-12)
    np.testing.assert_allclose(np.abs(Vt @ expected_Vt.T), np.eye(6), atol=1e-10)


# --- against scikit-learn ------------------------------------------------------------


@pytest.mark.parametrize("n_components", [None, 2, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("data", list(DATA))
def test_same_components_and_variances_as_scikit_learn(data, n_components):
    X = DATA[data]
    ours = PCA(n_components).fit(X)
    for solver in ("full", "auto"):  # auto: the covariance's eigenvectors (digits)
        theirs = decomposition.PCA(n_components, svd_solver=solver).fit(X)
        assert ours.n_components_ == theirs.n_components_
        np.testing.assert_allclose(
            ours.explained_variance_ratio_,
            theirs.explained_variance_ratio_,
            rtol=0,
            atol=1e-10,
        )
        # Relative to each variance, or to the largest for those near 0.
        largest = ours.explained_variance_[0]
        np.testing.assert_allclose(
            ours.explained_variance_,
            theirs.explained_variance_,
            rtol=1e-10,
            atol=1e-13 * largest,
        )
        np.testing.assert_allclose(
            ours.singular_values_,
            theirs.singular_values_,
            rtol=1e-10,
            atol=1e-7 * ours.singular_values_[0],  # square roots of the above
        )
        np.testing.assert_allclose(ours.mean_, theirs.mean_, rtol=1e-12)
        # Directions with distinct variances only: digits has pixels that are
        # always 0, whose directions of no variance are any vectors of their space.
        k = distinct(ours.explained_variance_)
        assert k >= min(ours.n_components_, 10)
        np.testing.assert_allclose(
            ours.components_[:k], theirs.components_[:k], atol=1e-8
        )
    np.testing.assert_allclose(
        ours.transform(X)[:, :k], theirs.transform(X)[:, :k], atol=1e-7
    )


def test_whitened_projection_equals_scikit_learn_and_has_unit_variance():
    ours = PCA(10, whiten=True).fit(DIGITS)
    theirs = decomposition.PCA(10, whiten=True, svd_solver="full").fit(DIGITS)
    Z = ours.transform(DIGITS)
    np.testing.assert_allclose(Z, theirs.transform(DIGITS), atol=1e-8)
    np.testing.assert_allclose(np.cov(Z.T), np.eye(10), atol=1e-10)
    np.testing.assert_allclose(
        ours.inverse_transform(Z), theirs.inverse_transform(Z), atol=1e-8
    )


@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("data", ["iris", "wine", "wide"])
def test_all_components_give_the_data_back(data, whiten):
    X = DATA[data]
    model = PCA(whiten=whiten)
    Z = model.fit_transform(X)
    np.testing.assert_allclose(Z, model.transform(X), atol=1e-10)
    np.testing.assert_allclose(
        model.inverse_transform(Z), X, atol=1e-10 * np.abs(X).max()
    )


@pytest.mark.parametrize("k", [1, 5, 20, 40])
def test_k_components_lose_exactly_the_variance_they_drop(k):
    """Eckart-Young: the reconstruction error is the sum of the dropped squared
    singular values; the digits' own reconstruction equals scikit-learn's."""
    everything = PCA().fit(DIGITS)
    model = PCA(k).fit(DIGITS)
    reconstructed = model.inverse_transform(model.transform(DIGITS))
    error = np.sum((DIGITS - reconstructed) ** 2)
    dropped = np.sum(everything.singular_values_[k:] ** 2)
    assert error == pytest.approx(dropped, rel=1e-8)
    theirs = decomposition.PCA(k, svd_solver="full").fit(DIGITS)
    np.testing.assert_allclose(
        reconstructed, theirs.inverse_transform(theirs.transform(DIGITS)), atol=1e-8
    )


def test_silhouette_on_the_projected_digits_equals_scikit_learn():
    Z = PCA(2).fit_transform(DIGITS)
    for n_clusters in (2, 5, 10):
        labels = GaussianMixture(n_clusters, random_state=0).fit_predict(Z)
        assert silhouette_score(Z, labels) == pytest.approx(
            sk_metrics.silhouette_score(Z, labels), abs=1e-10
        )


# --- edge cases and clear errors -----------------------------------------------------


def test_a_single_sample_is_refused_clearly():
    with pytest.raises(ValueError, match="at least 2 samples"):
        PCA().fit([[1.0, 2.0, 3.0]])


def test_more_components_than_there_are_is_refused_clearly():
    with pytest.raises(ValueError, match=r"n_components=5 is more than min\("):
        PCA(5).fit(np.arange(12.0).reshape(4, 3))
    PCA(np.int64(3)).fit(np.random.default_rng(0).normal(size=(4, 3)))


def test_constant_data_whiten_without_dividing_by_zero():
    X = np.ones((5, 3))
    model = PCA(2, whiten=True).fit(X)
    np.testing.assert_allclose(model.explained_variance_, 0.0)
    assert np.all(np.isfinite(model.transform(X)))


def test_inverse_transform_checks_its_input():
    with pytest.raises(NotFittedError):
        PCA().inverse_transform([[1.0]])
    model = PCA(2).fit(DATA["iris"])
    with pytest.raises(ValueError, match="Z has 3 columns, but this PCA has 2"):
        model.inverse_transform(np.ones((4, 3)))
