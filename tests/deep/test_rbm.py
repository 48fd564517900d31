"""BernoulliRBM (Chapter 31): the free energy, the conditionals and the
pseudo-likelihood against brute-force sums over every state of a tiny machine;
free energy, transform, score_samples, one PCD update and one Gibbs step equal to
scikit-learn's BernoulliRBM given the same weights (and the same random numbers);
the contrastive-divergence gradient by finite differences and against TensorFlow;
trained with the same settings, a pseudo-likelihood within 5% of scikit-learn's and a
logistic regression on the features within 1 point; reconstructions that improve
every epoch; CD-k and PCD both raising the exact likelihood of a toy set; clear
errors for bad input.
"""

import itertools
import os

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import BernoulliRBM as SklearnRBM

from scratchlearn import NotFittedError
from scratchlearn.datasets import digits, split
from scratchlearn.deep import (
    BernoulliRBM,
    contrastive_divergence_gradients,
    free_energy,
    log_partition_function,
    numerical_gradient,
    relative_error,
)
from scratchlearn.numerics import log_sum_exp


@pytest.fixture(scope="module")
def X_digits():
    return digits().X / 16.0  # (1797, 64) in [0, 1]


def machine(n_visible, n_hidden, seed=0, scale=1.0):
    """An RBM with random weights and biases (no training), ready to use."""
    rng = np.random.default_rng(seed)
    rbm = BernoulliRBM(n_hidden, n_iter=0).fit(np.zeros((2, n_visible)))
    rbm.components_ = scale * rng.normal(size=(n_hidden, n_visible))
    rbm.intercept_hidden_ = scale * rng.normal(size=n_hidden)
    rbm.intercept_visible_ = scale * rng.normal(size=n_visible)
    return rbm


def all_states(n_units):
    """Every binary vector of length ``n_units``, one per row (2**n_units rows)."""
    return np.array(list(itertools.product([0.0, 1.0], repeat=n_units)))


def energy(V, H, rbm):
    """E(v, h) = -b.v - c.h - h W v for every pair of rows, (n_v, n_h)."""
    W, c, b = rbm.components_, rbm.intercept_hidden_, rbm.intercept_visible_
    return -(V @ b)[:, None] - (H @ c)[None, :] - V @ W.T @ H.T


def exact_log_probabilities(rbm):
    """log p(v) of every visible state, by summing exp(-E) over every joint state."""
    V = all_states(rbm.components_.shape[1])
    H = all_states(rbm.components_.shape[0])
    log_unnormalised = log_sum_exp(-energy(V, H, rbm), axis=1)  # (2**n_visible,)
    return V, log_unnormalised - log_sum_exp(log_unnormalised)


def same_weights(ours):
    """scikit-learn's BernoulliRBM holding our weights and biases."""
    theirs = SklearnRBM(ours.n_components)
    theirs.components_ = ours.components_.copy()
    theirs.intercept_hidden_ = ours.intercept_hidden_.copy()
    theirs.intercept_visible_ = ours.intercept_visible_.copy()
    theirs.n_features_in_ = ours.n_features_in_
    return theirs


class SharedUniforms:
    """One stream of uniform numbers served to both libraries: scikit-learn asks
    ``rng.uniform(size=shape)``, scratchlearn ``rng.random(shape)``."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def uniform(self, size):
        return self.rng.random(size)

    def random(self, shape):
        return self.rng.random(shape)


# --- by hand and by brute force -------------------------------------------------


def test_free_energy_of_a_one_by_one_machine_by_hand():
    # F(v) = -b v - log(1 + exp(w v + c)) with w = 2, c = -1, b = 0.5.
    W, c, b = np.array([[2.0]]), np.array([-1.0]), np.array([0.5])
    V = np.array([[0.0], [1.0]])
    expected = [-np.log(1 + np.exp(-1.0)), -0.5 - np.log(1 + np.exp(1.0))]
    np.testing.assert_allclose(free_energy(V, W, c, b), expected, rtol=1e-12)


def test_free_energy_sums_the_hidden_states_out():
    rbm = machine(4, 3)
    V, H = all_states(4), all_states(3)
    by_sum = -log_sum_exp(-energy(V, H, rbm), axis=1)
    np.testing.assert_allclose(rbm.free_energy(V), by_sum, rtol=1e-12)


def test_free_energy_does_not_overflow_for_large_weights():
    rbm = machine(4, 3, scale=500.0)
    assert np.all(np.isfinite(rbm.free_energy(all_states(4))))


def test_transform_is_the_conditional_of_the_joint_distribution():
    rbm = machine(4, 3, seed=1)
    V, H = all_states(4), all_states(3)
    joint = np.exp(-energy(V, H, rbm))  # (16, 8), unnormalised p(v, h)
    p_h_given_v = joint / joint.sum(axis=1, keepdims=True)
    expected = p_h_given_v @ H  # P(h_j = 1 | v) = sum_h p(h | v) h_j
    np.testing.assert_allclose(rbm.transform(V), expected, rtol=1e-10)


def test_reconstruct_is_the_visible_conditional_of_the_mean_hiddens():
    rbm = machine(4, 3, seed=2)
    V, H = all_states(4), all_states(3)
    joint = np.exp(-energy(V, H, rbm))  # (16, 8)
    p_v_given_h = joint / joint.sum(axis=0, keepdims=True)  # columns: p(v | h)
    # On a binary hidden state the mean field is exact: check it there.
    by_formula = rbm._mean_visibles(H)  # (8, 4)
    np.testing.assert_allclose(by_formula, (V.T @ p_v_given_h).T, rtol=1e-10)
    means = rbm.transform(V)
    np.testing.assert_allclose(rbm.reconstruct(V), rbm._mean_visibles(means))


def test_log_partition_function_sums_every_joint_state():
    rbm = machine(5, 3, seed=8)
    V, H = all_states(5), all_states(3)
    expected = log_sum_exp(-energy(V, H, rbm).ravel())
    params = rbm.components_, rbm.intercept_hidden_, rbm.intercept_visible_
    assert log_partition_function(*params) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="too many"):
        log_partition_function(np.zeros((2, 21)), np.zeros(2), np.zeros(21))


def test_pseudo_likelihood_is_the_sum_of_exact_conditionals():
    rbm = machine(5, 3, seed=3)
    V, log_p = exact_log_probabilities(rbm)
    index = {tuple(v): i for i, v in enumerate(V)}
    expected = np.zeros(len(V))
    for row, v in enumerate(V):
        for bit in range(5):
            flipped = v.copy()
            flipped[bit] = 1 - flipped[bit]
            # p(v_i | v_-i) = p(v) / (p(v) + p(v with bit i flipped))
            other = log_p[index[tuple(flipped)]]
            expected[row] += log_p[row] - np.logaddexp(log_p[row], other)
    np.testing.assert_allclose(rbm.pseudo_likelihood(V), expected, rtol=1e-10)


def test_score_samples_flips_the_given_bit():
    rbm = machine(5, 3, seed=4)
    V, log_p = exact_log_probabilities(rbm)
    flipped = np.arange(len(V)) % 5
    index = {tuple(v): i for i, v in enumerate(V)}
    other = np.array(
        [
            log_p[index[tuple(np.where(np.arange(5) == bit, 1 - v, v))]]
            for v, bit in zip(V, flipped, strict=True)
        ]
    )
    expected = 5 * (log_p - np.logaddexp(log_p, other))
    np.testing.assert_allclose(rbm.score_samples(V, flipped=flipped), expected)


# --- equal to scikit-learn given the same weights ---------------------------------


def test_free_energy_transform_and_score_samples_equal_sklearns(X_digits):
    ours = machine(64, 20, seed=5, scale=0.3)
    theirs = same_weights(ours)
    theirs.random_state = 7
    np.testing.assert_allclose(
        ours.free_energy(X_digits), theirs._free_energy(X_digits), rtol=1e-12
    )
    np.testing.assert_allclose(
        ours.transform(X_digits), theirs.transform(X_digits), rtol=1e-12
    )
    # scikit-learn flips, in each row, the bit a RandomState(random_state) draws.
    flipped = np.random.RandomState(7).randint(0, 64, len(X_digits))
    np.testing.assert_allclose(
        ours.score_samples(X_digits, flipped=flipped),
        theirs.score_samples(X_digits),
        rtol=1e-12,
    )


def test_persistent_updates_equal_sklearns_given_the_same_random_numbers(X_digits):
    ours = machine(64, 16, seed=6, scale=0.1).set_params(learning_rate=0.05)
    ours.h_samples_ = np.zeros((10, 16))
    theirs = same_weights(ours).set_params(learning_rate=0.05, batch_size=10)
    theirs.h_samples_ = ours.h_samples_.copy()
    ours._rng, theirs.random_state_ = SharedUniforms(0), SharedUniforms(0)
    for start in range(0, 50, 10):
        ours.partial_fit(X_digits[start : start + 10])
        theirs.partial_fit(X_digits[start : start + 10])
    for name in ("components_", "intercept_hidden_", "intercept_visible_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name))
    np.testing.assert_array_equal(ours.h_samples_, theirs.h_samples_)


def test_gibbs_step_equals_sklearns_given_the_same_random_numbers(X_digits):
    ours = machine(64, 16, seed=7, scale=0.3)
    theirs = same_weights(ours)
    ours._rng, theirs.random_state_ = SharedUniforms(1), SharedUniforms(1)
    V = ours.gibbs(X_digits[:30])
    np.testing.assert_array_equal(V, theirs.gibbs(X_digits[:30]))
    assert set(np.unique(V)) <= {0.0, 1.0}


# --- the gradient -------------------------------------------------------------------


def cd_objective_and_gradients(seed=0):
    """Mean free energy of the data minus that of fixed model samples, and the CD
    statistics for the same machine and samples."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(3, 5))
    c, b = rng.normal(size=3), rng.normal(size=5)
    V_data = rng.random((6, 5))
    V_model = (rng.random((4, 5)) < 0.5).astype(float)

    def objective():
        return (
            free_energy(V_data, W, c, b).mean() - free_energy(V_model, W, c, b).mean()
        )

    H_data = 1 / (1 + np.exp(-(V_data @ W.T + c)))
    H_model = 1 / (1 + np.exp(-(V_model @ W.T + c)))
    gradients = contrastive_divergence_gradients(V_data, H_data, V_model, H_model)
    return objective, (W, c, b), (V_data, V_model), gradients


def test_cd_gradient_is_minus_the_free_energy_gap_gradient_by_finite_differences():
    objective, params, _, gradients = cd_objective_and_gradients()
    for param, gradient in zip(params, gradients, strict=True):
        numeric = numerical_gradient(objective, param)
        assert relative_error(gradient, -numeric) < 1e-8


def test_cd_gradient_matches_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    tf = pytest.importorskip("tensorflow")
    _, params, (V_data, V_model), gradients = cd_objective_and_gradients(seed=1)
    W, c, b = (tf.Variable(p) for p in params)

    def tf_free_energy(V):
        hidden = tf.matmul(tf.constant(V), W, transpose_b=True) + c
        return -tf.linalg.matvec(tf.constant(V), b) - tf.reduce_sum(
            tf.math.softplus(hidden), axis=1
        )

    with tf.GradientTape() as tape:
        gap = tf.reduce_mean(tf_free_energy(V_data)) - tf.reduce_mean(
            tf_free_energy(V_model)
        )
    tf_gradients = tape.gradient(gap, [W, c, b])
    for ours, theirs in zip(gradients, tf_gradients, strict=True):
        np.testing.assert_allclose(ours, -theirs.numpy(), rtol=1e-10, atol=1e-12)


# --- training -------------------------------------------------------------------


@pytest.mark.slow  # trains to the chapter's target: left out of make test-fast
@pytest.mark.parametrize("seed", [0, 1])
def test_trained_pseudo_likelihood_within_5_percent_of_sklearns(X_digits, seed):
    settings = {"learning_rate": 0.06, "batch_size": 10, "n_iter": 10}
    ours = BernoulliRBM(100, random_state=seed, **settings).fit(X_digits)
    theirs = SklearnRBM(100, random_state=seed, **settings).fit(X_digits)
    # Summed over every bit, not one random bit: the comparison is not noisy.
    ours_score = ours.pseudo_likelihood(X_digits).mean()
    theirs_score = machine_with(theirs).pseudo_likelihood(X_digits).mean()
    assert abs(ours_score - theirs_score) < 0.05 * abs(theirs_score)
    # Training made a difference: a machine at its initial weights scores worse.
    untrained = BernoulliRBM(100, n_iter=0, random_state=seed).fit(X_digits)
    assert untrained.pseudo_likelihood(X_digits).mean() < ours_score - 5


def machine_with(sklearn_rbm):
    """Our RBM holding a trained scikit-learn machine's weights and biases."""
    n_components, n_features = sklearn_rbm.components_.shape
    ours = BernoulliRBM(n_components, n_iter=0).fit(np.zeros((2, n_features)))
    ours.components_ = sklearn_rbm.components_
    ours.intercept_hidden_ = sklearn_rbm.intercept_hidden_
    ours.intercept_visible_ = sklearn_rbm.intercept_visible_
    return ours


@pytest.mark.slow  # trains to the chapter's target: left out of make test-fast
def test_logistic_regression_on_our_features_within_one_point_of_sklearns(X_digits):
    data = split(X_digits, digits().y, random_state=0)
    scores = {BernoulliRBM: [], SklearnRBM: []}
    for seed in (0, 1, 2):
        for cls in scores:
            rbm = cls(100, learning_rate=0.06, n_iter=10, random_state=seed)
            rbm.fit(data.X_train)
            classifier = LogisticRegression(C=6000, max_iter=2000)
            classifier.fit(rbm.transform(data.X_train), data.y_train)
            scores[cls].append(
                classifier.score(rbm.transform(data.X_test), data.y_test)
            )
    ours, theirs = np.mean(scores[BernoulliRBM]), np.mean(scores[SklearnRBM])
    assert abs(ours - theirs) <= 0.01
    assert ours > 0.9


@pytest.mark.parametrize("seed", [0, 1])
def test_contrastive_divergence_reconstructs_better_every_epoch(X_digits, seed):
    rbm = BernoulliRBM(
        100, learning_rate=0.1, n_iter=8, persistent=False, random_state=seed
    ).fit(X_digits)
    errors = rbm.reconstruction_errors_
    assert errors.shape == (8,)
    assert np.all(np.diff(errors) < 0), errors
    final = np.mean((X_digits - rbm.reconstruct(X_digits)) ** 2)
    np.testing.assert_allclose(errors[-1], final)


def test_persistent_cd_reconstructs_better_over_the_epochs(X_digits):
    rbm = BernoulliRBM(100, learning_rate=0.06, n_iter=10, random_state=0)
    errors = rbm.fit(X_digits).reconstruction_errors_
    assert errors[-1] < 0.7 * errors[0]
    assert np.mean(np.diff(errors) < 0) >= 0.7  # most epochs improve


def toy_patterns():
    """Six-pixel bars: three on the left or three on the right, with rare noise."""
    rng = np.random.default_rng(0)
    base = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], dtype=float)
    X = base[rng.integers(0, 2, 200)]
    noise = rng.random(X.shape) < 0.05
    return np.where(noise, 1 - X, X)


def mean_exact_log_likelihood(rbm, X):
    V, log_p = exact_log_probabilities(rbm)
    index = {tuple(v): i for i, v in enumerate(V)}
    return np.mean([log_p[index[tuple(x)]] for x in X])


@pytest.mark.parametrize(
    ("k", "persistent"), [(1, False), (5, False), (1, True)], ids=str
)
def test_cd_k_and_pcd_raise_the_exact_likelihood(k, persistent):
    X = toy_patterns()
    settings = {"learning_rate": 0.1, "batch_size": 20, "random_state": 0}
    start = BernoulliRBM(4, n_iter=0, **settings).fit(X)
    rbm = BernoulliRBM(4, n_iter=30, k=k, persistent=persistent, **settings).fit(X)
    before = mean_exact_log_likelihood(start, X)
    after = mean_exact_log_likelihood(rbm, X)
    # From uniform (6 log 2 = 4.16 nats per sample) to near the data's own entropy
    # (log 2 + 6 H(0.05) = 1.89 nats): the two bars are learned.
    assert before == pytest.approx(-6 * np.log(2), abs=0.01)
    assert after > before + 1.5


def test_chains_persist_only_with_pcd():
    X = toy_patterns()
    pcd = BernoulliRBM(4, batch_size=7, n_iter=1).fit(X)
    assert pcd.h_samples_.shape == (7, 4)  # batch_size chains
    cd = BernoulliRBM(4, batch_size=7, n_iter=1, persistent=False).fit(X)
    assert cd.h_samples_.shape[1] == 4 and cd.h_samples_.shape[0] in (6, 7)
    assert set(np.unique(pcd.h_samples_)) <= {0.0, 1.0}


def test_k_steps_draw_k_times_the_random_numbers():
    X = toy_patterns()[:10]
    counts = {}
    for k in (1, 3):
        rbm = BernoulliRBM(4, n_iter=0, k=k, persistent=False).fit(X)
        uniforms = SharedUniforms(0)
        drawn = []
        uniforms.random = lambda shape, u=uniforms, d=drawn: (
            d.append(shape) or u.rng.random(shape)
        )
        rbm._rng = uniforms
        rbm.partial_fit(X)
        counts[k] = drawn
    # CD: one draw for h0, then (v, h) per step.
    assert counts[1] == [(10, 4), (10, 6), (10, 4)]
    assert counts[3] == [(10, 4)] + [(10, 6), (10, 4)] * 3


def test_partial_fit_initialises_then_continues():
    X = toy_patterns()
    rbm = BernoulliRBM(4, random_state=0).partial_fit(X[:20])
    first = rbm.components_.copy()
    rbm.partial_fit(X[20:40])
    assert rbm.n_features_in_ == 6
    assert not np.allclose(rbm.components_, first)
    with pytest.raises(ValueError, match="X has 5 features"):
        rbm.partial_fit(X[:10, :5])


def test_a_shorter_fit_is_the_start_of_a_longer_one(X_digits):
    # The same seed draws the same numbers in the same order: the machine after
    # 2 epochs of a 5-epoch fit is the machine of a 2-epoch fit (the chapter uses
    # it to show reconstructions epoch by epoch).
    short = BernoulliRBM(20, n_iter=2, random_state=1).fit(X_digits[:300])
    long = BernoulliRBM(20, n_iter=5, random_state=1).fit(X_digits[:300])
    np.testing.assert_array_equal(
        short.reconstruction_errors_, long.reconstruction_errors_[:2]
    )
    assert not np.allclose(short.components_, long.components_)


def test_seeded_fits_are_reproducible_and_seeds_differ():
    X = toy_patterns()
    a = BernoulliRBM(4, random_state=3).fit(X).components_
    b = BernoulliRBM(4, random_state=3).fit(X).components_
    c = BernoulliRBM(4, random_state=4).fit(X).components_
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


# --- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "method",
    ["free_energy", "gibbs", "score_samples", "pseudo_likelihood", "reconstruct"],
)
def test_using_before_fit_raises_not_fitted(method):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(BernoulliRBM(), method)(np.zeros((2, 3)))


@pytest.mark.parametrize(
    "flipped", [np.zeros(3, dtype=int), np.zeros(4), np.zeros((4, 1), dtype=int)]
)
def test_score_samples_rejects_a_wrong_flipped(flipped):
    rbm = machine(5, 2)
    with pytest.raises(ValueError, match="one integer index per sample"):
        rbm.score_samples(np.zeros((4, 5)), flipped=flipped)


def test_methods_reject_nan_and_other_widths():
    rbm = machine(5, 2)
    for method in (rbm.free_energy, rbm.gibbs, rbm.reconstruct, rbm.score_samples):
        with pytest.raises(ValueError, match="NaN or infinity"):
            method(np.full((2, 5), np.nan))
        with pytest.raises(ValueError, match="X has 4 features"):
            method(np.zeros((2, 4)))
