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

from scratchlearn.base import BaseEstimator


class Optimiser(BaseEstimator):
    """Base class of the optimisers: ``get_params``, ``set_params``, a readable
    ``repr`` and the declared checks of the hyperparameters, all BaseEstimator's
    (see the module docstring). It has no ``fit``, so it is not an estimator:
    ``scratchlearn.all_estimators`` and the estimator conventions tests leave it out.
    """
