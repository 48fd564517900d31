"""PolynomialFeatures and StandardScaler (Chapter 2): toys by hand and scikit-learn."""

import numpy as np
import pytest
from sklearn import preprocessing as sk_preprocessing

from scratchlearn.preprocessing import PolynomialFeatures, StandardScaler

# PolynomialFeatures ----------------------------------------------------------------


def test_polynomial_features_of_one_sample_by_hand():
    X = np.array([[2.0, 3.0]])  # a = 2, b = 3
    # a, b, a², ab, b²
    np.testing.assert_array_equal(
        PolynomialFeatures(2).fit_transform(X), [[2.0, 3.0, 4.0, 6.0, 9.0]]
    )
    # 1, a, b, a², ab, b², a³, a²b, ab², b³
    np.testing.assert_array_equal(
        PolynomialFeatures(3, include_bias=True).fit_transform(X),
        [[1.0, 2.0, 3.0, 4.0, 6.0, 9.0, 8.0, 12.0, 18.0, 27.0]],
    )


def test_default_has_no_bias_column_unlike_scikit_learn():
    X = np.array([[2.0], [5.0]])
    assert PolynomialFeatures().include_bias is False
    np.testing.assert_array_equal(
        PolynomialFeatures().fit_transform(X), [[2.0, 4.0], [5.0, 25.0]]
    )
    assert sk_preprocessing.PolynomialFeatures().fit_transform(X).shape[1] == 3


@pytest.mark.parametrize("include_bias", [True, False])
@pytest.mark.parametrize("n_features", [1, 2, 3])
@pytest.mark.parametrize("degree", [1, 2, 3, 4])
def test_polynomial_features_equal_scikit_learn(degree, n_features, include_bias):
    rng = np.random.default_rng(degree * 100 + n_features)
    X_train = rng.normal(size=(20, n_features))
    X_test = rng.normal(size=(7, n_features))
    ours = PolynomialFeatures(degree, include_bias=include_bias).fit(X_train)
    reference = sk_preprocessing.PolynomialFeatures(
        degree, include_bias=include_bias
    ).fit(X_train)
    # Same columns in the same order; rtol allows for the order of multiplications.
    np.testing.assert_allclose(
        ours.transform(X_test), reference.transform(X_test), rtol=1e-12, atol=0
    )
    np.testing.assert_array_equal(ours.powers_, reference.powers_)
    assert ours.n_output_features_ == reference.n_output_features_
    np.testing.assert_array_equal(
        ours.get_feature_names_out(), reference.get_feature_names_out()
    )
    names = ["age", "bmi", "bp"][:n_features]
    np.testing.assert_array_equal(
        ours.get_feature_names_out(names), reference.get_feature_names_out(names)
    )


def test_degree_zero_with_bias_is_a_column_of_ones():
    X = np.arange(6.0).reshape(3, 2)
    out = PolynomialFeatures(0, include_bias=True).fit_transform(X)
    np.testing.assert_array_equal(out, np.ones((3, 1)))
    reference = sk_preprocessing.PolynomialFeatures(0).fit_transform(X)
    np.testing.assert_array_equal(out, reference)


def test_transform_uses_what_fit_learned():
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    features = PolynomialFeatures(2).fit(X)
    before = features.transform(X)
    features.set_params(degree=4)  # changes nothing until the next fit
    np.testing.assert_array_equal(features.transform(X), before)
    assert features.fit(X).transform(X).shape[1] == 14


def test_feature_names_need_one_name_per_input_feature():
    features = PolynomialFeatures(2).fit(np.ones((2, 2)))
    with pytest.raises(ValueError, match="input_features has 3 names"):
        features.get_feature_names_out(["a", "b", "c"])


# StandardScaler --------------------------------------------------------------------


def test_standard_scaler_by_hand():
    X = np.array([[1.0, 10.0], [3.0, 10.0]])
    scaler = StandardScaler().fit(X)
    np.testing.assert_array_equal(scaler.mean_, [2.0, 10.0])
    np.testing.assert_array_equal(scaler.scale_, [1.0, 1.0])  # std 1, and constant
    np.testing.assert_array_equal(scaler.transform(X), [[-1.0, 0.0], [1.0, 0.0]])


def test_standard_scaler_equals_scikit_learn():
    rng = np.random.default_rng(0)
    scales = np.array([1e-3, 1.0, 50.0, 1e4])
    offsets = np.array([5.0, -2.0, 0.0, 1e5])
    X_train = rng.normal(size=(100, 4)) * scales + offsets
    X_test = rng.normal(size=(30, 4)) * scales + offsets
    ours = StandardScaler().fit(X_train)
    reference = sk_preprocessing.StandardScaler().fit(X_train)
    np.testing.assert_allclose(ours.mean_, reference.mean_, rtol=1e-12)
    np.testing.assert_allclose(ours.var_, reference.var_, rtol=1e-10)
    np.testing.assert_allclose(ours.scale_, reference.scale_, rtol=1e-10)
    np.testing.assert_allclose(
        ours.transform(X_test), reference.transform(X_test), rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(
        ours.fit_transform(X_train), reference.transform(X_train), atol=1e-9
    )


@pytest.mark.parametrize("value", [0.0, 0.1, 1e5 + 0.1])
def test_a_constant_feature_gets_scale_one_like_scikit_learn(value):
    # 0.1 and 1e5 + 0.1 are not exact in binary: their computed variance may be a
    # rounding error above 0, which must still count as constant.
    rng = np.random.default_rng(1)
    X = np.column_stack([np.full(50, value), rng.normal(size=50)])
    ours = StandardScaler().fit(X)
    reference = sk_preprocessing.StandardScaler().fit(X)
    assert ours.scale_[0] == 1.0
    np.testing.assert_allclose(ours.scale_, reference.scale_, rtol=1e-12)
    np.testing.assert_allclose(ours.transform(X), reference.transform(X), atol=1e-12)
    assert np.all(np.isfinite(ours.transform(X)))


def test_inverse_transform_undoes_transform():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(10, 3)) * [1.0, 10.0, 100.0]
    scaler = StandardScaler().fit(X)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X)), X)


def test_transformers_ignore_y_but_check_its_length():
    X = np.arange(8.0).reshape(4, 2)
    for transformer in (StandardScaler(), PolynomialFeatures()):
        with_y = transformer.fit(X, np.arange(4)).transform(X)
        np.testing.assert_array_equal(with_y, transformer.fit(X).transform(X))
        with pytest.raises(ValueError, match="different numbers of samples"):
            transformer.fit(X, np.arange(3))
