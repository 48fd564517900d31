"""A pytest plugin, always loaded (pyproject's ``addopts``): with nbval, every
notebook kernel computes as another processor would.

nbval compares every stored output exactly, and a learner's machine differs from the
one that stored them: NumPy's vectorised exp, log, tanh or power take other
instructions (AVX-512, AVX2 or none), and the BLAS and LAPACK kernels round
differently. Data and element-wise arithmetic are the same bits everywhere (IEEE
754). So the kernels run NumPy's own loops on baseline instructions, oneDNN
(TensorFlow) on a smaller instruction set, and a BLAS and LAPACK that round
differently (``blas_noise.c``, compiled here and preloaded): a stored output that
depends on the last bits of floating point fails here, not on a learner's machine.
``SCRATCHLEARN_EXACT_NUMERICS=1`` computes as this machine does, to tell such a
failure from a real regression.

It is a plugin rather than part of ``tests/conftest.py`` because nbval also runs on
``book/`` and ``solutions/`` alone, where that conftest is not loaded.
"""

import os
import pathlib
import subprocess
import tempfile

import pytest

BLAS_NOISE = pathlib.Path(__file__).with_name("blas_noise.c")


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
    """With nbval, start each notebook kernel in :func:`other_processor_environment`."""
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
