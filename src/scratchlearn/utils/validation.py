"""Input and hyperparameter validation, in one place.

Every ``fit``/``predict`` makes one call here at its top, so that the algorithm below
stays readable and every estimator reports bad input with the same clear messages
instead of a NumPy broadcasting error ten lines later.

Hyperparameters are not checked by hand: each estimator *declares* what each of its
hyperparameters may be, in a class attribute, and :func:`check_params` checks them
all::

    class SVC(ClassifierMixin, BaseEstimator):
        _parameter_constraints: ClassVar[dict] = {
            "C": [Interval(float, 0, None, closed="neither")],
            "kernel": [Options("linear", "poly", "rbf")],
            "gamma": [
                Options("scale", "auto"),
                Interval(float, 0, None, closed="neither"),
            ],
            ...
        }

A hyperparameter is valid if *any* of its constraints accepts it. The constraints are
:class:`Interval`, :class:`Options`, :class:`Instance` (or just a type, such as
``bool``), :class:`HasMethods`, ``None`` (the value ``None``), ``callable`` (any
function), the shorthand :data:`RANDOM_STATE`, and :data:`CHECKED_IN_FIT` for the
rare hyperparameter whose check needs the data.
"""

import math
import numbers

import numpy as np

from scratchlearn.base import check_is_fitted


def check_array(X, *, name="X", ensure_2d=True, dtype=np.float64):
    """Return ``X`` as a finite, non-empty NumPy array of ``dtype``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    name : str
        How the array is called in error messages.
    ensure_2d : bool
        Require two dimensions (a design matrix); ``False`` requires one (targets).
    dtype : NumPy dtype or None
        Convert to this type; ``None`` keeps the array's own (class labels).

    Raises
    ------
    ValueError
        If the array is None or empty, has the wrong number of dimensions, holds NaN,
        infinity or complex numbers, or cannot be converted to numbers.
    TypeError
        If it is a SciPy sparse matrix, or holds objects that are not numbers (a
        dict). The messages are scikit-learn's, so its checks recognise them.
    """
    if X is None:
        raise ValueError(
            f"{name} is None. This estimator requires {name} to be passed, but the "
            f"target {name} is None."
            if name == "y"
            else f"{name} is None."
        )
    if _is_sparse(X):
        raise TypeError(
            f"Sparse data was passed for {name}, but dense data is required: "
            "scratchlearn works on NumPy arrays. Use .toarray() to convert to a dense "
            "NumPy array."
        )
    try:
        array = np.asarray(X)
        if np.iscomplexobj(array):
            raise ValueError(
                f"Complex data not supported: {name} holds complex numbers."
            )
        array = array if dtype is None else array.astype(dtype, copy=False)
    except ValueError as error:
        if "complex" in str(error):
            raise
        raise ValueError(f"{name} could not be converted to numbers: {error}") from None
    except TypeError as error:
        # A dict or another object where a number should be: a TypeError, whose
        # message ("float() argument must be a string or a real number") says so.
        raise TypeError(f"{name} could not be converted to numbers: {error}") from None
    if array.dtype == object and dtype is not None:
        raise ValueError(f"{name} holds Python objects; pass a numeric array.")
    if ensure_2d and array.ndim != 2:
        if array.ndim == 1:
            raise ValueError(
                f"{name} must be 2-D, of shape (n_samples, n_features), but it is 1-D "
                f"with shape {array.shape}. Reshape your data: {name}.reshape(-1, 1) "
                f"if it holds one feature, or {name}.reshape(1, -1) if it holds one "
                "sample."
            )
        raise ValueError(
            f"{name} must be 2-D, of shape (n_samples, n_features), but it has "
            f"{array.ndim} dimensions (shape {array.shape})."
        )
    if not ensure_2d and array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D, of shape (n_samples,), but it has shape "
            f"{array.shape}. Use {name}.ravel() if it is a column."
        )
    if array.shape[0] == 0:
        raise ValueError(
            f"{name} is empty: it has 0 sample(s) (shape={array.shape}) while a "
            "minimum of 1 is required."
        )
    if array.ndim == 2 and array.shape[1] == 0:
        raise ValueError(
            f"{name} has 0 feature(s) (shape={array.shape}) while a minimum of 1 is "
            "required."
        )
    if np.issubdtype(array.dtype, np.number) and not np.all(np.isfinite(array)):
        n_bad = int(np.count_nonzero(~np.isfinite(array)))
        raise ValueError(
            f"{name} contains NaN or infinity ({n_bad} value(s)). Remove or impute "
            "them before fitting or predicting."
        )
    return array


def _is_sparse(X):
    """Is ``X`` a SciPy sparse matrix or array? (Asked without importing SciPy.)"""
    return type(X).__module__.startswith("scipy.sparse")


def check_X_y(X, y, *, y_numeric=True, classifier=False):
    """Validate a training set: ``X`` 2-D, ``y`` 1-D, both of the same length.

    ``y_numeric=False`` keeps the labels' own type (class labels may be strings).
    ``classifier=True`` is what every classifier's ``fit`` asks: ``y`` holds class
    labels, kept in their own type, and a continuous target is refused
    (:func:`check_classification_targets`).
    """
    X = check_array(X, name="X")
    y = check_array(
        y,
        name="y",
        ensure_2d=False,
        dtype=np.float64 if y_numeric and not classifier else None,
    )
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y have different numbers of samples: X has {X.shape[0]}, "
            f"y has {y.shape[0]}."
        )
    if classifier:
        check_classification_targets(y)
    return X, y


def check_clustering_data(X, n_clusters, algorithm):
    """Return ``X`` checked as :func:`check_array` does, with a sample per cluster.

    A clustering into ``n_clusters`` groups needs at least as many samples;
    ``algorithm`` ("k-means", "k-medoids") names the method in the message.
    """
    X = check_array(X)
    if n_clusters > len(X):
        raise ValueError(
            f"n_clusters={n_clusters} is more than the {len(X)} sample(s) of X: "
            f"{algorithm} needs at least one sample per cluster."
        )
    return X


def check_classification_targets(y):
    """Refuse a regression target given to a classifier.

    Class labels may be integers, strings or booleans; real numbers that are not
    whole (``0.37``) are a continuous target, which a classifier would otherwise
    turn into as many classes as there are samples. The message is scikit-learn's.
    """
    if y.dtype == object and not all(isinstance(v, (str, numbers.Integral)) for v in y):
        raise ValueError(
            "Unknown label type: class labels must be integers or strings, y holds "
            f"{sorted({type(v).__name__ for v in y})}."
        )
    if np.issubdtype(y.dtype, np.floating) and np.any(y != np.round(y)):
        raise ValueError(
            "Unknown label type: continuous. A classifier needs discrete class "
            "labels; y holds real numbers (a regression target?)."
        )
    return y


def check_predict_input(estimator, X):
    """Check that ``estimator`` is fitted and ``X`` matches what it was fitted on."""
    check_is_fitted(estimator)
    X = check_array(X, name="X")
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input: it was fitted "
            f"with {estimator.n_features_in_} features."
        )
    return X


def check_scalar(value, name, kind, *, low=None, high=None, low_inclusive=True):
    """Check a numeric hyperparameter's type and range; return it.

    ``kind`` is ``int`` or ``float`` (a float accepts ints too). ``low``/``high`` are
    the bounds; ``high`` is inclusive and ``low`` inclusive unless told otherwise.

    The older, by-hand way: new code declares its constraints instead (see
    :func:`check_params`). Kept for the estimators not yet ported to declarations.
    """
    types = numbers.Integral if kind is int else numbers.Real
    if isinstance(value, bool) or not isinstance(value, types):
        raise TypeError(
            f"{name} must be {'an int' if kind is int else 'a number'}, "
            f"got {value!r} of type {type(value).__name__}."
        )
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        relation = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {relation} {low}, got {value!r}.")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}.")
    return value


def check_option(value, name, options):
    """Check that a string hyperparameter is one of ``options``; return it.

    The older, by-hand way, like :func:`check_scalar`: new code declares
    ``Options(...)`` instead.
    """
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r}.")
    return value


def check_priors(priors, n_classes, name="priors"):
    """Check class probabilities given by the user; return them as a float array.

    ``priors`` must hold ``n_classes`` non-negative numbers (one per class, in the
    order of the sorted class labels) that sum to 1, as scikit-learn requires.
    """
    try:
        array = np.array(priors, dtype=np.float64)  # a copy: never the user's array
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be an array of {n_classes} probabilities, got {priors!r}."
        ) from None
    if array.shape != (n_classes,):
        raise ValueError(
            f"{name} must hold one probability per class ({n_classes} classes), got "
            f"shape {array.shape}."
        )
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name} must be non-negative and finite, got {array}.")
    if not np.isclose(array.sum(), 1.0):
        raise ValueError(f"{name} must sum to 1, got {array.sum():g}.")
    return array


# ---------------------------------------------------------------------------
# Hyperparameter constraints: declared by each estimator, checked here
# ---------------------------------------------------------------------------


class RealNotInt(numbers.Real):
    """The type of a float that is not an int, for ``Interval(RealNotInt, ...)``.

    Where a hyperparameter is a count (an int) *or* a fraction (a float), as
    ``min_samples_split`` is, ``2`` must mean two samples, not 200%: the fraction's
    interval must not accept ints. (``Interval(float, ...)`` does accept them, so that
    ``C=1`` works.) It is scikit-learn's type of the same name.
    """


RealNotInt.register(float)
RealNotInt.register(np.floating)


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


def _article(noun):
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _in_words(items, conjunction="or"):
    """``["a", "b", "c"]`` as ``"a, b or c"``."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


class Constraint:
    """What a hyperparameter may be. Subclasses say which values they ``accepts``
    and describe themselves in words (``str``).

    ``accepts_type`` tells a value of the wrong type (a ``TypeError``) from one of
    the right type but out of range (a ``ValueError``); by default a constraint
    accepts a type exactly when it accepts the value.
    """

    def accepts(self, value):
        raise NotImplementedError

    def accepts_type(self, value):
        return self.accepts(value)

    def __repr__(self):
        return f"<{type(self).__name__}: {self}>"


_INTERVAL_TYPES = {int: numbers.Integral, float: numbers.Real, RealNotInt: RealNotInt}


class Interval(Constraint):
    """Finite numbers of one type between two bounds.

    Parameters
    ----------
    type : int, float or RealNotInt
        ``int``: integers. ``float``: any real number, ints included (``C=1`` is
        fine). ``RealNotInt``: a float that is not an int (a fraction, beside an int
        count). Booleans are never numbers here, and NaN and infinity never pass.
    low, high : number or None
        The bounds; ``None`` leaves that side unbounded.
    closed : {"left", "right", "both", "neither"}
        Which bounds are themselves allowed: ``Interval(float, 0, None,
        closed="neither")`` is ``x > 0``, ``Interval(int, 1, None, closed="left")``
        is ``n >= 1``.
    """

    def __init__(self, type, low, high, *, closed):
        if type not in _INTERVAL_TYPES:
            raise ValueError(f"type must be int, float or RealNotInt, got {type!r}.")
        if closed not in ("left", "right", "both", "neither"):
            raise ValueError(
                f"closed must be 'left', 'right', 'both' or 'neither', got {closed!r}."
            )
        self.type = type
        self.low = low
        self.high = high
        self.closed = closed

    def accepts_type(self, value):
        return isinstance(value, _INTERVAL_TYPES[self.type]) and not _is_bool(value)

    def accepts(self, value):
        if not self.accepts_type(value):
            return False
        # An int is always finite (and may be too large to convert to a float).
        if not isinstance(value, numbers.Integral) and not math.isfinite(value):
            return False
        if self.low is not None and not (
            value > self.low or (value == self.low and self._low_allowed)
        ):
            return False
        if self.high is not None and not (
            value < self.high or (value == self.high and self._high_allowed)
        ):
            return False
        return True

    @property
    def _low_allowed(self):
        return self.closed in ("left", "both")

    @property
    def _high_allowed(self):
        return self.closed in ("right", "both")

    def __str__(self):
        noun = "int" if self.type is int else "float"
        if self.low is None and self.high is None:
            return _article(noun) if self.type is int else f"a finite {noun}"
        # Mathematicians' notation: [0, 1) holds 0 but not 1.
        if self.low is None:
            left = "(-inf"
        else:
            left = f"[{self.low}" if self._low_allowed else f"({self.low}"
        if self.high is None:
            right = "inf)"
        else:
            right = f"{self.high}]" if self._high_allowed else f"{self.high})"
        return f"{_article(noun)} in {left}, {right}"


def _same_kind(value, option):
    """Is ``value`` of the kind of ``option``? Booleans are not ints, and any integer
    (Python's or NumPy's) is of the kind of an int option."""
    if isinstance(option, bool):
        return _is_bool(value)
    if isinstance(option, numbers.Integral):
        return isinstance(value, numbers.Integral) and not _is_bool(value)
    return isinstance(value, type(option))


class Options(Constraint):
    """One of a few fixed values: ``Options("gini", "entropy", "log_loss")``.

    Usually strings; a number works too (``Options(-1)`` for "-1 means no limit").
    """

    def __init__(self, *options):
        if not options:
            raise ValueError("Options needs at least one option.")
        self.options = options

    def accepts_type(self, value):
        return any(_same_kind(value, option) for option in self.options)

    def accepts(self, value):
        return any(
            _same_kind(value, option) and value == option for option in self.options
        )

    def __str__(self):
        if len(self.options) == 1:
            return repr(self.options[0])
        return "one of {" + ", ".join(repr(option) for option in self.options) + "}"


class Instance(Constraint):
    """An object of the given type(s): ``Instance(np.random.Generator)``.

    A bare type in a declaration is short for it: ``[bool]`` means
    ``[Instance(bool)]`` (NumPy's booleans count as bools). ``description`` replaces
    the words the types give, where those would not help (``"an iterable of (train,
    test) pairs"``).
    """

    def __init__(self, types, *, description=None):
        self.types = types if isinstance(types, tuple) else (types,)
        self.description = description

    def accepts(self, value):
        if _is_bool(value):  # NumPy's too, and never as an int
            return bool in self.types
        return isinstance(value, self.types)

    def __str__(self):
        if self.description is not None:
            return self.description
        names = []
        for cls in self.types:
            module = cls.__module__.split("._")[0]  # numpy.random._generator: public
            names.append(
                cls.__qualname__
                if module == "builtins"
                else f"{module}.{cls.__qualname__}"
            )
        return _in_words(_article(name) for name in names)


class HasMethods(Constraint):
    """Any object with these methods: ``HasMethods("fit", "get_params")`` accepts an
    estimator of any library (duck typing)."""

    def __init__(self, *methods):
        self.methods = methods

    def accepts(self, value):
        return all(callable(getattr(value, method, None)) for method in self.methods)

    def __str__(self):
        plural = "s" if len(self.methods) > 1 else ""
        article = "" if plural else "a "
        methods = _in_words(self.methods, "and")
        return f"an object with {article}{methods} method{plural}"


class _IsNone(Constraint):
    def accepts(self, value):
        return value is None

    def __str__(self):
        return "None"


class _IsCallable(Constraint):
    def accepts(self, value):
        return callable(value)

    def __str__(self):
        return "a callable"


class _CheckedInFit(Constraint):
    """Accepts anything: ``fit`` checks the value against the data."""

    def accepts(self, value):
        return True

    def __str__(self):
        return "anything (checked in fit)"


#: The constraints of every ``random_state``: None (fresh randomness), a seed, or a
#: generator (shared with the caller, who keeps drawing from it).
RANDOM_STATE = (
    None,
    Interval(int, 0, None, closed="left"),
    Instance(np.random.Generator),
)

#: A count of one or more: a layer's ``units`` or ``filters``, ``epochs``,
#: ``batch_size``.
POSITIVE_INT = Interval(int, 1, None, closed="left")

#: A share that may be 0 but not 1: a dropout ``rate``.
RATE = Interval(float, 0, 1, closed="left")

#: For a hyperparameter whose every check needs the data, e.g. ``priors``, which must
#: hold one probability per class of ``y``: it is declared, and checked in ``fit``.
CHECKED_IN_FIT = _CheckedInFit()


def as_constraint(item):
    """A declared item as a :class:`Constraint`: ``None``, ``callable`` and bare types
    are shorthands (for ``None``, any function, and ``Instance(type)``)."""
    if isinstance(item, Constraint):
        return item
    if item is None:
        return _IsNone()
    if item is callable:
        return _IsCallable()
    if isinstance(item, type):
        return Instance(item)
    raise TypeError(f"{item!r} is not a constraint.")


def check_value(value, name, constraints):
    """Check that at least one of ``constraints`` accepts ``value``; return it.

    Raises
    ------
    TypeError
        If no constraint accepts a value of this type (``"fast"`` for a float).
    ValueError
        If the type is right but the value is not (``-1.0`` for a float > 0, NaN).

    The message names the hyperparameter, what it must be and what it got:
    ``C must be a float in (0, inf); got -1.0.``
    """
    constraints = [as_constraint(item) for item in constraints]
    if any(constraint.accepts(value) for constraint in constraints):
        return value
    expected = _in_words(str(constraint) for constraint in constraints)
    if any(constraint.accepts_type(value) for constraint in constraints):
        raise ValueError(f"{name} must be {expected}; got {value!r}.")
    raise TypeError(
        f"{name} must be {expected}; got {value!r} of type {type(value).__name__}."
    )


def check_params(estimator):
    """Check every hyperparameter of ``estimator`` against its class's declaration.

    The class attribute ``_parameter_constraints`` maps each ``__init__`` argument to
    a list of constraints (see the module docstring); the value is valid if any of
    them accepts it. ``BaseEstimator._validate_params`` calls this at the top of
    ``fit``. Checks that need the data or two hyperparameters together stay in
    ``fit``, after it.
    """
    cls = type(estimator)
    declared = getattr(cls, "_parameter_constraints", None)
    if declared is None:
        raise TypeError(
            f"{cls.__name__} declares no _parameter_constraints: add one list of "
            "constraints per __init__ argument."
        )
    params = estimator.get_params()
    if set(declared) != set(params):
        raise TypeError(
            f"{cls.__name__}._parameter_constraints must declare exactly its "
            f"parameters {sorted(params)}; it misses "
            f"{sorted(set(params) - set(declared))} and has extra "
            f"{sorted(set(declared) - set(params))}."
        )
    for name, constraints in declared.items():
        check_value(params[name], name, constraints)


def check_random_state(random_state):
    """Turn ``None``, an int seed or a Generator into a ``numpy.random.Generator``."""
    check_value(random_state, "random_state", RANDOM_STATE)
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(random_state)
