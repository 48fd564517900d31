"""Figures and the explorer of Chapter 32 (genetic algorithm).

A run evolving a target string is drawn two ways: its fitness curve (the best and
the mean fitness of each generation) and its *records*, the best string of each
generation in which the best fitness rose, one row per record, with the right
characters in colour. The explorer moves the mutation rate (slider) and the
population size (menu).
"""

import numpy as np

from scratchlearn.evolutionary.experiments import (
    MAX_GENERATIONS,
    TARGET,
    evolve_string,
    outcome,
    records,
)
from scratchlearn.evolutionary.genetic import LETTERS, decode
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, curve

# The static explorer's settings; the live explorer's are finer.
POPULATION_SIZES = (20, 50, 100, 200)
MUTATION_RATES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4)
LIVE_POPULATION_SIZES = (10, 20, 30, 50, 75, 100, 150, 200, 300, 500)
LIVE_MUTATION_RATES = tuple(round(r, 3) for r in np.arange(0.0, 0.5001, 0.005))
RIGHT, WRONG = COLOURS[0], "#e8e8e8"
DESCRIPTION = (
    "A genetic algorithm evolving the string 'Genetic Algorithm': the best and mean "
    "number of right characters per generation, and the best string each time the "
    "best improved, right characters in green"
)


def fitness_traces(ga):
    """The best and the mean fitness of each generation, as plotly lines."""
    generations = np.arange(len(ga.best_fitness_history_))
    return [
        curve(ga.best_fitness_history_, x=generations, name="best", colour=COLOURS[0]),
        curve(ga.mean_fitness_history_, x=generations, name="mean", colour=COLOURS[1]),
    ]


def records_trace(ga, target=TARGET):
    """The record strings as a plotly heatmap: one row per record (the first at
    the top), one cell per character, green where the character is right."""
    import plotly.graph_objects as go

    rows = records(ga)
    genomes = ga.best_history_[rows]  # (n_records, n_genes)
    right = (genomes == np.array([LETTERS.index(c) for c in target])).astype(np.int8)
    text = [list(decode(genome).replace(" ", "\u2423")) for genome in genomes]
    return go.Heatmap(
        z=right,
        text=text,
        texttemplate="%{text}",
        textfont={"size": 12, "family": "monospace"},
        colorscale=[[0, WRONG], [1, RIGHT]],
        zmin=0,
        zmax=1,
        showscale=False,
        xgap=1,
        ygap=1,
        hoverinfo="skip",
    )


def records_axis(ga, axis="yaxis2", n_rows=None):
    """Layout for the records' rows: each labelled with its generation, the first
    at the top, and ``n_rows`` rows of room (all the records by default)."""
    rows = records(ga)
    n_rows = n_rows or len(rows)
    return {
        f"{axis}.tickvals": list(range(len(rows))),
        f"{axis}.ticktext": [str(generation) for generation in rows],
        f"{axis}.range": [n_rows - 0.5, -0.5],
    }


def plot_fitness(ga, ax, *, label=""):
    """The best and mean fitness of each generation, with matplotlib."""
    ax.plot(ga.best_fitness_history_, color=COLOURS[0], label=f"best{label}")
    ax.plot(ga.mean_fitness_history_, color=COLOURS[1], label=f"mean{label}")
    ax.set(xlabel="generation", ylabel="fitness")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def explorer(target=TARGET):
    """The genetic algorithm on ``target`` for each population size and mutation
    rate: the fitness curve and the record strings."""
    n_rows = len(target) + 1  # fitness 0 .. len(target): at most that many records

    def draw(population_size, mutation_rate):
        ga = evolve_string(population_size, mutation_rate, target)
        return View(
            [*((trace, 1) for trace in fitness_traces(ga)), (records_trace(ga), 2)],
            title=(
                f"population {population_size}, mutation rate {mutation_rate:g}: "
                f"{outcome(ga, target)}<br>{ga.n_evaluations_:,} strings scored"
            ),
            layout=records_axis(ga, n_rows=n_rows),
        )

    return Explorer(
        [
            Control(
                "population_size",
                POPULATION_SIZES,
                label="population",
                live_values=LIVE_POPULATION_SIZES,
                start=100,
            ),
            Control(
                "mutation_rate",
                MUTATION_RATES,
                label="mutation rate",
                live_values=LIVE_MUTATION_RATES,
                start=0.05,
            ),
        ],
        draw,
        name="genetic-algorithm-explorer",
        panels=(1, 2),
        subplot_titles=(
            "right characters per generation",
            "best string at each record",
        ),
        subplots={"column_widths": [0.45, 0.55], "horizontal_spacing": 0.12},
        layout={
            "xaxis": {"title.text": "generation", "range": [0, MAX_GENERATIONS]},
            "yaxis": {
                "title.text": "right characters",
                "range": [0, len(target) + 0.5],
            },
            "xaxis2": {"showticklabels": False, "showgrid": False, "zeroline": False},
            "yaxis2": {"title.text": "generation", "showgrid": False},
            # Inside the curves' panel, at its bottom right, which they leave free.
            "legend": {
                "x": 0.39,
                "y": 0.02,
                "xanchor": "right",
                "yanchor": "bottom",
                "bgcolor": "rgba(255, 255, 255, 0.8)",
            },
        },
        description=DESCRIPTION,
    )
