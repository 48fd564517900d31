"""The book's colours stay apart for colour-blind readers.

Colour vision deficiency is simulated with the matrices of Machado, Oliveira and
Fernandes, "A Physiologically-based Model for Simulation of Color Vision Deficiency",
IEEE TVCG 15(6), 2009 (their table for severity 1.0: protanopia, deuteranopia,
tritanopia), applied to linear sRGB. Two colours count as distinguishable when their
CIELAB distance (CIE 1976 Delta E) after simulation is at least MIN_DELTA_E: about 2.3
is a just-noticeable difference, and 15 is a difference seen at a glance between two
small marks, not only side by side.
"""

import itertools

import numpy as np
import pytest

from scratchlearn.viz.figures import (
    COLOURS,
    REFERENCE_COLOUR,
    TRAIN_COLOUR,
    VALIDATION_COLOUR,
)

MACHADO_2009 = {
    "protan": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deutan": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritan": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
MIN_DELTA_E = 15.0
# ColorBrewer's Dark2, the book's class colours before: two of its greens and pinks
# merge for a deutan reader (Delta E 5.8), so the check must refuse it.
DARK2 = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]


def linear_rgb(colour):
    """``"#rrggbb"`` as linear sRGB in [0, 1] (the sRGB transfer curve undone)."""
    srgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def cielab(linear):
    """Linear sRGB (D65) to CIELAB."""
    to_xyz = np.array(
        [
            [0.4124, 0.3576, 0.1805],
            [0.2126, 0.7152, 0.0722],
            [0.0193, 0.1192, 0.9505],
        ]
    )
    xyz = to_xyz @ np.clip(linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(colours, vision):
    """The smallest Delta E between two of ``colours`` as ``vision`` sees them."""
    matrix = np.array(MACHADO_2009[vision]) if vision else np.eye(3)
    seen = [cielab(matrix @ linear_rgb(colour)) for colour in colours]
    return min(np.linalg.norm(a - b) for a, b in itertools.combinations(seen, 2))


def test_the_simulation_keeps_grey_grey_and_white_white():
    for matrix in MACHADO_2009.values():
        np.testing.assert_allclose(np.array(matrix) @ np.ones(3), np.ones(3), atol=2e-3)
    np.testing.assert_allclose(cielab(linear_rgb("#ffffff")), [100, 0, 0], atol=0.02)


@pytest.mark.parametrize("vision", [None, "protan", "deutan", "tritan"])
@pytest.mark.parametrize(
    "colours",
    [COLOURS, [TRAIN_COLOUR, VALIDATION_COLOUR, REFERENCE_COLOUR]],
    ids=["classes", "curves"],
)
def test_every_pair_of_colours_stays_apart(colours, vision):
    assert len(set(colours)) == len(colours)
    assert closest_pair(colours, vision) >= MIN_DELTA_E


def test_the_check_refuses_a_palette_that_merges_for_deutans():
    assert closest_pair(DARK2, None) >= MIN_DELTA_E  # fine for most readers
    assert closest_pair(DARK2, "deutan") < 7
