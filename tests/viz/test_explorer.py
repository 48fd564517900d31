"""The explorer builder (scratchlearn.viz.explorer): one declaration gives a static
figure with a slider step per value and a menu entry per combination, traces shared
between settings stored once, and live widgets that map back to the declared values
(None included)."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from scratchlearn.viz.explorer import Control, Explorer, View


def draw(shape, size):
    """A background trace shared by every setting, and one that depends on both."""
    background = go.Scatter(x=[0.0, 1.0], y=[0.0, 1.0], name="background")
    points = go.Scatter(x=np.arange(3.0), y=np.full(3, float(size or 0)), name=shape)
    return View(
        [(background, 1), (points, 2)],
        title=f"{shape}, {size}",
        layout={"yaxis2.range": [0, (size or 0) + 1]},
    )


@pytest.fixture
def explorer():
    return Explorer(
        [
            Control("shape", ["circle", "square"]),
            Control("size", [1, 2, None], live_values=[1, 2, 3, None], start=2),
        ],
        draw,
        name="test-explorer",
        panels=(1, 2),
        description="A test figure",
    )


def test_the_static_figure_has_a_step_per_value_and_an_entry_per_combination(explorer):
    figure = explorer.static().figure
    (slider,) = figure.layout.sliders
    assert [step.label for step in slider.steps] == ["1", "2", "None"]
    (menu,) = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == ["shape = circle", "shape = square"]
    # 1 shared background + 2 shapes x 3 sizes.
    assert len(figure.data) == 1 + 2 * 3
    # The first view shown is the declared start (size 2, the first shape).
    assert figure.layout.title.text == "circle, 2"
    assert sum(bool(trace.visible) for trace in figure.data) == 2


def test_each_step_shows_its_own_traces_title_and_layout(explorer):
    figure = explorer.static().figure
    for button in figure.layout.updatemenus[0].buttons:
        shape = button.label.split(" = ")[1]
        for step, size in zip(
            button.args[1]["sliders"][0]["steps"], [1, 2, None], strict=True
        ):
            visible, layout, indices = step["args"]
            on = dict(zip(indices, visible["visible"], strict=True))
            shown = [figure.data[i] for i, flag in on.items() if flag]
            # A step restyles only its menu entry's traces: 1 shared + 3 sizes.
            assert len(indices) == 4
            assert {trace.name for trace in shown} == {"background", shape}
            points = next(trace for trace in shown if trace.name == shape)
            assert set(points.y) == {float(size or 0)}
            assert layout["title.text"] == f"{shape}, {size}"
            assert layout["yaxis2.range"] == [0, (size or 0) + 1]


def test_without_a_menu_each_step_sets_every_trace_without_listing_them():
    figure = (
        Explorer(
            [
                Control("shape", ["circle"], live_values=["circle", "square"]),
                Control("size", [1, 2]),
            ],
            draw,
            name="one-entry",
            panels=(1, 2),
        )
        .static()
        .figure
    )
    assert not figure.layout.updatemenus  # one entry: no menu
    for step, size in zip(figure.layout.sliders[0].steps, [1, 2], strict=True):
        visible, layout = step["args"]  # no third argument: all traces
        assert len(visible["visible"]) == len(figure.data) == 3
        shown = [
            t.name for t, on in zip(figure.data, visible["visible"], strict=True) if on
        ]
        assert shown == ["background", "circle"] and layout["title.text"].endswith(
            str(size)
        )


def test_identical_traces_are_stored_once(explorer):
    figure = explorer.static().figure
    assert [trace.name for trace in figure.data].count("background") == 1


def test_live_widgets_map_back_to_the_declared_values(explorer):
    shape, size = explorer.widgets()
    assert type(size).__name__ == "SelectionSlider"  # numbers, with None as a value
    assert type(shape).__name__ == "ToggleButtons"
    assert [label for label, _ in size.options] == ["1", "2", "3", "None"]
    assert explorer.setting([shape, size]) == {"shape": "circle", "size": 2}
    size.value = 3  # the position of None
    shape.value = 1
    assert explorer.setting([shape, size]) == {"shape": "square", "size": None}
    figure = explorer.figure(**explorer.setting([shape, size]))
    assert figure.layout.title.text == "square, None"
    size.value = 2  # a live-only value
    assert explorer.figure(**explorer.setting([shape, size])).layout.title.text == (
        "square, 3"
    )


def test_the_static_figure_is_described_for_screen_readers(explorer):
    data, metadata = explorer.static()._repr_mimebundle_()
    about = metadata["application/vnd.plotly.v1+json"]
    assert about["name"] == "test-explorer"
    assert about["description"].startswith("A test figure; Interactive figure")
    assert "a slider sets size (1, 2, None)" in about["description"]
    assert "a menu sets shape" in about["description"]
    json.dumps(data)  # plain JSON, stored once


def test_a_draw_that_returns_no_view_is_a_clear_error():
    broken = Explorer([Control("k", [1, 2])], lambda k: [k], name="broken")
    with pytest.raises(TypeError, match="draw\\(\\) must return a View"):
        broken.static()


def test_controls_are_checked_when_declared():
    with pytest.raises(ValueError, match="at least one value"):
        Control("k", [])
    with pytest.raises(ValueError, match="start=4 is not one of its values"):
        Control("k", [1, 2], start=4)
    with pytest.raises(ValueError, match="at least one control"):
        Explorer([], draw, name="empty")
