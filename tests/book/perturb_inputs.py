"""Perturb every input of a notebook by a few units in the last place (ulps).

nbval runs this file at the start of every notebook kernel it starts (see
``tests/conftest.py``), before the notebook's first cell. From then on:

- every float array that scikit-learn's bundled loaders (``load_*``) and generators
  (``make_*``) return, and
- every float that a ``numpy.random.default_rng`` generator draws

is multiplied by ``1 + k * eps``, with one ``k`` from -4..4 (not 0) for each array;
arrays of whole numbers (pixel intensities, counts) are kept as they are.

A stored output that depends on the last bits of floating point (a figure that stores
unrounded float64 arrays, an iteration count that flips on a near-tie) then differs
from the one stored in the notebook, as it would on a processor or BLAS whose matrix
products round differently; an output rounded to what it means reproduces. So the
regression test proves on one machine what a learner's machine will see.

The perturbation is itself seeded, so a failure reproduces run after run;
``SCRATCHLEARN_PERTURB_SEED`` picks another seed, to try other perturbations.
"""

import os

import numpy as np

ULPS = 4
SEED = int(os.environ.get("SCRATCHLEARN_PERTURB_SEED", "20261204"))
_perturbation = np.random.Generator(np.random.PCG64(SEED))


def perturb(values):
    """``values`` times ``1 + k * eps``, one ``k`` in -4..4 (not 0) for the array.

    One factor for the whole array: every computed float moves in its last bits,
    as on another processor, but equal values stay equal and their order stays
    the same, as they do on every machine (the data are loaded bit for bit).
    """
    if not (isinstance(values, np.ndarray) and values.dtype.kind == "f"):
        return values
    if values.size == 0 or np.array_equal(values, np.round(values)):
        # Whole numbers (pixel intensities, counts, class indices) are held exactly
        # on every machine, and so are their sums and midpoints: moving them would
        # split ties that no processor splits.
        return values
    k = int(_perturbation.choice([-4, -3, -2, -1, 1, 2, 3, 4]))
    eps = np.finfo(values.dtype).eps
    return (values * (1 + k * eps)).astype(values.dtype, copy=False)


def _perturb_result(result):
    if isinstance(result, tuple):
        return tuple(_perturb_result(item) for item in result)
    if isinstance(result, np.ndarray):
        return perturb(result)
    if isinstance(result, dict):  # a scikit-learn Bunch
        if "data" in result:
            result["data"] = perturb(result["data"])
            images = result.get("images")
            if isinstance(images, np.ndarray) and images.size == result["data"].size:
                result["images"] = result["data"].reshape(images.shape)
        if "target" in result:
            result["target"] = perturb(result["target"])
    return result


def _perturbing(function):
    def wrapper(*args, **kwargs):
        return _perturb_result(function(*args, **kwargs))

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    wrapper.__wrapped__ = function
    return wrapper


_FLOAT_DRAWS = (
    "beta",
    "dirichlet",
    "exponential",
    "gamma",
    "laplace",
    "lognormal",
    "multivariate_normal",
    "normal",
    "random",
    "standard_exponential",
    "standard_gamma",
    "standard_normal",
    "standard_t",
    "uniform",
)


class PerturbedGenerator(np.random.Generator):
    """A NumPy generator whose float draws are perturbed by a few ulps."""


def _perturbed_draw(name):
    method = getattr(np.random.Generator, name)

    def draw(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        if isinstance(result, float):
            return float(perturb(np.array(result)))
        return perturb(result)

    draw.__name__ = name
    return draw


for _name in _FLOAT_DRAWS:
    setattr(PerturbedGenerator, _name, _perturbed_draw(_name))


def install():
    """Patch ``numpy.random.default_rng`` and scikit-learn's data sets."""
    original_default_rng = np.random.default_rng
    if getattr(original_default_rng, "perturbed", False):
        return

    def default_rng(seed=None):
        generator = original_default_rng(seed)
        if isinstance(generator, PerturbedGenerator):
            return generator
        return PerturbedGenerator(generator.bit_generator)

    default_rng.perturbed = True
    np.random.default_rng = default_rng

    import sklearn.datasets

    for name in dir(sklearn.datasets):
        if name.startswith(("load_", "make_")):
            setattr(
                sklearn.datasets, name, _perturbing(getattr(sklearn.datasets, name))
            )


install()
