"""Chapter 28's pictures and explorer (scratchlearn.viz.attention): every setting is
trained once, in advance; each setting and sequence draws its own heads' attention
weights; masked keys get nothing; the token names and the heat maps."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from scratchlearn import datasets
from scratchlearn.deep import experiments
from scratchlearn.viz import attention as attention_plots
from scratchlearn.viz.explorer import shown_traces

STEPS = 6


@pytest.fixture(scope="module")
def data():
    """Random 'LSTM outputs' with the padding masks of real marker sequences."""
    X, y, _ = datasets.marker_sequences(
        80, n_classes=3, vocab_size=9, min_length=3, max_length=STEPS, random_state=0
    )
    mask = X != 0
    H = np.random.default_rng(0).normal(size=(80, STEPS, 4))
    H[:, :, 0] += y[:, None]  # something to learn
    train = (H[:60], mask[:60], y[:60])
    val = (H[60:70], mask[60:70], y[60:70])
    shown = (H[70:73], mask[70:73], X[70:73])
    return train, val, shown


@pytest.fixture(scope="module")
def trained(data):
    calls, models = [], {}
    original = experiments.train_attention_top

    def counted(*args, **kwargs):
        key = (kwargs["num_heads"], kwargs["key_dim"], kwargs["masking"])
        calls.append(key)
        models[key] = original(*args, **kwargs)
        return models[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(experiments, "train_attention_top", counted)
        explorer = attention_plots.explorer(*data, epochs=1)
        explorer.static()
        explorer.figure(num_heads=2, key_dim=16, masking="off", sample=1)
    return explorer, calls, models


def test_every_setting_is_trained_once_in_advance(trained):
    _, calls, _ = trained
    expected = {
        (h, k, m)
        for h in experiments.HEADS
        for k in experiments.KEY_DIMS
        for m in experiments.MASKING
    }
    assert len(calls) == len(set(calls)) == len(expected)
    assert set(calls) == expected


@pytest.mark.parametrize("setting", [(1, 2, "on"), (4, 16, "off"), (2, 2, "on")])
@pytest.mark.parametrize("sample", [0, 2])
def test_each_setting_draws_its_heads_weights(trained, data, setting, sample):
    explorer, _, models = trained
    heads, key_dim, masking = setting
    _, _, (H, mask, X) = data
    model = models[setting]
    model.forward(H, mask=mask if masking == "on" else None)
    weights = model.layers[0].attention_scores_[sample]  # (heads, steps, steps)
    figure = explorer.figure(
        num_heads=heads, key_dim=key_dim, masking=masking, sample=sample
    )
    assert len(figure.data) == heads
    for head, trace in enumerate(figure.data):
        np.testing.assert_array_equal(trace.z, np.round(100 * weights[head]))
    assert list(figure.layout.xaxis.ticktext) == attention_plots.token_names(X[sample])
    if masking == "on":  # padded keys and padded queries get no weight
        padded = ~mask[sample]
        for trace in figure.data:
            z = np.asarray(trace.z)
            assert np.all(z[:, padded] == 0) and np.all(z[padded] == 0)
    assert f"{heads} head(s), key_dim {key_dim}, masking {masking}" in (
        figure.layout.title.text
    )


def test_the_static_explorer_shows_one_trace_per_head(trained):
    explorer, _, _ = trained
    figure = explorer.static().figure
    (menu,) = figure.layout.updatemenus
    assert len(menu.buttons) == 3 * 2 * 2
    (slider,) = figure.layout.sliders
    assert len(slider.steps) == 3
    spec = figure.to_plotly_json()
    labels = [button.label for button in menu.buttons]
    for entry, label in enumerate(labels):
        heads = int(label.split("heads = ")[1].split(",")[0])
        for step in range(3):
            assert len(shown_traces(spec, entry, step)) == heads


def test_token_names_and_heat_maps():
    assert attention_plots.token_names([0, 1, 2, 5, 6, 17], n_classes=4) == [
        "·",
        "M",
        "A0",
        "A3",
        "6",
        "17",
    ]
    weights = np.random.default_rng(1).dirichlet(np.ones(4), size=(3, 4))
    figure = attention_plots.plot_heads(weights, ["M", "A0", "7", "·"])
    images = [ax for ax in figure.axes if ax.get_images()]
    assert len(images) == 3
    np.testing.assert_allclose(images[0].get_images()[0].get_array(), weights[0])
    assert [t.get_text() for t in images[0].get_xticklabels()] == ["M", "A0", "7", "·"]


def test_sequences_after_carries_the_mask(data):
    from scratchlearn.deep import Embedding, Sequential

    model = Sequential([Embedding(9, 3, mask_zero=True)], random_state=0)
    X = np.array([[3, 4, 0, 0], [5, 6, 7, 0]])
    model.build((4,))
    H, mask = experiments.sequences_after(model, X, 1)
    assert H.shape == (2, 4, 3)
    np.testing.assert_array_equal(mask, X != 0)
