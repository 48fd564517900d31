"""Exceptions raised by scratchlearn estimators."""


class NotFittedError(ValueError, AttributeError):
    """Raised when ``predict``/``transform``/``score`` is called before ``fit``.

    It derives from both ``ValueError`` and ``AttributeError`` as scikit-learn's does,
    so code written for one library handles the other.
    """
