"""Figures and the explorer of Chapter 33 (neuroevolution).

The chapter's pictures: one step of the evolution strategy on a 2-D function (the
cloud of antithetic perturbations coloured by rank, the step they vote for and the
true gradient), the first layer's weights of two networks as 8 x 8 images, and
validation-accuracy curves. The explorer moves the population size (menu) and the
perturbation scale sigma (slider) of short seeded runs of the evolution strategy
on digits.
"""

import numpy as np

from scratchlearn.book import rounded
from scratchlearn.evolutionary.experiments import (
    ES_GENERATIONS,
    Frozen,
    bowl,
    bowl_gradient,
    explorer_run,
)
from scratchlearn.evolutionary.neuroevolution import (
    antithetic_noise,
    centered_ranks,
    es_gradient,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, curve

# The explorer's settings (static and live are the same: each run is precomputed).
POPULATION_SIZES = (10, 30, 100)
SIGMAS = (0.01, 0.03, 0.05, 0.1, 0.3, 1.0)
DESCRIPTION = (
    "An evolution strategy training a 64-64-10 network on digits: the validation "
    "accuracy and the training fitness of the mean network every 5 generations, "
    "for a population size (menu) and a perturbation scale sigma (slider)"
)


def plot_es_step(ax, theta=(-1.0, -1.0), sigma=0.4, n_pairs=12, seed=0):
    """One step of the evolution strategy on
    :func:`~scratchlearn.evolutionary.experiments.bowl`: the contours, the
    perturbed points coloured by their centred rank, the estimated gradient and
    the true one (both scaled to the same length)."""
    theta = np.asarray(theta, dtype=float)
    noise = antithetic_noise(n_pairs, 2, np.random.default_rng(seed))
    points = theta + sigma * noise  # (2 n_pairs, 2)
    ranks = centered_ranks(bowl(points))
    xs, ys = np.meshgrid(np.linspace(-2, 2.5, 200), np.linspace(-2, 2, 200))
    ax.contour(xs, ys, bowl(np.stack([xs, ys], axis=-1)), levels=12, colors="0.8")
    shown = ax.scatter(*points.T, c=ranks, cmap="RdYlGn", edgecolors="k", zorder=3)
    ax.plot(*theta, "k*", markersize=14, zorder=4, label=r"mean genome $\theta$")
    length = 1.2
    for vector, colour, label in (
        (es_gradient(noise, ranks, sigma), "k", "ES estimate"),
        (bowl_gradient(theta), COLOURS[2], "true gradient"),
    ):
        step = length * vector / np.linalg.norm(vector)
        ax.annotate(
            "",
            theta + step,
            theta,
            arrowprops={"arrowstyle": "->", "color": colour, "lw": 2},
        )
        ax.plot([], [], color=colour, lw=2, label=label)
    ax.plot(1.0, 0.5, "P", color=COLOURS[0], markersize=10, label="best point")
    ax.figure.colorbar(shown, ax=ax, label="centred rank of the fitness")
    ax.set(xlabel="weight 1", ylabel="weight 2", aspect="equal")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_first_layer(models, names, axes_rows):
    """The first Dense layer's kernel of each model, one 8 x 8 image per hidden
    unit (its weights on the 64 pixels), one row of axes per model."""
    for model, name, axes in zip(models, names, axes_rows, strict=True):
        kernel = model.get_weights()[0]  # (64, n_hidden)
        limit = np.abs(kernel).max()
        for unit, ax in enumerate(axes):
            ax.imshow(
                kernel[:, unit].reshape(8, 8), cmap="RdBu", vmin=-limit, vmax=limit
            )
            ax.set_xticks([])
            ax.set_yticks([])
        axes[0].set_ylabel(name, rotation=0, ha="right", va="center")
    return axes_rows


def plot_accuracy_curves(ax, curves, *, xlabel="generation"):
    """Validation accuracy curves: ``curves`` maps a name to ``(x, accuracy)``."""
    for (name, (x, accuracy)), colour in zip(curves.items(), COLOURS, strict=False):
        ax.plot(x, accuracy, color=colour, label=name)
    ax.set(xlabel=xlabel, ylabel="validation accuracy", ylim=(0.5, 1.0))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return ax


def explorer(X_train, y_train, X_val, y_val):
    """The evolution strategy for each population size and sigma: the validation
    accuracy and the training fitness of the mean network."""
    data = Frozen(X_train, y_train, X_val, y_val)

    def draw(population_size, sigma):
        run = explorer_run(population_size, sigma, data)
        history = run.history_
        generations = history["generation"]
        return View(
            [
                (
                    curve(
                        rounded(history["val_accuracy"]),
                        x=generations,
                        name="validation accuracy",
                        colour=COLOURS[0],
                    ),
                    1,
                ),
                (
                    curve(
                        rounded(history["fitness"]),
                        x=generations,
                        name="training fitness",
                        colour=COLOURS[1],
                    ),
                    2,
                ),
            ],
            title=(
                f"population {population_size}, sigma {sigma:g}: network kept "
                f"(best validation fitness) at generation {run.best_generation_}, "
                f"validation accuracy {run.best_val_accuracy_:.3f}"
                f"<br>{run.n_evaluations_:,} networks scored"
            ),
        )

    return Explorer(
        [
            Control("population_size", POPULATION_SIZES, label="population", start=100),
            Control("sigma", SIGMAS, label="sigma", start=0.05),
        ],
        draw,
        name="neuroevolution-explorer",
        panels=(1, 2),
        subplot_titles=("validation accuracy", "training fitness (mean log-prob.)"),
        layout={
            "xaxis": {"title.text": "generation", "range": [0, ES_GENERATIONS]},
            "xaxis2": {"title.text": "generation", "range": [0, ES_GENERATIONS]},
            "yaxis": {"range": [0, 1]},
            "yaxis2": {"range": [-2.5, 0]},
            "showlegend": False,
        },
        description=DESCRIPTION,
    )
