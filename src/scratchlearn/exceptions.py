"""Exceptions raised by scratchlearn estimators."""


class NotFittedError(ValueError, AttributeError):
    """Raised when ``predict``/``transform``/``score`` is called before ``fit``.

    It derives from both ``ValueError`` and ``AttributeError`` as scikit-learn's does,
    so code written for one library handles the other.
    """


class ConvergenceWarning(UserWarning):
    """Warned when an iterative solver stops at ``max_iter`` before its tolerance.

    The fitted model is usable but not optimal; raising ``max_iter``, loosening
    ``tol`` or standardising the features usually helps.
    """
