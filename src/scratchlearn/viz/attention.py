"""Figures and the explorer of Chapter 28 (attention): attention weights as heat maps,
one per head, with the tokens on the axes (matplotlib), and an explorer of the number
of heads, key_dim and masking, drawn from attention layers trained in advance.
"""

import numpy as np

from scratchlearn.deep.attention import MultiHeadAttention
from scratchlearn.deep.layers import Dense
from scratchlearn.deep.losses import SparseCategoricalCrossentropy
from scratchlearn.deep.model import Sequential
from scratchlearn.deep.optimizers import Adam
from scratchlearn.deep.pooling import GlobalAveragePooling1D
from scratchlearn.viz.explorer import Control, Explorer, View

HEADS = (1, 2, 4)
KEY_DIMS = (2, 16)
MASKING = ("on", "off")
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


def train_attention_top(
    H,
    mask,
    y,
    *,
    num_heads,
    key_dim,
    masking,
    epochs=4,
    batch_size=32,
    learning_rate=0.01,
    random_state=0,
):
    """MultiHeadAttention -> GlobalAveragePooling1D -> Dense(softmax) trained on the
    sequences ``H`` (n_samples, steps, features), e.g. a trained LSTM's outputs,
    with their padding ``mask`` if ``masking`` is ``"on"``, else none.

    A short loop over mini-batches (``fit`` takes no mask): forward with the mask,
    backward, one Adam step.
    """
    n_classes = int(np.max(y)) + 1
    model = Sequential(
        [
            MultiHeadAttention(num_heads, key_dim),
            GlobalAveragePooling1D(),
            Dense(n_classes, activation="softmax"),
        ],
        random_state=random_state,
    )
    model.compile(Adam(learning_rate), SparseCategoricalCrossentropy())
    model.build(H.shape[1:])
    rng = np.random.default_rng(random_state)
    for _ in range(epochs):
        order = rng.permutation(len(H))
        for start in range(0, len(H), batch_size):
            batch = order[start : start + batch_size]
            batch_mask = mask[batch] if masking == "on" else None
            proba = model.forward(H[batch], training=True, mask=batch_mask)
            model.backward(model.loss.gradient(y[batch], proba))
            model.apply_gradients()
    return model


def attention_and_accuracy(model, H, mask, y, masking):
    """The attention weights (n_samples, heads, steps, steps) and the accuracy."""
    proba = model.forward(H, mask=mask if masking == "on" else None)
    return model.layers[0].attention_scores_, float(np.mean(proba.argmax(1) == y))


def train_every_setting(train, val, shown, *, epochs=4):
    """{(heads, key_dim, masking): (attention weights on ``shown``, validation
    accuracy)} for every setting of the explorer, each trained once."""
    runs = {}
    for heads in HEADS:
        for key_dim in KEY_DIMS:
            for masking in MASKING:
                model = train_attention_top(
                    *train,
                    num_heads=heads,
                    key_dim=key_dim,
                    masking=masking,
                    epochs=epochs,
                )
                accuracy = attention_and_accuracy(model, *val, masking)[1]
                model.forward(shown[0], mask=shown[1] if masking == "on" else None)
                runs[heads, key_dim, masking] = (
                    model.layers[0].attention_scores_,
                    accuracy,
                )
    return runs


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


def sequences_after(model, X, n_layers):
    """The outputs of a Sequential's first ``n_layers`` layers on ``X`` (inference)
    and the padding mask that reaches them (e.g. an Embedding's)."""
    mask = None
    for layer in model.layers[:n_layers]:
        if mask is not None and layer.accepts_mask:
            output = layer.forward(X, training=False, mask=mask)
        else:
            output = layer.forward(X, training=False)
        mask = layer.compute_mask(X, mask)
        X = output
    return X, mask
