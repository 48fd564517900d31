"""Chapter 31: the restricted Boltzmann machine trained by persistent contrastive
divergence, against scikit-learn's BernoulliRBM with the same settings.

An RBM has no ``predict``: the harness times ``transform`` in its place. ``fit`` is
a whole training of ``n_iter`` epochs, so the fit ratio is the ratio of the times per
epoch. The score is the exact pseudo-log-likelihood of the test digits (summed over
every pixel), computed by the same code for both machines, so that it compares the
weights and not the scorers; higher is better.
"""

from functools import cache

from harness import Case, split
from sklearn.neural_network import BernoulliRBM as SklearnRBM

from scratchlearn.deep import BernoulliRBM

CHAPTER = "31"


class Machine:
    """An RBM (ours or scikit-learn's, made by ``make``) as the harness times an
    estimator: ``predict`` is ``transform``, ``score`` the mean exact
    pseudo-likelihood."""

    def __init__(self, make):
        self.make = make

    def fit(self, X, y=None):
        self.model_ = self.make().fit(X)
        return self

    def predict(self, X):
        return self.model_.transform(X)

    def score(self, X, y=None):
        n_components = self.model_.components_.shape[0]
        scorer = BernoulliRBM(n_components, n_iter=0).fit(X[:2])
        scorer.components_ = self.model_.components_
        scorer.intercept_hidden_ = self.model_.intercept_hidden_
        scorer.intercept_visible_ = self.model_.intercept_visible_
        return float(scorer.pseudo_likelihood(X).mean())


@cache
def digits():
    return split("digits", scale=16.0)


def case(name, **settings):
    return Case(
        name=f"BernoulliRBM {name}, digits",
        chapter=CHAPTER,
        data=digits,
        ours=lambda: Machine(lambda: BernoulliRBM(**settings, random_state=0)),
        reference=lambda: Machine(lambda: SklearnRBM(**settings, random_state=0)),
        repeats=5,
        notes="fit = training (PCD-1); per epoch: divide by n_iter; "
        "score: exact pseudo-likelihood",
    )


CASES = [
    case(
        "100 hidden, lr 0.06 (10 epochs)",
        n_components=100,
        learning_rate=0.06,
        n_iter=10,
    ),
    case("256 hidden, defaults (10 epochs)", n_components=256),
    case(
        "64 hidden, batch 100 (20 epochs)",
        n_components=64,
        batch_size=100,
        n_iter=20,
    ),
]
