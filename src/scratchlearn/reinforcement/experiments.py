"""The book's experiments of Part IV: the runs its chapter shows, and keeps.

The deep Q-network chapter (its pictures are :mod:`scratchlearn.viz.dqn`) trains
the same agent on CartPole-v1 in its text, its explorer, its tests and its
benchmark; they all ask this module for it, so that every one of them means the
same agent and none trains a run twice.
"""

import numpy as np

from scratchlearn.reinforcement.dqn import DQN, play_episode

ENVIRONMENT = "CartPole-v1"
#: The chapter's agent: Double DQN, settings found by hand for CartPole-v1.
SETTINGS = {
    "hidden_units": (64, 64),
    "learning_rate": 0.002,
    "batch_size": 64,
    "train_freq": 2,
    "target_update_interval": 100,
    "epsilon_end": 0.02,
    "epsilon_decay_steps": 5_000,
}
#: Training stops when every one of N_CHECK_EPISODES greedy episodes of a check,
#: run every CHECK_INTERVAL steps, reaches the maximum return.
MAX_RETURN = 500
CHECK_INTERVAL = 2_000
N_CHECK_EPISODES = 10
MAX_STEPS = 50_000


def make_environment(**kwargs):
    """CartPole-v1 (Gymnasium is imported only here: the agent itself needs only
    NumPy)."""
    import gymnasium as gym

    return gym.make(ENVIRONMENT, **kwargs)


def train(seed=0, double=True, max_steps=MAX_STEPS, **changes):
    """The chapter's agent trained on CartPole-v1 with ``random_state=seed``:
    :data:`SETTINGS` with ``changes``, stopped as soon as a check of
    :data:`N_CHECK_EPISODES` greedy episodes all return :data:`MAX_RETURN`, or
    after ``max_steps`` steps.

    Runs are kept: the chapter, its explorer and the tests ask for the same ones
    again. A run asked for with fewer ``max_steps`` than a kept one that stopped
    within them is that run (same seed, same steps)."""
    settings = {**SETTINGS, **changes}
    key = (seed, double, tuple(sorted(settings.items())))
    kept = _RUNS.get(key)
    if kept is not None and (
        kept.n_steps_ <= max_steps
        and (kept.solved_at_ is not None or kept.n_steps_ == max_steps)
    ):
        return kept
    agent = DQN(**settings, double=double, random_state=seed)
    agent.learn(
        make_environment(),
        max_steps,
        eval_env=make_environment(),
        eval_interval=CHECK_INTERVAL,
        n_eval_episodes=N_CHECK_EPISODES,
        stop_return=MAX_RETURN,
    )
    _RUNS[key] = agent
    return agent


_RUNS = {}


def moving_average(values, window=20):
    """The mean of each value and the ``window - 1`` before it (fewer at the
    start), shape of ``values``."""
    values = np.asarray(values, dtype=np.float64)
    totals = np.concatenate([[0.0], np.cumsum(values)])  # totals[i]: the first i
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - window, 0)
    return (totals[ends] - totals[starts]) / (ends - starts)


def outcome(agent):
    """``"solved at step 24,000"`` or ``"not solved in 60,000 steps"``."""
    if agent.solved_at_ is not None:
        return f"solved at step {agent.solved_at_:,}"
    return f"not solved in {agent.n_steps_:,} steps"


def record(agent, seed):
    """A greedy episode of ``agent`` on CartPole-v1 (reset with ``seed``) and the
    Q-values it saw at each state, shape (n_steps + 1, 2)."""
    episode = play_episode(agent, make_environment(), seed=seed)
    return episode, agent.q_values(episode.states)


def untrained_agent(seed=0):
    """The chapter's agent before any learning: its network's first weights (no
    update is taken in its single step)."""
    agent = DQN(**{**SETTINGS, "learning_starts": 10}, random_state=seed)
    return agent.learn(make_environment(), 1)
