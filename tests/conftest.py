"""Shared fixtures: small seeded data sets that every estimator can be fitted on."""

import os
import pathlib
import subprocess
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


BLAS_NOISE = ROOT / "tests" / "book" / "blas_noise.c"


def numpy_blas_library():
    """The OpenBLAS that NumPy's wheel bundles (the library the noise stands in
    front of)."""
    import numpy

    (library,) = pathlib.Path(numpy.__file__).parent.parent.glob(
        "numpy.libs/libscipy_openblas64_*.so*"
    )
    return library


def build_blas_noise(folder):
    """Compile tests/book/blas_noise.c into ``folder``; return the library's path."""
    library = pathlib.Path(folder) / "libblasnoise.so"
    compiler = os.environ.get("CC", "cc")
    command = [compiler, "-O2", "-shared", "-fPIC", "-o", str(library), str(BLAS_NOISE)]
    result = subprocess.run([*command, "-ldl", "-lm"], capture_output=True, text=True)
    if result.returncode != 0:
        raise pytest.UsageError(
            "Cannot build the BLAS noise library that nbval's kernels run with "
            f"(a C compiler is needed; `{compiler}` said):\n{result.stderr}"
        )
    return library


def other_processor_environment(folder, seed=None):
    """Environment variables under which a Python process computes as it would on
    another processor: NumPy's own loops (exp, log, tanh, power...) take their
    baseline instructions instead of the AVX2/AVX-512 ones this machine has, oneDNN
    (TensorFlow's kernels) a smaller instruction set, and the BLAS and LAPACK
    routines round differently (tests/book/blas_noise.c). Element-wise arithmetic
    and the data are the same bits everywhere, and stay so."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    available = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    preload = " ".join(
        filter(None, [str(build_blas_noise(folder)), os.environ.get("LD_PRELOAD")])
    )
    environment = {
        "LD_PRELOAD": preload,
        "SCRATCHLEARN_BLAS_LIBRARY": str(numpy_blas_library()),
        "NPY_DISABLE_CPU_FEATURES": " ".join(available),
        "ONEDNN_MAX_CPU_ISA": "AVX2" if __cpu_features__.get("AVX512F") else "SSE41",
    }
    if seed is not None:
        environment["SCRATCHLEARN_BLAS_SEED"] = str(seed)
    return environment


def pytest_configure(config):
    """With nbval, every notebook kernel computes as another processor would
    (:func:`other_processor_environment`): a stored output must not depend on the
    last bits of a matrix product or of an exponential, which differ between
    processors and BLAS builds, or it would fail on a learner's machine.
    ``SCRATCHLEARN_EXACT_NUMERICS=1`` turns this off, to tell such a failure from a
    real regression."""
    if not getattr(config.option, "nbval", False):
        return
    if os.environ.get("SCRATCHLEARN_EXACT_NUMERICS") == "1":
        return
    import nbval.kernel

    start_new_kernel = nbval.kernel.start_new_kernel
    if getattr(start_new_kernel, "computes_elsewhere", False):
        return
    other = other_processor_environment(tempfile.mkdtemp(prefix="scratchlearn-blas-"))

    def start_elsewhere(*args, **kwargs):
        kwargs["env"] = {**os.environ, **other}
        return start_new_kernel(*args, **kwargs)

    start_elsewhere.computes_elsewhere = True
    nbval.kernel.start_new_kernel = start_elsewhere
