"""Shared fixtures: small seeded data sets that every estimator can be fitted on."""

import os
import pathlib
import tempfile

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def toy_data(estimator, n_samples=40, n_features=3, seed=0):
    """Seeded data fitting the kind of ``estimator``: labels for a classifier,
    real targets otherwise (transformers ignore them)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    if getattr(estimator, "_estimator_type", None) == "classifier":
        y = (X[:, 0] + 0.5 * rng.normal(size=n_samples) > 0).astype(int)
    else:
        y = X @ np.arange(1.0, n_features + 1) + 0.1 * rng.normal(size=n_samples)
    return X, y


def required_arguments(cls):
    """Fresh values of the arguments ``cls`` has no default for, or ``{}``.

    Meta-estimators (Chapter 15) combine or tune other estimators, which they cannot
    guess: a voting ensemble needs its members, a search its model and grid. The
    parametrised tests build them with these.
    """
    from scratchlearn.supervised import (
        DecisionTreeClassifier,
        GaussianNB,
        KNeighborsClassifier,
    )

    tables = {
        "VotingClassifier": lambda: {
            "estimators": [
                ("knn", KNeighborsClassifier(3)),
                ("tree", DecisionTreeClassifier(max_depth=3)),
                ("nb", GaussianNB()),
            ]
        },
        "GridSearchCV": lambda: {
            "estimator": KNeighborsClassifier(),
            "param_grid": {"n_neighbors": [1, 3, 5]},
        },
        "RandomizedSearchCV": lambda: {
            "estimator": KNeighborsClassifier(),
            "param_distributions": {"n_neighbors": list(range(1, 16))},
            "random_state": 0,  # the same draws each fit, so refits can be compared
        },
    }
    return tables[cls.__name__]() if cls.__name__ in tables else {}


def make_estimator(cls, **params):
    """``cls(**params)``, with the arguments it requires added unless given."""
    return cls(**{**required_arguments(cls), **params})


def output_method(estimator):
    """The method that uses a fitted estimator: predict, or transform."""
    return estimator.predict if hasattr(estimator, "predict") else estimator.transform


@pytest.fixture
def root():
    return ROOT


PERTURB_INPUTS = ROOT / "tests" / "book" / "perturb_inputs.py"


def pytest_configure(config):
    """With nbval, every notebook kernel starts by perturbing its inputs by a few
    ulps (``tests/book/perturb_inputs.py``): a stored output must not depend on the
    last bits of floating point, or it would fail on a learner's processor.
    ``SCRATCHLEARN_EXACT_INPUTS=1`` turns this off, to tell such a failure from a
    real regression."""
    if not getattr(config.option, "nbval", False):
        return
    if os.environ.get("SCRATCHLEARN_EXACT_INPUTS") == "1":
        return
    import nbval.kernel

    start_new_kernel = nbval.kernel.start_new_kernel
    if getattr(start_new_kernel, "perturbs_inputs", False):
        return
    ipython_dir = pathlib.Path(tempfile.mkdtemp(prefix="scratchlearn-ipython-"))
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    # run_path keeps the perturbation's names out of the notebook's namespace.
    (startup / "00-perturb-inputs.py").write_text(
        f"import runpy\nrunpy.run_path({str(PERTURB_INPUTS)!r})\ndel runpy\n"
    )

    def start_perturbed_kernel(*args, **kwargs):
        kwargs["env"] = {**os.environ, "IPYTHONDIR": str(ipython_dir)}
        return start_new_kernel(*args, **kwargs)

    start_perturbed_kernel.perturbs_inputs = True
    nbval.kernel.start_new_kernel = start_perturbed_kernel
