"""Pictures several chapters share (scratchlearn.viz.figures)."""

import numpy as np

from scratchlearn.viz.figures import chosen_line, thinned


def test_thinned_keeps_the_start_every_nth_step_and_the_end():
    steps, values = thinned(np.arange(100.0) ** 2, every=30, first=3)
    np.testing.assert_array_equal(steps, [0, 1, 2, 30, 60, 90, 99])
    np.testing.assert_array_equal(values, steps.astype(float) ** 2)


def test_chosen_line_spans_its_panel_and_takes_a_style():
    line = chosen_line(3, ("x", "y"), color="grey", width=None)
    assert (line["xref"], line["yref"]) == ("x", "y domain")
    assert (line["x0"], line["x1"], line["y0"], line["y1"]) == (3, 3, 0, 1)
    assert line["line"] == {"color": "grey", "dash": "dot"}  # width left to plotly


def test_staged_curves_draws_each_stage_from_one_and_a_dashed_reference():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scratchlearn.viz.figures import TRAIN_COLOUR, VALIDATION_COLOUR, staged_curves

    figure, ax = plt.subplots()
    curves = {"training": [0.5, 0.3, 0.2], "test": [0.6, 0.4, 0.45]}
    staged_curves(curves, ax, xlabel="trees", ylabel="error", reference=("ref", [1, 2]))
    train, test, reference = ax.lines
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(test.get_ydata(), curves["test"])
    assert (train.get_color(), test.get_color()) == (TRAIN_COLOUR, VALIDATION_COLOUR)
    assert reference.get_linestyle() == "--" and reference.get_label() == "ref"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [*curves, "ref"]
    plt.close(figure)


def test_image_grid_draws_each_image_with_its_title_and_scale():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scratchlearn.viz.figures import image_grid

    rng = np.random.default_rng(0)
    fig = image_grid(rng.uniform(size=(7, 64)), n_columns=4)  # flat 8 x 8 digits
    assert len(fig.axes) == 8  # two rows of four, the last panel empty
    assert fig.axes[0].get_images()[0].get_array().shape == (8, 8)
    assert not fig.axes[7].get_images()
    plt.close(fig)
    kernels = np.array([[[1.0, -3.0]], [[2.0, 0.5]]])  # (2, 1, 2): both signs
    fig = image_grid(kernels, ["a", "b"], cmap="RdBu_r", title_colours=["red", "k"])
    assert fig.axes[0].get_images()[0].get_clim() == (-3.0, 3.0)  # centred on 0
    assert fig.axes[0].get_title() == "a" and fig.axes[0].title.get_color() == "red"
    plt.close(fig)
    fig = image_grid(kernels, limits=(0, 1), title="both")
    assert fig.axes[1].get_images()[0].get_clim() == (0, 1)
    assert fig._suptitle.get_text() == "both"
    plt.close(fig)
