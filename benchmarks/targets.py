"""The speed the book promises: our time divided by the reference's, at most.

Code written to be read runs in NumPy and Python where the references run compiled
loops, so it may be slower; these are the ratios a reader can count on, checked by
``make bench`` (a ratio above its target is marked in the appendix's table and plot).

* ``fit``: 10x in general; 3x where the from-scratch algorithm is one NumPy
  expression per iteration and the reference gains nothing from compiled code but
  its stopping rule (the perceptron, logistic regression, the lasso).
* ``predict``: 3x: predicting is a few array operations in every chapter (all the
  trees of an ensemble at once, :mod:`scratchlearn.supervised.forest`).
"""

FIT = 10.0
PREDICT = 3.0

# Cases whose name starts with one of these have a tighter fit target.
FIT_BY_NAME = {
    "Perceptron": 3.0,
    "LogisticRegression": 3.0,
    "Lasso": 3.0,
}


def fit_target(name):
    """The most our fit may take, as a multiple of the reference's, for a case."""
    for prefix, target in FIT_BY_NAME.items():
        if name.startswith(prefix):
            return target
    return FIT


def predict_target(name):
    """The most our predict may take, as a multiple of the reference's."""
    return PREDICT
