"""Chapter 4: BayesianLinearRegression against scikit-learn's BayesianRidge.

The two do not do the same work. BayesianRidge *estimates* the prior and noise
precisions from the training data (iterating to maximise the evidence) and then
computes the posterior; ours computes the posterior for given precisions in one
linear solve. The known-noise cases give ours BayesianRidge's own estimates, so both
end with the same posterior (and test score); the unknown-noise case uses our
default Normal-inverse-gamma prior instead of any estimate.
"""

from functools import cache

from bench_regularized import diabetes, large  # Chapter 3's data sets
from harness import Case
from sklearn import linear_model

from scratchlearn.supervised import BayesianLinearRegression

CHAPTER = "4"


@cache
def estimated_precisions(data):
    """BayesianRidge's estimates of the prior and noise precisions on ``data()``."""
    X_train, _, y_train, _ = data()
    reference = linear_model.BayesianRidge().fit(X_train, y_train)
    return float(reference.lambda_), float(reference.alpha_)


def _known_noise(data):
    """Ours with BayesianRidge's estimates, as a factory."""

    def make():
        prior_precision, noise_precision = estimated_precisions(data)
        return BayesianLinearRegression(
            prior_precision=prior_precision, noise_precision=noise_precision
        )

    return make


CASES = [
    Case(
        name="BayesianLinearRegression known noise, diabetes",
        chapter=CHAPTER,
        data=diabetes,
        ours=_known_noise(diabetes),
        reference=linear_model.BayesianRidge,
        repeats=21,
        notes="reference: sklearn BayesianRidge (estimates lambda and alpha, then "
        "the posterior); ours: the posterior given BayesianRidge's estimates",
    ),
    Case(
        name="BayesianLinearRegression unknown noise, diabetes",
        chapter=CHAPTER,
        data=diabetes,
        ours=BayesianLinearRegression,
        reference=linear_model.BayesianRidge,
        repeats=21,
        notes="reference: sklearn BayesianRidge; ours: Normal-inverse-gamma prior "
        "with the defaults (prior_precision=1, a0=b0=1e-6)",
    ),
    Case(
        name="BayesianLinearRegression known noise, 5000x100",
        chapter=CHAPTER,
        data=large,
        ours=_known_noise(large),
        reference=linear_model.BayesianRidge,
        notes="reference: sklearn BayesianRidge; seeded make_regression data",
    ),
]
