"""Figures and the explorers of Chapter 35 (a deep Q-network on CartPole).

The agent, its training runs and its recorded episodes are
:mod:`scratchlearn.reinforcement.experiments`; this module draws them.

CartPole is drawn from its state alone, no display needed: the state
``(x, x_velocity, angle, angular_velocity)`` places the cart on its track and tilts
the pole, with Gymnasium's proportions (a pole of length 1, the track's ends at
``x = +-2.4``). Two explorers:

* :func:`training_explorer`: the return of every training episode against the
  environment steps, for each epsilon decay (menu) and target-network update
  interval (slider), each setting a full training run of the chapter's agent;
* :func:`replay_explorer`: an episode replayed frame by frame (slider), the cart
  beside the Q-values the agent saw, for an untrained and a trained agent (menu).
"""

import numpy as np

from scratchlearn.reinforcement.experiments import (
    MAX_RETURN,
    N_CHECK_EPISODES,
    SETTINGS,
    moving_average,
    outcome,
    record,
    train,
)
from scratchlearn.viz.explorer import Control, Explorer, View
from scratchlearn.viz.figures import COLOURS, chosen_line

# The training explorer's settings: one training run each, of at most EXPLORER_STEPS
# steps, with EXPLORER_SEED (the quickest of seeds 0-2 to learn, whose run with the
# chapter's settings is already made); six runs in all.
EPSILON_DECAYS = (1_000, 5_000)
TARGET_INTERVALS = (10, 100, 1_000)
EXPLORER_STEPS = 10_000
EXPLORER_SEED = 2
# The replay's frames: every FRAME_STEP-th step of the static explorer, every
# step in the live one.
FRAME_STEP = 10

X_LIMIT = 2.4  # the cart leaves the track beyond
ANGLE_LIMIT = 12 * np.pi / 180  # the pole has fallen beyond 12 degrees
CART_WIDTH, CART_HEIGHT, POLE_LENGTH = 0.5, 0.3, 1.0
ACTIONS = ("push left", "push right")
CART_COLOUR, POLE_COLOUR, FALLEN_COLOUR = "#333333", COLOURS[1], "#b2182b"
DESCRIPTION_TRAINING = (
    "The return of every training episode of a Double DQN on CartPole-v1 against "
    "the environment steps taken, with its moving average over 20 episodes, for "
    "several epsilon decays and target-network update intervals"
)
DESCRIPTION_REPLAY = (
    "An episode of CartPole-v1 replayed frame by frame: the cart on its track and "
    "its pole, drawn from the state, beside the agent's Q-values of pushing left "
    "and right at every step"
)


# --- training curves ---------------------------------------------------------------


def plot_returns(agent, ax, *, colour=COLOURS[0], label=None, window=20):
    """The return of every training episode (dots), its moving average and the
    greedy checks' mean returns (diamonds), with matplotlib, against the
    environment steps."""
    ax.plot(
        agent.episode_ends_, agent.episode_returns_, ".", ms=2, color=colour, alpha=0.35
    )
    smooth = moving_average(agent.episode_returns_, window)
    ax.plot(agent.episode_ends_, smooth, color=colour, label=label or outcome(agent))
    ax.plot(
        agent.eval_steps_,
        agent.eval_returns_,
        "D",
        ms=4,
        color=COLOURS[1],
        label="greedy checks",
    )
    ax.axhline(MAX_RETURN, color="grey", lw=0.8, ls=":")
    ax.set(xlabel="environment steps", ylabel="episode return", ylim=(0, 520))
    ax.legend(loc="upper left", fontsize=8)
    return ax


def return_traces(agent, window=20):
    """Plotly: the training episodes' returns (their moving average) and the
    greedy checks' mean returns (markers)."""
    import plotly.graph_objects as go

    return [
        go.Scatter(
            x=agent.episode_ends_,
            y=moving_average(agent.episode_returns_, window),
            mode="lines",
            line={"color": COLOURS[0], "width": 2},
            name=f"training episodes (mean of {window})",
        ),
        go.Scatter(
            x=agent.eval_steps_,
            y=agent.eval_returns_,
            mode="markers",
            marker={"size": 8, "color": COLOURS[1], "symbol": "diamond"},
            name=f"greedy checks (mean of {N_CHECK_EPISODES})",
        ),
    ]


def epsilon_trace(agent):
    """Plotly: the exploration rate over the run."""
    import plotly.graph_objects as go

    from scratchlearn.reinforcement import linear_epsilon

    steps = np.array([0, agent.epsilon_decay_steps, max(agent.n_steps_, 1)])
    steps = np.unique(np.minimum(steps, agent.n_steps_))
    return go.Scatter(
        x=steps,
        y=linear_epsilon(steps, *agent._schedule),
        mode="lines",
        line={"color": COLOURS[2]},
        name="epsilon",
    )


def training_explorer(seed=EXPLORER_SEED):
    """Training runs of the chapter's agent for each epsilon decay and target
    update interval: the return curve and the exploration rate."""

    def draw(epsilon_decay_steps, target_update_interval):
        agent = train(
            seed,
            max_steps=EXPLORER_STEPS,
            epsilon_decay_steps=epsilon_decay_steps,
            target_update_interval=target_update_interval,
        )
        return View(
            [
                *((trace, (1, 1)) for trace in return_traces(agent)),
                (epsilon_trace(agent), (2, 1)),
            ],
            title=(
                f"epsilon decays over {epsilon_decay_steps:,} steps, target network "
                f"updated every {target_update_interval:,} steps: {outcome(agent)}"
            ),
        )

    return Explorer(
        [
            Control(
                "epsilon_decay_steps",
                EPSILON_DECAYS,
                label="epsilon decay",
                start=SETTINGS["epsilon_decay_steps"],
            ),
            Control(
                "target_update_interval",
                TARGET_INTERVALS,
                label="target update interval",
                start=SETTINGS["target_update_interval"],
            ),
        ],
        draw,
        name="dqn-training-explorer",
        panels=(2, 1),
        subplots={
            "row_heights": [0.75, 0.25],
            "shared_xaxes": True,
            "vertical_spacing": 0.06,
        },
        layout={
            "xaxis2": {"title.text": "environment steps", "range": [0, EXPLORER_STEPS]},
            "yaxis": {"title.text": "episode return", "range": [0, 520]},
            "yaxis2": {"title.text": "epsilon", "range": [0, 1.05]},
            "legend": {"orientation": "h", "x": 0.0, "y": 1.0, "yanchor": "bottom"},
        },
        description=DESCRIPTION_TRAINING,
    )


# --- CartPole drawn from its state ------------------------------------------------


def cart_geometry(state):
    """Where to draw a CartPole state: ``(cart_x, cart_y)`` (the corners of the
    cart, closed) and ``(pole_x, pole_y)`` (the pole's two ends). The pole leans
    right for a positive angle, as Gymnasium draws it."""
    x, angle = float(state[0]), float(state[2])
    half = CART_WIDTH / 2
    cart_x = np.array([x - half, x + half, x + half, x - half, x - half])
    cart_y = np.array([0.0, 0.0, CART_HEIGHT, CART_HEIGHT, 0.0])
    pole_x = np.array([x, x + POLE_LENGTH * np.sin(angle)])
    pole_y = np.array([CART_HEIGHT, CART_HEIGHT + POLE_LENGTH * np.cos(angle)])
    return cart_x, cart_y, pole_x, pole_y


def is_failed(state):
    """Whether the state is past CartPole's limits (the episode has ended)."""
    return abs(state[0]) > X_LIMIT or abs(state[2]) > ANGLE_LIMIT


def plot_cart(state, ax, *, title=None):
    """One frame of CartPole with matplotlib: the track and its ends, the cart and
    the pole (red once the state is past the limits)."""
    cart_x, cart_y, pole_x, pole_y = cart_geometry(state)
    ax.plot([-X_LIMIT - 0.4, X_LIMIT + 0.4], [0, 0], color="grey", lw=1)
    for end in (-X_LIMIT, X_LIMIT):
        ax.plot([end, end], [0, 0.2], color="grey", lw=2)
    ax.fill(cart_x, cart_y, color=CART_COLOUR)
    pole = FALLEN_COLOUR if is_failed(state) else POLE_COLOUR
    ax.plot(pole_x, pole_y, color=pole, lw=4, solid_capstyle="round")
    ax.set(xlim=(-X_LIMIT - 0.4, X_LIMIT + 0.4), ylim=(-0.1, 1.4), aspect="equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def cart_shapes(state, axes=("x", "y")):
    """The plotly layout shapes of one frame: the cart and the pole."""
    cart_x, _, pole_x, pole_y = cart_geometry(state)
    xref, yref = axes
    pole = FALLEN_COLOUR if is_failed(state) else POLE_COLOUR
    return [
        {
            "type": "rect",
            "xref": xref,
            "yref": yref,
            "x0": cart_x[0],
            "x1": cart_x[1],
            "y0": 0.0,
            "y1": CART_HEIGHT,
            "fillcolor": CART_COLOUR,
            "line": {"width": 0},
        },
        {
            "type": "line",
            "xref": xref,
            "yref": yref,
            "x0": pole_x[0],
            "x1": pole_x[1],
            "y0": pole_y[0],
            "y1": pole_y[1],
            "line": {"color": pole, "width": 7},
        },
    ]


def track_traces():
    """Plotly: the track and its two ends (the same in every frame)."""
    import plotly.graph_objects as go

    span = [-X_LIMIT - 0.4, X_LIMIT + 0.4]
    return [
        go.Scatter(
            x=span,
            y=[0, 0],
            mode="lines",
            line={"color": "grey"},
            showlegend=False,
            hoverinfo="skip",
        ),
        go.Scatter(
            x=[-X_LIMIT, -X_LIMIT, None, X_LIMIT, X_LIMIT],
            y=[0, 0.2, None, 0, 0.2],
            mode="lines",
            line={"color": "grey", "width": 3},
            showlegend=False,
            hoverinfo="skip",
        ),
    ]


# --- replaying an episode ---------------------------------------------------------


def replay_explorer(agents, seed=0):
    """An episode of each agent in ``agents`` (a dict: name -> fitted DQN), reset
    with ``seed``, replayed frame by frame beside its Q-values."""
    recorded = {name: record(agent, seed) for name, agent in agents.items()}
    longest = max(len(episode.actions) for episode, _ in recorded.values())
    frames = tuple(range(0, longest + 1, FRAME_STEP))
    if frames[-1] != longest:
        frames = (*frames, longest)

    def draw(agent, frame):
        import plotly.graph_objects as go

        episode, q_values = recorded[agent]
        step = min(frame, len(episode.actions))  # after the end: the last state
        lines = [
            go.Scatter(
                y=q_values[:, action],
                mode="lines",
                name=f"Q({name})",
                line={"color": COLOURS[action]},
            )
            for action, name in enumerate(("left", "right"))
        ]
        now = f"step {step} of {len(episode.actions)}"
        if step < len(episode.actions):
            now += f": {ACTIONS[episode.actions[step]]}"
        else:
            now += ": the pole fell" if episode.terminated else ": time is up"
        marker = chosen_line(step, color=None, width=None)  # plotly's colour, width
        return View(
            [*track_traces(), *((line, 2) for line in lines)],
            title=f"{agent}, return {episode.total_return:.0f}. {now}",
            layout={
                "shapes": [*cart_shapes(episode.states[step]), marker],
                "xaxis2.range": [0, len(episode.actions)],
            },
        )

    return Explorer(
        [
            Control("agent", tuple(agents)),
            Control(
                "frame",
                frames,
                label="step",
                live_values=tuple(range(longest + 1)),
                start=0,
            ),
        ],
        draw,
        name="dqn-replay-explorer",
        panels=(1, 2),
        subplot_titles=("CartPole, drawn from the state", "the agent's Q-values"),
        subplots={"column_widths": [0.55, 0.45], "horizontal_spacing": 0.1},
        layout={
            "xaxis": {
                "range": [-X_LIMIT - 0.4, X_LIMIT + 0.4],
                "showticklabels": False,
                "showgrid": False,
                "zeroline": False,
            },
            "yaxis": {"range": [-0.2, 1.5], "scaleanchor": "x", "visible": False},
            "xaxis2": {"title.text": "step"},
            "yaxis2": {"title.text": "Q-value"},
            "legend": {"x": 1.0, "xanchor": "right", "y": 0.02, "yanchor": "bottom"},
        },
        description=DESCRIPTION_REPLAY,
    )
