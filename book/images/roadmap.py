"""Draw the book's roadmap (book/images/roadmap.svg): every chapter in its part, and
an arrow from each chapter to the chapters that build on it.

Run from the repository root: ``.venv/bin/python book/images/roadmap.py``. The
dependencies are the prerequisites each chapter names at its start.
"""

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch

PARTS = [
    ("I  Supervised learning", range(1, 16)),
    ("II  Unsupervised learning", range(16, 23)),
    ("III  Deep learning", range(23, 32)),
    ("IV  Evolution and reinforcement", range(32, 36)),
]
TITLES = {
    1: "k-nearest neighbours",
    2: "Linear regression",
    3: "Ridge, lasso, elastic net",
    4: "Bayesian regression",
    5: "Logistic regression",
    6: "Perceptron",
    7: "Naive Bayes",
    8: "Linear discriminant analysis",
    9: "Support vector machines",
    10: "Decision trees",
    11: "Random forests",
    12: "AdaBoost",
    13: "Gradient boosting",
    14: "XGBoost",
    15: "Model selection, ensembles",
    16: "k-means",
    17: "k-medoids",
    18: "DBSCAN",
    19: "Agglomerative clustering",
    20: "Gaussian mixtures",
    21: "PCA",
    22: "Association rules",
    23: "Building blocks",
    24: "Optimizers",
    25: "Multilayer perceptron",
    26: "Convolutional networks",
    27: "Recurrent networks",
    28: "Attention",
    29: "Autoencoders",
    30: "GANs",
    31: "Boltzmann machines",
    32: "Genetic algorithm",
    33: "Neuroevolution",
    34: "Particle swarms",
    35: "Deep Q-network",
}
# chapter: the chapters it builds on
BUILDS_ON = {
    3: [2],
    4: [2],
    5: [2],
    6: [5],
    8: [7],
    9: [6],
    11: [10],
    12: [10],
    13: [10],
    14: [13],
    15: [11, 13],
    16: [1],
    17: [16],
    18: [1],
    19: [16],
    20: [16, 7],
    21: [8],
    23: [5],
    24: [23],
    25: [24],
    26: [25],
    27: [25],
    28: [27],
    29: [26],
    30: [29],
    31: [25],
    33: [32, 25],
    34: [32],
    35: [25],
}
COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a"]


def positions():
    """(x, y) of each chapter: one column per part, chapters downwards."""
    place = {}
    for column, (_, chapters) in enumerate(PARTS):
        for row, chapter in enumerate(chapters):
            place[chapter] = (column * 3.2, -row)
    return place


def draw(path):
    place = positions()
    fig, ax = plt.subplots(figsize=(12, 7.2))
    plt.rcParams["svg.hashsalt"] = "scratchlearn"
    for column, (title, chapters) in enumerate(PARTS):
        ax.text(
            column * 3.2 - 0.1,
            1.0,
            "Part " + title,
            fontsize=10,
            fontweight="bold",
            color=COLOURS[column],
        )
        for chapter in chapters:
            x, y = place[chapter]
            ax.text(
                x,
                y,
                f"{chapter:>2}  {TITLES[chapter]}",
                fontsize=8.5,
                va="center",
                bbox={
                    "boxstyle": "round,pad=0.25",
                    "facecolor": "white",
                    "edgecolor": COLOURS[column],
                },
            )
    for chapter, earlier in BUILDS_ON.items():
        for source in earlier:
            (x0, y0), (x1, y1) = place[source], place[chapter]
            same_column = x0 == x1
            start = (x0 - 0.12, y0) if same_column else (x0 + 2.55, y0)
            end = (x1 - 0.12, y1)
            arrow = FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=7,
                linewidth=0.7,
                color="0.45",
                connectionstyle=f"arc3,rad={0.5 if same_column else 0.15}",
            )
            ax.add_patch(arrow)
    ax.set_xlim(-0.8, 3 * 3.2 + 2.8)
    ax.set_ylim(-15, 1.5)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)


if __name__ == "__main__":
    plt.rcParams["svg.fonttype"] = "none"
    draw(pathlib.Path(__file__).with_name("roadmap.svg"))
