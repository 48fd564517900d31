"""What the optimisers of Part IV share: hyperparameters handled as an estimator's.

A genetic algorithm or a particle swarm does not learn from data ``X, y``: it
searches for the best point of a function the caller gives it. So the optimisers
are not estimators (no ``fit(X, y)``, ``predict`` or ``n_features_in_``), but they
keep the estimators' habits where those make sense: the constructor stores the
hyperparameters unchanged, ``get_params``/``set_params`` read and write them, every
hyperparameter is declared in ``_parameter_constraints`` and checked by
:func:`scratchlearn.utils.validation.check_params` when the search starts, and
attributes learned by a search end in ``_``.
"""

import inspect

from scratchlearn.utils.validation import check_params


# GENERAL: belongs in scratchlearn/base.py once other optimisers share it (Chapter
# 33's neuroevolution, say), beside BaseEstimator.
class Optimiser:
    """Base class: ``get_params``, ``set_params``, a readable ``repr`` and the
    declared checks of the hyperparameters (see the module docstring)."""

    @classmethod
    def _parameter_names(cls):
        signature = inspect.signature(cls.__init__)
        return sorted(name for name in signature.parameters if name != "self")

    def get_params(self, deep=False):
        """The hyperparameters as a dict ``{name: value}`` (``deep`` is ignored)."""
        return {name: getattr(self, name) for name in self._parameter_names()}

    def set_params(self, **params):
        """Set hyperparameters by name and return ``self``."""
        valid = self._parameter_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"{type(self).__name__} has no parameter {name!r}; "
                    f"its parameters are {valid}."
                )
            setattr(self, name, value)
        return self

    def _validate_params(self):
        """Check every hyperparameter against ``_parameter_constraints``; raises
        ``TypeError`` or ``ValueError`` naming the one that is wrong."""
        check_params(self)

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
            if not (type(value) is type(defaults.get(name)) and value == defaults[name])
        ]
        return f"{type(self).__name__}({', '.join(changed)})"
