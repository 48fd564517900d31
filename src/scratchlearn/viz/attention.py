"""Figures and the explorer of Chapter 28 (attention): attention weights as heat maps,
one per head, with the tokens on the axes (matplotlib), and an explorer of the number
of heads, key_dim and masking, drawn from attention layers trained in advance.
"""

import numpy as np

from scratchlearn.deep.experiments import HEADS, KEY_DIMS, MASKING, train_every_setting
from scratchlearn.viz.explorer import Control, Explorer, View

N_SHOWN = 3  # sequences the explorer's slider goes through


def token_names(row, n_classes=4):
    """How the chapter writes the marker task's tokens: ``·`` padding, ``M`` the
    marker, ``A0``... the answers, the fillers by their number."""
    names = []
    for token in np.asarray(row, dtype=int):
        if token == 0:
            names.append("·")
        elif token == 1:
            names.append("M")
        elif token < 2 + n_classes:
            names.append(f"A{token - 2}")
        else:
            names.append(str(token))
    return names


def plot_attention(weights, query_tokens, key_tokens=None, *, title=None, ax=None):
    """One attention matrix (n_queries, n_keys) as a heat map: row i is what query i
    reads from each key (a row sums to 1, or 0 if fully masked)."""
    import matplotlib.pyplot as plt

    key_tokens = query_tokens if key_tokens is None else key_tokens
    if ax is None:
        _, ax = plt.subplots(
            figsize=(0.32 * len(key_tokens) + 1.5, 0.3 * len(query_tokens) + 1)
        )
    image = ax.imshow(weights, cmap="Blues", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(len(key_tokens)), key_tokens, fontsize=7)
    ax.set_yticks(range(len(query_tokens)), query_tokens, fontsize=7)
    ax.set_xlabel("key (attended to)", fontsize=8)
    ax.set_ylabel("query", fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    return image


def plot_heads(weights, tokens, *, n_columns=4, title=None):
    """Every head's attention weights ``(num_heads, steps, steps)`` for one
    sequence, side by side, with one colour bar."""
    import matplotlib.pyplot as plt

    n_heads = len(weights)
    n_columns = min(n_columns, n_heads)
    n_rows = -(-n_heads // n_columns)
    size = 0.22 * len(tokens) + 0.9
    fig, axes = plt.subplots(
        n_rows,
        n_columns,
        figsize=(size * n_columns + 1, size * n_rows + 0.4),
        squeeze=False,
    )
    for head, ax in enumerate(axes.flat):
        if head >= n_heads:
            ax.set_axis_off()
            continue
        image = plot_attention(weights[head], tokens, title=f"head {head}", ax=ax)
    fig.colorbar(image, ax=axes, shrink=0.7, label="attention weight")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def _heat_map_axes(n_steps):
    """Every panel's axes: one tick per step (named per sequence), queries down."""
    axes = {}
    for panel in range(1, max(HEADS) + 1):
        suffix = "" if panel == 1 else str(panel)
        axes[f"xaxis{suffix}.tickvals"] = list(range(n_steps))
        axes[f"yaxis{suffix}.tickvals"] = list(range(n_steps))
        axes[f"yaxis{suffix}.autorange"] = "reversed"
        axes[f"xaxis{suffix}.title.text"] = "key"
    return axes


def explorer(train, val, shown, *, epochs=4):
    """Heat maps of each head's attention on ``N_SHOWN`` sequences, for every number
    of heads, key_dim and masking on/off. ``train``, ``val``: ``(H, mask, y)`` (a
    trained LSTM's outputs, the padding mask, the labels); ``shown``: ``(H, mask, X)``
    with ``X`` the token ids. Every setting is trained here, once, in advance."""
    runs = train_every_setting(train, val, shown, epochs=epochs)
    X_shown = shown[2]

    def draw(num_heads, key_dim, masking, sample):
        import plotly.graph_objects as go

        weights, accuracy = runs[num_heads, key_dim, masking]
        # Whole percents: a small figure, and a weight near 0 stays near 0.
        percent = np.round(100 * weights[sample]).astype(np.int8)
        steps = np.arange(X_shown.shape[1])
        traces = [
            (
                go.Heatmap(
                    z=percent[head],
                    x=steps,
                    y=steps,
                    coloraxis="coloraxis",
                    name=f"head {head}",
                ),
                head + 1,
            )
            for head in range(num_heads)
        ]
        names = token_names(X_shown[sample])
        layout = {}
        for panel in range(1, max(HEADS) + 1):
            suffix = "" if panel == 1 else str(panel)
            layout[f"xaxis{suffix}.ticktext"] = names
            layout[f"yaxis{suffix}.ticktext"] = names
        title = (
            f"{num_heads} head(s), key_dim {key_dim}, masking {masking}: "
            f"validation accuracy {accuracy:.3f}; sequence {sample}"
        )
        return View(traces, title, layout)

    axes = _heat_map_axes(X_shown.shape[1])
    return Explorer(
        [
            Control("num_heads", HEADS, label="heads"),
            Control("key_dim", KEY_DIMS),
            Control("masking", MASKING),
            Control("sample", list(range(len(X_shown))), label="sequence", start=0),
        ],
        draw,
        name="attention-explorer",
        panels=(1, max(HEADS)),
        subplot_titles=[f"head {h}" for h in range(max(HEADS))],
        layout={
            **axes,
            "coloraxis": {
                "cmin": 0,
                "cmax": 100,
                "colorscale": "Blues",
                "colorbar": {"title": {"text": "%"}},
            },
            "yaxis.title.text": "query",
        },
        description=(
            "Attention weights of each head (rows: queries, columns: keys, "
            "darker is more) on a few marker sequences, for attention "
            "layers trained on a trained LSTM's outputs"
        ),
    )
