"""scratchlearn: machine-learning algorithms built from scratch in NumPy.

Every estimator follows scikit-learn's conventions (see :mod:`scratchlearn.base`), so
that what a learner writes here transfers directly to the industrial library the book
compares against in each chapter.
"""

from scratchlearn.base import all_estimators
from scratchlearn.exceptions import NotFittedError

__version__ = "0.1.0"
__all__ = ["NotFittedError", "__version__", "all_estimators"]
