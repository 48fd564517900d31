"""Gaussian mixtures by EM (Chapter 20): hand-computed cases, log-densities against
scipy, and, from the same initial parameters, the same log-likelihood path, parameters,
responsibilities, AIC and BIC as scikit-learn's GaussianMixture for all four covariance
types; EM in log space; the choice of the number of components by BIC.

Tolerances: the path and the parameters agree to 1e-8 (relative and absolute; the
issue asks for 1e-6, and they agree to about 1e-13 on this machine), AIC and BIC to
1e-8 relative."""

import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.special import logsumexp
from sklearn import mixture
from sklearn.datasets import load_iris

from scratchlearn.exceptions import ConvergenceWarning, NotFittedError
from scratchlearn.unsupervised import GaussianMixture
from scratchlearn.unsupervised.gaussian_mixture import (
    COVARIANCE_TYPES,
    kmeans_labels,
    kmeans_plus_plus,
    log_gaussian_density,
    n_parameters,
    precision_cholesky,
)

TIGHT = {"rtol": 1e-8, "atol": 1e-8}


def three_blobs(n_per_blob=80, seed=0):
    """Three tilted Gaussian clouds in 3-D, partly overlapping."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0, 0.0], [4.0, 0.0, 1.0], [0.0, 5.0, -2.0]])
    return np.vstack(
        [
            rng.normal(size=(n_per_blob, 3)) @ rng.normal(size=(3, 3)) + centre
            for centre in centres
        ]
    )


def initial_parameters(X, n_components, covariance_type, seed=1):
    """Weights, means (random samples) and precisions (of the data's spread) that
    both libraries start from."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.full(n_components, 5.0))
    means = X[rng.choice(len(X), n_components, replace=False)]
    variances = X.var(axis=0)  # (n_features,)
    precisions = {
        "full": np.stack([np.diag(1 / variances)] * n_components),
        "tied": np.diag(1 / variances),
        "diag": np.tile(1 / variances, (n_components, 1)),
        "spherical": np.full(n_components, 1 / variances.mean()),
    }[covariance_type]
    return {"weights_init": weights, "means_init": means, "precisions_init": precisions}


DATA = {
    "three-blobs": (three_blobs(), 3),
    "iris": (load_iris().data, 3),
    "one-dimension": (three_blobs()[:, :1], 2),
}


def fit_both(X, n_components, covariance_type, **settings):
    settings = {
        "n_components": n_components,
        "covariance_type": covariance_type,
        "tol": 1e-6,
        "max_iter": 500,
        **initial_parameters(X, n_components, covariance_type),
        **settings,
    }
    ours = GaussianMixture(**settings).fit(X)
    theirs = mixture.GaussianMixture(**settings).fit(X)
    return ours, theirs


# --- hand-computed cases -------------------------------------------------------------


def test_one_component_is_the_sample_mean_and_variance():
    X = np.array([[1.0], [2.0], [4.0], [7.0]])
    model = GaussianMixture(reg_covar=0.0).fit(X)
    np.testing.assert_allclose(model.weights_, [1.0])
    np.testing.assert_allclose(model.means_, [[3.5]])
    np.testing.assert_allclose(
        model.covariances_, [[[5.25]]]
    )  # (6.25+2.25+.25+12.25)/4
    expected = stats.norm(3.5, np.sqrt(5.25)).logpdf(X[:, 0])
    np.testing.assert_allclose(model.score_samples(X), expected)
    assert model.score(X) == pytest.approx(expected.mean())
    np.testing.assert_allclose(model.predict_proba(X), np.ones((4, 1)))


def test_parameters_count_by_hand():
    # 3 components in 2-D: 6 means, 2 free weights, and the covariances.
    assert n_parameters(3, 2, "full") == 6 + 2 + 3 * 3
    assert n_parameters(3, 2, "tied") == 6 + 2 + 3
    assert n_parameters(3, 2, "diag") == 6 + 2 + 3 * 2
    assert n_parameters(3, 2, "spherical") == 6 + 2 + 3


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_log_density_equals_scipy(covariance_type):
    rng = np.random.default_rng(2)
    n_components, n_features = 3, 4
    X = rng.normal(size=(50, n_features))
    means = rng.normal(size=(n_components, n_features))
    matrices = []
    for _ in range(n_components):
        A = rng.normal(size=(n_features, n_features))
        matrices.append(A @ A.T + 0.5 * np.eye(n_features))
    covariances = {
        "full": np.array(matrices),
        "tied": matrices[0],
        "diag": rng.uniform(0.2, 2.0, size=(n_components, n_features)),
        "spherical": rng.uniform(0.2, 2.0, size=n_components),
    }[covariance_type]
    full = {
        "full": lambda k: covariances[k],
        "tied": lambda k: covariances,
        "diag": lambda k: np.diag(covariances[k]),
        "spherical": lambda k: covariances[k] * np.eye(n_features),
    }[covariance_type]
    expected = np.column_stack(
        [
            stats.multivariate_normal(means[k], full(k)).logpdf(X)
            for k in range(n_components)
        ]
    )
    factors = precision_cholesky(covariances, covariance_type)
    np.testing.assert_allclose(
        log_gaussian_density(X, means, factors, covariance_type), expected, rtol=1e-10
    )


# --- against scikit-learn, from the same initial parameters --------------------------


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("data", list(DATA))
def test_same_path_and_parameters_as_scikit_learn(data, covariance_type):
    X, n_components = DATA[data]
    ours, theirs = fit_both(X, n_components, covariance_type)
    assert ours.n_iter_ == theirs.n_iter_ > 3
    assert ours.converged_ == theirs.converged_
    np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, **TIGHT)
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-8)
    for name in ("weights_", "means_", "covariances_", "precisions_"):
        np.testing.assert_allclose(
            getattr(ours, name), getattr(theirs, name), **TIGHT, err_msg=name
        )
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), **TIGHT)
    np.testing.assert_allclose(ours.score_samples(X), theirs.score_samples(X), **TIGHT)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.aic(X) == pytest.approx(theirs.aic(X), rel=1e-8)
    assert ours.bic(X) == pytest.approx(theirs.bic(X), rel=1e-8)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_a_path_cut_short_is_the_same_too(covariance_type):
    X, n_components = DATA["three-blobs"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # neither converges in 4 rounds
        ours, theirs = fit_both(X, n_components, covariance_type, max_iter=4)
    assert not ours.converged_ and not theirs.converged_
    np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, **TIGHT)
    np.testing.assert_allclose(ours.covariances_, theirs.covariances_, **TIGHT)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_aic_and_bic_equal_scikit_learn_on_new_data(covariance_type):
    X, n_components = DATA["three-blobs"]
    ours, theirs = fit_both(X, n_components, covariance_type)
    X_new = three_blobs(n_per_blob=30, seed=5)
    assert ours.aic(X_new) == pytest.approx(theirs.aic(X_new), rel=1e-8)
    assert ours.bic(X_new) == pytest.approx(theirs.bic(X_new), rel=1e-8)
    assert ours._n_parameters() == theirs._n_parameters()


def test_default_kmeans_start_finds_the_same_mixture_as_scikit_learn():
    """Different random starts, but well-separated blobs: both find the same
    clusters, and the same optimum to within the stopping tolerance."""
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(loc, 0.5, size=(60, 2)) for loc in (-4, 0, 4)])
    ours = GaussianMixture(3, random_state=0).fit(X)
    theirs = mixture.GaussianMixture(3, random_state=0).fit(X)
    order = np.argsort(ours.means_[:, 0])
    theirs_order = np.argsort(theirs.means_[:, 0])
    np.testing.assert_allclose(
        ours.means_[order], theirs.means_[theirs_order], atol=1e-3
    )
    assert ours.score(X) == pytest.approx(theirs.score(X), abs=1e-4)
    relabel = np.empty(3, dtype=int)
    relabel[order] = theirs_order
    np.testing.assert_array_equal(relabel[ours.predict(X)], theirs.predict(X))


# --- EM itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "init_params", ["kmeans", "k-means++", "random", "random_from_data"]
)
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_em_never_lowers_the_likelihood(covariance_type, init_params):
    X = three_blobs()
    model = GaussianMixture(
        4,
        covariance_type=covariance_type,
        init_params=init_params,
        tol=1e-8,
        max_iter=300,
        random_state=0,
    ).fit(X)
    steps = np.diff(model.lower_bounds_)
    assert np.all(steps > -1e-10), steps.min()
    assert model.lower_bound_ == pytest.approx(model.score(X), abs=1e-6)


def test_n_init_keeps_the_best_start():
    X = three_blobs()
    settings = {"init_params": "random", "random_state": 0, "max_iter": 200}
    first = GaussianMixture(3, n_init=1, **settings).fit(X)
    best = GaussianMixture(3, n_init=6, **settings).fit(X)
    # The first of the six starts is the single start (the same random draws).
    assert best.lower_bound_ >= first.lower_bound_
    bounds = []
    rng = np.random.default_rng(0)
    for _ in range(6):
        run = GaussianMixture(3, **{**settings, "random_state": rng}).fit(X)
        bounds.append(run.lower_bound_)
    assert best.lower_bound_ == pytest.approx(max(bounds), abs=1e-12)


def test_far_points_get_finite_responsibilities():
    """Log space: 1,000 standard deviations from every component, each density is
    exp(-500,000), 0 in floating point, and Bayes' rule done naively is 0 / 0."""
    rng = np.random.default_rng(4)
    X = np.vstack([rng.normal(-3, 1, size=(50, 2)), rng.normal(3, 1, size=(50, 2))])
    model = GaussianMixture(2, random_state=0).fit(X)
    far = np.array([[1000.0, 1000.0], [-1000.0, 2.0], [0.0, -1e4]])
    proba = model.predict_proba(far)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all(np.isfinite(model.score_samples(far)))
    # The naive computation underflows: the test could fail.
    density = np.exp(
        log_gaussian_density(far, model.means_, model.precisions_cholesky_, "full")
    )
    assert np.all(density == 0.0)
    with np.errstate(invalid="ignore"):
        naive = density * model.weights_ / (density @ model.weights_)[:, np.newaxis]
    assert np.all(np.isnan(naive))
    # And they are right: Bayes' rule on scipy's log-densities.
    log_weighted = np.log(model.weights_) + np.column_stack(
        [
            stats.multivariate_normal(mean, covariance).logpdf(far)
            for mean, covariance in zip(model.means_, model.covariances_, strict=True)
        ]
    )
    expected = np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))
    np.testing.assert_allclose(proba, expected, rtol=1e-6, atol=1e-12)


def test_bic_picks_the_number_of_components_of_the_data():
    X = three_blobs()
    scores = {
        k: GaussianMixture(k, random_state=0, n_init=2).fit(X).bic(X)
        for k in range(1, 7)
    }
    assert min(scores, key=scores.get) == 3
    theirs = {
        k: mixture.GaussianMixture(k, random_state=0, n_init=2).fit(X).bic(X)
        for k in range(1, 7)
    }
    assert min(theirs, key=theirs.get) == 3


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_samples_follow_the_mixture(covariance_type):
    X = three_blobs()
    model = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
    X_new, y_new = model.sample(20_000)
    assert X_new.shape == (20_000, 3)
    np.testing.assert_array_equal(np.sort(y_new), y_new)  # grouped by component
    np.testing.assert_allclose(
        np.bincount(y_new, minlength=3) / 20_000, model.weights_, atol=0.015
    )
    for k in range(3):
        members = X_new[y_new == k]
        np.testing.assert_allclose(members.mean(axis=0), model.means_[k], atol=0.1)
    if covariance_type == "full":
        np.testing.assert_allclose(
            np.cov(X_new[y_new == 0].T), model.covariances_[0], rtol=0.1, atol=0.1
        )
    again = model.sample(20_000)
    np.testing.assert_array_equal(again[0], X_new)  # seeded by random_state


def test_fit_predict_is_predict_after_fit():
    X = three_blobs()
    model = GaussianMixture(3, random_state=1)
    np.testing.assert_array_equal(model.fit_predict(X), model.predict(X))


def test_kmeans_start_helpers():
    X = three_blobs()
    rng = np.random.default_rng(0)
    seeds = kmeans_plus_plus(X, 5, rng)
    assert len(set(seeds.tolist())) == 5
    labels = kmeans_labels(X, 3, np.random.default_rng(0))
    assert set(labels.tolist()) == {0, 1, 2}
    # A Lloyd fixed point: every sample is nearest its own cluster's mean.
    centres = np.array([X[labels == k].mean(axis=0) for k in range(3)])
    nearest = np.argmin(((X[:, np.newaxis] - centres) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(nearest, labels)


# --- edge cases and clear errors ---------------------------------------------------


def test_a_single_sample_is_refused_clearly():
    with pytest.raises(ValueError, match="at least 2 samples"):
        GaussianMixture().fit([[1.0, 2.0]])


def test_more_components_than_samples_is_refused_clearly():
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match="n_components=5 is more than the 4 samples"):
        GaussianMixture(5).fit(X)


def test_collapsed_components_say_what_to_do():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 5, axis=0)
    with pytest.raises(ValueError, match=r"ill-defined covariance.*reg_covar"):
        GaussianMixture(2, reg_covar=0.0, random_state=0).fit(X)
    GaussianMixture(2, random_state=0).fit(X)  # reg_covar keeps it invertible


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"weights_init": [0.5, 0.6]}, "sum to 1"),
        ({"weights_init": [1.0]}, r"weights_init must have shape \(2,\)"),
        ({"means_init": [[0.0, 0.0]]}, r"means_init must have shape \(2, 2\)"),
        ({"means_init": [[0.0, np.nan], [1.0, 1.0]]}, "NaN"),
        ({"precisions_init": np.ones((2, 2))}, r"shape \(2, 2, 2\)"),
        ({"precisions_init": -np.stack([np.eye(2)] * 2)}, "positive-definite"),
        (
            {"covariance_type": "diag", "precisions_init": [[1.0, 0.0], [1.0, 1.0]]},
            "must be positive",
        ),
        ({"means_init": [["a", "b"], ["c", "d"]]}, "must hold numbers"),
    ],
)
def test_bad_initial_parameters_are_named(settings, message):
    X = three_blobs()[:, :2]
    with pytest.raises(ValueError, match=message):
        GaussianMixture(2, **settings).fit(X)


def test_given_parameters_are_not_changed():
    X = three_blobs()
    start = initial_parameters(X, 3, "full")
    copies = {name: value.copy() for name, value in start.items()}
    GaussianMixture(3, **start).fit(X)
    for name, value in start.items():
        np.testing.assert_array_equal(value, copies[name])


def test_not_converging_warns():
    X = three_blobs()
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        GaussianMixture(3, max_iter=2, tol=0.0, random_state=0).fit(X)


def test_sample_before_fit_and_bad_counts():
    with pytest.raises(NotFittedError):
        GaussianMixture().sample(3)
    model = GaussianMixture(random_state=0).fit(three_blobs())
    with pytest.raises(ValueError, match="at least 1"):
        model.sample(0)
    with pytest.raises(TypeError, match="an int"):
        model.sample(2.5)
