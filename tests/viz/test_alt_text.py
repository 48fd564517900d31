"""Words for a matplotlib figure, stored beside its picture: the site's alt text
(book/_ext/site_fixes.py gives them to the picture; tests/book/test_site.py checks
every page)."""


def test_a_matplotlib_figure_is_described_by_its_titles_axes_and_legend():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from scratchlearn.viz.common import figure_alt_text

    figure, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], label="training")
    left.plot([1, 0], label="validation")
    left.legend()
    left.set(title="Loss", xlabel="epoch", ylabel="$\\log$ loss")
    right.set_title("Weights")
    figure.suptitle("An MLP learns")
    text = figure_alt_text(figure)
    plt.close(figure)
    assert text == (
        "An MLP learns. 2 panels: Loss (x: epoch; y: log loss; legend: training, "
        "validation); Weights"
    )
    empty, _ = plt.subplots()
    assert figure_alt_text(empty) == "A chart drawn by the code above"
    plt.close(empty)
