"""scratchlearn.numerics: the same values as SciPy's, and finite where the naive
formulas overflow (logits of +-1000)."""

import numpy as np
import pytest
from scipy import special

from scratchlearn import numerics


@pytest.fixture
def logits():
    return np.random.default_rng(0).normal(scale=5, size=(50, 7))


def test_the_same_values_as_scipy(logits):
    np.testing.assert_allclose(
        numerics.sigmoid(logits), special.expit(logits), rtol=1e-14
    )
    for axis in (0, 1, -1):
        np.testing.assert_allclose(
            numerics.softmax(logits, axis=axis),
            special.softmax(logits, axis=axis),
            rtol=1e-13,
        )
        np.testing.assert_allclose(
            numerics.log_softmax(logits, axis=axis),
            special.log_softmax(logits, axis=axis),
            rtol=1e-13,
            atol=1e-14,
        )
        np.testing.assert_allclose(
            numerics.log_sum_exp(logits, axis=axis),
            special.logsumexp(logits, axis=axis),
            rtol=1e-14,
        )


def test_finite_at_logits_of_a_thousand():
    z = np.array([[-1000.0, 0.0, 1000.0]])
    # No overflow, no 0 / 0, no log(0) anywhere (exp(-1000) may underflow to 0).
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_array_equal(numerics.sigmoid(z), [[0.0, 0.5, 1.0]])
        np.testing.assert_allclose(numerics.softmax(z), [[0.0, 0.0, 1.0]])
        np.testing.assert_allclose(numerics.log_softmax(z), [[-2000.0, -1000.0, 0.0]])
        assert numerics.log_sum_exp(z)[0] == 1000.0
        assert numerics.log_sum_exp(-z)[0] == 1000.0
        np.testing.assert_allclose(
            numerics.log_sum_exp(np.full((1, 3), -1000.0)), [-1000 + np.log(3)]
        )


def test_log_sum_exp_of_all_zero_probabilities_is_minus_infinity():
    a = np.array([[-np.inf, -np.inf], [0.0, -np.inf]])
    np.testing.assert_array_equal(numerics.log_sum_exp(a, axis=1), [-np.inf, 0.0])
    assert numerics.log_sum_exp(a, axis=1, keepdims=True).shape == (2, 1)


def test_softmax_rows_sum_to_one_and_keep_the_order(logits):
    p = numerics.softmax(logits)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(p.argmax(axis=1), logits.argmax(axis=1))


def test_every_estimator_and_layer_uses_these():
    """No second sigmoid, softmax or log-sum-exp anywhere in the library: the
    chapters' modules import these (the same objects)."""
    from scratchlearn.deep import activations, losses
    from scratchlearn.supervised import adaboost, lda, naive_bayes, xgboost

    assert activations.sigmoid is numerics.sigmoid
    assert activations.softmax is numerics.softmax
    assert losses.log_softmax is numerics.log_softmax
    # LDA's posterior comes from naive Bayes's PosteriorMixin (one log-sum-exp).
    assert naive_bayes.log_sum_exp is numerics.log_sum_exp
    assert lda.PosteriorMixin is naive_bayes.PosteriorMixin
    assert xgboost.sigmoid is numerics.sigmoid and xgboost.softmax is numerics.softmax
    assert adaboost.softmax is numerics.softmax
