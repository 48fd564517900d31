"""Conventions shared by every estimator (Chapter 1 introduces them).

The rules, borrowed from scikit-learn so that habits transfer:

* ``__init__`` stores each hyperparameter unchanged under its own name and does
  nothing else: no validation, no computation.
* ``fit(X, y)`` validates its input and the hyperparameters, learns attributes whose
  names end in ``_`` (``coef_``, ``classes_``, ``n_features_in_``) and returns ``self``.
  The hyperparameters are checked against what the class declares each may be, in
  ``_parameter_constraints`` (see :mod:`scratchlearn.utils.validation`), by one call
  of ``self._validate_params()`` at the top of ``fit``.
* ``predict``/``transform``/``score`` first check that ``fit`` has been called.
* ``get_params``/``set_params`` read and write the hyperparameters, so the same
  object can be refitted with other settings.

Because the conventions are scikit-learn's, a scratchlearn estimator also works
inside scikit-learn: in its ``Pipeline``, ``GridSearchCV``, ``cross_validate`` and
``clone``. scikit-learn asks an estimator what it is through ``__sklearn_tags__``
(a classifier? does it need ``y``? does it accept sparse matrices?); the base class
and each mixin below answer, building scikit-learn's ``Tags`` only when scikit-learn
asks, so the algorithms never import it.
"""

import copy
import functools
import importlib
import inspect
import pkgutil
import sys

import numpy as np

from scratchlearn.exceptions import NotFittedError


def _sklearn_utils():
    """scikit-learn's ``sklearn.utils``, where its ``Tags`` classes live.

    Imported here, when scikit-learn asks for an estimator's tags, and never at the
    top: the algorithms do not need scikit-learn. Only scikit-learn calls
    ``__sklearn_tags__``, so it is installed whenever this runs.
    """
    try:
        import sklearn.utils
    except ImportError:  # only reachable by calling __sklearn_tags__ by hand
        raise ImportError(
            "__sklearn_tags__ answers scikit-learn; install scikit-learn to use it."
        ) from None
    return sklearn.utils


class BaseEstimator:
    """Base class giving ``get_params``, ``set_params`` and a readable ``repr``."""

    @classmethod
    def _parameter_names(cls):
        """Names of the hyperparameters: the arguments of ``__init__``."""
        signature = inspect.signature(cls.__init__)
        named = (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        )
        return sorted(
            name
            for name, parameter in signature.parameters.items()
            if name != "self" and parameter.kind in named
        )

    def _validate_params(self):
        """Check every hyperparameter against the class's ``_parameter_constraints``.

        Raises ``TypeError`` (wrong type) or ``ValueError`` (out of range) naming the
        hyperparameter; ``fit`` calls it first, before touching the data.
        """
        # Imported here: the validation module itself imports from this one.
        from scratchlearn.utils.validation import check_params

        check_params(self)

    def __sklearn_tags__(self):
        """What scikit-learn needs to know about this estimator (its ``Tags``).

        Called by scikit-learn only, so scikit-learn is imported only here. The
        answer is scikit-learn's ``BaseEstimator``'s: no kind of estimator, no target
        required, dense 2-D numeric input only (no sparse matrices, no NaN); each
        mixin then adds its kind, and an estimator may refine them.
        """
        sklearn_utils = _sklearn_utils()
        return sklearn_utils.Tags(
            estimator_type=None,
            target_tags=sklearn_utils.TargetTags(required=False),
            transformer_tags=None,
            regressor_tags=None,
            classifier_tags=None,
        )

    def get_params(self, deep=False):
        """Return the hyperparameters as a dict ``{name: value}``.

        ``deep`` is accepted for compatibility with scikit-learn and ignored: no
        scratchlearn estimator nests another one's parameters.
        """
        return {name: getattr(self, name) for name in self._parameter_names()}

    def set_params(self, **params):
        """Set hyperparameters by name and return ``self``.

        Learned attributes are left as they are; the next ``fit`` replaces them.
        """
        valid = self._parameter_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"{type(self).__name__} has no parameter {name!r}; "
                    f"its parameters are {valid}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self):
        defaults = {
            name: parameter.default
            for name, parameter in inspect.signature(
                type(self).__init__
            ).parameters.items()
        }
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if not _same(value, defaults.get(name))
        ]
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(a, b):
    try:
        return bool(a == b) if not isinstance(a, np.ndarray) else False
    except (TypeError, ValueError):
        return False


class ClassifierMixin:
    """Adds ``score`` as the accuracy of ``predict``."""

    _estimator_type = "classifier"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = _sklearn_utils().ClassifierTags()
        tags.target_tags.required = True
        return tags

    def score(self, X, y):
        """Fraction of samples of ``X`` whose predicted class equals ``y``."""
        from scratchlearn.metrics import accuracy_score

        return accuracy_score(y, self.predict(X))


class RegressorMixin:
    """Adds ``score`` as the coefficient of determination R² of ``predict``."""

    _estimator_type = "regressor"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = _sklearn_utils().RegressorTags()
        tags.target_tags.required = True
        return tags

    def score(self, X, y):
        """R² of the predictions for ``X`` against ``y`` (1 is perfect)."""
        from scratchlearn.metrics import r2_score

        return r2_score(y, self.predict(X))


class ClusterMixin:
    """Adds ``fit_predict``: the cluster of each training sample (``labels_``).

    Clustering learns from ``X`` alone; ``y`` is accepted and ignored, as in
    scikit-learn, so that a clusterer fits in the same pipelines."""

    _estimator_type = "clusterer"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "clusterer"
        if tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = []
        return tags

    def fit_predict(self, X, y=None):
        """Fit to ``X`` and return the cluster label of each of its samples."""
        return self.fit(X, y).labels_


class TransformerMixin:
    """Adds ``fit_transform``."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags = _sklearn_utils().TransformerTags()
        return tags

    def fit_transform(self, X, y=None):
        """Fit to ``X`` and return it transformed."""
        return self.fit(X, y).transform(X)


def is_fitted(estimator):
    """True once ``fit`` has set a learned attribute (a name ending in ``_``)."""
    return any(
        name.endswith("_") and not name.startswith("__") for name in vars(estimator)
    )


def check_is_fitted(estimator):
    """Raise :class:`NotFittedError` if ``estimator`` has not been fitted yet."""
    if not is_fitted(estimator):
        raise _not_fitted_error()(
            f"This {type(estimator).__name__} is not fitted yet. Call fit(X, y) "
            "before using it to predict, transform or score."
        )


def _not_fitted_error():
    """Our :class:`NotFittedError`, which is also scikit-learn's once it is loaded.

    Code that catches scikit-learn's ``NotFittedError`` (its ``cross_validate``, its
    estimator checks) must have imported it; then the error raised is of a class
    derived from both, so either ``except`` catches it. scikit-learn is never
    imported here: without it loaded, no one can be catching its class.
    """
    exceptions = sys.modules.get("sklearn.exceptions")
    if exceptions is None:
        return NotFittedError
    return _both_not_fitted(exceptions.NotFittedError)


@functools.cache
def _both_not_fitted(theirs):
    return type(
        "NotFittedError",
        (NotFittedError, theirs),
        {"__module__": NotFittedError.__module__, "__doc__": NotFittedError.__doc__},
    )


def clone(estimator):
    """A new, unfitted estimator with the same hyperparameters as ``estimator``.

    Built from ``get_params``, so it works for scikit-learn's estimators too.
    Hyperparameters that are themselves estimators (the members of a
    :class:`~scratchlearn.supervised.VotingClassifier`, the model a grid search
    tunes), alone or in lists of ``(name, estimator)`` pairs, are cloned in turn;
    other values are deep-copied, so the clone shares nothing mutable with the
    original (a copied random generator restarts from the same state, as in
    scikit-learn). Cross-validation fits one clone per fold (Chapter 15).
    """
    params = estimator.get_params(deep=False)
    return type(estimator)(**{name: _clone_value(v) for name, v in params.items()})


def _clone_value(value):
    if hasattr(value, "get_params") and not inspect.isclass(value):
        return clone(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_clone_value(item) for item in value)
    return copy.deepcopy(value)


def all_estimators():
    """Every public estimator class of the package, sorted by name.

    The conventions and bad-input tests run over this list, so a new estimator is
    tested as soon as it exists.
    """
    import scratchlearn

    found = {}
    for module_info in pkgutil.walk_packages(scratchlearn.__path__, "scratchlearn."):
        if any(part.startswith("_") for part in module_info.name.split(".")):
            continue
        if module_info.name.startswith(("scratchlearn.viz", "scratchlearn.grading")):
            continue  # plotting and grading helpers, not estimators
        module = importlib.import_module(module_info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
                and hasattr(obj, "fit")
            ):
                found[name] = obj
    return [found[name] for name in sorted(found)]
