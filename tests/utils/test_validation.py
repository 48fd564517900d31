"""The declared hyperparameter constraints: what each accepts, how it reads, and
which error ``check_value`` and ``check_params`` raise."""

import re
from typing import ClassVar

import numpy as np
import pytest

from scratchlearn.base import BaseEstimator
from scratchlearn.supervised import KNeighborsClassifier
from scratchlearn.utils.validation import (
    CHECKED_IN_FIT,
    RANDOM_STATE,
    HasMethods,
    Instance,
    Interval,
    Options,
    RealNotInt,
    check_clustering_data,
    check_params,
    check_random_state,
    check_value,
    check_X_y,
)

CASES = [
    (
        Interval(float, 0, None, closed="neither"),
        [1e-9, 1, 2.5, np.float32(3.0), np.int64(4)],
        [0, 0.0, -1.0, np.nan, np.inf, True, "1"],
    ),
    (
        Interval(int, 1, None, closed="left"),
        [1, 5, np.int64(7), 2**100],
        [0, -3, 1.0, 2.5, True, np.nan],
    ),
    (
        Interval(RealNotInt, 0, 1, closed="right"),
        [0.5, 1.0, np.float32(0.25)],
        [1, 0.0, 1.5, np.nan, False],
    ),
    (Interval(float, 0, 1, closed="both"), [0, 0.0, 1, 1.0], [-0.1, 1.1]),
    (Interval(float, None, None, closed="neither"), [-1e300, 0, 7.5], [np.inf]),
    (Options("gini", "entropy"), ["gini", "entropy"], ["Gini", 0, None]),
    (Options(-1), [-1, np.int64(-1)], [-1.0, 1, True]),
    (Instance(bool), [True, False, np.True_], [0, 1, "yes", None]),
    (Instance((list, tuple)), [[], (1, 2)], ["ab", {"a": 1}, np.zeros(2)]),
    (HasMethods("fit", "get_params"), [KNeighborsClassifier()], [None, "knn", [1]]),
    (CHECKED_IN_FIT, [None, "anything", object()], []),
]


@pytest.mark.parametrize(
    ("constraint", "accepted", "rejected"),
    CASES,
    ids=[str(constraint) for constraint, _, _ in CASES],
)
def test_a_constraint_accepts_what_it_says(constraint, accepted, rejected):
    for value in accepted:
        assert constraint.accepts(value), value
    for value in rejected:
        assert not constraint.accepts(value), value


def test_a_constraint_describes_itself_in_words():
    assert str(Interval(float, 0, None, closed="neither")) == "a float in (0, inf)"
    assert str(Interval(int, 1, None, closed="left")) == "an int in [1, inf)"
    assert str(Interval(float, 0, 1, closed="both")) == "a float in [0, 1]"
    assert str(Interval(RealNotInt, 0, 1, closed="right")) == "a float in (0, 1]"
    assert str(Interval(int, None, 5, closed="right")) == "an int in (-inf, 5]"
    assert str(Interval(float, None, None, closed="neither")) == "a finite float"
    assert str(Options("hard", "soft")) == "one of {'hard', 'soft'}"
    assert str(Options(-1)) == "-1"
    assert str(Instance(bool)) == "a bool"
    assert str(Instance(np.random.Generator)) == "a numpy.random.Generator"
    assert str(HasMethods("split")) == "an object with a split method"


def test_check_value_says_name_expectation_and_value():
    with pytest.raises(
        ValueError, match=re.escape("C must be a float in (0, inf); got -1.0.")
    ):
        check_value(-1.0, "C", [Interval(float, 0, None, closed="neither")])
    with pytest.raises(
        TypeError, match=r"C must be a float in .* got 'big' of type str"
    ):
        check_value("big", "C", [Interval(float, 0, None, closed="neither")])
    declared = [None, Options("sqrt"), Interval(int, 1, None, closed="left")]
    with pytest.raises(
        ValueError,
        match=re.escape(
            "max_features must be None, 'sqrt' or an int in [1, inf); got 'all'."
        ),
    ):
        check_value("all", "max_features", declared)
    assert check_value(None, "max_features", declared) is None
    assert check_value(3, "max_features", declared) == 3


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (np.nan, ValueError),  # a float, but not a finite one
        (np.inf, ValueError),
        (-0.5, ValueError),
        (True, TypeError),  # a bool is not a number here
        ("0.5", TypeError),
        (None, TypeError),
    ],
)
def test_type_error_for_the_wrong_type_value_error_for_the_wrong_value(value, error):
    with pytest.raises(error, match="alpha"):
        check_value(value, "alpha", [Interval(float, 0, None, closed="left")])


def test_bare_types_none_and_callable_are_shorthands():
    assert check_value(True, "fit_intercept", [bool]) is True
    assert check_value(len, "scoring", [None, callable]) is len
    with pytest.raises(TypeError, match="scoring must be None or a callable"):
        check_value("accuracy", "scoring", [None, callable])
    with pytest.raises(TypeError, match="not a constraint"):
        check_value(1, "x", ["an int"])


def test_random_state_shorthand():
    rng = np.random.default_rng(0)
    for value in (None, 0, np.int64(3), rng):
        check_value(value, "random_state", RANDOM_STATE)
    assert check_random_state(rng) is rng
    assert isinstance(check_random_state(7), np.random.Generator)
    with pytest.raises(TypeError, match="random_state"):
        check_random_state("seed")
    with pytest.raises(ValueError, match=r"random_state .*int in \[0, inf\)"):
        check_random_state(-1)


class _Toy(BaseEstimator):
    _parameter_constraints: ClassVar[dict] = {
        "C": [Interval(float, 0, None, closed="neither")],
        "kernel": [Options("linear", "rbf")],
    }

    def __init__(self, C=1.0, kernel="rbf"):
        self.C = C
        self.kernel = kernel


def test_check_params_checks_every_declared_hyperparameter():
    check_params(_Toy())
    check_params(_Toy(C=3, kernel="linear"))
    with pytest.raises(ValueError, match="C must be"):
        _Toy(C=0)._validate_params()
    with pytest.raises(ValueError, match="kernel must be one of"):
        check_params(_Toy(kernel="sigmoid"))


def test_check_params_insists_on_exact_declarations():
    class Undeclared(BaseEstimator):
        def __init__(self, C=1.0):
            self.C = C

    class Incomplete(_Toy):
        def __init__(self, C=1.0, kernel="rbf", tol=1e-3):
            super().__init__(C, kernel)
            self.tol = tol

    with pytest.raises(TypeError, match="declares no _parameter_constraints"):
        check_params(Undeclared())
    with pytest.raises(TypeError, match=r"misses \['tol'\]"):
        check_params(Incomplete())


def test_check_X_y_for_a_classifier_keeps_labels_and_refuses_a_continuous_target():
    X = np.zeros((4, 2))
    _, y = check_X_y(X, ["b", "a", "b", "a"], classifier=True)
    assert y.tolist() == ["b", "a", "b", "a"]  # strings kept as they are
    _, y = check_X_y(X, [0.0, 1.0, 2.0, 1.0], classifier=True)  # whole numbers
    assert y.tolist() == [0.0, 1.0, 2.0, 1.0]
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        check_X_y(X, [0.1, 0.5, 0.2, 0.9], classifier=True)
    # Without classifier=True a real-valued target is a regression target.
    assert check_X_y(X, [0.1, 0.5, 0.2, 0.9])[1].dtype == np.float64


def test_check_clustering_data_needs_a_sample_per_cluster():
    X = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(check_clustering_data(X, 3, "k-means"), X)
    with pytest.raises(ValueError, match=r"n_clusters=4 .* 3 sample\(s\) .* k-medoids"):
        check_clustering_data(X, 4, "k-medoids")
