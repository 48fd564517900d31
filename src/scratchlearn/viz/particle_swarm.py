"""Figures and the explorer of Chapter 34 (particle swarm optimisation).

A swarm searching Rastrigin's function in two dimensions, drawn at one step of its
search: the function as a shaded map, every particle, every particle's personal best
(rings, which stay where they were found while the particles move on) and the global
best (a star). The explorer sets the inertia, the
cognitive and the social weight (a menu) and the step (a slider).
"""

import numpy as np

from scratchlearn.evolutionary.experiments import (
    LIMIT,
    MAX_ITER,
    N_PARTICLES,
    personal_bests,
    search,
)
from scratchlearn.evolutionary.swarm import rastrigin
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, data_points

# The static explorer's settings; the live explorer's are finer.
INERTIAS = (0.4, 0.73, 0.95)
COGNITIVES = (0.5, 1.5, 2.5)
SOCIALS = (0.5, 1.5, 2.5)
STEPS = (0, 3, 10, 40)
LIVE_INERTIAS = tuple(round(w, 2) for w in np.arange(0.0, 1.0001, 0.05))
LIVE_WEIGHTS = tuple(round(c, 1) for c in np.arange(0.0, 3.0001, 0.1))
LIVE_STEPS = tuple(range(MAX_ITER + 1))
PARTICLE, BEST = COLOURS[2], COLOURS[1]
DESCRIPTION = (
    "A particle swarm of 20 searching Rastrigin's function on [-5.12, 5.12] squared, "
    "whose minimum is at the origin: the function shaded from low (light) to high, "
    "the particles, their personal bests as rings and the global best as a star"
)


def map_trace(resolution=61):
    """Rastrigin's function on a grid, as a plotly heatmap in greys (light is
    low)."""
    import plotly.graph_objects as go

    axis = np.linspace(-LIMIT, LIMIT, resolution)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1)  # (resolution, resolution, 2)
    return go.Heatmap(
        x=axis,
        y=axis,
        z=rastrigin(grid),
        colorscale=[[0, "#ffffff"], [1, "#8c8c8c"]],
        zsmooth="best",
        showscale=False,
        hoverinfo="skip",
        name="Rastrigin",
    )


def swarm_traces(swarm, step):
    """The swarm at ``step``: the particles, their personal bests and the global
    best."""
    now = swarm.position_history_[step]  # (n_particles, 2)
    best = swarm.best_position_history_[step]
    kept = personal_bests(swarm, step)
    star = {"symbol": "star", "size": 16, "line": {"width": 1}}
    return [
        data_points(*kept.T, "personal bests", BEST, symbol="circle-open", size=10),
        data_points(*now.T, "particles", PARTICLE, size=7),
        data_points([best[0]], [best[1]], "global best", BEST, **star),
    ]


def explorer():
    """The swarm on Rastrigin's function for each inertia, cognitive and social
    weight, at each step of its search."""
    shading = map_trace()

    def draw(inertia, cognitive, social, step):
        swarm = search(inertia, cognitive, social)
        value = swarm.best_value_history_[step]
        x, y = swarm.best_position_history_[step]
        return View(
            [shading, *swarm_traces(swarm, step)],
            title=(
                f"inertia {inertia:g}, cognitive {cognitive:g}, social {social:g}: "
                f"step {step}<br>best value {value:.3g} at ({x:.2f}, {y:.2f}), "
                f"{N_PARTICLES * (step + 1):,} evaluations"
            ),
        )

    return Explorer(
        [
            Control("inertia", INERTIAS, live_values=LIVE_INERTIAS, start=0.73),
            Control("cognitive", COGNITIVES, live_values=LIVE_WEIGHTS, start=1.5),
            Control("social", SOCIALS, live_values=LIVE_WEIGHTS, start=1.5),
            Control("step", STEPS, live_values=LIVE_STEPS, start=10),
        ],
        draw,
        name="particle-swarm-explorer",
        layout={
            # A square: the panel narrows rather than the x range widening.
            "xaxis": {
                "title.text": "x1",
                "range": [-LIMIT, LIMIT],
                "constrain": "domain",
            },
            "yaxis": {
                "title.text": "x2",
                "range": [-LIMIT, LIMIT],
                "scaleanchor": "x",
                "constrain": "domain",
            },
            "legend": {"orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom"},
        },
        description=DESCRIPTION,
    )
